import ConstitutionCore
import ConstitutionReport
import ConstitutionRules

/// `constitution rules list|explain`: what each rule checks, where it came from, how to comply.
public enum RuleCatalog {
    /// One line per rule: id, severity, source, message.
    public static func list(_ c: Constitution) -> String {
        let idWidth = c.rules.map(\.id.count).max() ?? 0
        var out = ""
        for rule in c.rules {
            let source = rule.source.incidentID ?? "hand-written"
            out += rule.id + String(repeating: " ", count: idWidth - rule.id.count + 2)
            out += rule.severity.rawValue + String(repeating: " ", count: 9 - rule.severity.rawValue.count)
            out += source + String(repeating: " ", count: max(1, 14 - source.count))
            out += rule.message + "\n"
        }
        out += "\n\(c.rules.count) rules from \(c.incidents.count) incidents and decisions\n"
        return out
    }

    /// The rules as JSON for integrators, in id order with a stable key order:
    /// `{"rules":[{"id","severity","category","incident","message","guidance","agent","file"}]}`.
    public static func listJSON(_ c: Constitution) -> String {
        let rules: [JSONValue] = c.rules.map { rule in
            .object([
                ("id", .string(rule.id)), ("severity", .string(rule.severity.rawValue)), ("category", .string(rule.category)),
                ("incident", rule.source.incidentID.map { .string($0) } ?? .null), ("message", .string(rule.message)),
                ("guidance", .string(rule.guidance)), ("agent", .array(rule.agent.map { .string($0) })), ("file", .string(rule.file)),
            ])
        }
        return JSONValue.object([("rules", .array(rules))]).serialized(pretty: true) + "\n"
    }

    /// Everything about one rule; nil when the id is unknown.
    public static func explain(_ id: String, in c: Constitution) -> String? {
        guard let rule = c.rules.first(where: { $0.id == id }) else { return nil }
        var out = "\(rule.id) (\(rule.severity.rawValue))\n"
        out += "  checks:   \(rule.message)\n"
        out += "  guidance: \(rule.guidance)\n"
        switch rule.source {
        case .incident(let incidentID):
            if let incident = c.incidents.first(where: { $0.id == incidentID }) {
                out += "  source:   \(incidentID) \(incident.title) (\(incident.date), \(incident.file))\n"
                if let lesson = incident.lessons.first { out += "  lesson:   \(lesson)\n" }
            } else {
                out += "  source:   \(incidentID)\n"
            }
        case .rationale(let text):
            out += "  rationale: \(text)\n"
        }
        if !rule.agent.isEmpty { out += "  agent may never run: \(rule.agent.joined(separator: ", "))\n" }
        if !rule.params.isEmpty {
            out += "  params:\n"
            for (name, value) in rule.params {
                let text = value.scalarText ?? "[" + value.elements.compactMap(\.scalarText).joined(separator: ", ") + "]"
                out += "    \(name): \(text)\n"
            }
        }
        out += "  defined in: \(rule.file):\(rule.location.line)\n"
        for expectation in [RuleExample.Expectation.fail, .pass] {
            for ex in rule.examples where ex.expectation == expectation {
                out += "\n  \(expectation == .fail ? "fails" : "passes") (\(ex.kind.rawValue), \(ex.path)):\n"
                for line in ex.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(ex.text.hasSuffix("\n") ? 1 : 0) {
                    out += "    | \(line)\n"
                }
            }
        }
        return out
    }
}
