import ConstitutionCore
import ConstitutionYAML

/// A compiled path into a document, e.g. `spec.template.spec.containers[*].image`.
///
/// Grammar (documented in docs/rules.md):
/// - `a.b.c`: mapping keys; quote keys that contain dots: `metadata.annotations."argocd.argoproj.io/sync-wave"`;
/// - `[*]`: every element of a sequence; `[0]`: one element; `*`: every value of a mapping;
/// - `**`: the node and every node below it;
/// - concepts: `pod_spec` (the pod template of Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
///   Job, CronJob, ReplicationController, whatever the document) and `containers` (containers,
///   initContainers and ephemeralContainers of that pod spec);
/// - `|yaml`: parse the scalar as a YAML stream and continue at each document's root
///   (positions are mapped back to the outer file).
/// - `.` alone is the current value.
public struct PathExpression: Sendable, Hashable, CustomStringConvertible {
    /// One step.
    public enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
        case allElements
        case allValues
        case descendants
        case podSpec
        case containers
        case parseYAML
    }

    /// The steps, in order.
    public let steps: [Step]
    /// The path as written.
    public let text: String

    public var description: String { text }

    /// Whether the path can yield more than one value.
    public var isMultiValued: Bool {
        steps.contains { s in
            switch s {
            case .allElements, .allValues, .descendants, .containers, .parseYAML: return true
            default: return false
            }
        }
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
                    steps.append(.key(String(inner.dropFirst().dropLast())))
                } else {
                    throw fail("expected [*], [N] or [\"key\"], found [\(inner)]")
                }
                i = close + 1
                expectSegment = false
                continue
            }
            if c == "|" {
                let rest = String(String.UnicodeScalarView(chars[(i + 1)...]))
                guard rest.hasPrefix("yaml") else { throw fail("unknown filter after '|' (only |yaml exists)") }
                steps.append(.parseYAML)
                i += 5
                expectSegment = false
                continue
            }
            guard expectSegment else { throw fail("expected '.' before '\(c)'") }
            if c == "\"" || c == "'" {
                guard let close = chars[(i + 1)...].firstIndex(of: c) else { throw fail("unclosed quote") }
                steps.append(.key(String(String.UnicodeScalarView(chars[(i + 1)..<close]))))
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

    /// Workload kinds and where their pod spec lives.
    static let podSpecPaths: [String: [String]] = [
        "Pod": ["spec"],
        "Deployment": ["spec", "template", "spec"],
        "StatefulSet": ["spec", "template", "spec"],
        "DaemonSet": ["spec", "template", "spec"],
        "ReplicaSet": ["spec", "template", "spec"],
        "ReplicationController": ["spec", "template", "spec"],
        "Job": ["spec", "template", "spec"],
        "CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    ]

    /// Evaluates the path from `start`. A path that reaches nothing yields one `.missing` value
    /// anchored at the deepest key that exists (so "field missing" findings point at its parent).
    public func evaluate(_ start: Value, anchor: SourceLocation? = nil) -> [Value] {
        evaluateAnchored(start, anchor: anchor).map(\.0)
    }

    /// Like ``evaluate(_:anchor:)``, with each value's anchor: the key that holds it (where a
    /// finding about one of its missing fields goes).
    public func evaluateAnchored(_ start: Value, anchor: SourceLocation? = nil) -> [(Value, SourceLocation)] {
        var current: [(Value, SourceLocation)] = [(start, anchor ?? start.location)]
        for step in steps {
            var next: [(Value, SourceLocation)] = []
            var missingAnchor: SourceLocation?
            for (value, anchor) in current {
                if case .missing = value {
                    missingAnchor = missingAnchor ?? value.location
                    continue
                }
                let produced = Self.apply(step, to: value, anchor: anchor)
                if produced.isEmpty {
                    if case .key = step { missingAnchor = missingAnchor ?? anchor }
                    if case .index = step { missingAnchor = missingAnchor ?? anchor }
                    if case .podSpec = step { missingAnchor = missingAnchor ?? anchor }
                    continue
                }
                next.append(contentsOf: produced)
            }
            if next.isEmpty {
                let at = missingAnchor ?? anchor ?? start.location
                return [(.missing(at), at)]
            }
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
            var current: [(Value, SourceLocation)] = [(value, anchor)]
            for key in path {
                guard let (v, a) = current.first, let next = apply(.key(key), to: v, anchor: a).first else { return [] }
                current = [next]
            }
            return current
        case .containers:
            var spec = [(value, anchor)]
            if value.child("containers").isMissing && value.child("initContainers").isMissing {
                spec = apply(.podSpec, to: value, anchor: anchor)
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
