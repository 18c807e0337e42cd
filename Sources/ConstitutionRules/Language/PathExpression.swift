import ConstitutionCore
import ConstitutionYAML

/// A compiled path into a document, e.g. `spec.template.spec.containers[*].image`.
///
/// Grammar (documented in docs/rules.md, "Paths"):
/// - `a.b.c`: mapping keys; quote keys that contain dots: `metadata.annotations."argocd.argoproj.io/sync-wave"`;
///   a quoted key with `*`, `?` or `[…]` is a glob over the mapping's keys (`\*` is a literal star);
/// - `[*]`: every element of a sequence; `[0]`: one element; `*`: every value of a mapping;
/// - `**`: the node and every node below it;
/// - concepts: `pod_spec` (the pod template's spec of Pod, Deployment, StatefulSet, DaemonSet,
///   ReplicaSet, Job, CronJob, ReplicationController, PodTemplate, whatever the document),
///   `pod_metadata` (that template's metadata) and `containers` (containers, initContainers and
///   ephemeralContainers of that pod spec);
/// - `|yaml`: parse the scalar as a YAML stream and continue at each document's root
///   (positions are mapped back to the outer file); `|keys`: the mapping's keys, as values
///   located at the keys themselves; `|entries`: each entry of a mapping as an object
///   `{key, value}` located at its key (so a condition can tie a key to its value: the Compose
///   service *named* `vpn` whose image is gluetun).
/// - `.` alone is the current value.
///
/// Quantifiers: steps that fan out (``Step/fansOut``) yield each value they reach, and nothing
/// at all from an empty collection; a later step that finds nothing in one branch yields a
/// `.missing` value for that branch, located at the element that lacks it.
public struct PathExpression: Sendable, Hashable, CustomStringConvertible {
    /// One step.
    public enum Step: Sendable, Hashable {
        case key(String)
        /// A quoted key with glob characters: every entry whose key matches.
        case keyGlob(String)
        case index(Int)
        case allElements
        case allValues
        case descendants
        case podSpec
        case podMetadata
        case containers
        case parseYAML
        case keys
        case entries

        /// Whether the step yields any number of values (each one, or none from an empty
        /// collection) rather than exactly one or a missing one.
        public var fansOut: Bool {
            switch self {
            case .keyGlob, .allElements, .allValues, .descendants, .containers, .parseYAML, .keys, .entries: return true
            case .key, .index, .podSpec, .podMetadata: return false
            }
        }
    }

    /// The steps, in order.
    public let steps: [Step]
    /// The path as written.
    public let text: String

    public var description: String { text }

    /// Whether the path can yield more than one value.
    public var isMultiValued: Bool {
        steps.contains(where: \.fansOut)
    }

    /// A path from already-parsed steps.
    public init(steps: [Step]) {
        self.steps = steps
        self.text = steps.map { "\($0)" }.joined(separator: ".")
    }

    /// Parses a path; throws a message (with the 0-based character offset) on bad syntax.
    public init(_ text: String) throws(PathSyntaxError) {
        self.text = text
        var steps: [Step] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        func fail(_ message: String) -> PathSyntaxError { PathSyntaxError(message: message, offset: i) }
        if text == "." || text.isEmpty {
            self.steps = []
            return
        }
        var expectSegment = true
        while i < chars.count {
            let c = chars[i]
            if c == "." {
                if expectSegment { throw fail("empty path segment") }
                expectSegment = true
                i += 1
                continue
            }
            if c == "[" {
                guard let close = chars[i...].firstIndex(of: "]") else { throw fail("unclosed '['") }
                let inner = String(String.UnicodeScalarView(chars[(i + 1)..<close]))
                if inner == "*" {
                    steps.append(.allElements)
                } else if let n = Int(inner), n >= 0 {
                    steps.append(.index(n))
                } else if inner.hasPrefix("\"") || inner.hasPrefix("'") {
                    steps.append(Self.quotedKey(String(inner.dropFirst().dropLast())))
                } else {
                    throw fail("expected [*], [N] or [\"key\"], found [\(inner)]")
                }
                i = close + 1
                expectSegment = false
                continue
            }
            if c == "|" {
                var j = i + 1
                while j < chars.count, chars[j] != ".", chars[j] != "[", chars[j] != "|" { j += 1 }
                switch String(String.UnicodeScalarView(chars[(i + 1)..<j])) {
                case "yaml": steps.append(.parseYAML)
                case "keys": steps.append(.keys)
                case "entries": steps.append(.entries)
                default: throw fail("unknown filter after '|' (|yaml, |keys and |entries exist)")
                }
                i = j
                expectSegment = false
                continue
            }
            guard expectSegment else { throw fail("expected '.' before '\(c)'") }
            if c == "\"" || c == "'" {
                guard let close = chars[(i + 1)...].firstIndex(of: c) else { throw fail("unclosed quote") }
                steps.append(Self.quotedKey(String(String.UnicodeScalarView(chars[(i + 1)..<close]))))
                i = close + 1
                expectSegment = false
                continue
            }
            var j = i
            while j < chars.count, chars[j] != ".", chars[j] != "[", chars[j] != "|" { j += 1 }
            let word = String(String.UnicodeScalarView(chars[i..<j]))
            switch word {
            case "*": steps.append(.allValues)
            case "**": steps.append(.descendants)
            case "pod_spec": steps.append(.podSpec)
            case "pod_metadata": steps.append(.podMetadata)
            // `containers` is the concept unless indexed (`containers[0]` is the plain list).
            case "containers" where (steps.isEmpty || steps.last == .podSpec) && (j >= chars.count || chars[j] != "["):
                steps.append(.containers)
            default: steps.append(.key(word))
            }
            i = j
            expectSegment = false
        }
        if expectSegment { throw fail("path ends with '.'") }
        self.steps = steps
    }

    /// A quoted key: a glob when it has an unescaped `*`, `?` or `[`, else the key itself with
    /// `\x` escapes removed (so `"a\*b"` is the literal key `a*b`).
    static func quotedKey(_ text: String) -> Step {
        var literal = ""
        var escaped = false
        for ch in text {
            if escaped {
                literal.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "*" || ch == "?" || ch == "[" {
                return .keyGlob(text)
            } else {
                literal.append(ch)
            }
        }
        if escaped { literal.append("\\") }
        return .key(literal)
    }

    /// Workload kinds and where their pod template (the `metadata` + `spec` pair a pod is made
    /// from) lives: the one table behind `pod_spec`, `pod_metadata`, `containers` and the
    /// facets' ``Workloads``.
    static let podTemplatePaths: [String: [String]] = [
        "Pod": [],
        "PodTemplate": ["template"],
        "Deployment": ["spec", "template"],
        "StatefulSet": ["spec", "template"],
        "DaemonSet": ["spec", "template"],
        "ReplicaSet": ["spec", "template"],
        "ReplicationController": ["spec", "template"],
        "Job": ["spec", "template"],
        "CronJob": ["spec", "jobTemplate", "spec", "template"],
    ]

    /// Workload kinds and where their pod spec lives (``podTemplatePaths`` + `spec`).
    static let podSpecPaths: [String: [String]] = podTemplatePaths.mapValues { $0 + ["spec"] }

    /// Workload kinds and where their pod template's metadata lives (``podTemplatePaths`` + `metadata`).
    static let podMetadataPaths: [String: [String]] = podTemplatePaths.mapValues { $0 + ["metadata"] }

    /// Evaluates the path from `start`: the values it reaches, with a `.missing` value for each
    /// branch that lacks the rest of the path (anchored where the branch stops: the key or
    /// element that lacks it), and nothing for branches that fan out over empty collections.
    public func evaluate(_ start: Value, anchor: SourceLocation? = nil) -> [Value] {
        evaluateAnchored(start, anchor: anchor).map(\.0)
    }

    /// Like ``evaluate(_:anchor:)``, with each value's anchor: the key that holds it (where a
    /// finding about one of its missing fields goes).
    public func evaluateAnchored(_ start: Value, anchor: SourceLocation? = nil) -> [(Value, SourceLocation)] {
        var current: [(Value, SourceLocation)] = [(start, anchor ?? start.location)]
        for step in steps {
            if current.isEmpty { break }
            var next: [(Value, SourceLocation)] = []
            next.reserveCapacity(current.count)
            for (value, anchor) in current {
                // A missing branch stays missing (where it stopped), whatever follows.
                if case .missing = value {
                    next.append((value, anchor))
                    continue
                }
                let produced = Self.apply(step, to: value, anchor: anchor)
                if produced.isEmpty {
                    // A single step that finds nothing makes the branch missing; a fan-out
                    // over nothing ends the branch (it has no values to check).
                    if !step.fansOut { next.append((.missing(anchor), anchor)) }
                    continue
                }
                next.append(contentsOf: produced)
            }
            current = next
        }
        return current
    }

    /// Walks `path` (plain keys) from `value`: the value reached, or a missing value at the
    /// deepest key that exists.
    private static func walk(_ path: [String], from value: Value, anchor: SourceLocation) -> (Value, SourceLocation) {
        var current = (value, anchor)
        for key in path {
            guard let next = apply(.key(key), to: current.0, anchor: current.1).first else { return (.missing(current.1), current.1) }
            current = next
        }
        return current
    }

    /// Applies one step; returns values with the location of the key that holds each.
    static func apply(_ step: Step, to value: Value, anchor: SourceLocation) -> [(Value, SourceLocation)] {
        switch step {
        case .key(let k):
            switch value {
            case .node(let n, let e):
                guard let (keyNode, v) = n.entry(k) else { return [] }
                let keyLoc = keyNode.map { e?.map($0.location) ?? $0.location } ?? (e?.map(v.location) ?? v.location)
                return [(.node(v, e), keyLoc)]
            case .object(let o):
                guard let v = o[k] else { return [] }
                return [(v, v.location)]
            default:
                return []
            }
        case .keyGlob(let pattern):
            let bytes = Array(pattern.utf8)[...]
            return value.entries.compactMap { entry in
                guard let key = entry.key, Glob.matchSegment(bytes, Array(key.utf8)[...]) else { return nil }
                return (entry.value, entry.keyLocation)
            }
        case .keys:
            switch value {
            case .node(let n, let e):
                guard n.kind == .mapping else { return [] }
                return n.pairs.map { pair in
                    let key = Value.node(pair.key, e)
                    return (key, key.location)
                }
            case .object(let o):
                return o.fields.map { (Value.text(LocatedText($0.0, at: o.location)), o.location) }
            default:
                return []
            }
        case .entries:
            switch value {
            case .node(let n, let e):
                guard n.kind == .mapping else { return [] }
                return n.pairs.map { pair in
                    let key = Value.node(pair.key, e)
                    let entry = FacetObject(fields: [("key", key), ("value", .node(pair.value, e))], location: key.location)
                    return (.object(entry), key.location)
                }
            case .object(let o):
                return o.fields.map { field in
                    let key = Value.text(LocatedText(field.0, at: o.location))
                    return (.object(FacetObject(fields: [("key", key), ("value", field.1)], location: field.1.location)), field.1.location)
                }
            default:
                return []
            }
        case .index(let i):
            let items = value.elements
            return i < items.count ? [(items[i], items[i].location)] : []
        case .allElements:
            return value.elements.map { ($0, $0.location) }
        case .allValues:
            return value.entries.map { ($0.value, $0.keyLocation) }
        case .descendants:
            var out: [(Value, SourceLocation)] = []
            var stack: [(Value, SourceLocation)] = [(value, anchor)]
            var visited = 0
            while let (v, a) = stack.popLast(), visited < 1_000_000 {
                visited += 1
                out.append((v, a))
                let children = v.entries.map { ($0.value, $0.keyLocation) } + v.elements.map { ($0, $0.location) }
                stack.append(contentsOf: children.reversed())
            }
            return out
        case .podSpec:
            guard let kind = value.child("kind").scalarText, let path = podSpecPaths[kind] else {
                // Already a pod spec (has containers) or a pod template: accept it as is.
                if !value.child("containers").isMissing { return [(value, anchor)] }
                if case .node = value.child("template").child("spec") { return [(value.child("template").child("spec"), anchor)] }
                return []
            }
            return [walk(path, from: value, anchor: anchor)]
        case .podMetadata:
            guard let kind = value.child("kind").scalarText, let path = podMetadataPaths[kind] else {
                // A pod template (`{metadata, spec}`) or something holding one under `template`.
                if !value.child("spec").child("containers").isMissing, case .node = value.child("metadata") {
                    return [walk(["metadata"], from: value, anchor: anchor)]
                }
                if case .node = value.child("template").child("metadata") { return [walk(["template", "metadata"], from: value, anchor: anchor)] }
                return []
            }
            return [walk(path, from: value, anchor: anchor)]
        case .containers:
            var spec = [(value, anchor)]
            if value.child("containers").isMissing && value.child("initContainers").isMissing {
                // A document without a pod spec has no containers (not a missing one).
                spec = apply(.podSpec, to: value, anchor: anchor).filter { !$0.0.isMissing }
            }
            var out: [(Value, SourceLocation)] = []
            for (s, a) in spec {
                for key in ["initContainers", "containers", "ephemeralContainers"] {
                    for (list, _) in apply(.key(key), to: s, anchor: a) {
                        out.append(contentsOf: list.elements.map { ($0, $0.location) })
                    }
                }
            }
            return out
        case .parseYAML:
            guard let text = value.locatedText, text.exact || !text.text.contains("\n") else { return [] }
            let embedded = YAMLParser.parse(path: "", text: text.text)
            let base = text.lineStarts[0]
            // Embedded line 1 starts at `base`; later lines start at the block's indentation,
            // which is the same column as line 1 for block scalars.
            let embedding = Embedding(lineDelta: base.line - 1, columnDelta: base.column - 1, offsetDelta: base.offset)
            return embedded.documents.map { doc in (.node(doc, embedding), embedding.map(doc.location)) }
        }
    }
}

/// A path that does not parse.
public struct PathSyntaxError: Error, Sendable, Hashable {
    /// What is wrong.
    public var message: String
    /// 0-based character offset in the path text.
    public var offset: Int
}
