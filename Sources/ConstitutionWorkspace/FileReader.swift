#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConstitutionCore

/// Reads files with POSIX calls into byte arrays: no Foundation, no copies.
public enum FileReader {
    /// Why a file could not be read.
    public struct Failure: Error, Sendable, Hashable {
        /// A human message, e.g. `cannot read: permission denied`.
        public var message: String
    }

    /// Reads the whole file (or its first `limit` bytes).
    public static func read(_ path: String, limit: Int = Int.max) -> Result<[UInt8], Failure> {
        let fd = OpenFolder.current.open(path) ?? path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(Failure(message: FileWalker.errnoText(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(Failure(message: FileWalker.errnoText(errno))) }
        if st.st_mode & S_IFMT == S_IFDIR { return .failure(Failure(message: "cannot read: is a folder")) }
        let expected = max(min(Int(st.st_size), limit), 0)
        var readError: Int32 = 0
        // Read straight into the array's storage: no zero-filling first.
        var bytes = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
            var total = 0
            while total < expected {
                let n = Glibc.read(fd, buffer.baseAddress! + total, expected - total)
                if n < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    break
                }
                if n == 0 { break }
                total += n
            }
            initialized = total
        }
        guard readError == 0 else { return .failure(Failure(message: FileWalker.errnoText(readError))) }
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

/// The folder this thread's walk is in, open, while its files are handed on: a file read from it
/// is opened relative to the folder, so the kernel resolves one name instead of the whole path.
///
/// Only ``FileWalker`` sets it, only for as long as the folder's descriptor is open, and a path
/// is opened through it only when it names an entry of exactly that folder; anything else is
/// opened by path as usual.
final class OpenFolder {
    /// The folder's descriptor, or -1.
    @exclusivity(unchecked) private(set) var fd: Int32 = -1
    /// The folder's path as the walk spells it (the prefix of its files' full paths).
    @exclusivity(unchecked) private(set) var path = ""

    /// The calling thread's open folder.
    static var current: OpenFolder { perThread.value }
    private static let perThread = ThreadLocal { OpenFolder() }

    /// Makes `fd` (the folder at `path`) the open folder; returns the one it replaces.
    @discardableResult
    func enter(_ fd: Int32, path: String) -> (fd: Int32, path: String) {
        defer {
            self.fd = fd
            self.path = path
        }
        return (self.fd, self.path)
    }

    /// Puts back the folder `enter` replaced.
    func leave(restoring outer: (fd: Int32, path: String)) {
        fd = outer.fd
        path = outer.path
    }

    /// Opens `path` for reading relative to the open folder when it is `folder/name`; nil when
    /// it is not (the caller opens it by path). Returns the descriptor or -1 with `errno` set.
    func open(_ path: String) -> Int32? {
        guard fd >= 0 else { return nil }
        return PathText.withBytes(self.path) { folder in
            path.withCString { full -> Int32? in
                let name = UnsafeRawPointer(full).assumingMemoryBound(to: UInt8.self)
                let count = folder.count
                guard count > 0, strlen(full) > count + 1, name[count] == UInt8(ascii: "/"), memcmp(name, folder.baseAddress!, count) == 0,
                    strchr(full + count + 1, Int32(UInt8(ascii: "/"))) == nil
                else { return nil }
                return openat(fd, full + count + 1, O_RDONLY | O_CLOEXEC)
            }
        }
    }
}

/// Writes byte arrays to file descriptors with POSIX calls.
public enum FileWriter {
    /// Writes every byte of `bytes` to `fd`, retrying short and interrupted writes; returns the
    /// `errno` of a write that failed (a closed pipe, a full disk), nil when all was written.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return n < 0 ? errno : EIO }
            written += n
        }
        return nil
    }
}
