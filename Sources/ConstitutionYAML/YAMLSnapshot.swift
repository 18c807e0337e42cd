import ConstitutionCore

/// A parsed file's arena written as bytes and read back without parsing: for files read on
/// every run that rarely change (the constitution), cached between runs.
///
/// Every field is written explicitly, little-endian (no memory layout is dumped), and reading
/// checks every count and every reference inside the arena, so a truncated or corrupt cache
/// entry is refused (nil) instead of trusted. Files with warnings or an error are not
/// snapshotted: callers parse those.
public enum YAMLSnapshot {
    private static let magic: [UInt8] = Array("CYS1".utf8)

    /// Appends the snapshot of `file` to `out`; false (nothing written) when the file has
    /// diagnostics or an error.
    public static func append(_ file: YAMLFile, to out: inout [UInt8]) -> Bool {
        guard file.error == nil, file.diagnostics.isEmpty else { return false }
        out.append(contentsOf: magic)
        for n in [file.nodes.count, file.children.count, file.scalarBytes.count, file.tags.count, file.documentInfos.count] {
            u32(UInt32(n), &out)
        }
        for r in file.nodes {
            out.append(r.kind.rawValue)
            out.append(r.style)
            out.append(UInt8(truncatingIfNeeded: r.tag))
            out.append(UInt8(truncatingIfNeeded: r.tag >> 8))
            for v in [r.line, r.column, r.offset, r.a, r.b] { u32(v, &out) }
        }
        for c in file.children { u32(UInt32(bitPattern: c), &out) }
        out.append(contentsOf: file.scalarBytes)
        for t in file.tags {
            let bytes = Array(t.utf8)
            u32(UInt32(bytes.count), &out)
            out.append(contentsOf: bytes)
        }
        for d in file.documentInfos {
            u32(UInt32(bitPattern: d.root), &out)
            for l in [d.start, d.end] {
                u32(UInt32(l.line), &out)
                u32(UInt32(l.column), &out)
                u32(UInt32(l.offset), &out)
            }
            out.append(d.explicitStart ? 1 : 0)
        }
        return true
    }

    /// Reads the snapshot at `position` in `bytes` (advancing it) as the file at `path` with
    /// the given source bytes; nil when it is not a valid snapshot.
    public static func read(_ bytes: [UInt8], at position: inout Int, path: String, source: [UInt8]) -> YAMLFile? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer, position: position)
            guard let file = read(&reader, path: path, source: source) else { return nil }
            position = reader.position
            return file
        }
    }

    private static func read(_ r: inout Reader, path: String, source: [UInt8]) -> YAMLFile? {
        guard r.take(4).map(Array.init) == magic,
            let nodeCount = r.u32(), let childCount = r.u32(), let scalarCount = r.u32(), let tagCount = r.u32(),
            let docCount = r.u32(),
            r.remaining >= nodeCount * 24 + childCount * 4 + scalarCount
        else { return nil }
        var nodes: [RawNode] = []
        nodes.reserveCapacity(nodeCount)
        for _ in 0..<nodeCount {
            guard let head = r.take(4), let kind = YAMLNodeKind(rawValue: head[head.startIndex]),
                let line = r.u32(), let column = r.u32(), let offset = r.u32(), let a = r.u32(), let b = r.u32()
            else { return nil }
            let tag = UInt16(head[head.startIndex + 2]) | UInt16(head[head.startIndex + 3]) << 8
            nodes.append(
                RawNode(
                    kind: kind, style: head[head.startIndex + 1], tag: tag, line: UInt32(line), column: UInt32(column),
                    offset: UInt32(offset), a: UInt32(a), b: UInt32(b)))
        }
        var children: [Int32] = []
        children.reserveCapacity(childCount)
        for _ in 0..<childCount {
            guard let c = r.u32(), c < nodeCount else { return nil }
            children.append(Int32(c))
        }
        guard let scalars = r.take(scalarCount) else { return nil }
        let scalarBytes = Array(scalars)
        var tags: [String] = []
        for _ in 0..<tagCount {
            guard let n = r.u32(), let t = r.take(n) else { return nil }
            tags.append(String(decoding: t, as: UTF8.self))
        }
        var docs: [YAMLDocumentInfo] = []
        for _ in 0..<docCount {
            guard let root = r.u32(), root < nodeCount, let start = r.location(), let end = r.location(), let explicit = r.take(1)
            else { return nil }
            docs.append(YAMLDocumentInfo(root: Int32(root), start: start, end: end, explicitStart: explicit[explicit.startIndex] == 1))
        }
        // Every reference must stay inside the arena, and the tree must be one the builder could
        // have made (nodes in document order: a collection's children come after it, an alias
        // after the whole subtree it names), so no accessor traps and no walk loops.
        var ends = [Int](repeating: 0, count: nodeCount)
        for id in stride(from: nodeCount - 1, through: 0, by: -1) {
            let n = nodes[id]
            guard Int(n.tag) < max(tags.count, 1) else { return nil }
            var end = id + 1
            switch n.kind {
            case .scalar:
                guard Int(n.a) + Int(n.b) <= scalarCount else { return nil }
            case .sequence, .mapping:
                guard Int(n.a) + Int(n.b) <= childCount, n.kind == .sequence || n.b % 2 == 0 else { return nil }
                for i in Int(n.a)..<Int(n.a + n.b) {
                    let child = Int(children[i])
                    guard child > id else { return nil }
                    end = max(end, ends[child])
                }
            case .alias:
                guard Int(n.a) < id, nodes[Int(n.a)].kind != .alias, ends[Int(n.a)] <= id else { return nil }
            }
            ends[id] = end
        }
        return YAMLFile(
            path: path, source: source, nodes: nodes, children: children, scalarBytes: scalarBytes, tags: tags, documentInfos: docs,
            diagnostics: [], error: nil)
    }

    private static func u32(_ v: UInt32, _ out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v))
        out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int

        var remaining: Int { bytes.count - position }

        mutating func take(_ n: Int) -> Slice<UnsafeBufferPointer<UInt8>>? {
            guard n >= 0, n <= remaining else { return nil }
            defer { position += n }
            return bytes[position..<(position + n)]
        }

        mutating func u32() -> Int? {
            guard let b = take(4) else { return nil }
            let i = b.startIndex
            return Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
        }

        mutating func location() -> SourceLocation? {
            guard let line = u32(), let column = u32(), let offset = u32() else { return nil }
            return SourceLocation(line: line, column: column, offset: offset)
        }
    }
}
