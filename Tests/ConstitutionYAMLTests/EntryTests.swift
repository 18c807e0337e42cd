import Testing

@testable import ConstitutionYAML

@Suite("Mapping lookups")
struct EntryTests {
    @Test func entryFindsTheLastOwnKeyAndItsValue() throws {
        let f = YAMLParser.parse(path: "a.yaml", text: "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n  \"<<\": quoted\n  y: 4\n")
        let m = try #require(f.documents.first?["m"])
        let y = try #require(m.entry("y"))
        #expect(y.value.scalar == "4")
        #expect(y.key?.location.line == 6)
        #expect(y.key?.location.column == 3)
        // From the merged mapping: a value, no own key node.
        let x = try #require(m.entry("x"))
        #expect(x.value.scalar == "1")
        #expect(x.key == nil)
        // A quoted "<<" is an ordinary key.
        #expect(m.entry("<<")?.value.scalar == "quoted")
        #expect(m.entry("z") == nil)
        #expect(m["y"]?.scalar == "4")
        #expect(f.documents.first?.entry("base")?.key?.location.line == 1)
    }
}
