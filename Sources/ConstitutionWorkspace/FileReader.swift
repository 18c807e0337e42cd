#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads files with POSIX calls into byte arrays: no Foundation, no copies.
public enum FileReader {
    /// Why a file could not be read.
    public struct Failure: Error, Sendable, Hashable {
        /// A human message, e.g. `cannot read: permission denied`.
        public var message: String
    }

    /// Reads the whole file (or its first `limit` bytes).
    public static func read(_ path: String, limit: Int = Int.max) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Failure(message: FileWalker.errnoText(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(Failure(message: FileWalker.errnoText(errno))) }
        if st.st_mode & S_IFMT == S_IFDIR { return .failure(Failure(message: "cannot read: is a folder")) }
        let expected = min(Int(st.st_size), limit)
        var bytes = [UInt8](repeating: 0, count: max(expected, 0))
        var total = 0
        if expected > 0 {
            let ok = bytes.withUnsafeMutableBytes { raw -> Bool in
                while total < expected {
                    let n = Glibc.read(fd, raw.baseAddress! + total, expected - total)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    if n == 0 { break }
                    total += n
                }
                return true
            }
            guard ok else { return .failure(Failure(message: FileWalker.errnoText(errno))) }
            if total < expected { bytes.removeSubrange(total...) }
        }
        // Files whose size stat does not know (procfs, pipes) are read until EOF.
        if Int(st.st_size) == 0 && limit > 0 {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while bytes.count < limit {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
                if n <= 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
        }
        return .success(bytes)
    }
}
