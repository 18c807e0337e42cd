@testable import ConstitutionApp
import ConstitutionCore
import ConstitutionReport
import Testing

@Suite("Baseline fingerprints, comparison and file")
struct BaselineUnitTests {
    func finding(_ path: String, _ line: Int, _ rule: String = "r") -> Finding {
        Finding(path: path, location: SourceLocation(line: line, column: 3, offset: 0), rule: rule, severity: .error, message: "m", incident: nil)
    }

    @Test func whiteSpaceDoesNotChangeAFingerprintButTheLineDoes() {
        #expect(Baseline.normalise("  image:\t nginx:latest  \r") == "image: nginx:latest")
        let a = Baseline.fingerprint(finding("k.yaml", 3), line: "    image: nginx:latest")
        #expect(a == Baseline.fingerprint(finding("k.yaml", 90), line: "image:   nginx:latest"))
        #expect(a != Baseline.fingerprint(finding("k.yaml", 3), line: "image: nginx:1.27"))
        #expect(a != Baseline.fingerprint(finding("other.yaml", 3), line: "image: nginx:latest"))
        #expect(a != Baseline.fingerprint(finding("k.yaml", 3, "other-rule"), line: "image: nginx:latest"))
        #expect(a.hash.count == 16)
    }

    @Test func identicalFindingsAreCountedAndMatchedInFileOrder() {
        let lines = [LintReport.lineKey("a.sh", 1): "rm -rf /", LintReport.lineKey("a.sh", 2): "rm -rf /", LintReport.lineKey("a.sh", 3): "rm -rf /"]
        let baseline = Baseline.recording([finding("a.sh", 1), finding("a.sh", 2)], sourceLines: lines)
        #expect(baseline.entries.map(\.count) == [2])
        let three = baseline.compare([finding("a.sh", 1), finding("a.sh", 2), finding("a.sh", 3)], sourceLines: lines, inScope: { _ in true })
        #expect(three.known.map(\.location.line) == [1, 2])
        #expect(three.new.map(\.location.line) == [3])
        let one = baseline.compare([finding("a.sh", 2)], sourceLines: lines, inScope: { _ in true })
        #expect(one.absent.map(\.count) == [1])
        // Out of scope (a run over other files): not absent.
        #expect(baseline.compare([], sourceLines: lines, inScope: { $0 != "a.sh" }).absent.isEmpty)
    }

    @Test func waiverProblemsAreNeverBaselined() {
        let problem = finding("a.yaml", 1, "constitution-waiver")
        #expect(Baseline.recording([problem], sourceLines: [:]).entries.isEmpty)
    }

    @Test func updatingShrinksUnlessAskedAndKeepsWhatWasNotChecked() {
        let lines = [LintReport.lineKey("a.sh", 1): "x", LintReport.lineKey("a.sh", 2): "x", LintReport.lineKey("b.sh", 1): "y", LintReport.lineKey("c.sh", 1): "z"]
        let old = Baseline.recording([finding("a.sh", 1), finding("a.sh", 2), finding("b.sh", 1)], sourceLines: lines)
        let today = Baseline.recording([finding("a.sh", 1), finding("c.sh", 1)], sourceLines: lines)
        let shrunk = old.updated(with: today, inScope: { $0 != "b.sh" }, addingNew: false)
        #expect(shrunk.entries.map { "\($0.fingerprint.path) \($0.count)" } == ["a.sh 1", "b.sh 1"])
        let grown = old.updated(with: today, inScope: { _ in true }, addingNew: true)
        #expect(grown.entries.map { "\($0.fingerprint.path) \($0.count)" } == ["a.sh 1", "c.sh 1"])
    }

    @Test func theFileReadsBackAsWrittenWhateverTheText() throws {
        let weird = "k8s/a \"b\"\\c.yaml"
        let line = "key: \"quote\" \\ back\u{85}nel\u{2028}ls \u{7}bell 🚀 é # comment: yes"
        let baseline = Baseline.recording([finding(weird, 1, "odd rule: x")], sourceLines: [LintReport.lineKey(weird, 1): line])
        let text = baseline.yaml()
        let read = try Baseline.decode(Array(text.utf8), path: "b.yaml")
        #expect(read.entries.map(\.fingerprint) == baseline.entries.map(\.fingerprint))
        #expect(read.entries.map(\.excerpt) == [Baseline.normalise(line)])
        #expect(read.yaml() == text)
        #expect(Baseline(entries: []).yaml().hasSuffix("schema: 1\nentries: []\n"))
    }

    @Test func longLinesAreCutInTheExcerptOnly() {
        let long = String(repeating: "a", count: 500)
        let b = Baseline.recording([finding("a", 1)], sourceLines: [LintReport.lineKey("a", 1): long])
        #expect(b.entries[0].excerpt.count == 120 && b.entries[0].excerpt.hasSuffix("…"))
        #expect(b.entries[0].fingerprint == Baseline.fingerprint(finding("a", 1), line: long))
    }
}
