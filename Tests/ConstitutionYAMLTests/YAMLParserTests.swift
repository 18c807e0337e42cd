import ConstitutionCore
import Testing

@testable import ConstitutionYAML

private func parse(_ text: String) -> YAMLFile { YAMLParser.parse(path: "t.yaml", text: text) }

private func loc(_ node: YAMLNode?) -> String {
    guard let node else { return "nil" }
    return "\(node.location.line):\(node.location.column)@\(node.location.offset)"
}

@Suite("Marks and positions")
struct MarkTests {
    @Test func blockMappingMarksKeysAndValues() {
        let f = parse("a: 1\nb:\n  c: two\n  d: [x, y]\n")
        #expect(f.error == nil)
        let root = f.documents[0]
        #expect(loc(root) == "1:1@0")
        #expect(loc(root.keyNode("b")) == "2:1@5")
        #expect(loc(root["b"]?["c"]) == "3:6@13")
        #expect(loc(root["b"]?.keyNode("d")) == "4:3@19")
        let d = root["b"]?["d"]
        #expect(d?.collectionStyle == .flow)
        #expect(loc(d?.elements[1]) == "4:10@26")
    }

    @Test func flowMappingMarks() {
        let f = parse("{name: web, ports: [80, 443]}\n")
        let root = f.documents[0]
        #expect(root.collectionStyle == .flow)
        #expect(loc(root.keyNode("ports")) == "1:13@12")
        #expect(loc(root["ports"]?.elements[1]) == "1:25@24")
    }

    @Test func scalarStylesAndRawText() {
        let f = parse("p: plain\ns: 'single'\nd: \"dou\\tble\"\nl: |\n  line1\n  line2\nf: >\n  folded\n  text\n")
        let r = f.documents[0]
        #expect(r["p"]?.scalarStyle == .plain)
        #expect(r["s"]?.scalarStyle == .singleQuoted)
        #expect(r["d"]?.scalarStyle == .doubleQuoted)
        #expect(r["d"]?.scalar == "dou\tble")
        #expect(r["l"]?.scalarStyle == .literal)
        #expect(r["l"]?.scalar == "line1\nline2\n")
        #expect(r["f"]?.scalarStyle == .folded)
        #expect(r["f"]?.scalar == "folded text\n")
        #expect(loc(r["l"]) == "4:4@38")
    }

    @Test func yaml11ScalarsStayRaw() {
        let f = parse("a: yes\nb: on\nmode: 0777\nc: ~\nd: NO\nt: !!str 12\n")
        let r = f.documents[0]
        #expect(r["a"]?.scalar == "yes")
        #expect(r["b"]?.scalar == "on")
        #expect(r["mode"]?.scalar == "0777")
        #expect(r["d"]?.scalar == "NO")
        #expect(r["c"]?.isNull == true)
        #expect(r["a"]?.isNull == false)
        #expect(r["t"]?.tag == "tag:yaml.org,2002:str")
        #expect(r["t"]?.scalar == "12")
    }

    @Test func multiByteTextBeforeANodeCountsScalarsAndBytes() {
        // "é" is 2 bytes, "🚀" is 4 bytes; both are one column.
        let f = parse("# café 🚀\nkey: \"é🚀\" # x\nnext: v\n")
        let r = f.documents[0]
        #expect(loc(r.keyNode("key")) == "2:1@13")
        #expect(loc(r["key"]) == "2:6@18")
        #expect(loc(r.keyNode("next")) == "3:1@31")
        #expect(loc(r["next"]) == "3:7@37")
        #expect(Array("# café 🚀\nkey: \"é🚀\" # x\nnext: v\n".utf8)[37] == UInt8(ascii: "v"))
    }

    @Test func byteOrderMarkIsSkippedButCountedInOffsets() {
        let f = YAMLParser.parse(path: "bom.yaml", source: [0xEF, 0xBB, 0xBF] + Array("a: 1\nb: 2\n".utf8))
        #expect(f.error == nil)
        let r = f.documents[0]
        #expect(loc(r.keyNode("a")) == "1:1@3")
        #expect(loc(r["b"]) == "2:4@11")
    }

    @Test func crlfLineEnds() {
        let f = parse("a: 1\r\nb: 2\r\n")
        #expect(loc(f.documents[0]["b"]) == "2:4@9")
    }
}

@Suite("Documents")
struct DocumentTests {
    @Test func linesAreFileAbsoluteAcrossDocumentMarkers() {
        let f = parse("---\na: 1\n---\nb: 2\n---\nc: 3\n")
        #expect(f.documents.count == 3)
        #expect(loc(f.documents[0]["a"]) == "2:4@7")
        #expect(loc(f.documents[1]["b"]) == "4:4@16")
        #expect(loc(f.documents[2]["c"]) == "6:4@25")
        #expect(f.documentInfos[1].start.line == 3)
        #expect(f.documentInfos[1].explicitStart)
    }

    @Test func markerInTheMiddleAndAtTheEnd() {
        let f = parse("a: 1\n---\nb: 2\n---\n")
        // A trailing `---` opens an empty (null) document.
        #expect(f.documents.count == 3)
        #expect(!f.documentInfos[0].explicitStart)
        #expect(loc(f.documents[1]["b"]) == "3:4@12")
        #expect(f.documents[2].isNull)
    }

    @Test func emptyFileHasNoDocuments() {
        #expect(parse("").documents.isEmpty)
        #expect(parse("").error == nil)
        #expect(parse("# only a comment\n").documents.isEmpty)
    }
}

@Suite("Errors")
struct ErrorTests {
    @Test func syntaxErrorKeepsEarlierDocuments() throws {
        let f = parse("a: 1\n---\nb: [1, 2\nc: 3\n")
        #expect(f.documents.count == 1)
        let e = try #require(f.error)
        #expect(e.reason == .syntax)
        #expect(e.location.line == 4)
        #expect(e.location.column == 2)
        #expect(e.message == "did not find expected ',' or ']' while parsing a flow sequence")
    }

    @Test func tabsAreLocatedErrors() throws {
        let f = parse("a:\n\tb: 1\n")
        let e = try #require(f.error)
        #expect(e.location.line == 2)
        #expect(e.location.column == 1)
        #expect(e.message.contains("found character that cannot start any token"))
    }

    @Test func invalidUTF8IsALocatedError() throws {
        let f = YAMLParser.parse(path: "bad.yaml", source: Array("a: 1\nb: x".utf8) + [0xFF, 0x0A])
        let e = try #require(f.error)
        #expect(e.message.hasPrefix("invalid leading UTF-8 octet"))
        #expect(e.location.line == 2)
        #expect(e.location.column == 5)
        #expect(e.location.offset == 9)
    }

    @Test func binaryContentIsALocatedError() throws {
        let f = YAMLParser.parse(path: "bin.yaml", source: [0x61, 0x3A, 0x20, 0x00, 0x01, 0x02])
        let e = try #require(f.error)
        #expect(e.message.contains("control characters are not allowed"))
        #expect(e.location.line == 1)
        #expect(e.location.column == 4)
    }

    @Test func undefinedAliasIsAnError() throws {
        let f = parse("a: *nope\n")
        let e = try #require(f.error)
        #expect(e.message.contains("undefined alias"))
    }

    @Test func duplicateKeysAreLocatedWarnings() {
        let f = parse("a: 1\nb: 2\na: 3\n")
        #expect(f.error == nil)
        #expect(f.diagnostics.count == 1)
        #expect(f.diagnostics[0].location.line == 3)
        #expect(f.diagnostics[0].location.column == 1)
        #expect(f.diagnostics[0].message == "duplicate key 'a' (also at 1:1): readers disagree on which value wins")
        #expect(f.documents[0]["a"]?.scalar == "3")
        #expect(f.duplicateKeys == [YAMLDuplicateKey(key: "a", location: .init(line: 3, column: 1, offset: 10), first: .init(line: 1, column: 1, offset: 0))])
    }

    @Test func duplicateKeysInNestedAndFlowMappingsNameBothPlaces() {
        let f = parse("spec:\n  reclaimPolicy: Delete\n  x: {a: 1, b: 2, a: 3}\n  reclaimPolicy: Retain\n")
        #expect(f.duplicateKeys.map(\.message) == [
            "duplicate key 'a' (also at 3:7): readers disagree on which value wins",
            "duplicate key 'reclaimPolicy' (also at 2:3): readers disagree on which value wins",
        ])
        #expect(f.duplicateKeys.map(\.location.description) == ["3:19", "4:3"])
    }

    @Test func duplicateKeysInBigMappings() {
        var text = ""
        for i in 0..<40 { text += "k\(i): \(i)\n" }
        text += "k7: again\n"
        let f = parse(text)
        #expect(f.diagnostics.map(\.location.line) == [41])
    }
}

@Suite("Aliases and merge keys")
struct AliasTests {
    @Test func aliasesResolveToTheirAnchor() {
        let f = parse("base: &b {x: 1}\nuse: *b\n")
        let r = f.documents[0]
        #expect(r["use"]?.isAlias == true)
        #expect(r["use"]?["x"]?.scalar == "1")
        #expect(loc(r["use"]) == "2:6@21")
    }

    @Test func mergeKeysAreUnderstood() {
        let f = parse("defaults: &d\n  image: nginx\n  replicas: 1\napp:\n  <<: *d\n  replicas: 3\n")
        let app = f.documents[0]["app"]!
        #expect(app["image"]?.scalar == "nginx")
        #expect(app["replicas"]?.scalar == "3")
        #expect(app.pairs.map { $0.key.scalar ?? "" } == ["replicas", "image"])
    }

    @Test func mergeListTakesFirstWins() {
        let f = parse("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n")
        let c = f.documents[0]["c"]!
        #expect(c["y"]?.scalar == "1")
        #expect(c["z"]?.scalar == "2")
    }

    @Test func aliasBombIsALocatedErrorNotAHang() throws {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"]
        var previous = "a"
        for (n, name) in names.enumerated() {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
            _ = n
        }
        let f = parse(text)
        let e = try #require(f.error)
        #expect(e.reason == .aliasBudget)
        #expect(e.message.contains("alias bomb"))
        #expect(e.location.line >= 6)
    }

    @Test func selfReferenceCannotMakeACycle() {
        let f = parse("a: &a\n  b: *a\n")
        #expect(f.error != nil)
    }
}

@Suite("Stress")
struct StressTests {
    /// Under an explicit higher limit the builder still handles deep trees.
    @Test func tenThousandDeepNestingUnderARaisedLimit() {
        let depth = 10_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let f = YAMLParser.parse(path: "t.yaml", source: Array(text.utf8), maxDepth: 20_000)
        #expect(f.error == nil)
        #expect(f.nodeCount == depth)
        var node = f.documents[0]
        var levels = 1
        while let child = node.elements.first {
            node = child
            levels += 1
        }
        #expect(levels == depth)
    }

    @Test func twoThousandDeepBlockMappingsUnderARaisedLimit() {
        var text = ""
        for i in 0..<2_000 { text += String(repeating: " ", count: i) + "k:\n" }
        let f = YAMLParser.parse(path: "t.yaml", source: Array(text.utf8), maxDepth: 4_000)
        #expect(f.error == nil)
        // 2,000 mappings, 2,000 keys and the last key's null value.
        #expect(f.nodeCount == 4_001)
    }
}

@Suite("Depth limit")
struct DepthLimitTests {
    /// 100,000 levels of `[` (200 KB): libyaml's flow scanner is quadratic in the depth (23 s
    /// before the limit); the collection opening level 257 stops the parse, located at its `[`.
    @Test func deepFlowNestingStopsAtTheLimitWhereItIs() throws {
        let depth = 100_000
        let text = "key:\n  - " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let f = parse(text)
        let e = try #require(f.error)
        #expect(e.reason == .tooDeep)
        #expect(e.message == "collections nest deeper than 256 levels; parsing stopped")
        // The mapping and the block sequence are levels 1 and 2: the 255th `[` opens level 257.
        #expect(e.location.line == 2)
        #expect(e.location.column == 5 + 254)
        #expect(e.location.offset == 9 + 254)
    }

    @Test func deepFlowMappingsAndCompactBlockSequencesToo() throws {
        let maps = parse(String(repeating: "{a: ", count: 50_000) + "b" + String(repeating: "}", count: 50_000) + "\n")
        #expect(maps.error?.reason == .tooDeep)
        #expect(maps.error?.location.column == 256 * 4 + 1)
        let blocks = parse(String(repeating: "- ", count: 50_000) + "x\n")
        #expect(blocks.error?.reason == .tooDeep)
        #expect(blocks.error?.location.column == 256 * 2 + 1)
    }

    @Test func deepIndentedBlockMappings() throws {
        var text = ""
        for i in 0..<300 { text += String(repeating: " ", count: i) + "k:\n" }
        let f = parse(text)
        let e = try #require(f.error)
        #expect(e.reason == .tooDeep)
        // Mapping n (1-based) starts at line n, column n: the 257th is too deep.
        #expect(e.location.line == 257)
        #expect(e.location.column == 257)
    }

    @Test func exactlyTheLimitParses() {
        let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256) + "\n"
        #expect(parse(text).error == nil)
        let over = String(repeating: "[", count: 257) + String(repeating: "]", count: 257) + "\n"
        #expect(parse(over).error?.location.column == 257)
    }

    /// Documents before the too-deep one are kept, like after any other error.
    @Test func earlierDocumentsAreKept() {
        let f = parse("a: 1\n---\n" + String(repeating: "[", count: 1_000) + "\n")
        #expect(f.documents.count == 1)
        #expect(f.error?.location.line == 3)
    }
}
