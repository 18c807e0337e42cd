import ConstitutionCore
import ConstitutionYAML

/// Reads our own YAML files (incidents, rules, config) with located errors: unknown keys are
/// warnings with a did-you-mean, wrong types and missing keys are errors at file:line:column.
/// Only `true`/`false` are booleans in our files.
public struct SchemaReader {
    /// The file's display path.
    public let path: String
    /// Problems found so far.
    public private(set) var diagnostics: [Diagnostic] = []

    /// Creates a reader for `path`.
    public init(path: String) { self.path = path }

    /// Records an error at `node`.
    public mutating func error(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(path: path, location: location, severity: .error, message: message))
    }

    /// Records a warning at `node`.
    public mutating func warning(_ message: String, at location: SourceLocation) {
        diagnostics.append(Diagnostic(path: path, location: location, severity: .warning, message: message))
    }

    /// Whether any error was recorded.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Checks `node` is a mapping and warns about keys outside `known` (with a suggestion).
    /// Returns false (with an error) when `node` is not a mapping.
    /// With `unknownIs: .error`, an unknown key is an error (`why` says what it would cause).
    @discardableResult
    public mutating func checkKeys(
        _ node: YAMLNode, known: [String], what: String, unknownIs severity: Severity = .warning, why: String? = nil
    ) -> Bool {
        guard node.kind == .mapping else {
            error("\(what) must be a mapping", at: node.location)
            return false
        }
        for pair in node.ownPairs {
            guard let key = pair.key.scalar else {
                error("keys in \(what) must be plain strings", at: pair.key.location)
                continue
            }
            if pair.key.isMergeKey || known.contains(key) { continue }
            var message = "unknown key '\(key)' in \(what)"
            if let suggestion = Self.suggest(key, from: known) { message += " (did you mean '\(suggestion)'?)" }
            if severity == .error {
                error(message + (why.map { ": \($0)" } ?? ""), at: pair.key.location)
            } else {
                warning(message, at: pair.key.location)
            }
        }
        return true
    }

    /// A required string; records an error (at `parent`'s location) when missing or not a scalar.
    public mutating func requiredString(_ parent: YAMLNode, _ key: String, what: String) -> String? {
        guard let node = parent[key] else {
            error("missing required key '\(key)' in \(what)", at: parent.location)
            return nil
        }
        return string(node, key: key)
    }

    /// An optional string.
    public mutating func optionalString(_ parent: YAMLNode, _ key: String) -> String? {
        guard let node = parent[key], !node.isNull else { return nil }
        return string(node, key: key)
    }

    /// The scalar text of `node`, or an error when it is a collection.
    public mutating func string(_ node: YAMLNode, key: String) -> String? {
        guard node.kind == .scalar, let text = node.scalar else {
            error("'\(key)' must be a string, found a \(node.kind == .mapping ? "mapping" : "list")", at: node.location)
            return nil
        }
        return text
    }

    /// A list of strings (a single string is accepted as a one-element list).
    public mutating func stringList(_ parent: YAMLNode, _ key: String) -> [String] {
        guard let node = parent[key], !node.isNull else { return [] }
        if node.kind == .scalar { return node.scalar.map { [$0] } ?? [] }
        guard node.kind == .sequence else {
            error("'\(key)' must be a list of strings", at: node.location)
            return []
        }
        var out: [String] = []
        for item in node.elements {
            if let s = string(item, key: key) { out.append(s) }
        }
        return out
    }

    /// An optional boolean: only `true` and `false` are accepted.
    public mutating func optionalBool(_ parent: YAMLNode, _ key: String) -> Bool? {
        guard let node = parent[key], !node.isNull else { return nil }
        if node.scalarEquals("true") { return true }
        if node.scalarEquals("false") { return false }
        error("'\(key)' must be true or false (only these two are booleans here)", at: node.location)
        return nil
    }

    /// The closest known key within edit distance 2 (or a third of the word), if any.
    public static func suggest(_ word: String, from candidates: [String]) -> String? {
        let w = Array(word.lowercased().unicodeScalars)
        let limit = max(2, word.count / 3)
        var best: (String, Int)?
        for c in candidates {
            let y = Array(c.lowercased().unicodeScalars)
            // The distance is at least the difference in length: most candidates stop here.
            guard abs(w.count - y.count) <= limit else { continue }
            let d = editDistance(w, y)
            if d <= limit, best.map({ d < $0.1 }) ?? true { best = (c, d) }
        }
        return best?.0
    }

    /// Levenshtein distance.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    static func editDistance(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar]) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
