import FuzzSupport
import ConstitutionCore
import ConstitutionReport
import ConstitutionWorkspace
import ConstitutionYAML

/// The YAML layer on arbitrary bytes: parsing never traps and always ends (nesting and alias
/// limits), every position it reports is inside the file and agrees with the file's bytes, the
/// snapshot of a clean tree reads back as the same tree, arbitrary bytes read as a snapshot are
/// refused or valid, and the caret display of any position is bounded and free of control
/// characters.
func fuzzOne(_ bytes: [UInt8]) {
    let file = YAMLParser.parse(path: "fuzz.yaml", source: bytes)
    // libyaml also breaks lines at NEL, LS and PS; SourceText and the caret display break only
    // at CR and LF, so lines and columns are compared only for text without those.
    let exactLines = !hasUnicodeBreaks(bytes)
    func check(_ location: SourceLocation, _ what: String) {
        precondition(location.line >= 1 && location.column >= 1, "\(what): \(location) is not 1-based")
        precondition(location.offset >= 0 && location.offset <= bytes.count, "\(what): offset \(location.offset) outside \(bytes.count) bytes")
        guard exactLines else { return }
        let recomputed = SourceText.location(ofByte: location.offset, in: bytes)
        precondition(
            recomputed.line == location.line && recomputed.column == location.column,
            "\(what): \(location) at byte \(location.offset), where the bytes say \(recomputed)")
        show(location)
    }
    func show(_ location: SourceLocation) {
        let line = SourceLines.texts([location.line], in: bytes)[location.line] ?? ""
        let text = DiagnosticFormatter.format(
            path: "fuzz.yaml", location: location, severity: "error", message: "m", sourceLine: line, style: TerminalStyle(enabled: false))
        precondition(text.unicodeScalars.count < 3 * DiagnosticFormatter.snippetWidth + 100, "caret display of \(location) is \(text.count) long")
        precondition(!text.utf8.contains(0x1B), "caret display echoes ESC")
    }
    var visited = 0
    func walk(_ node: YAMLNode, depth: Int) {
        visited += 1
        precondition(depth <= YAMLParser.defaultMaxDepth + 1, "tree deeper than the limit")
        check(node.location, "node \(node.id)")
        if node.isAlias { return }  // its anchor is walked where it is written
        switch node.kind {
        case .scalar:
            _ = node.scalar
            _ = node.isNull
        case .sequence:
            for child in node.elements { walk(child, depth: depth + 1) }
        case .mapping:
            for pair in node.ownPairs {
                walk(pair.key, depth: depth + 1)
                walk(pair.value, depth: depth + 1)
            }
            _ = node.pairs.count  // merge keys resolve without trapping
        default:
            break
        }
    }
    for document in file.documents { walk(document, depth: 1) }
    precondition(visited <= file.nodeCount + file.documents.count, "walked \(visited) nodes of \(file.nodeCount)")
    for info in file.documentInfos {
        check(info.start, "document start")
        // libyaml ends the last line of a stream that lacks a final line break itself: the end
        // of such a document is on the line after the last, at the byte just past the file.
        precondition(info.end.line >= info.start.line && info.end.offset <= bytes.count, "document end \(info.end)")
    }
    for duplicate in file.duplicateKeys {
        check(duplicate.location, "duplicate key")
        check(duplicate.first, "first key")
        precondition(duplicate.first < duplicate.location, "a duplicate key before the key it repeats")
    }
    if let error = file.error {
        // Reader errors are located by byte; others by libyaml's mark, which may sit just
        // past the last byte (the end of the stream).
        precondition(error.location.line >= 1 && error.location.column >= 1, "error at \(error.location)")
        precondition(error.location.offset <= bytes.count, "error offset \(error.location.offset) past \(bytes.count)")
        show(error.location)
    }

    // A clean tree's snapshot reads back as the same tree.
    var snapshot: [UInt8] = []
    if YAMLSnapshot.append(file, to: &snapshot) {
        var position = 0
        guard let again = YAMLSnapshot.read(snapshot, at: &position, path: "fuzz.yaml", source: bytes) else {
            preconditionFailure("a snapshot did not read back")
        }
        precondition(position == snapshot.count, "snapshot read stopped early")
        precondition(same(file, again), "the snapshot read back differs")
    }
    // Arbitrary bytes as a snapshot: refused, or a tree that walks.
    var position = 0
    if let read = YAMLSnapshot.read(bytes, at: &position, path: "fuzz.yaml", source: bytes) {
        for document in read.documents { _ = document.kind }
    }
}

/// Whether `bytes` hold NEL (C2 85), LS (E2 80 A8) or PS (E2 80 A9).
func hasUnicodeBreaks(_ bytes: [UInt8]) -> Bool {
    var i = 0
    while i + 1 < bytes.count {
        if bytes[i] == 0xC2 && bytes[i + 1] == 0x85 { return true }
        if bytes[i] == 0xE2 && bytes[i + 1] == 0x80 && i + 2 < bytes.count && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9) {
            return true
        }
        i += 1
    }
    return false
}

/// Whether two files have the same documents, node for node (kinds, positions, scalars, tags).
func same(_ a: YAMLFile, _ b: YAMLFile) -> Bool {
    guard a.documents.count == b.documents.count, a.nodeCount == b.nodeCount else { return false }
    for id in 0..<Int32(a.nodeCount) {
        let x = YAMLNode(file: a, id: id), y = YAMLNode(file: b, id: id)
        guard x.isAlias == y.isAlias, x.kind == y.kind, x.location == y.location, x.tag == y.tag, x.scalar == y.scalar,
            x.count == y.count
        else { return false }
    }
    return zip(a.documentInfos, b.documentInfos).allSatisfy { $0 == $1 }
}

@_cdecl("fuzz_yaml_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    return runFuzzer(argc, argv, fuzzOne)
}
