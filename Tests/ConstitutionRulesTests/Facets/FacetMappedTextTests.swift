import ConstitutionCore
import ConstitutionYAML
import Testing

@testable import ConstitutionRules

@Suite("Facet text mapping")
struct FacetMappedTextTests {
    private func scalar(_ yaml: String, _ key: String = "a") -> MappedText? {
        let file = YAMLParser.parse(path: "t.yml", text: yaml)
        return file.documents.first?[key].flatMap { MappedText(scalar: $0) }
    }

    private func at(_ text: MappedText, _ needle: String) -> String {
        guard let range = text.bytes.firstRange(of: Array(needle.utf8)) else { return "-" }
        return text.location(at: range.lowerBound).description
    }

    @Test func foldedBlocksKeepEachLinesPosition() throws {
        let text = try #require(scalar("a: >-\n  --tls-san é.lab\n  --disable servicelb\n\n  --x\nb: 1\n"))
        #expect(text.string == "--tls-san é.lab --disable servicelb\n--x")
        #expect(at(text, "é.lab") == "2:13")
        #expect(at(text, ".lab") == "2:14")
        #expect(at(text, "servicelb") == "3:13")
        #expect(at(text, "--x") == "5:3")
        // As a whole, a folded scalar is reported at its indicator, like LocatedText(scalar:).
        #expect(text.located.lineStarts.map(\.description) == ["1:4"])
    }

    @Test func multiLinePlainScalarsAlign() throws {
        let text = try #require(scalar("a: one two\n   three\n   four\n"))
        #expect(text.string == "one two three four")
        #expect(at(text, "three") == "2:4")
        #expect(at(text, "four") == "3:4")
    }

    @Test func literalBlocksMapLineByLine() throws {
        let text = try #require(scalar("a: |\n  x é\n  yz\n"))
        #expect(text.exact && text.origin == nil)
        #expect(at(text, "yz") == "3:3")
        #expect(text.located.lineStarts.map(\.description) == ["2:3", "3:3", "4:1"])
    }

    @Test func piecesInsideALineAreNotLineExact() {
        let file = MappedText.file(Array("abc \\\n  def\n".utf8))
        let joined = file.extract([0..<4, 6..<11])
        #expect(joined.string == "abc   def")
        #expect(joined.location(at: 6).description == "2:3")
        #expect(joined.located.exact == false)
        #expect(joined.located.lineStarts[0].description == "1:1")
        let contiguous = file.extract([0..<2, 2..<4])
        #expect(contiguous.located.exact)
    }

    @Test func keyValueEscapesKeepPositions() throws {
        let text = MappedText.file(Array(#"dest=/x content="a\tb\nc" mode=0644"#.utf8))
        let tokens = KeyValue.split(text.bytes)
        #expect(tokens.count == 3)
        let content = try #require(KeyValue.parse(tokens[1], in: text))
        #expect(content.key == "content")
        #expect(content.value.string == "a\tb\nc")
        #expect(content.value.location(at: 0).description == "1:18")
        #expect(content.value.location(at: 2).description == "1:21")
        #expect(content.value.location(at: 4).description == "1:24")
        // `\t` shrinks two columns into one: line-based positions would drift, so as a whole
        // the value is reported at its start.
        #expect(content.value.located.lineStarts.map(\.description) == ["1:18"])
    }

    @Test func actionSpellings() {
        let items = FacetFixture.items(
            .command, "tasks/main.yml",
            """
            - action: shell echo one chdir=/tmp
            - local_action:
                module: ansible.builtin.command
                cmd: echo two
            """, kind: .ansibleTasks)
        #expect(items.map { $0.text("command") } == ["echo one", "echo two"])
        #expect(items.map { $0.text("module") } == ["shell", "command"])
        #expect(items.map(\.at) == ["1:17", "4:10"])
    }
}
