import FuzzSupport
import ConstitutionRender

/// The managed-block merge (`render` on an existing CLAUDE.md or MEMORY.md) must, for any bytes:
/// refuse without changing anything, or keep every byte outside the block exactly (non-UTF-8,
/// CRLF, NUL…), leave exactly one block (the new one, in the file's line ending), and be a
/// no-op when run again on its own output. The diff `render --check` prints must not trap.
let blocks = [
    "<!-- constitution:begin generated -->\n## Rules\n- one\n<!-- constitution:end -->\n",
    "<!-- constitution:begin -->\r\nfrom a CRLF template\r\n\r\n<!-- constitution:end -->\r\n",
]

func fuzzOne(_ bytes: [UInt8]) {
    let span = ManagedBlock.span(in: bytes)
    for block in blocks {
        let merged = ManagedBlock.merge(existing: bytes, block: block)
        switch merged.how {
        case .refused:
            guard case .broken = span else { preconditionFailure("refused without broken markers") }
            precondition(merged.bytes == bytes, "a refused merge changed the file")
            continue
        case .replaced:
            guard case .block(let range) = span else { preconditionFailure("replaced without a block") }
            precondition(merged.bytes.starts(with: bytes[..<range.lowerBound]), "text above the block changed")
            precondition(merged.bytes.reversed().starts(with: bytes[range.upperBound...].reversed()), "text below the block changed")
            precondition(merged.bytes.count >= bytes.count - range.count, "text outside the block was lost")
        case .appended:
            precondition(span == .none || bytes.isEmpty, "appended to a file with markers")
            precondition(merged.bytes.starts(with: bytes), "appending changed the existing text")
        }
        guard case .block(let new) = ManagedBlock.span(in: merged.bytes) else { preconditionFailure("the output has no single block") }
        let written = Array(merged.bytes[new])
        precondition(
            written == ManagedBlock.styled(block, .lf) || written == ManagedBlock.styled(block, .crlf),
            "the block was not written as given")
        let again = ManagedBlock.merge(existing: merged.bytes, block: block)
        precondition(again.how == .replaced && again.bytes == merged.bytes, "a second merge changed the output")
        if bytes.count <= 2048 {
            let diff = UnifiedDiff.diff(old: bytes, new: merged.bytes, oldName: "a", newName: "b")
            precondition(diff.isEmpty == (bytes == merged.bytes), "the diff disagrees with the bytes")
        }
    }
}

@_cdecl("fuzz_merge_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    return runFuzzer(argc, argv, fuzzOne)
}
