import Testing

@testable import ConstitutionCore

@Suite("Glob")
struct GlobTests {
    @Test(arguments: [
        ("*.conf", "etc/dnsmasq.d/lab.conf", true),
        ("*.conf", "lab.confx", false),
        ("**/dnsmasq.d/*.conf", "dnsmasq.d/lab.conf", true),
        ("**/dnsmasq.d/*.conf", "a/b/dnsmasq.d/lab.conf", true),
        ("**/dnsmasq.d/*.conf", "a/dnsmasq.d/x/lab.conf", false),
        ("k8s/**", "k8s/apps/x.yaml", true),
        ("k8s/*.yaml", "k8s/apps/x.yaml", false),
        ("/build", "build", true),
        ("/build", "src/build", false),
        ("build", "src/build", true),
        ("file?.yml", "file1.yml", true),
        ("file[0-9].yml", "file7.yml", true),
        ("file[!0-9].yml", "file7.yml", false),
        ("a\\*b", "a*b", true),
        ("a\\*b", "axb", false),
        ("scripts/bootstrap-*.sh", "scripts/bootstrap-argocd.sh", true),
    ])
    func matching(pattern: String, path: String, expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected)
    }

    @Test func ignoreRulesNegateAndScope() {
        let rules = GitIgnoreRule.parse("# c\n\nbuild/\n*.log\n!keep.log\n\\#hash\n", base: "")
        #expect(rules.count == 4)
        #expect(rules[0].directoryOnly)
        #expect(!rules[0].matches("build", isDirectory: false))
        #expect(rules[0].matches("x/build", isDirectory: true))
        #expect(rules[2].negated)
        #expect(rules[3].matches("#hash", isDirectory: false))
        let scoped = GitIgnoreRule.parse("/d.yaml", base: "sub")
        #expect(scoped[0].matches("sub/d.yaml", isDirectory: false))
        #expect(!scoped[0].matches("d.yaml", isDirectory: false))
    }

    @Test func pathText() {
        #expect(PathText.fileExtension("a/b/C.YML") == "yml")
        #expect(PathText.fileExtension(".bashrc") == "")
        #expect(PathText.segments("/a//b/c") == ["a", "b", "c"])
        #expect(PathText.less("a/b", "a-c"))
        #expect(!PathText.less("b", "a"))
        #expect(PathText.less("é", "z") == false)
    }

    @Test func pathTextBytesHelpers() {
        #expect(PathText.join("a/b", "c") == "a/b/c")
        #expect(PathText.join("", "c") == "/c")
        #expect(PathText.join("/", "é🚀") == "//é🚀")
        #expect(PathText.join("a-long-folder-name-beyond-small-strings", "x").utf8.count == 41)
        #expect(PathText.fileExtension("a.b/c") == "")
        #expect(PathText.fileExtension("a/b.") == "")
        #expect(PathText.fileExtension("a/B.ÉYAML") == "Éyaml")
        #expect(PathText.lastSegment("a/b/") == "")
        #expect(PathText.lastSegment("a/bé") == "bé")
        #expect(PathText.lastSegment("x") == "x")
        #expect(PathText.segments("") == [])
        #expect(PathText.segments("é/ü//z/") == ["é", "ü", "z"])
        for path in ["", "/", "a", "/a//b/", "é/\u{301}x/y", "a-long-folder-name-beyond-small-strings/x"] {
            #expect(Glob.split(path) == PathText.segments(path).map { Array($0.utf8) }, "\(path)")
        }
        #expect(PathText.less("a", "a/b") && PathText.less("a/b", "ab") && !PathText.less("ab", "ab"))
    }
}

@Suite("Source text")
struct SourceTextTests {
    @Test func linesAndCarets() {
        let bytes = Array("one\r\ntwo\nthré🚀e\n".utf8)
        #expect(SourceText.line(2, in: bytes) == "two")
        #expect(SourceText.line(3, in: bytes) == "thré🚀e")
        #expect(SourceText.line(9, in: bytes) == "")
        #expect(SourceText.caretSnippet(line: "\tkey: v", column: 3) == "\tkey: v\n\t ^")
        let loc = SourceText.location(ofByte: 16, in: bytes)
        #expect(loc.line == 3 && loc.column == 6)
    }
}
