import ConstitutionCore
import TestSupport
import Testing

@testable import ConstitutionYAML

@Suite("YAML snapshots")
struct SnapshotTests {
    /// Everything a reader can observe of a tree, for comparing two trees.
    static func dump(_ file: YAMLFile) -> String {
        var out = ""
        func walk(_ n: YAMLNode, _ depth: Int) {
            guard depth < 64 else { return }
            out += "\(n.kind) \(n.location) \(n.scalarStyle) \(n.collectionStyle) \(n.tag ?? "-") \(n.scalar ?? "")|"
            for e in n.elements { walk(e, depth + 1) }
            for p in n.ownPairs {
                walk(p.key, depth + 1)
                walk(p.value, depth + 1)
            }
        }
        for d in file.documentInfos { out += "doc \(d.start) \(d.end) \(d.explicitStart)\n" }
        for d in file.documents { walk(d, 0) }
        return out
    }

    static let samples: [String] = [
        "a: 1\n",
        "---\nbase: &b {x: 1, y: [2, 3]}\nm:\n  <<: *b\n  z: !!str 4\n---\n- é: \"ü\\n\"\n- |\n  literal\n- >\n  folded\n...\n",
        "\u{FEFF}k: 'single'\nlist:\n  - *undefined_is_an_error_so_not_here\n".replacingAll("*undefined_is_an_error_so_not_here", with: "~"),
        "",
    ]

    @Test(arguments: samples)
    func roundTripsEveryObservableDetail(text: String) throws {
        let file = YAMLParser.parse(path: "s.yaml", text: text)
        #expect(file.error == nil)
        var bytes: [UInt8] = []
        #expect(YAMLSnapshot.append(file, to: &bytes))
        var position = 0
        let back = try #require(YAMLSnapshot.read(bytes, at: &position, path: "s.yaml", source: file.source))
        #expect(position == bytes.count)
        #expect(Self.dump(back) == Self.dump(file))
    }

    @Test func filesWithWarningsOrErrorsAreNotSnapshotted() {
        var bytes: [UInt8] = []
        #expect(!YAMLSnapshot.append(YAMLParser.parse(path: "d.yaml", text: "a: 1\na: 2\n"), to: &bytes))
        #expect(!YAMLSnapshot.append(YAMLParser.parse(path: "e.yaml", text: "a: [\n"), to: &bytes))
        #expect(bytes.isEmpty)
    }

    /// Every truncation and a sweep of corrupted bytes is refused or read safely: never a trap.
    @Test func corruptSnapshotsAreRefused() {
        let file = YAMLParser.parse(path: "s.yaml", text: Self.samples[1])
        var bytes: [UInt8] = []
        _ = YAMLSnapshot.append(file, to: &bytes)
        for length in 0..<bytes.count {
            var position = 0
            #expect(YAMLSnapshot.read(Array(bytes[0..<length]), at: &position, path: "s.yaml", source: file.source) == nil)
        }
        for i in bytes.indices {
            for value: UInt8 in [0x00, 0x7F, 0xFF] {
                var broken = bytes
                broken[i] = value
                var position = 0
                if let tree = YAMLSnapshot.read(broken, at: &position, path: "s.yaml", source: file.source) {
                    _ = Self.dump(tree)  // whatever it reads must be safe to walk
                }
            }
        }
    }

    @Test(.enabled(if: TestSupport.corpus != nil, "no corpus at ../shared/corpus (set CONSTITUTION_CORPUS)"))
    func theCorpusRoundTrips() throws {
        let corpus = try #require(TestSupport.corpus)
        let listing = TestSupport.run("/usr/bin/find", [corpus, "-name", "*.yaml", "-size", "-64k"]).stdout
        var checked = 0
        for path in listing.split(separator: "\n").prefix(400) {
            let text = TestSupport.readText(String(path))
            let file = YAMLParser.parse(path: String(path), text: text)
            var bytes: [UInt8] = []
            guard YAMLSnapshot.append(file, to: &bytes) else { continue }
            var position = 0
            let back = try #require(YAMLSnapshot.read(bytes, at: &position, path: file.path, source: file.source))
            #expect(Self.dump(back) == Self.dump(file), "\(path)")
            checked += 1
        }
        #expect(checked > 300)
    }
}
