#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import TestSupport
import Testing

@testable import ConstitutionYAML

/// What Fuzz/fuzz-yaml checks of every parse, as messages (empty: all well).
func positionProblems(_ bytes: [UInt8]) -> [String] {
    var problems: [String] = []
    let file = YAMLParser.parse(path: "fuzz.yaml", source: bytes)
    func check(_ location: ConstitutionCore.SourceLocation, _ what: String) {
        if location.line < 1 || location.column < 1 || location.offset < 0 || location.offset > bytes.count {
            problems.append("\(what): \(location) @\(location.offset) outside the file")
            return
        }
        let recomputed = SourceText.location(ofByte: location.offset, in: bytes)
        if recomputed.line != location.line || recomputed.column != location.column {
            problems.append("\(what): \(location) @\(location.offset), where the bytes say \(recomputed)")
        }
    }
    for id in 0..<Int32(file.nodeCount) {
        check(YAMLNode(file: file, id: id).location, "node \(id) \(YAMLNode(file: file, id: id).kind)")
    }
    for info in file.documentInfos { check(info.start, "document start") }
    for d in file.duplicateKeys {
        check(d.location, "duplicate key")
        check(d.first, "first key")
    }
    return problems
}

@Suite("Fuzz regressions (Fuzz/fuzz-yaml)")
struct FuzzRegressionTests {
    /// fuzz-yaml's first crasher (an incident file ending in a lone `?`, no final line break):
    /// libyaml ends such a last line itself, so its marks at the end of the stream said "line
    /// 42, column 1" for a 41-line file. Nodes there are now located by the bytes.
    @Test func nodesAtTheEndOfAStreamWithoutAFinalBreakAreOnTheLastLine() throws {
        let f = YAMLParser.parse(path: "t.yaml", text: "a: 1\n?")
        #expect(positionProblems(Array("a: 1\n?".utf8)) == [])
        let key = try #require(f.documents.first?.ownPairs.last?.key)
        #expect(key.isNull)
        #expect("\(key.location)@\(key.location.offset)" == "2:2@6")
        for text in ["a:", "a: 1\nb:", "- ", "? x", "[a, b", "a: |", "k: 'v'\nl:", "é:", "x: [1, 2]\n?"] {
            #expect(positionProblems(Array(text.utf8)) == [], "\(text)")
        }
    }

    /// Every position in the example lab and the constitution agrees with the bytes.
    @Test func positionsOfTheExampleLabAgreeWithTheBytes() throws {
        var checked = 0
        for path in yamlFiles(TestSupportPaths.root + "/examples/homelab") + yamlFiles(TestSupportPaths.root + "/rules") {
            guard let bytes = TestSupport.readBytes(path) else { continue }
            #expect(positionProblems(bytes) == [], "\(path)")
            checked += 1
        }
        #expect(checked > 20)
    }
}

/// Where the package is (this file is Tests/ConstitutionYAMLTests/FuzzRegressionTests.swift).
enum TestSupportPaths {
    static let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
}

/// The `.yaml`/`.yml` files under `folder`, recursively.
func yamlFiles(_ folder: String) -> [String] {
    guard let dir = opendir(folder) else { return [] }
    defer { closedir(dir) }
    var out: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name == "." || name == ".." { continue }
        let path = folder + "/" + name
        if entry.pointee.d_type == UInt8(DT_DIR) {
            out += yamlFiles(path)
        } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            out.append(path)
        }
    }
    return out.sorted()
}

