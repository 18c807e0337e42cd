import ConstitutionCore

/// The subjects waiting for the cross-document phase of a whole tree, stored compactly.
///
/// A rule whose joins read nothing of the subject (say "this manifest's folder is the source
/// path of some ArgoCD Application") makes every matching document of the tree wait for the
/// joins. Such a subject is only a rule, a file and two locations; it is packed into 32 bytes,
/// its file's path written once, as what it adds to the path before it (paths come sorted, so
/// neighbours share most of their folders). Other subjects are kept as they are
/// (they are few: those of rules that read the subject in their joins). Storage grows in
/// fixed-size chunks, so it never holds two copies while growing.
public struct PendingStore: Sendable {
    /// A packed subject: a rule, a path and two locations (subject, anchor).
    private struct Packed: Sendable {
        var rule: UInt32
        var path: UInt32
        var subject: (line: UInt32, column: UInt32, offset: UInt32)
        var anchor: (line: UInt32, column: UInt32, offset: UInt32)
    }

    private static let chunkSize = 4096
    private var kept: [PendingSubject] = []
    private var packed: [[Packed]] = []
    /// Paths of packed subjects, in order: each as the length it shares with the previous
    /// path and the bytes that follow (two 16-bit lengths, then the bytes), in 64 KiB chunks.
    private var pathChunks: [[UInt8]] = []
    private var pathCount = 0
    private var lastPath: [UInt8] = []
    private var lastPathString: String?

    /// An empty store.
    public init() {}

    /// How many subjects wait.
    public var count: Int { kept.count + packed.reduce(0) { $0 + $1.count } }

    /// Adds one file's pending subjects.
    public mutating func append(contentsOf subjects: [PendingSubject]) {
        for s in subjects { append(s) }
    }

    /// Adds a pending subject.
    public mutating func append(_ s: PendingSubject) {
        guard s.trigger == nil, s.file.origin == nil, let projected = s.projected, projected.isEmpty, case .missing(let at) = s.subject,
            let subject = Self.pack(at), let anchor = Self.pack(s.anchor), let rule = UInt32(exactly: s.rule)
        else {
            kept.append(s)
            return
        }
        if lastPathString != s.file.path {
            guard addPath(s.file.path) else {
                kept.append(s)
                return
            }
        }
        let entry = Packed(rule: rule, path: UInt32(pathCount - 1), subject: subject, anchor: anchor)
        if packed.last.map({ $0.count >= Self.chunkSize }) ?? true {
            packed.append([])
            packed[packed.count - 1].reserveCapacity(Self.chunkSize)
        }
        packed[packed.count - 1].append(entry)
    }

    /// Appends a path; false when it cannot be encoded (longer than 64 KiB).
    private mutating func addPath(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        var shared = 0
        while shared < min(bytes.count, lastPath.count), bytes[shared] == lastPath[shared] { shared += 1 }
        let suffix = bytes.count - shared
        guard bytes.count <= Int(UInt16.max) else { return false }
        let size = 4 + suffix
        if pathChunks.last.map({ $0.count + size > $0.capacity }) ?? true {
            pathChunks.append([])
            pathChunks[pathChunks.count - 1].reserveCapacity(max(1 << 16, size))
        }
        let chunk = pathChunks.count - 1
        for n in [shared, suffix] {
            pathChunks[chunk].append(UInt8(n & 0xFF))
            pathChunks[chunk].append(UInt8(n >> 8))
        }
        pathChunks[chunk].append(contentsOf: bytes[shared...])
        pathCount += 1
        lastPath = bytes
        lastPathString = path
        return true
    }

    private static func pack(_ l: SourceLocation) -> (line: UInt32, column: UInt32, offset: UInt32)? {
        guard let line = UInt32(exactly: l.line), let column = UInt32(exactly: l.column), let offset = UInt32(exactly: l.offset) else {
            return nil
        }
        return (line, column, offset)
    }

    private static func unpack(_ l: (line: UInt32, column: UInt32, offset: UInt32)) -> SourceLocation {
        SourceLocation(line: Int(l.line), column: Int(l.column), offset: Int(l.offset))
    }

    /// Calls `body` with every subject, as it was added (kept ones first, then packed ones in
    /// the order they came).
    public func forEach(_ body: (PendingSubject) -> Void) {
        for s in kept { body(s) }
        // Paths are decoded in order, alongside the packed subjects that refer to them.
        var chunk = 0
        var position = 0
        var decoded = -1
        var path: [UInt8] = []
        var file = FileInfo(path: "")
        func nextPath() {
            if position >= pathChunks[chunk].count {
                chunk += 1
                position = 0
            }
            let bytes = pathChunks[chunk]
            let shared = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            let suffix = Int(bytes[position + 2]) | Int(bytes[position + 3]) << 8
            path.removeSubrange(shared...)
            path.append(contentsOf: bytes[(position + 4)..<(position + 4 + suffix)])
            position += 4 + suffix
            decoded += 1
        }
        for entries in packed {
            for p in entries {
                if decoded != Int(p.path) {
                    while decoded < Int(p.path) { nextPath() }
                    file = FileInfo(path: String(decoding: path, as: UTF8.self))
                }
                body(
                    PendingSubject(
                        rule: Int(p.rule), subject: .missing(Self.unpack(p.subject)), anchor: Self.unpack(p.anchor), file: file,
                        projected: [:], trigger: nil))
            }
        }
    }
}
