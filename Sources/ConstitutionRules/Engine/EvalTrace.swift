import ConstitutionCore
import ConstitutionYAML

/// What one traced evaluation read and decided: every condition tried, the value it was tried
/// on (with its position) and its verdict, in evaluation order and nested as the conditions
/// are. Filled by ``ConditionEvaluator`` when ``EvalContext/trace`` is set; `rules trace` and
/// failing rule examples print it. Untraced evaluations pay one nil check per condition.
public final class EvalTrace {
    /// One line of the trace.
    public struct Entry: Sendable, Equatable {
        /// Nesting depth (0 for a section's top condition).
        public var depth: Int
        /// What was tried, e.g. `"Delete" at 7:16 equals "Retain"`.
        public var text: String
        /// The verdict; nil for notes and section headings.
        public var holds: Bool?
    }

    /// The entries, in order.
    public private(set) var entries: [Entry] = []
    /// Entries past ``limit`` that were evaluated but not kept (a `**` over a large document).
    public private(set) var dropped = 0
    /// The most entries kept.
    public let limit: Int
    private var depth = 0

    /// Creates an empty trace keeping at most `limit` entries.
    public init(limit: Int = 2000) { self.limit = limit }

    /// Adds a heading (`when`, `require`, …) at the current depth and indents what follows it.
    func section(_ text: String, _ body: () -> (Bool, SourceLocation)) -> (Bool, SourceLocation) {
        let slot = reserve()
        depth += 1
        let result = body()
        depth -= 1
        fill(slot, Entry(depth: depth, text: text, holds: result.0))
        return result
    }

    /// Adds a line with no verdict (what a join found).
    func note(_ text: String) {
        let slot = reserve()
        fill(slot, Entry(depth: depth, text: text, holds: nil))
    }

    /// Records condition `c` tried on `v`; `body` evaluates it (and records what is nested).
    func record(_ c: Condition, _ v: Value, universal: Bool, _ ctx: EvalContext, _ body: () -> (Bool, SourceLocation)) -> (Bool, SourceLocation) {
        let slot = reserve()
        depth += 1
        let result = body()
        depth -= 1
        if slot != nil {
            fill(slot, Entry(depth: depth, text: Self.describe(c, on: v, universal: universal, ctx), holds: result.0))
        }
        return result
    }

    private func reserve() -> Int? {
        guard entries.count < limit else {
            dropped += 1
            return nil
        }
        entries.append(Entry(depth: depth, text: "", holds: nil))
        return entries.count - 1
    }

    private func fill(_ slot: Int?, _ entry: Entry) {
        if let slot { entries[slot] = entry }
    }

    /// The trace as indented lines under `indent`: `✓`/`✗` for verdicts, `·` for notes.
    public func lines(indent: String) -> [String] {
        var out = entries.map { e -> String in
            let mark = e.holds.map { $0 ? "✓ " : "✗ " } ?? "· "
            return indent + String(repeating: "  ", count: e.depth) + mark + e.text
        }
        if dropped > 0 { out.append(indent + "… \(dropped) more conditions evaluated, not shown") }
        return out
    }

    // MARK: Describing conditions and values

    /// How condition `c` reads when tried on `v`.
    static func describe(_ c: Condition, on v: Value, universal: Bool, _ ctx: EvalContext) -> String {
        switch c {
        case .always: return "always"
        case .all: return "all of"
        case .any: return "any of"
        case .none: return "none of"
        case .not: return "not"
        case .path(let p, let q, _):
            let quantifier = q ?? (universal ? .all : .any)
            let words = quantifier == .all ? "every value" : quantifier == .any ? "some value" : "no value"
            return "\(p.text) (\(words)\(q == nil ? "" : ", explicit"))"
        case .some(let q): return "some \(describe(q.selection)) satisfies its where"
        case .capture(let regex, let group, _):
            return "\(describe(v)) captures group \(group) of /\(regex.pattern)/"
        default:
            return "\(describe(v)) \(describeOperator(c, ctx))"
        }
    }

    static func describeOperator(_ c: Condition, _ ctx: EvalContext) -> String {
        func operand(_ o: Operand) -> String {
            let texts = ConditionEvaluator.resolve(o, ctx)
            let shown: String
            if texts.count == 1 {
                shown = quoted(texts[0])
            } else {
                shown = "[" + texts.prefix(8).map(quoted).joined(separator: ", ") + (texts.count > 8 ? ", … \(texts.count - 8) more" : "") + "]"
            }
            switch o {
            case .param(let name): return shown + " (param \(name))"
            case .subject(let path, _): return shown + " (self \(path.text))"
            case .file(let prop): return shown + " (file \(prop.rawValue))"
            case .outer(let path): return shown + " (outer \(path.text))"
            case .literal, .texts: return shown
            }
        }
        switch c {
        case .equals(let o): return "equals " + operand(o)
        case .isIn(let o): return "in " + operand(o)
        case .contains(let o): return "contains " + operand(o)
        case .startsWith(let o): return "starts_with " + operand(o)
        case .endsWith(let o): return "ends_with " + operand(o)
        case .covers(let o): return "covers " + operand(o)
        case .selects(let o):
            let sets = ConditionEvaluator.resolveValues(o, ctx).map { v in
                v.isMissing ? "(missing)" : "{" + v.entries.map { "\($0.key ?? ""): \($0.value.scalarText ?? "…")" }.joined(separator: ", ") + "}"
            }
            return "selects the labels " + (sets.isEmpty ? "(none)" : sets.joined(separator: " or "))
        case .domainCovers(let o): return "is the domain or a parent domain of " + operand(o)
        case .matches(let r): return "matches /\(r.pattern)/" + (r.ignoreCase ? "i" : "")
        case .matchesParam(let name, _): return "matches the pattern in param \(name)"
        case .exists(let want): return want ? "exists" : "is absent"
        case .empty(let want): return want ? "is empty" : "is not empty"
        case .isBool(let want): return "is \(want) (YAML 1.1 spellings)"
        case .deployed(let want): return want ? "deployed by a GitOps controller" : "not deployed by a GitOps controller"
        case .compare(let domain, let op, let o):
            let prefix = domain == .number ? "" : domain.rawValue + "_"
            return prefix + op.rawValue + " " + operand(o)
        default: return ""
        }
    }

    /// A selection in a few words: `PersistentVolumeClaim in kubernetes files`.
    static func describe(_ s: Selection) -> String {
        var parts: [String] = []
        if !s.resources.isEmpty { parts.append(s.resources.joined(separator: "/")) }
        if let f = s.facet { parts.append("\(f.rawValue) item") }
        if parts.isEmpty { parts.append("document") }
        return parts.joined(separator: " ")
    }

    /// A value in a few words, with its position: `"Delete" at 7:16`, `a mapping at 3:5`.
    public static func describe(_ v: Value) -> String {
        let at = " at \(v.location.line):\(v.location.column)"
        switch v {
        case .missing: return "(missing)" + at
        case .node(let n, _):
            switch n.kind {
            case .scalar: return n.isNull ? "null" + at : quoted(n.scalar ?? "") + at
            case .mapping:
                // A Kubernetes object by its kind and name.
                let named = [n["kind"]?.scalar, n["metadata"]?["name"]?.scalar].compactMap { $0 }
                return (named.isEmpty ? "a mapping" : named.joined(separator: " ")) + at
            case .sequence: return "a list of \(n.count)" + at
            case .alias: return "an alias" + at
            }
        case .text(let t): return quoted(t.text) + at
        case .list(let items, _): return "a list of \(items.count)" + at
        case .object(let o):
            let fields = o.fields.prefix(2).compactMap { f in f.1.scalarText.map { "\(f.0): \(quoted($0))" } }
            return "{" + fields.joined(separator: ", ") + (o.fields.count > 2 ? ", …" : "") + "}" + at
        }
    }

    /// `text` in double quotes, on one line, cut to 60 characters.
    static func quoted(_ text: String) -> String {
        var shown = ""
        var count = 0
        for ch in text.unicodeScalars {
            if count == 60 {
                shown += "…"
                break
            }
            switch ch {
            case "\n": shown += "\\n"
            case "\t": shown += "\\t"
            case "\"": shown += "\\\""
            default: shown.unicodeScalars.append(ch.value < 0x20 || ch.value == 0x7F ? "?" : ch)
            }
            count += 1
        }
        return "\"" + shown + "\""
    }
}
