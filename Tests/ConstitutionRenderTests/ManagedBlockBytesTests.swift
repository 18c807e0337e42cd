import Testing

@testable import ConstitutionRender

/// The merge works on bytes: what is outside the block comes back exactly, whatever it is, and
/// CRLF files are read and written as CRLF.
@Suite("Managed blocks on bytes")
struct ManagedBlockBytesTests {
    let block = "<!-- constitution:begin x -->\nnew\n<!-- constitution:end -->\n"
    var crlfBlock: [UInt8] { Array(block.replacingAll("\n", with: "\r\n").utf8) }

    @Test func latin1AndInvalidBytesOutsideTheBlockAreKept() {
        let above: [UInt8] = Array("caf".utf8) + [0xE9, 0x0A, 0xFF, 0xC3, 0x0A]
        let below: [UInt8] = [0x80, 0x00, 0x0A]
        let existing = above + Array("<!-- constitution:begin -->\nold\n<!-- constitution:end -->\n".utf8) + below
        let merged = ManagedBlock.merge(existing: existing, block: block)
        #expect(merged.how == .replaced)
        #expect(merged.bytes == above + Array(block.utf8) + below)
        #expect(ManagedBlock.merge(existing: merged.bytes, block: block).bytes == merged.bytes)
        // Appended after non-UTF-8 text too.
        let appended = ManagedBlock.merge(existing: [0xE9], block: block)
        #expect(appended.bytes == [0xE9, 0x0A, 0x0A] + Array(block.utf8))
    }

    @Test func crlfMarkersAreFoundAndTheBlockIsWrittenInCRLF() {
        let existing = Array("a\r\n\r\n<!-- constitution:begin -->\r\nold\r\n<!-- constitution:end -->\r\nb\r\n".utf8)
        let merged = ManagedBlock.merge(existing: existing, block: block)
        #expect(merged.how == .replaced)
        #expect(merged.bytes == Array("a\r\n\r\n".utf8) + crlfBlock + Array("b\r\n".utf8))
        #expect(ManagedBlock.merge(existing: merged.bytes, block: block).bytes == merged.bytes)
        // Without markers: appended in CRLF.
        let appended = ManagedBlock.merge(existing: Array("a\r\nb".utf8), block: block)
        #expect(appended.bytes == Array("a\r\nb\r\n\r\n".utf8) + crlfBlock)
        #expect(ManagedBlock.merge(existing: appended.bytes, block: block).bytes == appended.bytes)
    }

    @Test func aCRLFLineInAnLFFileIsNotBrokenMarkers() {
        let existing = Array("x\r\n<!-- constitution:begin -->\nold\n<!-- constitution:end -->\ny\n".utf8)
        let merged = ManagedBlock.merge(existing: existing, block: block)
        #expect(merged.how == .replaced)
        #expect(merged.bytes == Array("x\r\n".utf8) + Array(block.utf8) + Array("y\n".utf8))
    }

    /// With no line break outside the block, the begin marker's line break decides.
    @Test func theMarkerDecidesWhenTheUserTextHasNoLineBreak() {
        let existing = Array("<!-- constitution:begin -->\r\nold\n<!-- constitution:end -->".utf8)
        let merged = ManagedBlock.merge(existing: existing, block: block)
        #expect(merged.bytes == crlfBlock)
        #expect(ManagedBlock.merge(existing: merged.bytes, block: block).bytes == merged.bytes)
    }

    @Test func aByteOrderMarkBeforeTheBeginMarkerIsKept() {
        let existing: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<!-- constitution:begin -->\nold\n<!-- constitution:end -->\n".utf8)
        let merged = ManagedBlock.merge(existing: existing, block: block)
        #expect(merged.how == .replaced)
        #expect(merged.bytes == [0xEF, 0xBB, 0xBF] + Array(block.utf8))
    }

    @Test func brokenMarkersReturnTheBytesUnchanged() {
        for text in ["<!-- constitution:end -->\n<!-- constitution:begin -->\n", "<!-- constitution:begin -->\r\nx\r\n", block + block] {
            let existing = Array(text.utf8) + [0xE9]
            let merged = ManagedBlock.merge(existing: existing, block: block)
            if case .refused = merged.how {} else { Issue.record("\(text.debugDescription) must be refused") }
            #expect(merged.bytes == existing)
        }
    }

    @Test func aCRLFTemplateBlockIsWrittenInTheFilesEnding() {
        let crlfInput = block.replacingAll("\n", with: "\r\n")
        #expect(ManagedBlock.merge(existing: Array("a\n".utf8), block: crlfInput).bytes == Array(("a\n\n" + block).utf8))
        #expect(ManagedBlock.styled("a\r\nb\rc\n", .crlf) == Array("a\r\nb\rc\r\n".utf8))
        #expect(ManagedBlock.styled("a\r\nb\rc\n", .lf) == Array("a\nb\rc\n".utf8))
    }

    @Test func diffSplitsCRLFLinesAndShowsBadBytes() {
        let d = UnifiedDiff.diff(old: Array("a\r\nb\r\n".utf8), new: Array("a\r\nB\r\n".utf8), oldName: "a/x", newName: "b/x")
        #expect(d == "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n \n")
        let bad = UnifiedDiff.diff(old: [0x61, 0x0A, 0xE9, 0x0A], new: [0x61, 0x0A, 0x65, 0x0A], oldName: "a", newName: "b")
        #expect(bad.contains("\n-\u{FFFD}\n+e\n"))
    }

    /// Only the changed middle needs the LCS table: a long file with a small change is fast.
    @Test func diffOfALongFileWithOneChange() {
        let lines = (0..<20_000).map { "line \($0)\n" }.joined()
        let d = UnifiedDiff.diff(old: lines, new: lines.replacingAll("line 10000\n", with: "changed\n"), oldName: "a", newName: "b")
        #expect(d == "--- a\n+++ b\n@@ -9998,7 +9998,7 @@\n line 9997\n line 9998\n line 9999\n-line 10000\n+changed\n line 10001\n line 10002\n line 10003\n")
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
