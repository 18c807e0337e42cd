#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore

/// A handle on one node of a ``YAMLFile``: the file and an integer id. Cheap to copy.
///
/// Aliases are followed transparently by every accessor except ``location`` and
/// ``isAlias``: a finding on an alias points at the `*alias` the user wrote.
/// Mapping accessors understand merge keys (`<<: *base`, `<<: [*a, *b]`): own keys win, then
/// merged mappings in order.
public struct YAMLNode: Sendable {
    /// The file that owns the node.
    public let file: YAMLFile
    /// The node's id in the file's arena.
    public let id: Int32

    /// Creates a handle. `id` must belong to `file`.
    public init(file: YAMLFile, id: Int32) {
        self.file = file
        self.id = id
    }

    @inlinable var raw: RawNode { file.nodes[Int(id)] }

    /// The id after following aliases.
    @inlinable var targetID: Int32 {
        var current = id
        var hops = 0
        while file.nodes[Int(current)].kind == .alias, hops < 64 {
            current = Int32(file.nodes[Int(current)].a)
            hops += 1
        }
        return current
    }

    /// The node an alias points at (itself when not an alias).
    public var resolved: YAMLNode { YAMLNode(file: file, id: targetID) }

    /// Whether this node is an `*alias`.
    public var isAlias: Bool { raw.kind == .alias }

    /// The kind after following aliases (never `.alias`).
    public var kind: YAMLNodeKind { file.nodes[Int(targetID)].kind }

    /// Where the node starts (for an alias: where the `*alias` is written).
    public var location: SourceLocation {
        let r = raw
        return SourceLocation(line: Int(r.line), column: Int(r.column), offset: Int(r.offset))
    }

    /// The node's tag as libyaml reports it (`tag:yaml.org,2002:str` for `!!str`), or `nil`.
    public var tag: String? {
        let t = file.nodes[Int(targetID)].tag
        return t == 0 ? nil : file.tags[Int(t)]
    }

    /// The scalar's style (`.none` for collections).
    public var scalarStyle: ScalarStyle {
        let r = file.nodes[Int(targetID)]
        return r.kind == .scalar ? ScalarStyle(rawValue: r.style) ?? .plain : .none
    }

    /// The collection's style (`.block` for scalars).
    public var collectionStyle: CollectionStyle {
        let r = file.nodes[Int(targetID)]
        return r.kind == .scalar ? .block : CollectionStyle(rawValue: r.style) ?? .block
    }

    // MARK: Scalars

    /// The scalar's value exactly as libyaml decoded it (escapes processed, no type guessing),
    /// or `nil` for collections.
    public var scalar: String? {
        let r = file.nodes[Int(targetID)]
        guard r.kind == .scalar else { return nil }
        return String(decoding: file.scalarBytes[Int(r.a)..<Int(r.a + r.b)], as: UTF8.self)
    }

    /// Calls `body` with a scalar's UTF-8 bytes (nil for other nodes), without allocating.
    public func withScalarBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        let r = file.nodes[Int(targetID)]
        guard r.kind == .scalar else { return nil }
        return try file.scalarBytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[Int(r.a)..<Int(r.a + r.b)]))
        }
    }

    /// Whether this is a scalar whose bytes equal `text`, without allocating.
    public func scalarEquals(_ text: String) -> Bool {
        let r = file.nodes[Int(targetID)]
        guard r.kind == .scalar else { return false }
        let length = Int(r.b)
        guard text.utf8.count == length else { return false }
        return file.scalarBytes.withUnsafeBufferPointer { all in
            let start = Int(r.a)
            if let fast = text.utf8.withContiguousStorageIfAvailable({ want -> Bool in
                for i in 0..<length where all[start + i] != want[i] { return false }
                return true
            }) {
                return fast
            }
            var i = start
            for byte in text.utf8 {
                if all[i] != byte { return false }
                i += 1
            }
            return true
        }
    }

    /// Whether this is a plain scalar that YAML reads as null (`~`, `null`, empty) or an
    /// empty document root.
    public var isNull: Bool {
        let r = file.nodes[Int(targetID)]
        guard r.kind == .scalar, r.style == ScalarStyle.plain.rawValue, r.tag == 0 else { return false }
        if r.b == 0 { return true }
        return scalarEquals("~") || scalarEquals("null") || scalarEquals("Null") || scalarEquals("NULL")
    }

    // MARK: Collections

    /// The number of items: sequence elements, mapping pairs (own pairs, merges not expanded).
    public var count: Int {
        let r = file.nodes[Int(targetID)]
        switch r.kind {
        case .sequence: return Int(r.b)
        case .mapping: return Int(r.b) / 2
        default: return 0
        }
    }

    /// A sequence's elements (empty for other kinds).
    public var elements: [YAMLNode] {
        let r = file.nodes[Int(targetID)]
        guard r.kind == .sequence else { return [] }
        var out: [YAMLNode] = []
        out.reserveCapacity(Int(r.b))
        for i in Int(r.a)..<Int(r.a + r.b) { out.append(YAMLNode(file: file, id: file.children[i])) }
        return out
    }

    /// A mapping's own pairs in source order, including any `<<` merge key as written.
    public var ownPairs: [(key: YAMLNode, value: YAMLNode)] {
        let r = file.nodes[Int(targetID)]
        guard r.kind == .mapping else { return [] }
        var out: [(key: YAMLNode, value: YAMLNode)] = []
        out.reserveCapacity(Int(r.b) / 2)
        var i = Int(r.a)
        let end = Int(r.a + r.b)
        while i < end {
            out.append((YAMLNode(file: file, id: file.children[i]), YAMLNode(file: file, id: file.children[i + 1])))
            i += 2
        }
        return out
    }

    /// A mapping's pairs with merge keys applied: own pairs in source order (without the `<<`
    /// entries), then pairs from merged mappings whose keys the mapping does not already have.
    public var pairs: [(key: YAMLNode, value: YAMLNode)] {
        let own = ownPairs
        guard own.contains(where: { $0.key.isMergeKey }) else { return own }
        var out = own.filter { !$0.key.isMergeKey }
        var seen = Set(out.compactMap { $0.key.scalar })
        for source in mergeSources(of: own) {
            for pair in source.pairs {
                guard let k = pair.key.scalar else { out.append(pair); continue }
                if seen.insert(k).inserted { out.append(pair) }
            }
        }
        return out
    }

    /// The value for scalar key `key` (last own occurrence, then merged mappings), or `nil`.
    public subscript(key: String) -> YAMLNode? {
        entry(key)?.value
    }

    /// The value for scalar key `key` (last own occurrence, then merged mappings) with the key
    /// node that holds it among the mapping's own pairs (`nil` when it comes from a merged
    /// mapping), in one scan and without allocating; `nil` when there is no such key.
    public func entry(_ key: String) -> (key: YAMLNode?, value: YAMLNode)? {
        let r = file.nodes[Int(targetID)]
        guard r.kind == .mapping else { return nil }
        var found: Int?
        var hasMerge = false
        var key = key
        key.withUTF8 { want in
            file.nodes.withUnsafeBufferPointer { nodes in
                file.scalarBytes.withUnsafeBufferPointer { bytes in
                    var i = Int(r.a)
                    let end = Int(r.a + r.b)
                    while i < end {
                        var k = nodes[Int(file.children[i])]
                        if k.kind == .alias { k = nodes[Int(k.a)] }
                        if k.kind == .scalar {
                            let start = Int(k.a), length = Int(k.b)
                            if length == 2, bytes[start] == 0x3C, bytes[start + 1] == 0x3C, k.style == 0 || k.tag != 0 {
                                hasMerge = true  // `<<`: a merge key (checked precisely below)
                            } else if length == want.count,
                                length == 0 || memcmp(bytes.baseAddress! + start, want.baseAddress!, length) == 0
                            {
                                found = i
                            }
                        }
                        i += 2
                    }
                }
            }
        }
        if let found {
            return (YAMLNode(file: file, id: file.children[found]), YAMLNode(file: file, id: file.children[found + 1]))
        }
        guard hasMerge else { return nil }
        for source in mergeSources(of: ownPairs) {
            if let v = source[key] { return (nil, v) }
        }
        return nil
    }

    /// The key node for scalar key `key` among the mapping's own pairs (for pointing findings
    /// at `privileged:` rather than its value), or `nil`.
    public func keyNode(_ key: String) -> YAMLNode? {
        var result: YAMLNode?
        for pair in ownPairs where pair.key.scalarEquals(key) && !pair.key.isMergeKey { result = pair.key }
        return result
    }

    /// Whether this is the merge key `<<` (plain, untagged or tagged `!!merge`).
    public var isMergeKey: Bool {
        let r = file.nodes[Int(targetID)]
        guard r.kind == .scalar, r.b == 2 else { return false }
        if r.tag != 0 { return file.tags[Int(r.tag)] == "tag:yaml.org,2002:merge" }
        return r.style == ScalarStyle.plain.rawValue && scalarEquals("<<")
    }

    private func mergeSources(of own: [(key: YAMLNode, value: YAMLNode)]) -> [YAMLNode] {
        var sources: [YAMLNode] = []
        for pair in own where pair.key.isMergeKey {
            switch pair.value.kind {
            case .mapping: sources.append(pair.value)
            case .sequence: sources.append(contentsOf: pair.value.elements.filter { $0.kind == .mapping })
            default: break
            }
        }
        return sources
    }
}
