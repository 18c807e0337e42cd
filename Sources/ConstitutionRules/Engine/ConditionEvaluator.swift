import ConstitutionCore
import ConstitutionYAML

/// The file a subject lives in, for `{file: …}` operands.
public struct FileInfo: Sendable, Hashable {
    /// Display path relative to the linted root; for a document embedded in another file, its
    /// destination (`/opt/arr/docker-compose.yml`), which is what `{file: …}` reads.
    public var path: String
    /// For an embedded document: the file it is written in, where findings are reported.
    public var origin: EmbeddedOrigin?

    /// Creates file info.
    public init(path: String, origin: EmbeddedOrigin? = nil) {
        self.path = path
        self.origin = origin
    }

    /// Where findings are reported: the outer file for an embedded document.
    public var reportPath: String { origin?.outerPath ?? path }

    /// `location` (in the subject's own text) where it is in the reported file.
    public func reported(_ location: SourceLocation) -> SourceLocation { origin?.map(location) ?? location }

    /// The folder (`.` for the root).
    public var dir: String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return String(Substring(path.utf8[..<slash]))
    }

    /// The file name.
    public var name: String { String(PathText.lastSegment(path)) }
}

/// Candidates for every `some:` query, gathered over the whole linted tree.
public struct RepoIndex: Sendable {
    /// A candidate: a document or item and its file.
    public struct Candidate: Sendable {
        public var value: Value
        public var file: FileInfo
    }

    /// Candidates by query id.
    public var candidates: [Int: [Candidate]] = [:]
    /// What the repository's GitOps controllers deploy (built when a rule uses `deployed:`).
    public var gitops: GitOpsModel?

    /// Creates an empty index.
    public init() {}
}

/// Everything a condition may refer to besides the value under test.
struct EvalContext {
    var subject: Value
    /// Where a missing field of the subject is reported: the key that holds the subject.
    var subjectAnchor: SourceLocation? = nil
    var file: FileInfo
    var params: [String: Value]
    var index: RepoIndex?
    /// Results of `some:` joins already computed, keyed by the query and every value of the
    /// subject the join reads (phase 2 runs on one thread).
    var someCache: SomeCache? = nil
    /// A projected subject's values by `{self: …}` path text (see ``BoundRule``).
    var projection: [String: [Value]]? = nil
    /// When set, every condition tried is recorded here (`rules trace`, failing examples).
    var trace: EvalTrace? = nil
    /// The candidate a `some:` is testing (nil outside any `some:`).
    var current: Value? = nil
    /// The candidate of the enclosing `some:`, for `{outer: …}` in a nested one.
    var outer: Value? = nil
    /// The file of the candidate a `some:` is testing, for `$file.path` (nil outside any `some:`,
    /// where `$file` is the subject's file).
    var currentFile: FileInfo? = nil
}

/// Memoised `some:` results: thousands of manifests asking "is my folder some Application's
/// path?" share a handful of distinct answers.
final class SomeCache: @unchecked Sendable {
    var results: [String: Bool] = [:]
    /// Per query id: the join's equality key and its candidates by value (nil: the query has
    /// no such key). See ``JoinIndex``.
    var joinIndexes: [Int: JoinIndex?] = [:]

    /// The join index of `q` over `candidates`, made on first use.
    func joinIndex(_ q: SomeQuery, _ candidates: [RepoIndex.Candidate]) -> JoinIndex? {
        if let known = joinIndexes[q.id] { return known }
        let made = JoinIndex(q, candidates)
        joinIndexes[q.id] = made
        return made
    }
}

/// A hash join for `some:`: when a query's `where` requires (as itself, or as one of the
/// conditions of an `all`) that some value at a path of the candidate equals a value of the
/// subject (`{path: {equals: {self: x}}}`), only candidates holding one of the subject's values
/// there can match. They are found by value instead of trying every candidate per subject,
/// which turns "every claim against every workload" into a lookup. The whole `where` is still
/// evaluated on each candidate found, so the answer is the same.
struct JoinIndex {
    /// The subject's path whose values are looked up.
    let subjectPath: PathExpression
    /// Candidate indexes (ascending) by the texts at the candidate's path.
    let byValue: [String: [Int]]

    init?(_ q: SomeQuery, _ candidates: [RepoIndex.Candidate]) {
        guard let (candidatePath, subjectPath) = Self.key(q.condition) else { return nil }
        self.subjectPath = subjectPath
        var byValue: [String: [Int]] = [:]
        for (i, candidate) in candidates.enumerated() {
            var seen: Set<String> = []
            for value in candidatePath.evaluate(candidate.value) where !value.isMissing {
                guard let text = value.scalarText, seen.insert(text).inserted else { continue }
                byValue[text, default: []].append(i)
            }
        }
        self.byValue = byValue
    }

    /// The candidate path and subject path of an equality join in `c`, if it has one.
    static func key(_ c: Condition) -> (PathExpression, PathExpression)? {
        switch c {
        case .path(let p, let q, .equals(.subject(let x, extract: nil))) where q == nil || q == .any:
            // A path read from elsewhere (the subject, parameters, the file) is not the candidate's.
            guard let first = p.steps.first, first != .key("$self"), first != .key("$params"), first != .key("$file") else {
                return p.steps.isEmpty ? (p, x) : nil
            }
            return (p, x)
        case .all(let cs):
            for c in cs { if let k = key(c) { return k } }
            return nil
        default:
            return nil
        }
    }

    /// The indexes of the candidates that may match a subject whose values at
    /// ``subjectPath`` are `texts`, ascending.
    func candidates(for texts: [String]) -> [Int] {
        if texts.count == 1 { return byValue[texts[0]] ?? [] }
        return Array(Set(texts.flatMap { byValue[$0] ?? [] })).sorted()
    }
}

/// Evaluates conditions. `universal` is the default quantifier for multi-valued paths: `true`
/// in `require` (every value), `false` in `forbid`, `when` and `where` (some value); `not` flips it.
/// Returns whether the condition holds and the witness: where a `require` failure or a `forbid`
/// hit is reported.
enum ConditionEvaluator {
    static func evaluate(_ c: Condition, _ v: Value, universal: Bool, _ ctx: EvalContext) -> (Bool, SourceLocation) {
        guard let trace = ctx.trace else { return step(c, v, universal: universal, ctx) }
        return trace.record(c, v, universal: universal, ctx) { step(c, v, universal: universal, ctx) }
    }

    /// One condition against one value; nested conditions go back through ``evaluate``.
    private static func step(_ c: Condition, _ v: Value, universal: Bool, _ ctx: EvalContext) -> (Bool, SourceLocation) {
        switch c {
        case .always:
            return (true, v.location)
        case .all(let cs):
            var witness: SourceLocation?
            for sub in cs {
                let (h, l) = evaluate(sub, v, universal: universal, ctx)
                if !h { return (false, l) }
                if !sub.isNegation { witness = l }
            }
            return (true, witness ?? v.location)
        case .any(let cs):
            var firstFail: SourceLocation?
            var joins = false
            for sub in cs {
                let (h, l) = evaluate(sub, v, universal: universal, ctx)
                if h { return (true, l) }
                firstFail = firstFail ?? l
                joins = joins || sub.isCrossDocument
            }
            // Alternatives that look across files (`provided_by:`, several `some:`) fail as a
            // whole: no one alternative's guard is the place to blame, so the value itself is
            // (a rule's subject is then reported where its `when` matched).
            if joins, cs.count > 1 { return (false, v.location) }
            return (false, firstFail ?? v.location)
        case .none(let cs):
            let (h, l) = evaluate(.any(cs), v, universal: !universal, ctx)
            return (!h, l)
        case .not(let inner):
            let (h, l) = evaluate(inner, v, universal: !universal, ctx)
            return (!h, l)
        case .path(let path, let q, let inner):
            if path.steps.first == .key("$params") {
                // `$params.name` reads the rule's parameters (so a rule can depend on a setting);
                // the witness stays on the subject, never in the rule's own file.
                let params = FacetObject(fields: ctx.params.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, location: v.location)
                let rest = PathExpression(steps: Array(path.steps.dropFirst()))
                let (holds, _) = evaluate(.path(rest, q, inner), .object(params), universal: universal, ctx)
                return (holds, v.location)
            }
            if path.steps.first == .key("$file") {
                // `$file.path|dir|name`: the file of the value under test (a `some:`'s candidate,
                // else the subject), so a join can stay in the subject's own file.
                let f = ctx.currentFile ?? ctx.file
                let fields: [(String, Value)] = [("path", f.path), ("dir", f.dir), ("name", f.name)].map {
                    ($0.0, .text(LocatedText($0.1, at: v.location)))
                }
                let rest = PathExpression(steps: Array(path.steps.dropFirst()))
                let (holds, _) = evaluate(.path(rest, q, inner), .object(FacetObject(fields: fields, location: v.location)), universal: universal, ctx)
                return (holds, v.location)
            }
            if path.steps.first == .key("$self") {
                // `$self.path` reads the rule's subject wherever it is written (in a `some:`'s
                // `where:`, the candidate is the value and the subject is only reachable so).
                let rest = PathExpression(steps: Array(path.steps.dropFirst()))
                var values = ctx.projection?[rest.text] ?? rest.evaluate(ctx.subject)
                if values.isEmpty, ctx.projection != nil { values = [.missing(v.location)] }
                return quantify(values, q ?? (universal ? .all : .any), inner, universal: universal, ctx, at: v.location)
            }
            let values = path.evaluate(v, anchor: v.isSameNode(as: ctx.subject) ? ctx.subjectAnchor : nil)
            return quantify(values, q ?? (universal ? .all : .any), inner, universal: universal, ctx, at: v.location)
        case .equals(let o), .isIn(let o):
            if case .node(let n, _) = v {
                // Compared in place: no String per value.
                guard n.kind == .scalar else { return (false, v.location) }
                return (resolve(o, ctx).contains { n.scalarEquals($0) }, v.location)
            }
            guard let text = v.scalarText else { return (false, v.location) }
            return (resolve(o, ctx).contains(text), v.location)
        case .contains(let o):
            let wanted = resolve(o, ctx)
            let items = v.elements
            if !items.isEmpty || isSequence(v) {
                for item in items {
                    if let t = item.scalarText, wanted.contains(t) { return (true, item.location) }
                }
                return (false, v.location)
            }
            guard let text = v.scalarText else { return (false, v.location) }
            for w in wanted where !w.isEmpty {
                if let offset = ByteSearch.firstOffset(of: Array(w.utf8), in: Array(text.utf8)) {
                    return (true, v.locatedText?.location(ofUTF8: offset) ?? v.location)
                }
            }
            return (false, v.location)
        case .startsWith(let o):
            guard let text = v.scalarText else { return (false, v.location) }
            return (resolve(o, ctx).contains { text.hasPrefix($0) }, v.location)
        case .endsWith(let o):
            guard let text = v.scalarText else { return (false, v.location) }
            return (resolve(o, ctx).contains { text.hasSuffix($0) }, v.location)
        case .covers(let o):
            guard let text = v.scalarText else { return (false, v.location) }
            let mine = normalizeFolder(text)
            return (resolve(o, ctx).contains { folder(mine, covers: normalizeFolder($0)) }, v.location)
        case .domainCovers(let o):
            guard let text = v.scalarText else { return (false, v.location) }
            let mine = normalizeDomain(text)
            return (resolve(o, ctx).contains { domain(mine, covers: normalizeDomain($0)) }, v.location)
        case .matches(let regex):
            return match(regex, v)
        case .selects(let o):
            let labelSets = resolveValues(o, ctx)
            return (labelSets.contains { LabelSelector.selects(v, labels: $0) }, v.location)
        case .capture(let regex, let group, let inner):
            // Every match in turn: the condition holds at the first whose group satisfies it.
            guard let text = v.scalarText else { return (false, v.location) }
            var first: SourceLocation?
            for hit in regex.allGroups(in: text, group: group) {
                let at = v.locatedText?.location(ofUTF8: hit.offset) ?? v.location
                let (holds, where_) = evaluate(inner, .text(LocatedText(String(hit.text), at: at)), universal: universal, ctx)
                if holds { return (true, where_) }
                if first == nil { first = where_ }
            }
            return (false, first ?? v.location)
        case .matchesParam(let name, let ignoreCase):
            // Bound rules have no .matchesParam left; an unbound evaluation compiles on the fly.
            guard let pattern = ctx.params[name]?.scalarText, let regex = try? CompiledRegex(pattern, ignoreCase: ignoreCase) else {
                return (false, v.location)
            }
            return match(regex, v)
        case .exists(let want):
            return (!v.isMissing == want, v.location)
        case .empty(let want):
            return (v.isEmpty == want, v.location)
        case .isBool(let want):
            guard let text = v.scalarText, let b = YAMLBool.read(text) else { return (false, v.location) }
            return (b == want, v.location)
        case .deployed(let want):
            // Without a model (a rule evaluated outside a whole-tree run) nothing is known to
            // be deployed.
            let deployment = ctx.index?.gitops?.deployer(of: ctx.file.path)
            if let trace = ctx.trace {
                trace.note(deployment.map { "\(ctx.file.path) is deployed: \($0.via)" } ?? "no GitOps controller deploys \(ctx.file.path)")
            }
            return ((deployment != nil) == want, v.location)
        case .compare(let domain, let op, let o):
            guard let text = v.scalarText, let other = resolve(o, ctx).first else { return (false, v.location) }
            guard let order = compare(text, other, domain) else { return (false, v.location) }
            return (op.test(order), v.location)
        case .some(let q):
            let candidates = ctx.index?.candidates[q.id] ?? []
            // The answer depends only on the subject values the join reads: memoise on them.
            var key: String?
            if ctx.someCache != nil, let refs = q.condition.subjectOperands {
                key = "\(q.id)\u{2}" + refs.map { resolveValues($0, ctx).map(fingerprint).joined(separator: "\u{1}") }.joined(separator: "\u{2}")
            }
            var found = false
            if let key, let known = ctx.someCache?.results[key] {
                found = known
            } else {
                // Inside `where`, `{self: …}` and `{file: …}` still mean the rule's own subject.
                // A trace names the candidate that matched, not every candidate's conditions.
                var inner = ctx
                inner.trace = nil
                inner.outer = ctx.current
                var pool = candidates
                if let cache = ctx.someCache, candidates.count > 8, let join = cache.joinIndex(q, candidates) {
                    pool = join.candidates(for: resolve(.subject(join.subjectPath, extract: nil), ctx)).map { candidates[$0] }
                }
                for candidate in pool {
                    inner.current = candidate.value
                    inner.currentFile = candidate.file
                    let (h, _) = evaluate(q.condition, candidate.value, universal: false, inner)
                    if h {
                        found = true
                        ctx.trace?.note("matched \(EvalTrace.describe(candidate.value)) in \(candidate.file.path)")
                        break
                    }
                }
                if !found { ctx.trace?.note("no candidate matched (\(candidates.count) in the tree)") }
                if let key { ctx.someCache?.results[key] = found }
            }
            if found { return (true, v.location) }
            if let anchor = q.anchor, let first = (ctx.projection?[anchor.text] ?? anchor.evaluate(ctx.subject)).first, !first.isMissing {
                return (false, first.location)
            }
            return (false, v.location)
        }
    }

    /// The values a path reached, quantified.
    private static func quantify(_ values: [Value], _ q: Quantifier, _ inner: Condition, universal: Bool, _ ctx: EvalContext, at location: SourceLocation) -> (Bool, SourceLocation) {
        switch q {
        case .all:
            var witness: SourceLocation?
            for value in values {
                let (h, l) = evaluate(inner, value, universal: universal, ctx)
                if !h { return (false, l) }
                witness = witness ?? l
            }
            return (true, witness ?? location)
        case .any:
            var firstFail: SourceLocation?
            for value in values {
                let (h, l) = evaluate(inner, value, universal: universal, ctx)
                if h { return (true, l) }
                firstFail = firstFail ?? l
            }
            return (false, firstFail ?? location)
        case .none:
            for value in values {
                let (h, l) = evaluate(inner, value, universal: !universal, ctx)
                if h { return (false, l) }
            }
            return (true, values.first?.location ?? location)
        }
    }

    private static func isSequence(_ v: Value) -> Bool {
        switch v {
        case .node(let n, _): return n.kind == .sequence
        case .list: return true
        default: return false
        }
    }

    private static func match(_ regex: CompiledRegex, _ v: Value) -> (Bool, SourceLocation) {
        let found: Range<Int>?
        if case .node(let n, _) = v {
            // Matched in place: no String per value.
            guard let hit = n.withScalarBytes({ regex.firstMatch(in: $0) }) else { return (false, v.location) }
            found = hit
        } else {
            guard let text = v.scalarText else { return (false, v.location) }
            found = regex.firstMatch(in: text)
        }
        guard let range = found else { return (false, v.location) }
        return (true, v.locatedText?.location(ofUTF8: range.lowerBound) ?? v.location)
    }

    /// The operand's values as they are (mappings included), for `selects` and memo keys.
    static func resolveValues(_ o: Operand, _ ctx: EvalContext) -> [Value] {
        switch o {
        case .literal(let v): return [v]
        case .param(let name): return ctx.params[name].map { [$0] } ?? []
        case .subject(let path, .none): return ctx.projection?[path.text] ?? path.evaluate(ctx.subject)
        case .outer(let path): return ctx.outer.map { path.evaluate($0) } ?? []
        default: return resolve(o, ctx).map { .text(LocatedText($0, at: .start)) }
        }
    }

    /// A text that is equal for equal values (scalars, and mappings and lists by content).
    static func fingerprint(_ v: Value) -> String {
        if v.isMissing { return "\u{3}" }
        if let t = v.scalarText { return t }
        let entries = v.entries
        if !entries.isEmpty {
            return "{" + entries.map { ($0.key ?? "") + "\u{4}" + fingerprint($0.value) }.sorted().joined(separator: "\u{5}") + "}"
        }
        return "[" + v.elements.map(fingerprint).joined(separator: "\u{5}") + "]"
    }

    /// The operand's texts (a list operand yields each item; a scalar one item).
    static func resolve(_ o: Operand, _ ctx: EvalContext) -> [String] {
        switch o {
        case .outer(let path):
            return (ctx.outer.map { path.evaluate($0) } ?? []).flatMap(texts)
        case .texts(let t): return t
        case .literal(let v): return texts(v)
        case .param(let name): return ctx.params[name].map(texts) ?? []
        case .subject(let path, let extract):
            let all = (ctx.projection?[path.text] ?? path.evaluate(ctx.subject)).flatMap(texts)
            guard let extract else { return all }
            return all.flatMap { text in extract.allGroups(in: text, group: 1).map { String($0.text) } }
        case .file(let prop):
            switch prop {
            case .path: return [ctx.file.path]
            case .dir: return [ctx.file.dir]
            case .name: return [ctx.file.name]
            }
        }
    }

    static func texts(_ v: Value) -> [String] {
        if let t = v.scalarText { return v.isMissing ? [] : [t] }
        return v.elements.compactMap(\.scalarText)
    }

    static func normalizeFolder(_ s: String) -> String {
        var parts = PathText.segments(s).filter { $0 != "." }
        while parts.last == "" { parts.removeLast() }
        return parts.joined(separator: "/")
    }

    /// A domain compared case-insensitively, without a trailing dot.
    static func normalizeDomain(_ s: String) -> String {
        var d = s.trimmingSpaces.lowercased()
        while d.hasSuffix(".") { d.removeLast() }
        return d
    }

    /// Whether domain `a` is `b` or one of its parents (`k3s.lab` for `nas.k3s.lab`).
    static func domain(_ a: String, covers b: String) -> Bool {
        !a.isEmpty && (a == b || b.hasSuffix("." + a))
    }

    /// Whether folder `a` is `b` or one of its parents (`""` covers everything).
    static func folder(_ a: String, covers b: String) -> Bool {
        a.isEmpty || a == b || b.hasPrefix(a + "/")
    }

    /// Compares two texts in a domain: negative, zero or positive; nil when either does not parse.
    static func compare(_ a: String, _ b: String, _ domain: ComparisonDomain) -> Int? {
        switch domain {
        case .number:
            guard let x = Double(a.trimmingSpaces), let y = Double(b.trimmingSpaces) else { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        case .quantity:
            guard let x = Quantity.parse(a), let y = Quantity.parse(b) else { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        case .version:
            guard let x = Version.parse(a), let y = Version.parse(b) else { return nil }
            return Version.compare(x, y)
        }
    }
}

extension Condition {
    /// Whether the condition is made only of `some:` joins (combined with all/any/none/not),
    /// so it reads its subject only through the joins' `{self: …}` operands.
    var isPureJoin: Bool {
        switch self {
        case .some, .always: return true
        case .all(let cs), .any(let cs), .none(let cs): return cs.allSatisfy(\.isPureJoin)
        case .not(let c): return c.isPureJoin
        default: return false
        }
    }

    /// The `{self: …}` paths of every join inside (and their failure anchors).
    var joinSubjectPaths: [PathExpression] {
        func paths(_ c: Condition) -> [PathExpression] {
            switch c {
            case .equals(let o), .isIn(let o), .contains(let o), .startsWith(let o), .endsWith(let o), .covers(let o), .domainCovers(let o),
                .compare(_, _, let o), .selects(let o):
                if case .subject(let p, _) = o { return [p] }
                return []
            case .all(let cs), .any(let cs), .none(let cs): return cs.flatMap(paths)
            case .path(let p, _, let c) where p.steps.first == .key("$self"):
                return [PathExpression(steps: Array(p.steps.dropFirst()))] + paths(c)
            case .not(let c), .path(_, _, let c), .capture(_, _, let c): return paths(c)
            case .some(let q): return paths(q.condition) + (q.anchor.map { [$0] } ?? [])
            default: return []
            }
        }
        return paths(self)
    }

    /// The operands that read the subject or its file, or nil when the condition holds a
    /// nested `some:` (then it is not memoised).
    var subjectOperands: [Operand]? {
        func refs(_ o: Operand) -> [Operand] {
            switch o {
            case .subject, .file, .outer: return [o]
            default: return []
            }
        }
        switch self {
        case .some: return nil
        case .all(let cs), .any(let cs), .none(let cs):
            var out: [Operand] = []
            for c in cs {
                guard let r = c.subjectOperands else { return nil }
                out += r
            }
            return out
        case .path(let p, _, let c) where p.steps.first == .key("$self"):
            return c.subjectOperands.map { [.subject(PathExpression(steps: Array(p.steps.dropFirst())), extract: nil)] + $0 }
        case .not(let c), .path(_, _, let c), .capture(_, _, let c): return c.subjectOperands
        case .equals(let o), .isIn(let o), .contains(let o), .startsWith(let o), .endsWith(let o), .covers(let o), .domainCovers(let o),
            .compare(_, _, let o), .selects(let o):
            return refs(o)
        default: return []
        }
    }

    var isNegation: Bool {
        switch self {
        case .not, .none, .exists(false), .empty: return true
        default: return false
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = self[...]
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// Booleans as YAML 1.1 readers see them (Kubernetes reads manifests with go-yaml's 1.1 rules,
/// Ansible with PyYAML's, and Ansible's own `boolean()` accepts `y`/`n` too): docs/rules.md, `is`.
public enum YAMLBool {
    static let trueSpellings: Set<String> = ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"]
    static let falseSpellings: Set<String> = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"]

    /// The boolean `text` spells, or nil when it is not a boolean.
    public static func read(_ text: String) -> Bool? {
        if trueSpellings.contains(text) { return true }
        if falseSpellings.contains(text) { return false }
        return nil
    }
}

/// Kubernetes resource quantities (`128Mi`, `1.5Gi`, `250m`, `1e3`).
public enum Quantity {
    /// The quantity as a Double in base units, or nil.
    public static func parse(_ text: String) -> Double? {
        let s = String(text.trimmingSpaces)
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1_048_576), ("Gi", 1_073_741_824), ("Ti", 1_099_511_627_776),
            ("Pi", 1_125_899_906_842_624), ("Ei", 1_152_921_504_606_846_976), ("n", 1e-9), ("u", 1e-6), ("m", 1e-3),
            ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
        ]
        for (suffix, factor) in suffixes where s.hasSuffix(suffix) {
            guard let n = Double(s.dropLast(suffix.count)) else { return nil }
            return n * factor
        }
        return Double(s)
    }
}

/// Loose versions: `v1.30.2+k3s1`, `5.4`, `RELEASE.2024-01-01` (no version), image tags.
public enum Version {
    /// Numeric components of the leading version in `text` (after an optional `v`), or nil.
    public static func parse(_ text: String) -> [Int]? {
        var s = Substring(text.trimmingSpaces)
        if s.first == "v" || s.first == "V" { s = s.dropFirst() }
        var parts: [Int] = []
        var current = ""
        for ch in s {
            if ch.isASCII, ch.isNumber {
                current.append(ch)
            } else if ch == ".", !current.isEmpty {
                parts.append(Int(current) ?? 0)
                current = ""
            } else {
                break
            }
        }
        if !current.isEmpty { parts.append(Int(current) ?? 0) }
        return parts.isEmpty ? nil : parts
    }

    /// Component-wise comparison; missing components are zero.
    public static func compare(_ a: [Int], _ b: [Int]) -> Int {
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }
}

/// Kubernetes label selectors (`metav1.LabelSelector`): docs/rules.md, `selects`.
public enum LabelSelector {
    /// Whether `selector` selects an object with `labels`. A selector is a mapping with
    /// `matchLabels` and/or `matchExpressions` (every requirement must hold; `{}` selects
    /// everything), or a plain mapping of labels (a Service's `selector`), each of which must be
    /// there with that value. Anything else (missing, null, a scalar, a list) selects nothing.
    public static func selects(_ selector: Value, labels: Value) -> Bool {
        let fields = selector.entries
        guard isMapping(selector) else { return false }
        var have: [String: String] = [:]
        for e in labels.entries {
            if let k = e.key, let v = e.value.scalarText { have[k] = v }
        }
        let structured = fields.contains { $0.key == "matchLabels" || $0.key == "matchExpressions" }
        guard structured else {
            return fields.allSatisfy { f in f.key.map { have[$0] != nil && have[$0] == f.value.scalarText } ?? false }
        }
        for f in fields {
            switch f.key {
            case "matchLabels":
                for pair in f.value.entries {
                    guard let k = pair.key, let want = pair.value.scalarText, have[k] == want else { return false }
                }
            case "matchExpressions":
                for requirement in f.value.elements {
                    guard let key = requirement.child("key").scalarText, let op = requirement.child("operator").scalarText else { return false }
                    let values = requirement.child("values").elements.compactMap(\.scalarText)
                    let value = have[key]
                    switch op {
                    case "In": if !(value.map(values.contains) ?? false) { return false }
                    case "NotIn": if value.map(values.contains) ?? false { return false }
                    case "Exists": if value == nil { return false }
                    case "DoesNotExist": if value != nil { return false }
                    default: return false
                    }
                }
            default:
                continue
            }
        }
        return true
    }

    private static func isMapping(_ v: Value) -> Bool {
        switch v {
        case .node(let n, _): return n.kind == .mapping
        case .object: return true
        default: return false
        }
    }
}
