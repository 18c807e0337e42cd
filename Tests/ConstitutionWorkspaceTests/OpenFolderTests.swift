#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import TestSupport
import Testing

@testable import ConstitutionWorkspace

@Suite("Folders open during the walk")
struct OpenFolderTests {
    /// A chain of folders deeper than the walk keeps open, each with a file naming its depth.
    static func deepTree(depth: Int) -> (root: String, expected: [String: String]) {
        let root = TestSupport.makeTemporaryDirectory()
        var spec: [String: String] = [:]
        var folder = ""
        for level in 0..<depth {
            folder += (folder.isEmpty ? "" : "/") + "d\(level)"
            spec[folder + "/f.yaml"] = "level: \(level)\n"
            spec[folder + "/g.yaml"] = "other: \(level)\n"
        }
        TestSupport.write(spec, under: root)
        return (root, spec)
    }

    @Test(arguments: [1, 2])
    func everyFileIsReadWithItsOwnBytesAtEveryDepth(workers: Int) {
        let (root, expected) = Self.deepTree(depth: FileWalker.openFolderDepth + 6)
        defer { TestSupport.remove(root) }
        var read: [String: String] = [:]
        _ = Workspace(workers: workers).walk([root], displayRoot: root, visit: { file -> String in
            guard case .success(let bytes) = FileReader.read(file.fullPath) else { return "unreadable" }
            return String(decoding: bytes, as: UTF8.self)
        }) { path, text in read[path] = text }
        #expect(read == expected)
    }

    @Test func onlyEntriesOfTheOpenFolderAreOpenedThroughIt() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["a/x.yaml": "in a\n", "a/sub/x.yaml": "in sub\n", "ab/x.yaml": "in ab\n"], under: root)
        let folder = OpenFolder.current
        let fd = open(root + "/a", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(fd >= 0)
        let outer = folder.enter(fd, path: root + "/a")
        defer {
            folder.leave(restoring: outer)
            close(fd)
        }
        // An entry of the folder: opened through it.
        #expect(folder.open(root + "/a/x.yaml") != nil)
        // Deeper, a sibling with the same prefix, the folder itself: opened by path.
        #expect(folder.open(root + "/a/sub/x.yaml") == nil)
        #expect(folder.open(root + "/ab/x.yaml") == nil)
        #expect(folder.open(root + "/a") == nil)
        #expect(folder.open(root + "/a/") == nil)
        for (path, text) in [("a/x.yaml", "in a\n"), ("a/sub/x.yaml", "in sub\n"), ("ab/x.yaml", "in ab\n")] {
            guard case .success(let bytes) = FileReader.read(root + "/" + path) else {
                Issue.record("cannot read \(path)")
                continue
            }
            #expect(String(decoding: bytes, as: UTF8.self) == text)
        }
        if case .success = FileReader.read(root + "/a/missing.yaml") {
            Issue.record("a missing entry of the open folder was read")
        }
    }

    /// The readdir fallback (for systems without getdents64) lists a folder as getdents64 does:
    /// the same names, kinds and order.
    @Test func theReaddirFallbackListsTheSameEntries() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        var spec: [String: String] = [:]
        for i in 0..<300 { spec["f\(i % 7)-\(i).yaml"] = "a: 1\n" }
        spec["sub/x.yaml"] = "b: 2\n"
        spec["Ünïcødé/y.yaml"] = "c: 3\n"
        TestSupport.write(spec, under: root)
        symlink(root + "/sub", root + "/link")
        symlink(root + "/nowhere", root + "/dangling")
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let state = WalkState(rootDisplay: ".", sink: { _ in })
        defer { state.buffer.deallocate() }
        func summary(_ listing: DirListing) -> [String] {
            listing.entries.map { entry in
                listing.name(entry) + (entry.isDirectory ? "/" : "") + (entry.isSymlink ? "@" : "")
                    + (entry.error >= 0 ? "!" + listing.errors[Int(entry.error)] : "")
            }
        }
        let (fast, fastError) = state.list(fd)
        let (slow, slowError) = WalkState.listWithReaddir(fd)
        #expect(fastError == nil && slowError == nil)
        #expect(summary(fast).count == 304)
        #expect(summary(fast) == summary(slow))
        #expect(summary(fast).contains("link/@"))
        #expect(summary(fast).contains { $0.hasPrefix("dangling@!cannot read") })
    }
}
