import TestSupport
import Testing

/// docs/architecture.md is checked against the code: every repository path it names exists, and
/// every Swift or C symbol it names in backticks is declared somewhere under Sources/. The
/// documents the sources and docs refer to are in the repository.
@Suite("docs/architecture.md matches the code")
struct ArchitectureDocTests {
    static let root = TestSupport.packageRoot

    /// The backticked spans of a Markdown text.
    static func spans(_ text: String) -> [String] {
        var out: [String] = []
        var current: String?
        for ch in text {
            if ch == "`" {
                if let c = current { out.append(c) }
                current = current == nil ? "" : nil
            } else if current != nil {
                current!.append(ch)
            }
        }
        return out
    }

    /// Every Swift and C source under Sources/, concatenated.
    static let sources: String = {
        let listing = TestSupport.run("/usr/bin/find", [root + "/Sources", "-name", "*.swift", "-o", "-name", "*.c"]).stdout
        return listing.split(separator: "\n").map { TestSupport.readText(String($0)) }.joined(separator: "\n")
    }()

    static let pathPrefixes = ["Sources/", "Tests/", "docs/", "scripts/", "schemas/", "templates/", "incidents/", "rules/", "examples/", "Fuzz/", ".ci/"]

    /// Names declared under Sources/: the word after a declaring keyword, and C functions.
    static let declaredNames: Set<String> = {
        let keywords: Set<Substring> = ["struct", "enum", "class", "protocol", "typealias", "func", "case", "let", "var", "extension", "int", "void"]
        var names: Set<String> = []
        var previous: Substring = ""
        for word in sources.utf8.split(whereSeparator: { !($0 == 95 || (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0)) }) {
            let w = Substring(word)
            if keywords.contains(previous) { names.insert(String(w)) }
            previous = w
        }
        return names
    }()

    static func declared(_ name: String) -> Bool { declaredNames.contains(name) }

    @Test func everyPathItNamesExists() {
        let text = TestSupport.readText(Self.root + "/docs/architecture.md")
        let paths = Self.spans(text).filter { s in Self.pathPrefixes.contains { s.hasPrefix($0) } && !s.contains("<") && !s.contains(" ") }
        #expect(paths.count >= 30, "the page names the files to touch")
        for path in paths {
            #expect(TestSupport.readBytes(Self.root + "/" + path) != nil || TestSupport.run("/usr/bin/test", ["-d", Self.root + "/" + path]).status == 0,
                "docs/architecture.md names \(path), which does not exist")
        }
        // Every module is on the map.
        let modules = TestSupport.run("/bin/ls", [Self.root + "/Sources"]).stdout.split(separator: "\n")
        for m in modules where !m.hasSuffix(".md") {
            #expect(text.contains("`Sources/\(m)`"), "docs/architecture.md does not place Sources/\(m)")
        }
    }

    @Test func everySymbolItNamesIsDeclared() {
        let text = TestSupport.readText(Self.root + "/docs/architecture.md")
        let identifier = { (s: String) -> Bool in
            guard let first = s.unicodeScalars.first, first.properties.isAlphabetic else { return false }
            return s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "." }
                && s.unicodeScalars.contains { ("A"..."Z").contains($0) || $0 == "_" }
        }
        let symbols = Self.spans(text).filter { identifier($0) && !$0.hasSuffix(".md") && !$0.hasSuffix(".yaml") }
        #expect(symbols.count >= 30)
        for symbol in symbols {
            for part in symbol.split(separator: ".") {
                #expect(Self.declared(String(part)), "docs/architecture.md names \(symbol), and \(part) is not declared under Sources/")
            }
        }
    }

    /// The sources and docs point only at documents the repository has (or that the tool writes).
    @Test func referencedDocumentsExist() {
        let written = ["CLAUDE.md", "MEMORY.md", "AGENTS.md", "README.md", "constitution.md", "summary.md"]
        let listing = TestSupport.run("/usr/bin/find", [Self.root + "/Sources", Self.root + "/docs", Self.root + "/README.md", "-name", "*.swift", "-o", "-name", "*.md"]).stdout
        for file in listing.split(separator: "\n") {
            let text = TestSupport.readText(String(file))
            for word in text.split(whereSeparator: { " `()[]\"',;:\n".contains($0) }) where word.hasSuffix(".md") {
                let name = String(word.split(separator: "/").last ?? word)
                if written.contains(name) { continue }
                let candidates = [Self.root + "/" + word, Self.root + "/docs/" + name]
                #expect(candidates.contains { TestSupport.readBytes($0) != nil }, "\(file) refers to \(word), which is not in the repository")
            }
        }
    }
}
