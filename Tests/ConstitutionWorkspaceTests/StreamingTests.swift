import ConstitutionCore
import Synchronization
import TestSupport
import Testing

@testable import ConstitutionWorkspace

@Suite("Streaming walk")
struct StreamingTests {
    /// More files than the walk may run ahead, in folders visited out of name order by a naive
    /// byte sort (`a-b` sorts before `a/…` bytewise, after it by path).
    static func tree(files: Int) -> (root: String, expected: [String]) {
        let root = TestSupport.makeTemporaryDirectory()
        var spec: [String: String] = [:]
        for i in 0..<files {
            let folder = ["a", "a-b", "a/b", "z"][i % 4]
            spec["\(folder)/f\(i).yaml"] = "k: \(i)\n"
        }
        TestSupport.write(spec, under: root)
        return (root, spec.keys.sorted(by: PathText.less))
    }

    @Test(arguments: [1, 2, 4])
    func emitsEveryFileOnceInPathOrder(workers: Int) {
        let (root, expected) = Self.tree(files: Workspace.walkAhead * 3 + 7)
        defer { TestSupport.remove(root) }
        var emitted: [String] = []
        var documents = 0
        let missing = Workspace(workers: workers).walk([root], displayRoot: root, visit: { Workspace.load($0).documentCount }) { path, count in
            emitted.append(path)
            documents += count
        }
        #expect(missing.isEmpty)
        #expect(emitted == expected)
        #expect(documents == expected.count)
    }

    @Test func emitIsNeverCalledConcurrently() {
        let (root, expected) = Self.tree(files: 600)
        defer { TestSupport.remove(root) }
        let inside = Atomic<Int>(0)
        var overlaps = 0
        var count = 0
        _ = Workspace(workers: 4).walk([root], displayRoot: root, visit: { $0.path }) { _, _ in
            if inside.add(1, ordering: .relaxed).newValue != 1 { overlaps += 1 }
            count += 1
            inside.subtract(1, ordering: .relaxed)
        }
        #expect(overlaps == 0)
        #expect(count == expected.count)
    }

    @Test func severalInputsAreSortedAndDeduplicated() {
        let (root, expected) = Self.tree(files: 40)
        defer { TestSupport.remove(root) }
        let mapped = Workspace(workers: 2).walkAndMap([root + "/z", root + "/a", root + "/a/b"], displayRoot: root) { $0.path }
        #expect(mapped.paths == expected.filter { $0.hasPrefix("a/") || $0.hasPrefix("z/") })
        #expect(mapped.results == mapped.paths)
    }
}
