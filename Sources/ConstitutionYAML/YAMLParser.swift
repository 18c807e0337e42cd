#if canImport(Glibc)
import Glibc
#endif
import CLibYAML
import ConstitutionCore

/// Parses bytes into a ``YAMLFile`` through libyaml's event API.
///
/// One pass over the events builds the arena; positions are converted from libyaml's 0-based
/// marks to 1-based lines and columns here, once. libyaml counts columns and its `index` in
/// Unicode scalars, so byte offsets are recovered with ``ByteOffsetMap``.
public enum YAMLParser {
    /// The most nodes that aliases may add to one document beyond the nodes actually written.
    /// Past it the file is an alias bomb and parsing stops with a located error.
    public static let defaultAliasBudget = 1_000_000

    /// The deepest nesting of collections (sequences and mappings, block or flow) a document
    /// may have. The collection that would open level 257 stops parsing with a located error,
    /// as soon as libyaml reports it: libyaml's flow scanner costs time in proportion to the
    /// depth for every token, so unbounded nesting (100,000 `[` in 200 KB) would take seconds,
    /// and every consumer of the tree walks it recursively.
    public static let defaultMaxDepth = 256

    /// Parses `source` (the file's bytes) as a YAML stream.
    ///
    /// Never throws: a syntax error, an alias bomb, nesting deeper than `maxDepth` or invalid
    /// UTF-8 becomes ``YAMLFile/error`` and the documents completed before it are kept.
    public static func parse(
        path: String, source: [UInt8], aliasBudget: Int = defaultAliasBudget, maxDepth: Int = defaultMaxDepth
    ) -> YAMLFile {
        var builder = TreeBuilder(path: path, source: source, aliasBudget: aliasBudget, maxDepth: maxDepth)
        source.withUnsafeBufferPointer { buffer in
            builder.run(buffer)
        }
        return builder.finish()
    }

    /// Parses a string (for tests and embedded documents).
    public static func parse(path: String, text: String) -> YAMLFile {
        parse(path: path, source: Array(text.utf8))
    }
}

/// Converts libyaml's character index (Unicode scalars, after any BOM) into byte offsets.
struct ByteOffsetMap {
    private let bomLength: Int
    private let ascii: Bool
    /// Byte offset of every 64th character, for non-ASCII files.
    private var checkpoints: [UInt32] = []
    private let stride = 64

    /// A map for an empty file (placeholder before `run`).
    static let empty = ByteOffsetMap(source: UnsafeBufferPointer(start: nil, count: 0))

    init(source: UnsafeBufferPointer<UInt8>) {
        let n = source.count
        bomLength = (n >= 3 && source[0] == 0xEF && source[1] == 0xBB && source[2] == 0xBF) ? 3 : 0
        var allASCII = true
        var i = bomLength
        if let base = source.baseAddress {
            let raw = UnsafeRawPointer(base)
            // 32, then 8 bytes at a time: any byte with its top bit set means non-ASCII.
            while i + 32 <= n {
                let any =
                    raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
                if any & 0x8080_8080_8080_8080 != 0 { break }
                i += 32
            }
            while i + 8 <= n {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                    allASCII = false
                    break
                }
                i += 8
            }
            while allASCII, i < n {
                if source[i] >= 0x80 { allASCII = false }
                i += 1
            }
        }
        ascii = allASCII
        guard !allASCII else { return }
        var chars = 0
        i = bomLength
        checkpoints.reserveCapacity(n / stride + 1)
        while i < n {
            if chars % stride == 0 { checkpoints.append(UInt32(i)) }
            i += Self.width(source[i])
            chars += 1
        }
        checkpoints.append(UInt32(min(i, n)))
    }

    static func width(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead & 0xE0 == 0xC0 { return 2 }
        if lead & 0xF0 == 0xE0 { return 3 }
        if lead & 0xF8 == 0xF0 { return 4 }
        return 1
    }

    func offset(ofCharacter index: Int, in source: UnsafeBufferPointer<UInt8>) -> Int {
        ascii ? index + bomLength : offset(ofCharacterCounting: index, in: source)
    }

    /// The non-ASCII case: from the checkpoint before `index`, step over UTF-8 sequences.
    private func offset(ofCharacterCounting index: Int, in source: UnsafeBufferPointer<UInt8>) -> Int {
        let slot = index / stride
        guard slot < checkpoints.count else { return source.count }
        var byte = Int(checkpoints[slot])
        var remaining = index - slot * stride
        while remaining > 0, byte < source.count {
            byte += Self.width(source[byte])
            remaining -= 1
        }
        return min(byte, source.count)
    }
}

/// A growable buffer owned by the builder, for plain values (node records, ids, bytes).
///
/// Appending is a capacity check and a store: no uniqueness check, retain or release as with an
/// `Array` that a mutating method appends to on every event. ``TreeBuilder/finish()`` copies the
/// contents into arrays once. The memory comes from `malloc` (the elements are plain values),
/// and a finished builder hands it back to its thread's ``BuilderRecycler`` for the next file.
struct ArenaBuffer<Element>: ~Copyable {
    /// The first element. Valid for `count` elements, allocated for `capacity`.
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    /// A buffer for at least `capacity` elements, on `recycled` memory when it is given.
    init(capacity: Int, recycled: RecycledBlock? = nil) {
        assert(_isPOD(Element.self), "ArenaBuffer holds plain values only")
        let wanted = max(capacity, 8)
        let stride = MemoryLayout<Element>.stride
        if let recycled, recycled.bytes >= wanted * stride {
            base = recycled.base.assumingMemoryBound(to: Element.self)
            self.capacity = recycled.bytes / stride
        } else {
            if let recycled { free(recycled.base) }
            base = Self.allocate(wanted)
            self.capacity = wanted
        }
    }

    deinit {
        if capacity > 0 { free(base) }
    }

    private static func allocate(_ elements: Int) -> UnsafeMutablePointer<Element> {
        guard let raw = malloc(elements * MemoryLayout<Element>.stride) else { fatalError("out of memory") }
        return raw.bindMemory(to: Element.self, capacity: elements)
    }

    var isEmpty: Bool { count == 0 }

    /// The element at `index`. Checked only in debug builds: the builder's indices come from its
    /// own bookkeeping, never from the input.
    subscript(index: Int) -> Element {
        get {
            assert(index >= 0 && index < count)
            return base[index]
        }
        set {
            assert(index >= 0 && index < count)
            base[index] = newValue
        }
    }

    mutating func append(_ element: Element) {
        if count == capacity { grow(toAtLeast: count + 1) }
        (base + count).initialize(to: element)
        count &+= 1  // cannot overflow: count < capacity, an allocated size
    }

    /// Appends `n` elements copied from `source`, which must not point into this buffer.
    mutating func append(copying source: UnsafePointer<Element>, count n: Int) {
        if count + n > capacity { grow(toAtLeast: count + n) }
        (base + count).initialize(from: source, count: n)
        count += n
    }

    /// Removes and returns the last element; the buffer must not be empty.
    mutating func removeLast() -> Element {
        precondition(count > 0)
        count -= 1
        return (base + count).move()
    }

    /// Drops the elements from `newCount` on.
    mutating func removeAll(from newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    /// The contents as an array (one bulk copy).
    ///
    /// `reserveCapacity` then `append(contentsOf:)` are specialized for `Element`;
    /// `Array(unsafeUninitializedCapacity:)` allocates through an unspecialized path that looks
    /// the storage type up at run time, which costs more than the copy.
    func array() -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(count)
        result.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        return result
    }

    /// Gives up the memory (for the next file's builder); the buffer is empty afterwards.
    mutating func detach() -> RecycledBlock {
        let block = RecycledBlock(base: UnsafeMutableRawPointer(base), bytes: capacity * MemoryLayout<Element>.stride)
        count = 0
        capacity = 0
        return block
    }

    private mutating func grow(toAtLeast minimum: Int) {
        let newCapacity = max(minimum, capacity * 2)
        guard let raw = realloc(base, newCapacity * MemoryLayout<Element>.stride) else { fatalError("out of memory") }
        base = raw.bindMemory(to: Element.self, capacity: newCapacity)
        capacity = newCapacity
    }
}

/// Memory an ``ArenaBuffer`` gave up, for another to reuse.
struct RecycledBlock {
    var base: UnsafeMutableRawPointer
    var bytes: Int
}

/// The builder buffers a thread keeps from one file to the next.
///
/// Most files are small: allocating and freeing six buffers per file (and first touching fresh
/// memory) cost more than building their trees. Each thread keeps the buffers of its last
/// builder, up to ``keptBytes`` each, so the memory kept stays small whatever the files.
final class BuilderRecycler {
    enum Slot: Int, CaseIterable { case nodes, children, scalarBytes, stack, pending, keys }

    /// The largest buffer kept for reuse; bigger ones (a huge file's) are freed.
    static let keptBytes = 256 * 1024

    /// One kept block per slot (`bytes` 0: none). Only this thread touches it, so it needs
    /// no lock, and no exclusivity check (which cost more than the allocations it saves).
    private let blocks: UnsafeMutablePointer<RecycledBlock>

    fileprivate init() {
        let empty = RecycledBlock(base: UnsafeMutableRawPointer(bitPattern: 1)!, bytes: 0)
        blocks = .allocate(capacity: Slot.allCases.count)
        blocks.initialize(repeating: empty, count: Slot.allCases.count)
    }

    deinit {
        for i in 0..<Slot.allCases.count where blocks[i].bytes > 0 { free(blocks[i].base) }
        blocks.deallocate()
    }

    /// Takes the kept buffer for `slot`, if any (it is no longer kept).
    func take(_ slot: Slot) -> RecycledBlock? {
        let block = blocks[slot.rawValue]
        guard block.bytes > 0 else { return nil }
        blocks[slot.rawValue].bytes = 0
        return block
    }

    /// Keeps `block` for `slot` (or frees it when too big or when one is already kept).
    func keep(_ block: RecycledBlock, _ slot: Slot) {
        guard block.bytes > 0 else { return }
        if block.bytes <= Self.keptBytes, blocks[slot.rawValue].bytes == 0 {
            blocks[slot.rawValue] = block
        } else {
            free(block.base)
        }
    }

    /// The calling thread's recycler.
    static var current: BuilderRecycler { perThread.value }

    private static let perThread = ThreadLocal { BuilderRecycler() }
}

/// The event-driven builder. Single use: ``run(_:)`` then ``finish()``.
struct TreeBuilder: ~Copyable {
    /// An open collection: its node, where its children start on `pending`, whether it has an
    /// anchor (the name is the last of `openAnchors`), and how many nodes aliases inside it add
    /// once expanded.
    struct OpenCollection {
        var node: Int32
        var firstPending: Int
        var anchored: Bool
        var aliasExtra: Int
    }

    /// The tag table every file starts with: index 0 means "no tag".
    private static let initialTags = [""]

    var path: String
    var source: [UInt8]
    let aliasBudget: Int
    /// The deepest nesting allowed (``YAMLParser/defaultMaxDepth``).
    let maxDepth: Int

    var nodes: ArenaBuffer<RawNode>
    var children: ArenaBuffer<Int32>
    var scalarBytes: ArenaBuffer<UInt8>
    var tags: [String] = TreeBuilder.initialTags
    var tagIndex: [String: UInt16] = [:]
    var documents: [YAMLDocumentInfo] = []
    var diagnostics: [Diagnostic] = []
    var duplicateKeys: [YAMLDuplicateKey] = []
    var error: YAMLParseError?

    var stack: ArenaBuffer<OpenCollection>
    /// Anchor names of the open collections that have one, innermost last.
    var openAnchors: [String] = []
    /// Children of the open collections, innermost last.
    var pending: ArenaBuffer<Int32>
    /// Scratch for the duplicate-key check: the keys of the mapping being closed.
    var keys: ArenaBuffer<MappingKey>
    /// Where the buffers come from and go back to: this thread's recycler.
    let recycler: BuilderRecycler
    /// Anchors of the current document: the node and its size once aliases are expanded.
    var anchors: [String: (node: Int32, expanded: Int)] = [:]
    /// Nodes that aliases have added to the current document so far (the alias budget's count).
    var documentAliasNodes = 0
    var documentRoot: Int32 = -1
    var documentStart = SourceLocation.start
    var documentExplicit = false
    var offsets = ByteOffsetMap.empty

    init(path: String, source: [UInt8], aliasBudget: Int, maxDepth: Int) {
        self.path = path
        self.source = source
        self.aliasBudget = aliasBudget
        self.maxDepth = maxDepth
        // Sized so that growing is rare: over the sample corpus, files have at most one node per
        // ten bytes and fewer scalar bytes than source bytes (a plain mapping is mostly scalars).
        let recycler = BuilderRecycler.current
        self.recycler = recycler
        nodes = ArenaBuffer(capacity: source.count / 10 + 16, recycled: recycler.take(.nodes))
        children = ArenaBuffer(capacity: source.count / 10 + 16, recycled: recycler.take(.children))
        scalarBytes = ArenaBuffer(capacity: source.count + 16, recycled: recycler.take(.scalarBytes))
        stack = ArenaBuffer(capacity: 32, recycled: recycler.take(.stack))
        pending = ArenaBuffer(capacity: 64, recycled: recycler.take(.pending))
        keys = ArenaBuffer(capacity: 16, recycled: recycler.take(.keys))
    }

    /// Parses `buffer` (the file's bytes), building the arena.
    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>) {
        offsets = ByteOffsetMap(source: buffer)
        // libyaml's parser and event records live on the stack: no allocation per file.
        var parserRecord = yaml_parser_t()
        var eventRecord = yaml_event_t()
        withUnsafeMutablePointer(to: &parserRecord) { parser in
            withUnsafeMutablePointer(to: &eventRecord) { event in
                run(buffer, parser: parser, event: event)
            }
        }
    }

    /// The event loop, on libyaml records the caller owns.
    private mutating func run(
        _ buffer: UnsafeBufferPointer<UInt8>, parser: UnsafeMutablePointer<yaml_parser_t>,
        event: UnsafeMutablePointer<yaml_event_t>
    ) {
        guard yaml_parser_initialize(parser) != 0 else {
            error = YAMLParseError(reason: .io, location: .start, message: "libyaml could not allocate a parser")
            return
        }
        defer { yaml_parser_delete(parser) }
        if let base = buffer.baseAddress, buffer.count > 0 {
            yaml_parser_set_input_string(parser, base, buffer.count)
        } else {
            var empty: UInt8 = 0
            yaml_parser_set_input_string(parser, &empty, 0)
        }
        while true {
            guard yaml_parser_parse(parser, event) != 0 else {
                error = libyamlError(parser.pointee, buffer)
                return
            }
            let type = event.pointee.type
            let keepGoing = handle(event, buffer)
            yaml_event_delete(event)
            if !keepGoing || type == YAML_STREAM_END_EVENT { return }
        }
    }

    /// The finished file. The builder's results are moved out (swapped with empty values), not
    /// copied: a copy, then the builder's release, cost a retain and a release per field per file.
    /// The buffers go back to the thread's recycler for the next file.
    consuming func finish() -> YAMLFile {
        let file = YAMLFile(
            path: Self.take(&path, ""), source: Self.take(&source, []), nodes: nodes.array(),
            children: children.array(), scalarBytes: scalarBytes.array(), tags: Self.take(&tags, []),
            documentInfos: Self.take(&documents, []), diagnostics: Self.take(&diagnostics, []),
            duplicateKeys: Self.take(&duplicateKeys, []), error: Self.take(&error, nil))
        recycler.keep(nodes.detach(), .nodes)
        recycler.keep(children.detach(), .children)
        recycler.keep(scalarBytes.detach(), .scalarBytes)
        recycler.keep(stack.detach(), .stack)
        recycler.keep(pending.detach(), .pending)
        recycler.keep(keys.detach(), .keys)
        return file
    }

    /// Returns `value`, leaving `empty` in its place.
    private static func take<Value>(_ value: inout Value, _ empty: Value) -> Value {
        var result = empty
        swap(&result, &value)
        return result
    }

    // MARK: Events

    private func mark(_ m: yaml_mark_t, _ buffer: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        let offset = offsets.offset(ofCharacter: m.index, in: buffer)
        if offset == buffer.count && m.column == 0 { return endOfStream(m, buffer) }
        return SourceLocation(line: m.line + 1, column: m.column + 1, offset: offset)
    }

    /// The location of a mark at the end of the stream. libyaml ends a last line that has no
    /// line break itself, so its marks there say "the line after the last, column 1": that line
    /// does not exist. The location is taken from the bytes instead (the end of the last line).
    @inline(never)  // rare: only marks at the very end of a file
    private func endOfStream(_ m: yaml_mark_t, _ buffer: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        if let last = buffer.last, last != 0x0A && last != 0x0D {
            return SourceText.location(ofByte: buffer.count, in: source)
        }
        return SourceLocation(line: m.line + 1, column: m.column + 1, offset: buffer.count)
    }

    /// Handles one event (read in place, not copied). Returns false to stop parsing.
    @inline(__always)  // the event loop's body: saves a call, prologue and epilogue per event
    private mutating func handle(_ e: UnsafePointer<yaml_event_t>, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        switch e.pointee.type {
        case YAML_DOCUMENT_START_EVENT:
            documentStart = mark(e.pointee.start_mark, buffer)
            documentExplicit = e.pointee.data.document_start.implicit == 0
            documentRoot = -1
            documentAliasNodes = 0
            if !anchors.isEmpty { anchors.removeAll(keepingCapacity: true) }
        case YAML_DOCUMENT_END_EVENT:
            if documentRoot >= 0 {
                documents.append(
                    YAMLDocumentInfo(
                        root: documentRoot, start: documentStart, end: mark(e.pointee.end_mark, buffer),
                        explicitStart: documentExplicit))
            }
        case YAML_SCALAR_EVENT:
            let s = e.pointee.data.scalar
            let start = UInt32(scalarBytes.count)
            if let value = s.value, s.length > 0 {
                scalarBytes.append(copying: value, count: s.length)
            }
            let style: ScalarStyle
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = s.tag.map { internTag($0) } ?? 0
            let id = addNode(
                .scalar, style: style.rawValue, tag: tag, at: e.pointee.start_mark, buffer,
                a: start, b: UInt32(s.length))
            if let anchor = s.anchor { anchors[String(cString: anchor)] = (id, 1) }
            attach(id)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            if stack.count >= maxDepth {
                error = YAMLParseError(
                    reason: .tooDeep, location: mark(e.pointee.start_mark, buffer),
                    message: "collections nest deeper than \(maxDepth) levels; parsing stopped")
                return false
            }
            let isMap = e.pointee.type == YAML_MAPPING_START_EVENT
            let tagName = isMap ? e.pointee.data.mapping_start.tag : e.pointee.data.sequence_start.tag
            let anchor = isMap ? e.pointee.data.mapping_start.anchor : e.pointee.data.sequence_start.anchor
            let flow =
                isMap
                ? e.pointee.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                : e.pointee.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
            let tag = tagName.map { internTag($0) } ?? 0
            let id = addNode(
                isMap ? .mapping : .sequence, style: flow ? 1 : 0, tag: tag, at: e.pointee.start_mark, buffer,
                a: 0, b: 0)
            // Anchors of collections are registered when they close, so a node can never
            // alias itself: the tree stays acyclic.
            if let anchor { openAnchors.append(String(cString: anchor)) }
            stack.append(OpenCollection(node: id, firstPending: pending.count, anchored: anchor != nil, aliasExtra: 0))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard !stack.isEmpty else { return true }
            let frame = stack.removeLast()
            close(frame.node, firstPending: frame.firstPending)
            if frame.anchored {
                // Expanded size: the nodes written inside it plus what its aliases add.
                anchors[openAnchors.removeLast()] = (frame.node, nodes.count - Int(frame.node) + frame.aliasExtra)
            }
            if !stack.isEmpty { stack[stack.count - 1].aliasExtra += frame.aliasExtra }
            attach(frame.node)
        case YAML_ALIAS_EVENT:
            return alias(e, buffer)
        default:
            break
        }
        return true
    }

    /// Adds an alias node, or stops parsing on an undefined alias or an exhausted alias budget.
    private mutating func alias(_ e: UnsafePointer<yaml_event_t>, _ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let name = e.pointee.data.alias.anchor.map { String(cString: $0) } ?? ""
        let at = mark(e.pointee.start_mark, buffer)
        guard let target = anchors[name] else {
            error = YAMLParseError(reason: .syntax, location: at, message: "found undefined alias '\(name)'")
            return false
        }
        // The alias budget: O(1) per alias, no per-node bookkeeping for the (common) files
        // without aliases.
        documentAliasNodes += target.expanded
        if documentAliasNodes > aliasBudget {
            error = YAMLParseError(
                reason: .aliasBudget, location: at,
                message: "aliases expand to more than \(aliasBudget) nodes (an alias bomb?); parsing stopped")
            return false
        }
        if !stack.isEmpty { stack[stack.count - 1].aliasExtra += target.expanded - 1 }
        let id = addNode(.alias, style: 0, tag: 0, at: e.pointee.start_mark, buffer, a: UInt32(target.node), b: 0)
        attach(id)
        return true
    }

    private mutating func addNode(
        _ kind: YAMLNodeKind, style: UInt8, tag: UInt16, at m: yaml_mark_t, _ buffer: UnsafeBufferPointer<UInt8>,
        a: UInt32, b: UInt32
    ) -> Int32 {
        let id = Int32(nodes.count)
        var line = m.line + 1, column = m.column + 1
        let offset = offsets.offset(ofCharacter: m.index, in: buffer)
        if offset == buffer.count && m.column == 0 {
            let end = endOfStream(m, buffer)
            (line, column) = (end.line, end.column)
        }
        nodes.append(
            RawNode(
                kind: kind, style: style, tag: tag, line: UInt32(truncatingIfNeeded: line),
                column: UInt32(truncatingIfNeeded: column), offset: UInt32(truncatingIfNeeded: offset),
                a: a, b: b))
        return id
    }

    @inline(__always)  // once per node; measured: the call cost more than the body
    private mutating func attach(_ id: Int32) {
        if stack.isEmpty {
            documentRoot = id
        } else {
            pending.append(id)
        }
    }

    /// Moves a closed collection's children into the arena and checks duplicate keys.
    @inline(__always)  // once per collection, from the event loop
    private mutating func close(_ id: Int32, firstPending: Int) {
        let count = pending.count - firstPending
        let start = children.count
        children.append(copying: pending.base + firstPending, count: count)
        pending.removeAll(from: firstPending)
        nodes[Int(id)].a = UInt32(start)
        nodes[Int(id)].b = UInt32(count)
        if nodes[Int(id)].kind == .mapping, count >= 4 { checkDuplicateKeys(start: start, count: count) }
    }

    /// A mapping key as the duplicate check compares it: where its bytes are in `scalarBytes`
    /// (an alias key counts as its anchor's scalar), `length` -1 for a collection key (never a
    /// duplicate), and its first (up to) eight bytes so that most different keys differ without
    /// a `memcmp`.
    struct MappingKey {
        var start: Int
        var length: Int
        var prefix: UInt64
    }

    /// The key node `id` as a ``MappingKey``. Static, on the two buffers it reads: a
    /// non-mutating method would get a copy of the whole builder on every call.
    @inline(__always)  // once per key of every mapping closed; the call cost a third of it
    private static func mappingKey(
        _ id: Int32, nodes: borrowing ArenaBuffer<RawNode>, bytes: borrowing ArenaBuffer<UInt8>
    ) -> MappingKey {
        var n = nodes[Int(id)]
        if n.kind == .alias { n = nodes[Int(n.a)] }
        guard n.kind == .scalar else { return MappingKey(start: 0, length: -1, prefix: 0) }
        let start = Int(n.a)
        let length = Int(n.b)
        var prefix: UInt64 = 0
        if start + 8 <= bytes.count {
            prefix = UInt64(littleEndian: UnsafeRawPointer(bytes.base + start).loadUnaligned(as: UInt64.self))
            if length < 8 { prefix &= (1 << (UInt64(length) * 8)) - 1 }
        } else {
            for i in 0..<min(length, 8) { prefix |= UInt64(bytes[start + i]) << (UInt64(i) * 8) }
        }
        return MappingKey(start: start, length: length, prefix: prefix)
    }

    /// Whether two scalar keys have the same bytes (`bytes`: the start of `scalarBytes`).
    private static func sameKey(_ x: MappingKey, _ y: MappingKey, bytes: UnsafePointer<UInt8>) -> Bool {
        x.length == y.length && x.prefix == y.prefix
            && (x.length <= 8 || memcmp(bytes + x.start + 8, bytes + y.start + 8, x.length - 8) == 0)
    }

    /// Warns about every key of the mapping whose entries are `children[start..<start + count]`
    /// that repeats an earlier key, naming the first occurrence. Small mappings compare every
    /// pair; big ones use a table keyed by the (seeded) hash of the bytes.
    private mutating func checkDuplicateKeys(start: Int, count: Int) {
        let pairs = count / 2
        keys.removeAll(from: 0)
        for p in 0..<pairs {
            keys.append(Self.mappingKey(children[start + 2 * p], nodes: nodes, bytes: scalarBytes))
        }
        if pairs > 16 {
            checkDuplicateKeysHashed(start: start, pairs: pairs)
            return
        }
        let bytes = UnsafePointer(scalarBytes.base)
        for p in 1..<pairs where keys[p].length >= 0 {
            for q in 0..<p where Self.sameKey(keys[q], keys[p], bytes: bytes) {
                reportDuplicate(pair: p, previous: q, start: start)
                break
            }
        }
    }

    /// ``checkDuplicateKeys(start:count:)`` for a big mapping, once `keys` holds its keys.
    private mutating func checkDuplicateKeysHashed(start: Int, pairs: Int) {
        let bytes = UnsafePointer(scalarBytes.base)
        var size = 64
        while size < 2 * pairs { size *= 2 }
        // Slot -> index of the first pair with that key, or -1 when free. Open addressing.
        var slots = ArenaBuffer<Int32>(capacity: size)
        for _ in 0..<size { slots.append(-1) }
        for p in 0..<pairs where keys[p].length >= 0 {
            let key = keys[p]
            var hasher = Hasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(start: bytes + key.start, count: key.length))
            var slot = hasher.finalize() & (size - 1)
            while true {
                let q = Int(slots[slot])
                if q < 0 {
                    slots[slot] = Int32(p)
                    break
                }
                if Self.sameKey(keys[q], key, bytes: bytes) {
                    reportDuplicate(pair: p, previous: q, start: start)
                    break
                }
                slot = (slot + 1) & (size - 1)
            }
        }
    }

    /// Warns that the key of pair `pair` repeats the key of pair `previous` (pairs of the mapping
    /// whose entries start at `children[start]`).
    private mutating func reportDuplicate(pair: Int, previous: Int, start: Int) {
        let keyID = children[start + 2 * pair]
        let previousID = children[start + 2 * previous]
        let key = keys[pair]
        let text = String(decoding: UnsafeBufferPointer(start: scalarBytes.base + key.start, count: key.length), as: UTF8.self)
        func location(_ id: Int32) -> SourceLocation {
            let n = nodes[Int(id)]
            return SourceLocation(line: Int(n.line), column: Int(n.column), offset: Int(n.offset))
        }
        let duplicate = YAMLDuplicateKey(key: text, location: location(keyID), first: location(previousID))
        duplicateKeys.append(duplicate)
        diagnostics.append(Diagnostic(path: path, location: duplicate.location, severity: .warning, message: duplicate.message))
    }

    private mutating func internTag(_ tag: UnsafeMutablePointer<yaml_char_t>) -> UInt16 {
        let text = String(cString: tag)
        if let index = tagIndex[text] { return index }
        guard tags.count < Int(UInt16.max) else { return 0 }
        let index = UInt16(tags.count)
        tags.append(text)
        tagIndex[text] = index
        return index
    }

    private func libyamlError(_ p: yaml_parser_t, _ buffer: UnsafeBufferPointer<UInt8>) -> YAMLParseError {
        let problem = p.problem.map { String(cString: $0) } ?? "unknown YAML error"
        var message = problem
        if let context = p.context { message += " " + String(cString: context) }
        let location: SourceLocation
        if p.error == YAML_READER_ERROR {
            // Reader errors (invalid UTF-8, control characters) carry a byte offset, not a mark.
            location = SourceText.location(ofByte: p.problem_offset, in: source)
            if p.problem_value != -1 {
                let hex = String(UInt8(truncatingIfNeeded: p.problem_value), radix: 16, uppercase: true)
                message += " (byte 0x\(hex.count == 1 ? "0" + hex : hex))"
            }
        } else {
            location = mark(p.problem_mark, buffer)
        }
        return YAMLParseError(reason: .syntax, location: location, message: message)
    }
}
