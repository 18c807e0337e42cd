import ConstitutionCore
import ConstitutionReport
import ConstitutionRules

/// `constitution coverage`: which lessons a machine enforces, which stay prose, and which rules
/// never found anything to check in the linted tree.
public enum Coverage {
    /// Renders the coverage report for a lint outcome.
    public static func text(_ outcome: Linter.Outcome, style: TerminalStyle) -> String {
        let c = outcome.constitution
        let rulesByIncident = Dictionary(grouping: c.rules.filter { $0.source.incidentID != nil }, by: { $0.source.incidentID! })
        let withRules = c.incidents.filter { !(rulesByIncident[$0.id] ?? []).isEmpty }
        let proseOnly = c.incidents.filter { (rulesByIncident[$0.id] ?? []).isEmpty }
        var out = style.bold("Incidents and decisions: \(c.incidents.count) (\(withRules.count) enforced by rules, \(proseOnly.count) prose-only)") + "\n"
        for i in c.incidents {
            let rules = (rulesByIncident[i.id] ?? []).map(\.id)
            let what = rules.isEmpty ? style.dim("prose-only") : rules.joined(separator: ", ")
            out += "  \(i.id)  \(i.kind.rawValue == "decision" ? "decision" : "incident")  \(i.title)\n      \(what)\n"
        }
        out += "\n" + style.bold("Prose-only lessons (reach CLAUDE.md and MEMORY.md, not CI):") + "\n"
        for i in proseOnly {
            for lesson in i.lessons { out += "  \(i.id)  \(lesson)\n" }
        }
        let handWritten = c.rules.filter { $0.source.incidentID == nil }
        if !handWritten.isEmpty {
            out += "\n" + style.bold("Hand-written rules: \(handWritten.count)") + "\n"
            for r in handWritten { out += "  \(r.id)\n" }
        }
        var findings: [String: Int] = [:]
        for f in outcome.report.findings { findings[f.rule, default: 0] += 1 }
        out += "\n" + style.bold("Rules over the linted tree (\(outcome.report.fileCount) files):") + "\n"
        let width = c.rules.map(\.id.count).max() ?? 0
        out += "  " + "rule".padding(width) + "  state     subjects  findings\n"
        for r in c.rules {
            let s = outcome.subjects[r.id] ?? 0
            out += "  " + r.id.padding(width) + "  " + state(r.id, outcome).rawValue.padding(8) + "  " + String(s).leftPadding(8) + "  "
                + String(findings[r.id] ?? 0).leftPadding(8) + "\n"
        }
        let inactive = c.rules.filter { state($0.id, outcome) == .inactive }
        out += "\n" + style.bold("Rules that do not apply here (inactive, \(inactive.count)):") + (inactive.isEmpty ? " none" : "") + "\n"
        for r in inactive { out += "  \(r.id): \(outcome.inactive[r.id] ?? "")\n" }
        let idle = c.rules.filter { state($0.id, outcome) == .idle }
        out += style.bold("Rules that matched nothing here (idle, \(idle.count)):") + " " + (idle.isEmpty ? "none" : idle.map(\.id).joined(separator: ", ")) + "\n"
        return out
    }

    /// How a rule stood over the linted tree.
    public enum RuleState: String, Sendable {
        /// It selected subjects and checked them (whether or not it found anything).
        case active
        /// It does not apply to this tree (e.g. a `deployed:` rule without a GitOps controller):
        /// nothing was checked, and a zero is not a pass.
        case inactive
        /// It applies, but nothing in the tree is what it looks at.
        case idle
    }

    /// The state of rule `id` in `outcome`.
    public static func state(_ id: String, _ outcome: Linter.Outcome) -> RuleState {
        if outcome.inactive[id] != nil { return .inactive }
        return (outcome.subjects[id] ?? 0) > 0 ? .active : .idle
    }

    /// The same as JSON (stable key order).
    public static func json(_ outcome: Linter.Outcome) -> String {
        let c = outcome.constitution
        var findings: [String: Int] = [:]
        for f in outcome.report.findings { findings[f.rule, default: 0] += 1 }
        let value = JSONValue.object([
            (
                "incidents",
                .array(
                    c.incidents.map { i in
                        let rules = c.rules.filter { $0.source.incidentID == i.id }.map { JSONValue.string($0.id) }
                        return .object([
                            ("id", .string(i.id)), ("kind", .string(i.kind.rawValue)), ("title", .string(i.title)),
                            ("rules", .array(rules)), ("prose_only", .bool(rules.isEmpty)),
                            ("lessons", .array(i.lessons.map(JSONValue.string))),
                        ])
                    })
            ),
            (
                "rules",
                .array(
                    c.rules.map { r in
                        .object([
                            ("id", .string(r.id)), ("incident", r.source.incidentID.map(JSONValue.string) ?? .null),
                            ("state", .string(state(r.id, outcome).rawValue)),
                            ("inactive_reason", outcome.inactive[r.id].map(JSONValue.string) ?? .null),
                            ("subjects", .int(outcome.subjects[r.id] ?? 0)), ("findings", .int(findings[r.id] ?? 0)),
                        ])
                    })
            ),
        ])
        return value.serialized(pretty: true) + "\n"
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
