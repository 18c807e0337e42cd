import ConstitutionCore
import Testing

@testable import ConstitutionReport

@Suite("Files listing writer")
struct FilesWriterTests {
    static func entries(_ n: Int) -> [FilesReport.Entry] {
        (0..<n).map { FilesReport.Entry(path: "dir/file\(String(repeating: "0", count: 5 - String($0).count))\($0).yaml", kind: $0 % 3 == 0 ? .kubernetes : .yaml, documents: $0 % 4, kinds: $0 % 3 == 0 ? ["Deployment", "Service"] : []) }
    }

    static func written(_ entries: [FilesReport.Entry], _ format: FilesReport.Writer.Format) -> (text: String, chunks: Int) {
        var out: [UInt8] = []
        var chunks = 0
        let writer = FilesReport.Writer(format: format) {
            out += $0
            chunks += 1
        }
        for e in entries { writer.add(e) }
        writer.finish(errors: [], warnings: [], sourceLines: [:])
        return (String(decoding: out, as: UTF8.self), chunks)
    }

    @Test func bigListingsAreWrittenInChunksAndParse() throws {
        let (json, chunks) = Self.written(Self.entries(5000), .json)
        #expect(chunks > 5)
        let parsed = try #require(try? JSONParser.parse(json))
        guard case .object(let top) = parsed, case .array(let files)? = top.first(where: { $0.0 == "files" })?.1 else {
            Issue.record("no files array")
            return
        }
        #expect(files.count == 5000)
    }

    @Test func textAlignsOnTheFirstWindowThenKeepsTheWidths() {
        var list = Self.entries(FilesReport.Writer.alignmentWindow + 2)
        list.append(.init(path: "dir/zz-a-much-longer-name-than-any-before.yaml", kind: .yaml, documents: 1, kinds: []))
        let text = Self.written(list, .text(TerminalStyle(enabled: false))).text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "dir/file00000.yaml  kubernetes  0  Deployment,Service")
        #expect(lines[1] == "dir/file00001.yaml  yaml        1")
        #expect(lines[list.count - 1] == "dir/zz-a-much-longer-name-than-any-before.yaml  yaml        1")
        #expect(text.hasSuffix("\n\(list.count) files (\(list.filter { $0.kind == .kubernetes }.count) kubernetes, \(list.filter { $0.kind == .yaml }.count) yaml), 0 errors, 0 warnings\n"))
    }

    @Test func theWholeReportAndTheWriterAgree() {
        let list = Self.entries(10)
        let report = FilesReport(files: list.reversed(), errors: [], warnings: [], sourceLines: [:])
        #expect(report.json() == Self.written(list, .json).text)
        #expect(report.text(style: TerminalStyle(enabled: false)) == Self.written(list, .text(TerminalStyle(enabled: false))).text)
        #expect(FilesReport(files: [], errors: [], warnings: [], sourceLines: [:]).json() == "{\n  \"files\": [],\n  \"errors\": [],\n  \"warnings\": []\n}\n")
    }
}
