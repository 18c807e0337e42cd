#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the test targets: temporary trees, the real binary, the shared corpus.
public enum TestSupport {
    /// The package root (two levels above this file's folder).
    public static let packageRoot: String = {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3)  // Tests/TestSupport/TestSupport.swift
        return "/" + parts.joined(separator: "/")
    }()

    /// `../shared/corpus` beside the package, or `$CONSTITUTION_CORPUS`; nil when absent.
    public static var corpus: String? {
        let path = getenv("CONSTITUTION_CORPUS").map { String(cString: $0) } ?? packageRoot + "/../shared/corpus"
        var st = stat()
        return stat(path, &st) == 0 ? path : nil
    }

    /// The `constitution` binary built next to the running test bundle.
    public static var binary: String {
        if let env = getenv("CONSTITUTION_BIN") { return String(cString: env) }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let dir = exe.split(separator: "/").dropLast().joined(separator: "/")
        return "/" + dir + "/constitution"
    }

    /// A fresh temporary folder.
    public static func makeTemporaryDirectory() -> String {
        var template = Array("/tmp/constitution-test-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return String(cString: path!)
    }

    /// Writes `files` (relative path → content) under `root`, creating folders.
    public static func write(_ files: [String: String], under root: String) {
        for (relative, content) in files {
            writeBytes(Array(content.utf8), to: root + "/" + relative)
        }
    }

    /// Writes raw bytes, creating folders.
    public static func writeBytes(_ bytes: [UInt8], to path: String) {
        let parts = path.split(separator: "/").dropLast()
        var current = ""
        for part in parts {
            current += "/" + part
            mkdir(current, 0o755)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot write \(path)")
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    /// Removes a tree.
    public static func remove(_ path: String) {
        _ = run("/bin/rm", ["-rf", path])
    }

    /// The result of running a process.
    public struct ProcessResult: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` with `arguments`, optional stdin, in `directory`; captures output.
    public static func run(
        _ executable: String, _ arguments: [String], stdin: String? = nil, directory: String? = nil,
        environment: [String: String] = [:]
    ) -> ProcessResult {
        let dir = makeTemporaryDirectory()
        defer { _ = system("rm -rf '\(dir)'") }
        let inPath = dir + "/in", outPath = dir + "/out", errPath = dir + "/err"
        writeBytes(Array((stdin ?? "").utf8), to: inPath)
        func quote(_ s: String) -> String { "'" + s.replacingAll("'", with: "'\\''") + "'" }
        var command = ""
        if let directory { command += "cd \(quote(directory)) && " }
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) { command += "\(k)=\(quote(v)) " }
        command += ([executable] + arguments).map(quote).joined(separator: " ")
        command += " <\(quote(inPath)) >\(quote(outPath)) 2>\(quote(errPath))"
        let raw = system(command)
        let status = (raw >> 8) & 0xFF
        return ProcessResult(status: status, stdout: readText(outPath), stderr: readText(errPath))
    }

    /// `path:line:column rule` for each finding line of a text lint report
    /// (`k8s/x.yaml:3:5: error: message [rule, INC-0001]`), in report order.
    public static func findings(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ")
            guard parts.count > 2, parts[0].hasSuffix(":"), parts[0].filter({ $0 == ":" }).count == 3,
                let last = line.split(separator: "[").last
            else { return nil }
            let rule = last.split(separator: ",")[0].split(separator: "]")[0]
            return "\(parts[0].dropLast()) \(rule)"
        }
    }

    /// Reads a file as text ("" when missing).
    public static func readText(_ path: String) -> String {
        String(decoding: readBytes(path) ?? [], as: UTF8.self)
    }

    /// A file's bytes, or nil when it cannot be opened.
    public static func readBytes(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation).
    public func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        out += rest
        return out
    }
}
