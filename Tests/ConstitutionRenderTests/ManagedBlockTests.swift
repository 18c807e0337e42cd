import ConstitutionReport
import ConstitutionRules
import Testing

@testable import ConstitutionRender

@Suite("Managed blocks")
struct ManagedBlockTests {
    let block = "<!-- constitution:begin x -->\nnew\n<!-- constitution:end -->\n"

    @Test func replacesOnlyTheBlock() {
        let existing = "above ✓\n\n<!-- constitution:begin -->\nold\n<!-- constitution:end -->\nbelow\n"
        let merged = ManagedBlock.merge(existing: existing, block: block)
        #expect(merged.how == .replaced)
        #expect(merged.text == "above ✓\n\n" + block + "below\n")
        #expect(ManagedBlock.merge(existing: merged.text, block: block).text == merged.text)
    }

    @Test func appendsWhenThereAreNoMarkersAndRefusesBrokenOnes() {
        #expect(ManagedBlock.merge(existing: "notes", block: block).text == "notes\n\n" + block)
        #expect(ManagedBlock.merge(existing: nil, block: block).text == block)
        if case .refused = ManagedBlock.merge(existing: "<!-- constitution:begin -->\nx\n", block: block).how {} else {
            Issue.record("a begin marker without an end must be refused")
        }
        if case .refused = ManagedBlock.merge(existing: block + block, block: block).how {} else {
            Issue.record("two blocks must be refused")
        }
    }

    @Test func unifiedDiff() {
        let d = UnifiedDiff.diff(old: "a\nb\nc\n", new: "a\nB\nc\n", oldName: "a/x", newName: "b/x")
        #expect(d == "--- a/x\n+++ b/x\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n \n")
        #expect(UnifiedDiff.diff(old: "same", new: "same", oldName: "a", newName: "b").isEmpty)
    }

    @Test func settingsMergeKeepsUserKeysAndIsIdempotent() throws {
        let existing = "{\"model\": \"opus\", \"permissions\": {\"deny\": [\"Bash(rm -rf /:*)\"]}, \"hooks\": {\"PostToolUse\": []}}"
        #expect(AgentSettings.denyRule("kubectl apply*") == "Bash(kubectl apply *)")
        #expect(AgentSettings.denyRule("zpool destroy") == "Bash(zpool destroy)")
        let once = try AgentSettings.merge(existing: existing, rules: [], guardCommand: "constitution guard")
        #expect(once.hasPrefix("{\n  \"model\": \"opus\",\n  \"permissions\": {\n    \"deny\": [\n      \"Bash(rm -rf /:*)\"\n    ]\n  },\n  \"hooks\": {\n    \"PostToolUse\": [],\n    \"PreToolUse\": ["))
        #expect(try AgentSettings.merge(existing: once, rules: [], guardCommand: "constitution guard") == once)
        #expect(throws: JSONParser.Failure.self) { try AgentSettings.merge(existing: "{\"a\": ", rules: [], guardCommand: "g") }
    }

    @Test func jsonParserKeepsOrderAndUnicode() throws {
        let v = try JSONParser.parse(#"{"z": 1, "a": [true, null, 2.5, "\u00e9\ud83d\ude80\n"]}"#)
        #expect(v.serialized() == "{\"z\":1,\"a\":[true,null,2.5,\"é🚀\\n\"]}")
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse("{\"a\": 1,}") }
    }
}
