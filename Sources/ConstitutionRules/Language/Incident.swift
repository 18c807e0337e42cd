import ConstitutionCore
import ConstitutionYAML

/// A structured incident or decision record (`incidents/*.yaml`, docs/incidents.md).
public struct Incident: Sendable {
    /// `incident` or `decision`.
    public enum Kind: String, Sendable, CaseIterable { case incident, decision }

    public var id: String
    public var kind: Kind
    public var title: String
    /// `YYYY-MM-DD`.
    public var date: String
    /// `sev1` … `sev4`.
    public var severity: String
    public var status: String
    public var systems: [String]
    public var summary: String
    public var symptoms: [String]
    public var rootCause: String?
    public var impact: String?
    public var resolution: String?
    /// One line each.
    public var lessons: [String]
    public var references: [String]
    /// The starter library's topics it belongs to (`k3s`, `storage`…), for `init --list` and
    /// `init --only`.
    public var topics: [String] = []
    /// The rules it taught (decoded from `constraints:`).
    public var constraints: [Rule]
    /// The record's file (display path) and location of its `id`.
    public var file: String
    public var location: SourceLocation
}

/// Decodes incident records with located errors.
public enum IncidentDecoder {
    /// The schema version this tool reads.
    public static let schemaVersion = 1
    /// Every key a record may have.
    public static let keys = [
        "schema", "id", "kind", "title", "date", "severity", "status", "systems", "summary", "symptoms", "root_cause",
        "impact", "resolution", "lessons", "references", "topics", "constraints",
    ]
    /// The statuses a record may have.
    public static let statuses = ["open", "mitigated", "resolved", "accepted", "superseded"]
    /// The severities a record may have.
    public static let severities = ["sev1", "sev2", "sev3", "sev4"]

    /// Decodes `file` (already parsed). Returns the incident (nil when it has errors), the
    /// diagnostics, and the next free `some:` query id.
    /// `constraints: false` leaves them undecoded (when `rules/` is known to match them).
    public static func decode(
        _ file: YAMLFile, path: String, firstQueryID: Int, constraints decodeConstraints: Bool = true, providers: ProviderTable = ProviderTable()
    ) -> (Incident?, [Diagnostic], Int) {
        var decoder = RuleDecoder(path: path, firstQueryID: firstQueryID)
        decoder.providers = providers
        if let e = file.error {
            return (nil, [Diagnostic(path: path, location: e.location, severity: .error, message: e.message)], firstQueryID)
        }
        guard let root = file.documents.first, file.documents.count == 1 else {
            let message = file.documents.isEmpty ? "empty incident record" : "an incident record is one YAML document"
            return (nil, [Diagnostic(path: path, location: .start, severity: .error, message: message)], firstQueryID)
        }
        var r: SchemaReader {
            get { decoder.reader }
            set { decoder.reader = newValue }
        }
        guard r.checkKeys(root, known: keys, what: "an incident record") else { return (nil, r.diagnostics, firstQueryID) }
        checkSchema(root, reader: &decoder.reader)
        let id = r.requiredString(root, "id", what: "an incident record") ?? ""
        if !id.isEmpty, !isIncidentID(id) {
            r.error("id '\(id)' must look like INC-0001 (letters, '-', digits)", at: root["id"]!.location)
        }
        var kind = Incident.Kind.incident
        if let k = r.optionalString(root, "kind") {
            if let parsed = Incident.Kind(rawValue: k) {
                kind = parsed
            } else {
                r.error("kind must be incident or decision, found '\(k)'", at: root["kind"]!.location)
            }
        }
        let title = r.requiredString(root, "title", what: "incident \(id)") ?? ""
        let date = r.requiredString(root, "date", what: "incident \(id)") ?? ""
        if !date.isEmpty, !isDate(date) { r.error("date must be YYYY-MM-DD, found '\(date)'", at: root["date"]!.location) }
        let severity = r.requiredString(root, "severity", what: "incident \(id)") ?? ""
        if !severity.isEmpty, !severities.contains(severity) {
            r.error("severity must be sev1, sev2, sev3 or sev4, found '\(severity)'", at: root["severity"]!.location)
        }
        let status = r.optionalString(root, "status") ?? (kind == .decision ? "accepted" : "resolved")
        if !statuses.contains(status), let s = root["status"] {
            var message = "status must be one of \(statuses.joined(separator: ", ")), found '\(status)'"
            if let sug = SchemaReader.suggest(status, from: statuses) { message += " (did you mean '\(sug)'?)" }
            r.error(message, at: s.location)
        }
        let summary = r.requiredString(root, "summary", what: "incident \(id)") ?? ""
        let lessons = r.stringList(root, "lessons")
        if root["lessons"] == nil { r.error("missing required key 'lessons' in incident \(id)", at: root.location) }
        var constraints: [Rule] = []
        if decodeConstraints, let list = root["constraints"], !list.isNull {
            if list.kind == .sequence {
                for item in list.elements {
                    if let rule = decoder.decodeRule(item, incident: id) { constraints.append(rule) }
                }
            } else {
                r.error("'constraints' must be a list of rules", at: list.location)
            }
        }
        let incident = Incident(
            id: id, kind: kind, title: title, date: date, severity: severity, status: status,
            systems: r.stringList(root, "systems"), summary: summary, symptoms: r.stringList(root, "symptoms"),
            rootCause: r.optionalString(root, "root_cause"), impact: r.optionalString(root, "impact"),
            resolution: r.optionalString(root, "resolution"), lessons: lessons, references: r.stringList(root, "references"),
            topics: r.stringList(root, "topics"), constraints: constraints, file: path, location: root.location)
        return (r.hasErrors ? nil : incident, r.diagnostics, decoder.queryCount)
    }

    /// Checks `schema:` is present and not newer than this tool.
    public static func checkSchema(_ root: YAMLNode, reader: inout SchemaReader) {
        guard let s = root["schema"] else {
            reader.error("missing required key 'schema' (write 'schema: 1')", at: root.location)
            return
        }
        guard let text = s.scalar, let n = Int(text) else {
            reader.error("schema must be a number", at: s.location)
            return
        }
        if n > schemaVersion {
            reader.error("schema \(n) is newer than this tool understands (\(schemaVersion)); upgrade constitution", at: s.location)
        } else if n < 1 {
            reader.error("schema must be 1", at: s.location)
        }
    }

    static func isIncidentID(_ s: String) -> Bool {
        let parts = s.split(separator: "-")
        guard parts.count >= 2, let last = parts.last, last.allSatisfy(\.isNumber) else { return false }
        return parts.dropLast().allSatisfy { p in !p.isEmpty && p.allSatisfy { $0.isLetter && $0.isUppercase } }
    }

    public static func isDate(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return false }
        for i in [0, 1, 2, 3, 5, 6, 8, 9] where !(u[i] >= 48 && u[i] <= 57) { return false }
        let month = Int(String(decoding: u[5...6], as: UTF8.self)) ?? 0
        let day = Int(String(decoding: u[8...9], as: UTF8.self)) ?? 0
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
