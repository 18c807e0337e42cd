import ConstitutionCore
import Testing

@testable import ConstitutionReport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The sample

/// A message that every format must survive: markup, quotes, a line break, the workflow-command
/// delimiters, a table pipe, a backtick and an emoji.
private let nastyMessage = "container \"web\" sets `privileged: true` <host> & root | 100% sure,\nnext: 🚀"

/// A report with findings in several files and severities (the waiver pseudo-rule included), an
/// inline and a central waiver, a parse error, a rule with no findings and a path that needs
/// percent-encoding.
private func sampleReport(shuffled: Bool = false) -> LintReport {
    func at(_ line: Int, _ column: Int) -> ConstitutionCore.SourceLocation {
        ConstitutionCore.SourceLocation(line: line, column: column, offset: line * 100 + column)
    }
    var findings = [
        Finding(
            path: "apps/my app/café.yaml", location: at(3, 5), rule: "no-privileged", severity: .error, message: nastyMessage,
            incident: "INC-0003"),
        Finding(
            path: "k8s/a.yaml", location: at(10, 3), rule: "image-pinned", severity: .warning, message: "image nginx:latest is not pinned",
            incident: "INC-0007"),
        Finding(
            path: "k8s/a.yaml", location: at(12, 7), rule: "probe-port", severity: .info,
            message: "probe port 8080 is not a container port", incident: nil),
        Finding(
            path: "k8s/b.yaml", location: at(1, 1), rule: LintReport.waiverRule, severity: .warning,
            message: "the waiver of image-pinned has no reason", incident: nil),
        Finding(
            path: "k8s/b.yaml", location: at(20, 9), rule: LintReport.waiverRule, severity: .error,
            message: "the waiver of no-privileged expired on 2024-01-01", incident: nil),
    ]
    var waived = [
        WaivedFinding(
            finding: Finding(
                path: "k8s/a.yaml", location: at(30, 5), rule: "image-pinned", severity: .warning, message: "image redis:7 is not pinned",
                incident: "INC-0007"),
            kind: .inline, reason: "pinned by digest upstream", expires: "2099-12-31", owner: nil, waiverPath: "k8s/a.yaml", waiverLine: 29),
        WaivedFinding(
            finding: Finding(
                path: "k8s/c.yaml", location: at(4, 3), rule: "no-privileged", severity: .error,
                message: "container exporter runs privileged",
                incident: "INC-0003"),
            kind: .central, reason: "node-exporter needs host access", expires: nil, owner: "ops-team", waiverPath: "waivers.yaml",
            waiverLine: 12),
    ]
    var rules = [
        RuleInfo(
            id: "no-privileged", severity: .error, message: "containers must not run privileged",
            guidance: "Drop privileged: true; grant the single capability needed.", incident: "INC-0003",
            incidentPath: "incidents/INC-0003 privileged.yaml"),
        RuleInfo(
            id: "image-pinned", severity: .warning, message: "images are pinned", guidance: "Pin the image by tag and digest.",
            incident: "INC-0007", incidentPath: "incidents/INC-0007.yaml"),
        RuleInfo(
            id: "probe-port", severity: .info, message: "probes target a declared port", guidance: "Point the probe at a container port.",
            incident: nil, incidentPath: nil),
        RuleInfo(
            id: "quiet-rule", severity: .warning, message: "nothing trips this", guidance: "Keep it that way.", incident: "INC-0009",
            incidentPath: "incidents/INC-0009.yaml"),
    ]
    if shuffled {
        findings.reverse()
        waived.reverse()
        rules.reverse()
    }
    return LintReport(
        findings: findings,
        errors: [Diagnostic(path: "k8s/broken.yaml", location: at(7, 2), severity: .error, message: "mapping values are not allowed here")],
        fileCount: 6, ruleCount: 4, sourceLines: [:], threshold: .warning, waived: waived, rules: rules, exitStatus: 4,
        toolVersion: "0.1.0")
}

private let helpBase = "https://git.lab/ops/homelab/src/branch/main/"

private func renderAll(_ report: LintReport) -> [String: String] {
    [
        "sample.sarif": SARIFReporter.render(report, helpURIBase: helpBase),
        "sample.junit.xml": JUnitReporter.render(report),
        "sample.github.txt": GitHubReporter.render(report),
        "sample.md": MarkdownReporter.render(report),
        "sample.txt": report.text(style: TerminalStyle(enabled: false)),
        "sample.json": report.json(),
    ]
}

// MARK: - Files and processes (Glibc only; the target depends on nothing else)

private enum Host {
    /// The package root: three levels above this file.
    static let packageRoot: String = {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3)  // Tests/ConstitutionReportTests/ReportersTests.swift
        return "/" + parts.joined(separator: "/")
    }()

    static let testsFolder = packageRoot + "/Tests/ConstitutionReportTests"

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func write(_ text: String, to path: String) {
        guard let file = fopen(path, "wb") else {
            Issue.record("cannot write \(path)")
            return
        }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }

    static func makeTemporaryDirectory() -> String {
        var template = Array("/tmp/constitution-reporters-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return String(cString: path!)
    }

    static func quote(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// Runs a shell command; returns its exit status and its standard output and error.
    static func shell(_ command: String) -> (status: Int32, output: String) {
        guard let pipe = popen("PYTHONIOENCODING=utf-8 " + command + " 2>&1", "r") else { return (-1, "popen failed") }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        let raw = pclose(pipe)
        let status = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : -1
        return (status, String(decoding: bytes, as: UTF8.self))
    }

    static let hasPython: Bool = shell("command -v python3 >/dev/null").status == 0

    /// The official SARIF 2.1.0 schema, shared beside the package (not in the repository).
    static let sarifSchema = packageRoot + "/../shared/schemas/sarif-schema-2.1.0.json"

    /// Whether the schema and a python3 with `jsonschema` are here: without them the
    /// validating tests are reported as skipped, never passed.
    static let canValidateSARIF: Bool =
        read(sarifSchema) != nil && shell("python3 -c 'import jsonschema' >/dev/null").status == 0
}

// MARK: - Golden files and determinism

@Suite("Reporters")
struct ReportersTests {
    /// Each format against its golden file. `RECORD_SNAPSHOTS=1` rewrites them instead.
    @Test(arguments: ["sample.sarif", "sample.junit.xml", "sample.github.txt", "sample.md", "sample.txt", "sample.json"])
    func matchesGoldenFile(_ name: String) throws {
        let actual = try #require(renderAll(sampleReport())[name])
        let path = Host.testsFolder + "/Golden/" + name
        if getenv("RECORD_SNAPSHOTS") != nil {
            Host.write(actual, to: path)
            return
        }
        let expected = try #require(Host.read(path), "no golden file \(path); record it with RECORD_SNAPSHOTS=1")
        if actual != expected {
            let dump = Host.makeTemporaryDirectory() + "/" + name
            Host.write(actual, to: dump)
            Issue.record(
                "\(name) differs from its golden file; the output is in \(dump) (diff it against \(path), or re-record with RECORD_SNAPSHOTS=1)"
            )
        }
    }

    @Test func sameReportGivesByteIdenticalOutput() {
        let first = renderAll(sampleReport())
        #expect(first == renderAll(sampleReport()))
        // The inputs' order does not matter either: the report sorts, the reporters never re-sort by hash.
        #expect(first == renderAll(sampleReport(shuffled: true)))
    }

    @Test func anEmptyReportIsWellFormedEverywhere() {
        let report = LintReport(findings: [], errors: [], fileCount: 0, ruleCount: 0, sourceLines: [:], threshold: .error)
        #expect(GitHubReporter.render(report) == "")
        #expect(JUnitReporter.render(report).contains(#"<testsuites name="constitution" tests="0" failures="0" errors="0" skipped="0" time="0">"#))
        #expect(MarkdownReporter.render(report).contains("✅ **Clean**"))
        #expect(SARIFReporter.render(report).contains(#""results": []"#))
    }
}

// MARK: - SARIF

@Suite("SARIF reporter")
struct SARIFReporterTests {
    @Test func escapesAndEncodes() {
        let sarif = SARIFReporter.render(sampleReport(), helpURIBase: helpBase)
        // The JSON string keeps the message intact: quotes and the newline escaped, the emoji as UTF-8.
        #expect(sarif.contains(#""text": "container \"web\" sets `privileged: true` <host> & root | 100% sure,\nnext: 🚀 [INC-0003]""#))
        // A space and a non-ASCII letter in a path are percent-encoded (RFC 3986), relative to SRCROOT.
        #expect(sarif.contains(#""uri": "apps/my%20app/caf%C3%A9.yaml""#))
        #expect(sarif.contains(#""uriBaseId": "SRCROOT""#))
        #expect(sarif.contains(#""helpUri": "https://git.lab/ops/homelab/src/branch/main/incidents/INC-0003%20privileged.yaml""#))
        #expect(sarif.contains(#""columnKind": "unicodeCodePoints""#))
        #expect(sarif.contains(#""executionSuccessful": false"#))
        #expect(sarif.contains(#""kind": "inSource""#) && sarif.contains(#""kind": "external""#))
        // The waiver pseudo-rule has a synthesised descriptor.
        #expect(sarif.contains(#""text": "a waiver is missing its reason or has expired""#))
    }

    @Test func helpURIIsAbsoluteOrAbsent() {
        #expect(
            SARIFReporter.helpURI(incidentPath: "incidents/INC-1.yaml", base: "https://x.test/repo")
                == "https://x.test/repo/incidents/INC-1.yaml")
        #expect(
            SARIFReporter.helpURI(incidentPath: "./incidents/INC-1.yaml", base: "https://x.test/repo/")
                == "https://x.test/repo/incidents/INC-1.yaml")
        #expect(SARIFReporter.helpURI(incidentPath: "https://wiki.test/INC-1", base: nil) == "https://wiki.test/INC-1")
        // A constitution outside the linted tree links to its own file, whatever the base.
        #expect(
            SARIFReporter.helpURI(incidentPath: "/opt/constitution/incidents/INC 1.yaml", base: "https://x.test/repo/")
                == "file:///opt/constitution/incidents/INC%201.yaml")
        // SARIF requires helpUri to be absolute: no base, no helpUri (the path stays in `help` and properties).
        #expect(SARIFReporter.helpURI(incidentPath: "incidents/INC-1.yaml", base: nil) == nil)
        #expect(SARIFReporter.helpURI(incidentPath: "incidents/INC-1.yaml", base: "not/a/uri") == nil)
        #expect(SARIFReporter.helpURI(incidentPath: nil, base: "https://x.test/") == nil)
        let sarif = SARIFReporter.render(sampleReport())
        #expect(!sarif.contains("helpUri"))
        #expect(sarif.contains(#""incidentPath": "incidents/INC-0003 privileged.yaml""#))
    }

    @Test func uriEncoding() {
        #expect(URIEncoding.path("k8s/apps/a.yaml") == "k8s/apps/a.yaml")
        #expect(URIEncoding.path("a b/é.yaml") == "a%20b/%C3%A9.yaml")
        #expect(URIEncoding.path("a:b/c#d?e%f") == "a%3Ab/c%23d%3Fe%25f")
        #expect(URIEncoding.path("x (1)/[y].yaml") == "x%20%281%29/%5By%5D.yaml")
        #expect(URIEncoding.path("🚀.yaml") == "%F0%9F%9A%80.yaml")
        #expect(URIEncoding.path("//host/x") == "/.//host/x")
        #expect(URIEncoding.hasScheme("https://x") && URIEncoding.hasScheme("file:///x"))
        #expect(!URIEncoding.hasScheme("a/b:c") && !URIEncoding.hasScheme("1x:y") && !URIEncoding.hasScheme("plain"))
    }

    /// Both shapes (with and without a help base) against the official schema and our contract.
    @Test(
        .enabled(if: Host.canValidateSARIF, "no SARIF schema at ../shared/schemas/sarif-schema-2.1.0.json, or no python3 with jsonschema"),
        arguments: [helpBase, nil])
    func validatesAgainstTheOfficialSchema(_ base: String?) {
        let dir = Host.makeTemporaryDirectory()
        defer { _ = Host.shell("rm -rf " + Host.quote(dir)) }
        let file = dir + "/report.sarif"
        Host.write(SARIFReporter.render(sampleReport(), helpURIBase: base, informationURI: "https://constitution.test/"), to: file)
        let schema = Host.sarifSchema
        let result = Host.shell(
            "python3 " + Host.quote(Host.testsFolder + "/validate_sarif.py") + " " + Host.quote(schema) + " " + Host.quote(file))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.hasSuffix(": valid SARIF 2.1.0\n"), "\(result.output)")
    }

    /// The validator really rejects what it should (a relative helpUri, an unencoded space, a
    /// missing region), so a passing run means something.
    @Test(.enabled(if: Host.canValidateSARIF, "no SARIF schema at ../shared/schemas/sarif-schema-2.1.0.json, or no python3 with jsonschema"))
    func validatorRejectsBrokenSARIF() {
        let schema = Host.sarifSchema
        let good = SARIFReporter.render(sampleReport(), helpURIBase: helpBase)
        let broken = [
            good.replacingFirst(helpBase + "incidents/INC-0007.yaml", with: "incidents/INC-0007.yaml"),
            good.replacingFirst("apps/my%20app", with: "apps/my app"),
            good.replacingFirst(#""startColumn": 5"#, with: #""endColumn": 5"#),
        ]
        let dir = Host.makeTemporaryDirectory()
        defer { _ = Host.shell("rm -rf " + Host.quote(dir)) }
        for (i, text) in broken.enumerated() {
            #expect(text != good, "mutation \(i) changed nothing")
            let file = dir + "/broken\(i).sarif"
            Host.write(text, to: file)
            let result = Host.shell(
                "python3 " + Host.quote(Host.testsFolder + "/validate_sarif.py") + " " + Host.quote(schema) + " " + Host.quote(file))
            #expect(result.status == 1, "mutation \(i) passed: \(result.output)")
        }
    }

    /// Without a schema the validator fails (exit 2): it never passes a file it did not check.
    @Test(.enabled(if: Host.hasPython, "no python3"))
    func validatorFailsWithoutASchema() {
        let result = Host.shell(
            "python3 " + Host.quote(Host.testsFolder + "/validate_sarif.py") + " /nonexistent/schema.json /nonexistent.sarif")
        #expect(result.status == 2)
        #expect(result.output == "validate_sarif.py: no schema at /nonexistent/schema.json: nothing was validated\n")
    }
}

// MARK: - JUnit

@Suite("JUnit reporter")
struct JUnitReporterTests {
    @Test func escapesTextAndAttributes() {
        let xml = JUnitReporter.render(sampleReport())
        #expect(
            xml.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"constitution\" tests=\"9\" failures=\"4\" errors=\"1\" skipped=\"2\" time=\"0\">"
            ))
        #expect(
            xml.contains("message=\"container &quot;web&quot; sets `privileged: true` &lt;host&gt; &amp; root | 100% sure,&#10;next: 🚀\""))
        #expect(
            xml.contains(
                ">container &quot;web&quot; sets `privileged: true` &lt;host&gt; &amp; root | 100% sure,\nnext: 🚀\nrule: no-privileged (error)"
            ))
        #expect(xml.contains(#"<testcase name="no findings" classname="constitution.quiet-rule"/>"#))
        #expect(xml.contains(#"<skipped message="waived: node-exporter needs host access"/>"#))
        #expect(xml.contains(#"<testsuite name="parse" tests="1" failures="0" errors="1" skipped="0" time="0">"#))
        // The info finding is below the report's threshold (warning): reported, not failed.
        #expect(xml.contains("<system-out>"))
    }

    /// A real XML parser reads the document; every count matches its children, and the nasty
    /// message comes back exactly as it went in.
    @Test(.enabled(if: Host.hasPython, "needs python3"))
    func parsesWithConsistentCounts() {
        let dir = Host.makeTemporaryDirectory()
        defer { _ = Host.shell("rm -rf " + Host.quote(dir)) }
        let file = dir + "/report.xml"
        Host.write(JUnitReporter.render(sampleReport()), to: file)
        let script = """
            import json, sys
            import xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            assert root.tag == "testsuites", root.tag
            def count(cases, tag):
                return sum(1 for c in cases if c.find(tag) is not None)
            totals = dict(tests=0, failures=0, errors=0, skipped=0)
            for suite in root.findall("testsuite"):
                cases = suite.findall("testcase")
                got = dict(tests=len(cases), failures=count(cases, "failure"), errors=count(cases, "error"), skipped=count(cases, "skipped"))
                for key, value in got.items():
                    assert int(suite.get(key)) == value, (suite.get("name"), key, suite.get(key), value)
                    totals[key] += value
            for key, value in totals.items():
                assert int(root.get(key)) == value, (key, root.get(key), value)
            print("suites=%d tests=%d failures=%d errors=%d skipped=%d" % (len(root.findall("testsuite")), totals["tests"], totals["failures"], totals["errors"], totals["skipped"]))
            print(" ".join(s.get("name") for s in root.findall("testsuite")))
            failure = root.find("testsuite[@name='no-privileged']/testcase/failure")
            print(json.dumps(failure.get("message"), ensure_ascii=False))
            print(json.dumps(failure.text.split("\\nrule:")[0], ensure_ascii=False))
            """
        Host.write(script, to: dir + "/check.py")
        let result = Host.shell("python3 " + Host.quote(dir + "/check.py") + " " + Host.quote(file))
        #expect(result.status == 0, "\(result.output)")
        let message = JSONValue.string(nastyMessage).serialized()
        #expect(
            result.output
                == "suites=6 tests=9 failures=4 errors=1 skipped=2\nconstitution-waiver image-pinned no-privileged probe-port quiet-rule parse\n\(message)\n\(message)\n"
        )
    }
}

// MARK: - XML escaping

@Suite("XML escaping")
struct XMLEscapingTests {
    @Test func escapesTheFiveMarkupCharacters() {
        #expect(XMLEscaping.text(#"a<b>&"c"'d'"#) == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
        #expect(XMLEscaping.attribute(#"a<b>&"c"'d'"#) == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
        // Already-escaped text is escaped again: the helper never guesses.
        #expect(XMLEscaping.text("&amp;") == "&amp;amp;")
    }

    @Test func lineBreaksAndTabs() {
        #expect(XMLEscaping.text("a\nb\tc") == "a\nb\tc")
        #expect(XMLEscaping.attribute("a\nb\tc") == "a&#10;b&#9;c")
        // A literal CR would be read back as LF, in text and attributes alike.
        #expect(XMLEscaping.text("a\r\nb") == "a&#13;\nb")
        #expect(XMLEscaping.attribute("a\r\nb") == "a&#13;&#10;b")
    }

    @Test func charactersXMLCannotCarryAreReplaced() {
        #expect(XMLEscaping.text("a\u{0}b\u{1}c\u{1B}[0m\u{1F}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}[0m\u{FFFD}")
        #expect(XMLEscaping.attribute("\u{FFFE}\u{FFFF}") == "\u{FFFD}\u{FFFD}")
        #expect(!XMLEscaping.isAllowed("\u{8}") && XMLEscaping.isAllowed("\t") && XMLEscaping.isAllowed("\u{7F}"))
        #expect(XMLEscaping.isAllowed("\u{10FFFF}") && XMLEscaping.isAllowed("\u{FFFD}"))
    }

    @Test func everythingElsePassesThrough() {
        let plain = "k8s/apps/café 🚀 ~ naïve — ü: 100%, [x] {y} #z"
        #expect(XMLEscaping.text(plain) == plain)
        #expect(XMLEscaping.attribute(plain) == plain)
        #expect(XMLEscaping.text("") == "")
        // A combining sequence and a flag stay intact (escaping works on scalars, not bytes).
        #expect(XMLEscaping.attribute("e\u{301}<🇨🇭>") == "e\u{301}&lt;🇨🇭&gt;")
    }

    /// Python's parser reads back exactly what went in (control characters aside).
    @Test(.enabled(if: Host.hasPython, "needs python3"))
    func roundTripsThroughARealParser() {
        let original = "<a & \"b\" 'c'>\r\n\ttab 🚀 ]]> %,:"
        let dir = Host.makeTemporaryDirectory()
        defer { _ = Host.shell("rm -rf " + Host.quote(dir)) }
        Host.write(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r a=\"\(XMLEscaping.attribute(original))\" b='\(XMLEscaping.attribute(original))'>"
                + XMLEscaping.text(original) + "</r>\n", to: dir + "/x.xml")
        let script =
            "import json, sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); "
            + "print(json.dumps([r.get('a'), r.get('b'), r.text], ensure_ascii=False, separators=(',', ':')))"
        let result = Host.shell("python3 -c " + Host.quote(script) + " " + Host.quote(dir + "/x.xml"))
        let expected = JSONValue.array([.string(original), .string(original), .string(original)]).serialized()
        #expect(result.status == 0)
        #expect(result.output == expected + "\n")
    }
}

// MARK: - Workflow commands

@Suite("GitHub reporter")
struct GitHubReporterTests {
    @Test func oneAnnotationPerFindingAndParseError() {
        let lines = GitHubReporter.render(sampleReport()).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 + 1 + 1)  // findings, the parse error, the final empty piece
        #expect(lines.last == "")
        #expect(
            lines[0]
                == "::error file=apps/my app/café.yaml,line=3,col=5,title=no-privileged (INC-0003)::container \"web\" sets `privileged: true` <host> & root | 100%25 sure,%0Anext: 🚀"
        )
        #expect(lines.contains("::notice file=k8s/a.yaml,line=12,col=7,title=probe-port::probe port 8080 is not a container port"))
        #expect(lines.contains("::error file=k8s/broken.yaml,line=7,col=2,title=parse error::mapping values are not allowed here"))
        // Waived findings are not annotated.
        #expect(!lines.contains { $0.contains("redis") || $0.contains("exporter") })
    }

    @Test func escapesLikeTheActionsToolkit() {
        #expect(GitHubReporter.escapeData("100% a,b: c\r\nd") == "100%25 a,b: c%0D%0Ad")
        #expect(GitHubReporter.escapeProperty("100% a,b: c\r\nd") == "100%25 a%2Cb%3A c%0D%0Ad")
        #expect(GitHubReporter.escapeData("%0A") == "%250A")
        #expect(GitHubReporter.escapeProperty("🚀") == "🚀")
    }
}

// MARK: - Markdown

@Suite("Markdown reporter")
struct MarkdownReporterTests {
    @Test func cellsCannotBreakTheTable() {
        #expect(MarkdownReporter.cell("a|b`c`<d>&e\\f[g]") == "a\\|b\\`c\\`&lt;d&gt;&amp;e\\\\f\\[g\\]")
        #expect(MarkdownReporter.cell("one\ntwo\r\nthree\rfour") == "one<br>two<br>three<br>four")
        let md = MarkdownReporter.render(sampleReport())
        #expect(md.contains("container \"web\" sets \\`privileged: true\\` &lt;host&gt; &amp; root \\| 100% sure,<br>next: 🚀"))
        // Every table row has exactly as many unescaped pipes as its header.
        var expectedPipes: Int?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                expectedPipes = nil
                continue
            }
            let pipes = Self.unescapedPipes(line)
            if let expectedPipes {
                #expect(pipes == expectedPipes, "\(line)")
            } else {
                expectedPipes = pipes
            }
        }
    }

    @Test func verdictTablesAndLinks() {
        let md = MarkdownReporter.render(sampleReport())
        #expect(md.hasPrefix("## constitution lint\n\n❌ **4 findings at or above the threshold (warning); 1 file could not be parsed.**"))
        #expect(md.contains("| [apps/my app/café.yaml:3](apps/my%20app/caf%C3%A9.yaml#L3) | error | no-privileged (INC-0003) |"))
        #expect(md.contains("| no-privileged | error | [INC-0003](incidents/INC-0003%20privileged.yaml) | 1 | 1 |"))
        #expect(md.contains("| constitution-waiver | error | — | 1 | 0 |"))
        #expect(md.contains("1 other rule found nothing."))
        #expect(md.contains("### Waiver problems"))
        #expect(md.contains("| node-exporter needs host access | ops-team | — | central at [waivers.yaml:12](waivers.yaml#L12) |"))
        #expect(md.contains("| pinned by digest upstream | — | 2099-12-31 | inline at [k8s/a.yaml:29](k8s/a.yaml#L29) |"))
        #expect(md.contains("| [k8s/broken.yaml:7:2](k8s/broken.yaml#L7) | mapping values are not allowed here |"))
    }

    @Test func cleanVerdict() {
        var report = sampleReport()
        report.findings = report.findings.filter { $0.severity == .info }
        report.errors = []
        #expect(
            MarkdownReporter.render(report).contains("✅ **Clean**: no findings at or above the threshold (warning). 1 finding (1 info)"))
    }

    private static func unescapedPipes(_ line: Substring) -> Int {
        var count = 0
        var escaped = false
        for c in line {
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "|" {
                count += 1
            }
        }
        return count
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
