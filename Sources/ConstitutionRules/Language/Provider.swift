import ConstitutionCore
import ConstitutionYAML

/// One way a lab satisfies a need (a backup operator, a load-balancer implementation), as data:
/// `providers/<family>/<id>.yaml`. A rule's `provided_by: <family>` holds when any provider of
/// the family `covers` the rule's subject (docs/rules.md, "Providers").
public struct Provider: Sendable {
    /// The provider's id, the file's name without `.yaml` (`velero`).
    public var id: String
    /// Its family, the folder's name (`backup`).
    public var family: String
    /// One line saying what it recognises.
    public var description: String
    /// The condition, as written (decoded, it is ``exampleRule``'s `require:`, which every
    /// `provided_by:` naming the family shares).
    public var covers: YAMLNode
    /// The provider as a rule (`require: <covers>` on its `subject:`), to run its examples.
    public var exampleRule: Rule
    /// Display path (`providers/backup/velero.yaml`).
    public var file: String
    /// Where the document starts.
    public var location: SourceLocation
    /// Whether it is the starter's, not the constitution's own file (its examples are then
    /// the starter's to prove, not run again by this constitution's `compile` and `test`).
    public var fromStarter = false
}

/// The providers of a constitution by family, each family sorted by id.
public struct ProviderTable: Sendable {
    /// Family name → its providers.
    public var families: [String: [Provider]] = [:]

    /// An empty table.
    public init() {}

    /// A table of `providers`, grouped and sorted.
    public init(_ providers: [Provider]) {
        for p in providers { families[p.family, default: []].append(p) }
        for k in families.keys { families[k]!.sort { PathText.less($0.id, $1.id) } }
    }

    /// Every provider, by family then id.
    public var all: [Provider] {
        families.keys.sorted().flatMap { families[$0]! }
    }
}

/// Decodes `providers/<family>/<id>.yaml`.
public enum ProviderDecoder {
    /// Keys a provider file may have.
    public static let keys = ["schema", "id", "family", "description", "subject", "covers", "examples"]

    /// The folder beside `incidents/` and `rules/`.
    public static let folder = "providers"

    /// Decodes one parsed provider file at `path` (`providers/<family>/<id>.yaml`). Returns the
    /// provider (nil when it has errors), its diagnostics and the next free `some:` query id.
    public static func decode(_ file: YAMLFile, path: String, firstQueryID: Int) -> (Provider?, [Diagnostic], Int) {
        if let e = file.error {
            return (nil, [Diagnostic(path: path, location: e.location, severity: .error, message: e.message)], firstQueryID)
        }
        guard let root = file.documents.first, file.documents.count == 1 else {
            let message = file.documents.isEmpty ? "empty provider file" : "a provider file is one YAML document"
            return (nil, [Diagnostic(path: path, location: .start, severity: .error, message: message)], firstQueryID)
        }
        var decoder = RuleDecoder(path: path, firstQueryID: firstQueryID)
        guard decoder.reader.checkKeys(root, known: keys, what: "a provider") else { return (nil, decoder.reader.diagnostics, firstQueryID) }
        IncidentDecoder.checkSchema(root, reader: &decoder.reader)
        let before = decoder.reader.diagnostics.filter { $0.severity == .error }.count
        let parts = path.split(separator: "/").map(String.init)
        let folderFamily = parts.count >= 3 ? parts[parts.count - 2] : ""
        let fileID = parts.last.map { String($0.prefix(upTo: $0.lastIndex(of: ".") ?? $0.endIndex)) } ?? ""
        let id = decoder.reader.requiredString(root, "id", what: "a provider") ?? ""
        if !id.isEmpty, id != fileID, let n = root["id"] {
            decoder.reader.error("provider id '\(id)' must be the file's name ('\(fileID)')", at: n.location)
        }
        if !id.isEmpty, !RuleDecoder.isKebabCase(id), let n = root["id"] {
            decoder.reader.error("provider id '\(id)' must be kebab-case (lowercase letters, digits and '-')", at: n.location)
        }
        let family = decoder.reader.requiredString(root, "family", what: "provider '\(id)'") ?? ""
        if !family.isEmpty, family != folderFamily, let n = root["family"] {
            let where_ = folderFamily.isEmpty ? "a folder under providers/ named after it" : "its folder's name ('\(folderFamily)')"
            decoder.reader.error("provider family '\(family)' must be \(where_)", at: n.location)
        }
        let description = decoder.reader.requiredString(root, "description", what: "provider '\(id)'") ?? ""
        var selection = Selection()
        if let m = root["subject"] {
            selection = decoder.decodeSelection(m, params: [])
        } else {
            decoder.reader.error("provider '\(id)' needs 'subject:' (what its examples are checked on, as a rule's 'match:')", at: root.location)
        }
        var covers = root
        var condition: Condition = .always
        if let c = root["covers"] {
            covers = c
            condition = decoder.decodeCondition(c, params: [], atSubject: true)
            if Self.usesProvidedBy(c), let at = Self.providedByLocation(c) {
                decoder.reader.error("a provider's 'covers:' cannot use 'provided_by:' (providers do not nest)", at: at)
            }
        } else {
            decoder.reader.error("provider '\(id)' needs 'covers:' (the condition under which it covers the subject)", at: root.location)
        }
        let examples = decoder.decodeExamples(root, ruleID: "\(family)/\(id)")
        let after = decoder.reader.diagnostics.filter { $0.severity == .error }.count
        let next = decoder.queryCount
        guard after == before else { return (nil, decoder.reader.diagnostics, next) }
        let rule = Rule(
            id: "\(family)/\(id)", severity: .error, message: "not covered by provider \(family)/\(id)", source: .rationale(description),
            guidance: description, agent: [], category: family, params: [], selection: selection, when: nil, require: condition, forbid: nil,
            examples: examples, file: path, location: root.location, node: nil)
        let provider = Provider(id: id, family: family, description: description, covers: covers, exampleRule: rule, file: path, location: root.location)
        return (provider, decoder.reader.diagnostics, next)
    }

    static func usesProvidedBy(_ node: YAMLNode) -> Bool { providedByLocation(node) != nil }

    /// The first `provided_by:` key inside a condition's YAML.
    static func providedByLocation(_ node: YAMLNode) -> SourceLocation? {
        switch node.kind {
        case .mapping:
            for pair in node.pairs {
                if pair.key.scalar == "provided_by" { return pair.key.location }
                if let l = providedByLocation(pair.value) { return l }
            }
        case .sequence:
            for e in node.elements {
                if let l = providedByLocation(e) { return l }
            }
        default: break
        }
        return nil
    }
}
