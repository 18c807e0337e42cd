import ConstitutionCore
import ConstitutionRules

/// The data the templates see, built from the constitution: plain dictionaries and arrays of
/// strings, in a fixed order, so rendering is deterministic.
public enum RenderModel {
    /// Section titles for rule categories, in the order CLAUDE.md lists them.
    public static let categoryTitles: [(String, String)] = [
        ("gitops", "GitOps: the cluster changes only through Git"),
        ("storage", "Stateful data and storage"),
        ("networking", "Networking, DNS and load balancing"),
        ("identity", "Identity and SSO"),
        ("containers", "Containers and Compose"),
        ("platform", "Platform and hardware"),
        ("general", "General"),
    ]

    /// The CLAUDE.md context.
    public static func claude(_ c: Constitution, memoryPath: String) -> [String: Any] {
        var groups: [[String: Any]] = []
        let known = Set(categoryTitles.map(\.0))
        let extra = Set(c.rules.map(\.category)).subtracting(known).sorted()
        for (key, title) in categoryTitles + extra.map({ ($0, $0.capitalized) }) {
            let rules = c.rules.filter { $0.category == key }
            guard !rules.isEmpty else { continue }
            // One line per distinct guidance; rules that say the same thing share it.
            var lines: [(guidance: String, severity: Severity, sources: [String])] = []
            for rule in rules.sorted(by: { ($0.severity, $1.id) > ($1.severity, $0.id) }) {
                let source = rule.source.incidentID ?? "hand-written"
                if let i = lines.firstIndex(where: { $0.guidance == rule.guidance }) {
                    if !lines[i].sources.contains(source) { lines[i].sources.append(source) }
                    lines[i].severity = max(lines[i].severity, rule.severity)
                } else {
                    lines.append((rule.guidance, rule.severity, [source]))
                }
            }
            groups.append([
                "title": title,
                "rules": lines.map { ["guidance": $0.guidance, "severity": $0.severity.rawValue, "sources": $0.sources.joined(separator: ", ")] },
            ])
        }
        // One line per source: the agent pays for every line.
        var never: [[String: Any]] = []
        var seen: Set<String> = []
        var bySource: [(String, [String])] = []
        for rule in c.rules {
            let source = rule.source.incidentID ?? rule.id
            for pattern in rule.agent where seen.insert(pattern).inserted {
                if let i = bySource.firstIndex(where: { $0.0 == source }) {
                    bySource[i].1.append(pattern)
                } else {
                    bySource.append((source, [pattern]))
                }
            }
        }
        for (source, patterns) in bySource {
            never.append(["commands": patterns.map { "`\($0)`" }.joined(separator: ", "), "source": source])
        }
        let ruleIncidents = Set(c.rules.compactMap(\.source.incidentID))
        var prose: [[String: Any]] = []
        for i in c.incidents where !ruleIncidents.contains(i.id) {
            for lesson in i.lessons { prose.append(["lesson": lesson, "source": i.id]) }
        }
        return [
            "groups": groups, "never": never, "has_never": !never.isEmpty, "prose": prose, "has_prose": !prose.isEmpty,
            "memory_path": memoryPath, "rule_count": String(c.rules.count), "incident_count": String(c.incidents.count),
        ]
    }

    /// The MEMORY.md context: records newest first. `incidentsLink` is the path from MEMORY.md's
    /// folder to the constitution's folder (e.g. `../..`).
    public static func memory(_ c: Constitution, incidentsLink: String) -> [String: Any] {
        let records = c.incidents.sorted { ($0.date, $1.id) > ($1.date, $0.id) }
        return [
            "records": records.map { i -> [String: Any] in
                let rules = c.rules.filter { $0.source.incidentID == i.id }.map(\.id)
                return [
                    "date": i.date, "id": i.id, "kind": i.kind.rawValue, "title": i.title,
                    "lesson": i.lessons.first ?? i.summary, "link": incidentsLink + "/" + i.file,
                    "enforced": rules.isEmpty ? "prose-only" : rules.map { "`\($0)`" }.joined(separator: ", "),
                    "severity": i.severity,
                ]
            },
            "count": String(records.count),
        ]
    }
}
