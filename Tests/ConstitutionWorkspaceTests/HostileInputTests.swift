#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import Dispatch
import TestSupport
import Testing

@testable import ConstitutionWorkspace

/// Makes a FIFO at `path`, and makes sure a test that wrongly opens it cannot hang: after five
/// seconds a writer comes and goes, so a blocked `open` returns and a blocked `read` sees EOF.
private func makeFIFO(_ path: String) {
    precondition(mkfifo(path, 0o644) == 0, "mkfifo \(path)")
    DispatchQueue.global().asyncAfter(deadline: .now() + 5) {
        let fd = open(path, O_RDWR | O_NONBLOCK)
        if fd >= 0 { close(fd) }
    }
}

/// Makes a listening Unix socket at `path` (closed again; the socket file stays).
private func makeSocket(_ path: String) {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (i, b) in bytes.enumerated() { raw[i] = b }
    }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    precondition(bound == 0, "bind \(path)")
}

@Suite("Only regular files are read")
struct NonRegularFileTests {
    @Test func theReaderRefusesAFIFOWithoutBlocking() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        makeFIFO(root + "/pipe.yaml")
        guard case .failure(let failure) = FileReader.read(root + "/pipe.yaml") else {
            Issue.record("a FIFO was read")
            return
        }
        #expect(failure.reason == .notRegular)
        #expect(failure.message == "not a regular file (FIFO): not read")
        guard case .failure(let bounded) = FileReader.read(root + "/pipe.yaml", maxSize: 100) else {
            Issue.record("a FIFO was read")
            return
        }
        #expect(bounded.reason == .notRegular)
    }

    @Test func theReaderRefusesDevices() {
        for (path, name) in [("/dev/zero", "character device"), ("/dev/urandom", "character device"), ("/dev/null", "character device")] {
            guard case .failure(let failure) = FileReader.read(path) else {
                Issue.record("\(path) was read")
                continue
            }
            #expect(failure.message == "not a regular file (\(name)): not read")
        }
    }

    @Test func theWalkReportsFIFOsSocketsAndDevicesWithoutOpeningThem() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["ok.yaml": "a: 1\n", "sub/b.yaml": "b: 2\n"], under: root)
        makeFIFO(root + "/pipe.yaml")
        makeFIFO(root + "/sub/pipe2")
        makeSocket(root + "/sock.yaml")
        let files = FileWalker().walk([root], displayRoot: root).files
        let errors = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.walkError ?? "") })
        #expect(errors == [
            "ok.yaml": "", "sub/b.yaml": "",
            "pipe.yaml": "not a regular file (FIFO): not read",
            "sub/pipe2": "not a regular file (FIFO): not read",
            "sock.yaml": "not a regular file (socket): not read",
        ])
        let loaded = Workspace.load(files.first { $0.path == "pipe.yaml" }!)
        #expect(loaded.error?.location == .start)
        #expect(loaded.error?.message == "not a regular file (FIFO): not read")
    }

    @Test func aFIFONamedOnTheCommandLineIsReportedNotOpened() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        makeFIFO(root + "/pipe.yaml")
        let files = FileWalker().walk([root + "/pipe.yaml", "/dev/zero"], displayRoot: root).files
        #expect(files.map(\.path) == ["/dev/zero", "pipe.yaml"])
        #expect(files.map(\.walkError) == ["not a regular file (character device): not read", "not a regular file (FIFO): not read"])
    }
}

@Suite("Symlinks stay inside the tree")
struct SymlinkTreeTests {
    @Test func symlinksLeavingTheTreeAreReportedNotFollowed() {
        let root = TestSupport.makeTemporaryDirectory()
        let outside = TestSupport.makeTemporaryDirectory()
        defer {
            TestSupport.remove(root)
            TestSupport.remove(outside)
        }
        TestSupport.write(["secret.yaml": "a: 1\n", "dir/x.yaml": "x: 1\n"], under: outside)
        TestSupport.write(["real.yaml": "a: 1\n", "inner/deep.yaml": "d: 1\n"], under: root)
        symlink("/dev/zero", root + "/zero.yaml")
        symlink("/dev/urandom", root + "/rand.yaml")
        symlink(outside + "/secret.yaml", root + "/secret.yaml")
        symlink(outside + "/dir", root + "/elsewhere")
        symlink(root + "/real.yaml", root + "/alias.yaml")
        symlink("inner", root + "/inner-link")
        makeFIFO(root + "/inner/pipe")
        symlink(root + "/inner/pipe", root + "/pipe-link.yaml")
        let files = FileWalker().walk([root], displayRoot: root).files
        let errors = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.walkError ?? "") })
        let outsideReal = String(cString: realpath(outside, nil))
        #expect(errors == [
            "alias.yaml": "",
            "elsewhere": "symlink leaves the tree: -> \(outsideReal)/dir",
            "inner/deep.yaml": "",
            "inner/pipe": "not a regular file (FIFO): not read",
            "inner-link/deep.yaml": "",
            "inner-link/pipe": "not a regular file (FIFO): not read",
            "pipe-link.yaml": "not a regular file (FIFO): not read",
            "rand.yaml": "symlink leaves the tree: -> /dev/urandom",
            "real.yaml": "",
            "secret.yaml": "symlink leaves the tree: -> \(outsideReal)/secret.yaml",
            "zero.yaml": "symlink leaves the tree: -> /dev/zero",
        ])
        // Loading the reported ones reads nothing and says why, at 1:1.
        let zero = Workspace.load(files.first { $0.path == "zero.yaml" }!)
        #expect(zero.error?.location == .start)
        #expect(zero.bytes.isEmpty)
    }

    @Test func loopsAreStillLoops() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["dir/a.yaml": "a: 1\n"], under: root)
        symlink(root + "/dir", root + "/dir/loop")
        symlink("..", root + "/dir/up")
        let files = FileWalker().walk([root + "/dir"], displayRoot: root).files
        let errors = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.walkError ?? "") })
        #expect(errors["dir/a.yaml"] == "")
        #expect(errors["dir/loop"] == "cannot read: symlink loop (this folder contains itself)")
        #expect(errors["dir/up"] == "cannot read: symlink loop (this folder contains itself)")
    }
}

@Suite("Size limit")
struct SizeLimitTests {
    @Test func overTheLimitIsRefusedUnread() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.writeBytes([UInt8](repeating: UInt8(ascii: "a"), count: 1000), to: root + "/a.txt")
        guard case .failure(let failure) = FileReader.read(root + "/a.txt", maxSize: 999) else {
            Issue.record("read past the limit")
            return
        }
        #expect(failure.reason == .tooLarge)
        #expect(failure.message == "file is 1000 bytes, over the 999 bytes limit (max_file_size in .constitution.yaml, or --max-file-size): not checked")
        guard case .success(let bytes) = FileReader.read(root + "/a.txt", maxSize: 1000) else {
            Issue.record("refused at the limit")
            return
        }
        #expect(bytes.count == 1000)
    }

    @Test func filesWhoseSizeIsUnknownAreReadOnlyToOnePastTheLimit() {
        // procfs reports size 0: read until EOF, but never past limit + 1.
        guard case .failure(let failure) = FileReader.read("/proc/self/maps", maxSize: 10) else {
            Issue.record("read past the limit")
            return
        }
        #expect(failure.reason == .tooLarge)
        #expect(failure.message.hasPrefix("file is larger than 10 bytes"))
    }

    @Test func workspaceLoadAppliesTheLimitWithALocatedError() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["big.yaml": String(repeating: "k: v\n", count: 1000), "ok.yaml": "a: 1\n"], under: root)
        let files = FileWalker().walk([root], displayRoot: root).files
        let loaded = files.map { Workspace.load($0, limits: LoadLimits(maxFileSize: 4096)) }
        #expect(loaded.map(\.path) == ["big.yaml", "ok.yaml"])
        #expect(loaded[0].error?.message.hasPrefix("file is 5000 bytes (4.8 KiB), over the 4 KiB limit") == true)
        #expect(loaded[0].error?.location == .start)
        #expect(loaded[1].error == nil)
        #expect(Workspace.load(files[0]).error == nil)
    }

    @Test func sizesAreReadAndWritten() {
        func bytes(_ text: String) -> Int? { try? ByteSize.parse(text).get() }
        #expect(bytes("16777216") == 16 << 20)
        #expect(bytes("32MiB") == 32 << 20)
        #expect(bytes("32 mib") == 32 << 20)
        #expect(bytes("512K") == 512 << 10)
        #expect(bytes("20MB") == 20_000_000)
        #expect(bytes("1GiB") == 1 << 30)
        for bad in ["", "MiB", "-1", "0", "2GiB", "12 parsecs", "1.5MiB", "99999999999999999999"] {
            #expect(bytes(bad) == nil, "\(bad)")
        }
        guard case .failure(let unit) = ByteSize.parse("12 parsecs") else { return }
        #expect(unit.message == "unknown size unit 'parsecs' in '12 parsecs'; units: B, KiB, MiB, GiB (or K, M, G), KB, MB, GB")
        #expect(ByteSize.describe(16 << 20) == "16 MiB")
        #expect(ByteSize.describe(50_000_017) == "47.6 MiB")
        #expect(ByteSize.describe(1) == "1 byte")
    }
}

@Suite("UTF-16 and UTF-32 text")
struct WideEncodingTests {
    private func utf16(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            let hi = UInt8(unit >> 8), lo = UInt8(unit & 0xFF)
            out += bigEndian ? [hi, lo] : [lo, hi]
        }
        return out
    }

    private func utf32(_ text: String, bigEndian: Bool, bom: Bool) -> [UInt8] {
        var out: [UInt8] = bom ? (bigEndian ? [0, 0, 0xFE, 0xFF] : [0xFF, 0xFE, 0, 0]) : []
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let le = [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)]
            out += bigEndian ? le.reversed() : le
        }
        return out
    }

    @Test func byteOrderMarksAndNULPatternsAreRecognised() {
        let text = "apiVersion: v1\nkind: Service\nmetadata: {name: café}\n"
        for bom in [true, false] {
            #expect(FileClassifier.wideEncoding(utf16(text, bigEndian: false, bom: bom)[...]) == .utf16LE)
            #expect(FileClassifier.wideEncoding(utf16(text, bigEndian: true, bom: bom)[...]) == .utf16BE)
            #expect(FileClassifier.wideEncoding(utf32(text, bigEndian: false, bom: bom)[...]) == .utf32LE)
            #expect(FileClassifier.wideEncoding(utf32(text, bigEndian: true, bom: bom)[...]) == .utf32BE)
        }
        // UTF-16 text without any NUL (CJK) is known by its mark.
        #expect(FileClassifier.wideEncoding(utf16("設定: 値\n", bigEndian: false, bom: true)[...]) == .utf16LE)
        // UTF-8 (with or without its mark) and binary data are not.
        #expect(FileClassifier.wideEncoding(Array(text.utf8)[...]) == nil)
        #expect(FileClassifier.wideEncoding(([0xEF, 0xBB, 0xBF] + Array(text.utf8))[...]) == nil)
        #expect(FileClassifier.wideEncoding([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3E, 0][...]) == nil)
        #expect(FileClassifier.wideEncoding([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D][...]) == nil)
        #expect(FileClassifier.wideEncoding([][...]) == nil)
    }

    @Test func aUTF16FileIsALocatedErrorNotABinary() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.writeBytes(utf16("a: 1\n", bigEndian: false, bom: true), to: root + "/bom.yaml")
        TestSupport.writeBytes(utf16("#!/bin/sh\necho hi\n", bigEndian: true, bom: false), to: root + "/run.sh")
        TestSupport.writeBytes(utf32("a: 1\n", bigEndian: false, bom: false), to: root + "/wide.yaml")
        TestSupport.writeBytes([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0], to: root + "/tool.bin")
        let loaded = FileWalker().walk([root], displayRoot: root).files.map { Workspace.load($0) }
        #expect(loaded.map(\.path) == ["bom.yaml", "run.sh", "tool.bin", "wide.yaml"])
        #expect(loaded.map { $0.error?.message } == [
            "UTF-16LE text: convert to UTF-8 (iconv -f UTF-16LE -t UTF-8); not checked",
            "UTF-16BE text: convert to UTF-8 (iconv -f UTF-16BE -t UTF-8); not checked",
            nil,
            "UTF-32LE text: convert to UTF-8 (iconv -f UTF-32LE -t UTF-8); not checked",
        ])
        #expect(loaded[0].error?.location == .start)
        #expect(loaded[2].kind == .binary)
    }
}

@Suite("Source lines in one pass")
struct SourceLinesTests {
    @Test func sameTextAsSourceTextLine() {
        let samples: [[UInt8]] = [
            Array("a\nb\r\nc\rd\n\ne".utf8), Array("\u{FEFF}first\nsecond\n".utf8), Array("no break".utf8), [],
            Array("x\n".utf8), [0x61, 0xFF, 0x0A, 0x62], Array("\r\n\r\n".utf8),
        ]
        for bytes in samples {
            let lines = Array(0...9)
            let all = SourceLines.texts(lines + [3, 1], in: bytes)
            for line in 1...9 {
                #expect(all[line] == SourceText.line(line, in: bytes), "line \(line) of \(bytes)")
            }
            #expect(all[0] == nil)
        }
    }

    /// 20,000 lines wanted from a 20,000-line file: one pass (a rescan per line took seconds).
    @Test func manyLinesOfABigFile() {
        var text = ""
        for i in 1...20_000 { text += "    - port: \(i)\n" }
        let bytes = Array(text.utf8)
        let all = SourceLines.texts(Array(1...20_000), in: bytes)
        #expect(all.count == 20_000)
        #expect(all[1] == "    - port: 1")
        #expect(all[20_000] == "    - port: 20000")
    }
}
