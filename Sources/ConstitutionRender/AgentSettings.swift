import ConstitutionReport
import ConstitutionRules

/// Merges the constitution into Claude Code's `.claude/settings.json`: every rule's `agent:`
/// patterns into `permissions.deny` (as `Bash(cmd *)`), and `constitution guard` as a
/// `PreToolUse` hook for Bash, Write and Edit. Every other key and entry is kept, in order.
public enum AgentSettings {
    /// The hook's tool matcher.
    public static let matcher = "Bash|Write|Edit"

    /// Claude Code's deny-rule form of an agent pattern: `kubectl apply*` → `Bash(kubectl apply *)`.
    public static func denyRule(_ pattern: String) -> String { AgentPatterns.denyRule(pattern) }

    /// The merged settings text (two-space JSON, trailing newline). Throws when the existing
    /// file is not valid JSON (it is then left alone).
    public static func merge(existing: String?, rules: [Rule], guardCommand: String) throws(JSONParser.Failure) -> String {
        try merge(existing: existing.map { Array($0.utf8) }, rules: rules, guardCommand: guardCommand)
    }

    /// The merged settings text from the file's bytes (nil or only white space: a new file).
    /// Throws, with a line and column, when they are not a JSON object or repeat a key.
    public static func merge(existing: [UInt8]?, rules: [Rule], guardCommand: String) throws(JSONParser.Failure) -> String {
        try merge(existing: existing, rules: rules, guardCommand: guardCommand, owned: []).text
    }

    /// The merged settings text and the deny entries render now owns. `owned` are the entries
    /// an earlier render added (``ownedEntries(_:)`` reads them): those no rule needs any more
    /// are removed; an entry that was in the list before render added it stays the user's,
    /// and is never removed.
    public static func merge(
        existing: [UInt8]?, rules: [Rule], guardCommand: String, owned: Set<String>
    ) throws(JSONParser.Failure) -> (text: String, owned: [String]) {
        var ownedNow: Set<String> = []
        // The `Bash(cmd:*)` entries earlier versions wrote for today's patterns are theirs too:
        // the current form replaces them.
        let legacy = Set(rules.flatMap(\.agent).compactMap(AgentPatterns.legacyDenyRule))
        let text = try merge(existing: existing, rules: rules, guardCommand: guardCommand) { deny, needed in
            deny.removeAll { entry in
                entry.stringValue.map { (owned.contains($0) && !needed.contains($0)) || (legacy.contains($0) && !needed.contains($0)) } ?? false
            }
            var present = Set(deny.compactMap(\.stringValue))
            ownedNow = owned.intersection(needed)
            for entry in needed.sorted() where !present.contains(entry) {
                present.insert(entry)
                ownedNow.insert(entry)
            }
        }
        return (text, ownedNow.sorted())
    }

    /// The record of what render owns (`.claude/constitution.json`) as text.
    public static func ownedRecord(_ owned: [String]) -> String {
        JSONValue.object([
            ("comment", .string("Written by `constitution render`: the permissions.deny entries of .claude/settings.json it added, so it can remove those no rule needs any more (never yours). Do not edit.")),
            ("deny", .array(owned.map { .string($0) })),
        ]).serialized(pretty: true) + "\n"
    }

    /// The deny entries a record says render owns; empty for no record. Throws, located, when
    /// the record is not valid JSON.
    public static func ownedEntries(_ record: [UInt8]?) throws(JSONParser.Failure) -> Set<String> {
        guard let record, !record.isEmpty else { return [] }
        let json = try JSONParser.parse(bytes: record, rejectingDuplicateKeys: true)
        guard case .array(let items)? = json["deny"] else { return [] }
        return Set(items.compactMap(\.stringValue))
    }

    private static func merge(
        existing: [UInt8]?, rules: [Rule], guardCommand: String, pruning: (inout [JSONValue], Set<String>) -> Void
    ) throws(JSONParser.Failure) -> String {
        var root: JSONValue = .object([])
        let space: Set<UInt8> = [0x20, 0x0A, 0x09, 0x0D]
        if let existing, existing.contains(where: { !space.contains($0) }) {
            root = try JSONParser.parse(bytes: existing, rejectingDuplicateKeys: true)
        }
        if case .object = root {} else { throw JSONParser.Failure(line: 1, column: 1, message: "settings.json must be a JSON object") }
        // permissions.deny
        var permissions = root["permissions"] ?? .object([])
        if case .object = permissions {} else { permissions = .object([]) }
        var deny: [JSONValue] = []
        if case .array(let items)? = permissions["deny"] { deny = items }
        pruning(&deny, Set(rules.flatMap(\.agent).map(denyRule)))
        var present = Set(deny.compactMap(\.stringValue))
        for rule in rules {
            for pattern in rule.agent {
                let entry = denyRule(pattern)
                if present.insert(entry).inserted { deny.append(.string(entry)) }
            }
        }
        permissions = permissions.setting("deny", .array(deny))
        root = root.setting("permissions", permissions)
        // hooks.PreToolUse
        var hooks = root["hooks"] ?? .object([])
        if case .object = hooks {} else { hooks = .object([]) }
        var pre: [JSONValue] = []
        if case .array(let items)? = hooks["PreToolUse"] { pre = items }
        let registered = pre.contains { group in
            guard case .array(let handlers)? = group["hooks"] else { return false }
            return handlers.contains { $0["command"]?.stringValue?.contains("constitution") == true && $0["command"]?.stringValue?.contains("guard") == true }
        }
        if !registered {
            pre.append(
                .object([
                    ("matcher", .string(matcher)),
                    ("hooks", .array([.object([("type", .string("command")), ("command", .string(guardCommand))])])),
                ]))
        }
        hooks = hooks.setting("PreToolUse", .array(pre))
        root = root.setting("hooks", hooks)
        return root.serialized(pretty: true) + "\n"
    }
}
