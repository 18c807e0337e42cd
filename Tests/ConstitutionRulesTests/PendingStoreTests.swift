import ConstitutionCore
import Testing

@testable import ConstitutionRules

@Suite("Pending store")
struct PendingStoreTests {
    static func subject(_ rule: Int, _ path: String, _ line: Int, packable: Bool) -> PendingSubject {
        let at = SourceLocation(line: line, column: line % 7 + 1, offset: line * 11)
        let anchor = SourceLocation(line: line + 1, column: 2, offset: line * 11 + 5)
        if packable {
            return PendingSubject(rule: rule, subject: .missing(at), anchor: anchor, file: FileInfo(path: path), projected: [:], trigger: nil)
        }
        return PendingSubject(
            rule: rule, subject: .text(LocatedText("x", at: at)), anchor: anchor, file: FileInfo(path: path), projected: nil, trigger: at)
    }

    static func key(_ p: PendingSubject) -> String {
        "\(p.rule) \(p.file.path) \(p.subject.location) \(p.anchor) \(p.projected?.count ?? -1) \(p.trigger.map { "\($0)" } ?? "-")"
    }

    @Test func everySubjectComesBackExactly() {
        // Paths that share prefixes, get shorter, repeat, hold multi-byte text, and are long
        // enough to fill several 64 KiB chunks.
        var paths: [String] = ["a.yaml", "a/b.yaml", "a/b.yaml", "a/bc/d.yaml", "a/é/ü.yaml", "b.yaml", "z"]
        for i in 0..<3000 { paths.append("deep/" + String(repeating: "folder\(i % 13)/", count: 6) + "file\(i).yaml") }
        var input: [PendingSubject] = []
        for (i, path) in paths.enumerated() {
            input.append(Self.subject(i % 3, path, i + 1, packable: i % 5 != 0))
            if i % 4 == 0 { input.append(Self.subject(1, path, i + 2, packable: true)) }
        }
        var store = PendingStore()
        for chunk in stride(from: 0, to: input.count, by: 7) { store.append(contentsOf: Array(input[chunk..<min(chunk + 7, input.count)])) }
        #expect(store.count == input.count)
        var output: [String] = []
        store.forEach { output.append(Self.key($0)) }
        // Kept subjects come first, then the packed ones, each group in its original order.
        let kept = input.filter { $0.projected == nil }.map(Self.key)
        let packed = input.filter { $0.projected != nil }.map(Self.key)
        #expect(output == kept + packed)
    }

    @Test func anEmptyStoreVisitsNothing() {
        var visited = 0
        PendingStore().forEach { _ in visited += 1 }
        #expect(visited == 0)
    }
}
