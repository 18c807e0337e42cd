#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConstitutionCore

/// Reads files with POSIX calls into byte arrays: no Foundation, no copies.
///
/// Only regular files are ever read: a FIFO, socket or device (directly or through a symlink)
/// is refused with a ``Failure`` before anything is read from it, so no input can block a read
/// forever or feed it endless bytes. Files are opened with `O_NONBLOCK` (opening a FIFO then
/// returns at once) and checked with `fstat` on the descriptor before the first read.
public enum FileReader {
    /// Why a file could not be read.
    public struct Failure: Error, Sendable, Hashable {
        /// What went wrong, classified.
        public enum Reason: Sendable, Hashable {
            /// The system refused (permissions, missing, a loop, an I/O error) or it is a folder.
            case unreadable
            /// A FIFO, socket or device: never read.
            case notRegular
            /// Larger than the size limit: skipped unread.
            case tooLarge
        }

        /// A human message, e.g. `cannot read: permission denied`.
        public var message: String
        /// The classification.
        public var reason: Reason

        /// Creates a failure.
        public init(message: String, reason: Reason = .unreadable) {
            self.message = message
            self.reason = reason
        }
    }

    /// The default largest file read for checking (`max_file_size`, `--max-file-size`): 16 MiB.
    public static let defaultMaxFileSize = 16 << 20

    /// Reads the whole file (or its first `limit` bytes). Never reads a non-regular file.
    public static func read(_ path: String, limit: Int = Int.max) -> Result<[UInt8], Failure> {
        read(path, limit: limit, refuseOver: nil, typeKnown: false)
    }

    /// Reads the whole file when it holds at most `maxSize` bytes; a ``Failure/Reason/tooLarge``
    /// failure otherwise, after reading at most `maxSize + 1` bytes (none when its size is known
    /// up front). Never reads a non-regular file.
    ///
    /// `typeKnown`: the caller (the walk) has just seen that the path is a regular file, so it is
    /// not examined before it is opened (the descriptor is still checked); otherwise it is, so
    /// that not even `open` touches a device.
    public static func read(_ path: String, maxSize: Int, typeKnown: Bool = false) -> Result<[UInt8], Failure> {
        read(path, limit: maxSize, refuseOver: maxSize, typeKnown: typeKnown)
    }

    /// What a file type (`st_mode & S_IFMT`) is called in messages.
    public static func typeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "FIFO"
        case S_IFSOCK: return "socket"
        case S_IFCHR: return "character device"
        case S_IFBLK: return "block device"
        case S_IFDIR: return "folder"
        case S_IFLNK: return "symbolic link"
        case S_IFREG: return "regular file"
        default: return "unknown file type"
        }
    }

    /// The message for a file that is not a regular file: `not a regular file (FIFO)`.
    public static func notRegularMessage(_ mode: mode_t) -> String {
        "not a regular file (\(typeName(mode))): not read"
    }

    /// The message for a file over the limit: `file is 50.0 MiB, over the 16 MiB limit …`.
    public static func tooLargeMessage(size: Int?, limit: Int) -> String {
        let what = size.map { $0 < 1024 ? "file is \(ByteSize.describe($0))" : "file is \($0) bytes (\(ByteSize.describe($0)))" }
            ?? "file is larger than \(ByteSize.describe(limit))"
        return "\(what), over the \(ByteSize.describe(limit)) limit (max_file_size in .constitution.yaml, or --max-file-size): not checked"
    }

    private static func read(_ path: String, limit: Int, refuseOver: Int?, typeKnown: Bool) -> Result<[UInt8], Failure> {
        if !typeKnown {
            var st = stat()
            if stat(path, &st) == 0 {
                let type = st.st_mode & S_IFMT
                if type != S_IFREG && type != S_IFDIR {
                    return .failure(Failure(message: notRegularMessage(st.st_mode), reason: .notRegular))
                }
            }
            // A failed stat is left to open, which reports the same errno.
        }
        let fd = OpenFolder.current.open(path) ?? path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) }
        guard fd >= 0 else { return .failure(Failure(message: FileWalker.errnoText(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(Failure(message: FileWalker.errnoText(errno))) }
        let type = st.st_mode & S_IFMT
        if type == S_IFDIR { return .failure(Failure(message: "cannot read: is a folder")) }
        if type != S_IFREG { return .failure(Failure(message: notRegularMessage(st.st_mode), reason: .notRegular)) }
        if let refuseOver, Int(st.st_size) > refuseOver {
            return .failure(Failure(message: tooLargeMessage(size: Int(st.st_size), limit: refuseOver), reason: .tooLarge))
        }
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
        // Regular files whose size stat does not know (procfs, sysfs) are read until EOF, or
        // until one byte past the limit.
        if Int(st.st_size) == 0 && limit > 0 {
            let cap = refuseOver.map { $0 + 1 } ?? limit
            var chunk = [UInt8](repeating: 0, count: 65536)
            while bytes.count < cap {
                let wanted = min(chunk.count, cap - bytes.count)
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, wanted) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                bytes.append(contentsOf: chunk[0..<n])
            }
            if let refuseOver, bytes.count > refuseOver {
                return .failure(Failure(message: tooLargeMessage(size: nil, limit: refuseOver), reason: .tooLarge))
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
                return openat(fd, full + count + 1, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
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
