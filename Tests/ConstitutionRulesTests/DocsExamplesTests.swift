import ConstitutionCore
import ConstitutionYAML
import TestSupport
import Testing

@testable import ConstitutionRules

/// Every ```yaml rule block of docs/rules.md, with the line its block starts on.
func docsRules() -> [(line: Int, text: String)] {
    let text = TestSupport.readText(TestSupport.packageRoot + "/docs/rules.md")
    var out: [(Int, String)] = []
    var current: [Substring]?
    var start = 0
    for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if current == nil, line == "```yaml rule" {
            current = []
            start = n + 2
        } else if current != nil, line == "```" {
            out.append((start, current!.joined(separator: "\n") + "\n"))
            current = nil
        } else if current != nil {
            current!.append(line)
        }
    }
    return out
}

@Suite("docs/rules.md examples are tests")
struct DocsExamplesTests {
    @Test func docsHaveManyRules() {
        #expect(docsRules().count >= 25)
    }

    @Test(arguments: docsRules().map { $0.line })
    func ruleBlockProvesItself(line: Int) throws {
        let block = try #require(docsRules().first { $0.line == line })
        let yaml = YAMLParser.parse(path: "docs/rules.md", text: block.text)
        #expect(yaml.error == nil, "docs/rules.md:\(line): \(yaml.error?.message ?? "")")
        var decoder = RuleDecoder(path: "docs/rules.md")
        let rule = decoder.decodeRule(try #require(yaml.documents.first), incident: nil)
        for d in decoder.reader.diagnostics {
            Issue.record("docs/rules.md:\(d.location.line + line - 1):\(d.location.column): \(d.severity): \(d.message)")
        }
        let decoded = try #require(rule)
        #expect(decoded.examples.contains { $0.expectation == .fail })
        #expect(decoded.examples.contains { $0.expectation == .pass })
        for d in ExampleRunner.check(decoded) {
            Issue.record("docs/rules.md:\(d.location.line + line - 1): \(d.message)")
        }
    }
}

@Suite("docs/incidents.md examples are tests")
struct IncidentDocsTests {
    /// The ```yaml blocks of docs/incidents.md.
    func blocks() -> [String] {
        let text = TestSupport.readText(TestSupport.packageRoot + "/docs/incidents.md")
        var out: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```yaml" {
                current = []
            } else if current != nil, line == "```" {
                out.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return out
    }

    @Test func everyRecordDecodesAndItsRulesProveThemselves() throws {
        let records = blocks()
        #expect(records.count == 2)
        for text in records {
            let yaml = YAMLParser.parse(path: "docs/incidents.md", text: text)
            let (incident, diags, _) = IncidentDecoder.decode(yaml, path: "docs/incidents.md", firstQueryID: 0)
            #expect(diags.isEmpty, "\(diags.map(\.message))")
            let record = try #require(incident)
            for rule in record.constraints { #expect(ExampleRunner.check(rule).isEmpty) }
        }
    }
}
