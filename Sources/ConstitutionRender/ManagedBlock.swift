/// The block of a file that `render` owns: from a line starting with `<!-- constitution:begin`
/// to the line `<!-- constitution:end -->`. Everything outside it is the user's and is kept byte
/// for byte.
///
/// The merge works on bytes, never on `String`: text outside the block that is not UTF-8 (a
/// Latin-1 `é`, a stray control byte) comes back unchanged, and a `\r\n` is two bytes, not one
/// `Character`, so markers on CRLF lines are found. A file whose line endings (outside the block)
/// are mostly CRLF gets its block written with CRLF.
public enum ManagedBlock {
    /// The opening marker's prefix.
    public static let beginPrefix = "<!-- constitution:begin"
    /// The closing marker.
    public static let end = "<!-- constitution:end -->"

    /// How a merge went.
    public enum Merge: Sendable, Equatable {
        /// The block was replaced in place.
        case replaced
        /// The file had no block: it was appended after the user's text.
        case appended
        /// The markers are broken (a begin without an end, or two blocks): nothing is written.
        case refused(String)
    }

    /// Where the managed block is in a file.
    public enum Span: Sendable, Equatable {
        /// No marker at all.
        case none
        /// The block's bytes: from the first byte of the begin marker to just after the end
        /// marker's line break (or the end of the file). Bytes before and after are the user's.
        case block(Range<Int>)
        /// Markers that do not make exactly one block (the reason).
        case broken(String)
    }

    /// A file's line ending.
    public enum LineEnding: Sendable, Equatable {
        /// `\n`.
        case lf
        /// `\r\n`.
        case crlf
    }

    private static let beginBytes = Array(beginPrefix.utf8)
    private static let endBytes = Array(end.utf8)
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// `existing` with its managed block replaced by `block` (which includes both markers and
    /// ends with a newline; its line breaks are rewritten in the file's line ending). A file
    /// without markers gets the block appended after a blank line. Bytes outside the block are
    /// kept exactly; a refused merge returns `existing` unchanged.
    public static func merge(existing: [UInt8]?, block: String) -> (bytes: [UInt8], how: Merge) {
        guard let existing, !existing.isEmpty else { return (styled(block, .lf), .appended) }
        switch span(in: existing) {
        case .broken(let why):
            return (existing, .refused(why))
        case .none:
            let ending = dominantEnding(existing[...], existing[existing.endIndex...]) ?? .lf
            let newline: [UInt8] = ending == .crlf ? [cr, lf] : [lf]
            var out = existing
            if out.last != lf { out += newline }
            out += newline
            out += styled(block, ending)
            return (out, .appended)
        case .block(let range):
            let before = existing[..<range.lowerBound]
            let after = existing[range.upperBound...]
            // The user's text decides; without a line break of its own, the begin marker's does.
            let beginLineEnd = existing[range].firstIndex(of: lf)
            let markerEnding: LineEnding =
                beginLineEnd.map { $0 > range.lowerBound && existing[$0 - 1] == cr } == true ? .crlf : .lf
            let ending = dominantEnding(before, after) ?? markerEnding
            var out: [UInt8] = []
            out.reserveCapacity(existing.count + block.utf8.count)
            out += before
            out += styled(block, ending)
            out += after
            return (out, .replaced)
        }
    }

    /// `existing` (text) with its managed block replaced: ``merge(existing:block:)`` on the
    /// text's UTF-8 bytes.
    public static func merge(existing: String?, block: String) -> (text: String, how: Merge) {
        let merged = merge(existing: existing.map { Array($0.utf8) }, block: block)
        return (String(decoding: merged.bytes, as: UTF8.self), merged.how)
    }

    /// Finds the managed block of `bytes`: a line starting with the begin marker (after a UTF-8
    /// byte order mark on the first line) followed by a line that is the end marker (trailing
    /// spaces, tabs and `\r` allowed).
    public static func span(in bytes: [UInt8]) -> Span {
        var begins: [Int] = []
        var ends: [Int] = []  // index just after the end marker's line
        var lineStart = 0
        while lineStart < bytes.count {
            let newline = bytes[lineStart...].firstIndex(of: lf)
            let contentEnd = newline ?? bytes.count
            let next = newline.map { $0 + 1 } ?? bytes.count
            var markerStart = lineStart
            if lineStart == 0, bytes.starts(with: bom) { markerStart = bom.count }
            if markerStart <= contentEnd, bytes[markerStart..<contentEnd].starts(with: beginBytes) {
                begins.append(markerStart)
            }
            var trimmed = contentEnd
            while trimmed > lineStart, [UInt8(ascii: " "), UInt8(ascii: "\t"), cr].contains(bytes[trimmed - 1]) {
                trimmed -= 1
            }
            if bytes[lineStart..<trimmed].elementsEqual(endBytes) { ends.append(next) }
            lineStart = next
        }
        if begins.isEmpty && ends.isEmpty { return .none }
        guard begins.count == 1, ends.count == 1, begins[0] < ends[0] else {
            return .broken(
                "the constitution markers are broken (expected one '\(beginPrefix) …' line followed by one '\(end)' line)")
        }
        return .block(begins[0]..<ends[0])
    }

    /// The managed block of `bytes` (markers included), if any.
    public static func extract(_ bytes: [UInt8]) -> [UInt8]? {
        guard case .block(let range) = span(in: bytes) else { return nil }
        return Array(bytes[range])
    }

    /// The managed block of `text` (markers included), if any.
    public static func extract(_ text: String) -> String? {
        extract(Array(text.utf8)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `block`'s bytes with every line break (`\n` or `\r\n`) written as `ending`.
    public static func styled(_ block: String, _ ending: LineEnding) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(block.utf8.count + (ending == .crlf ? 64 : 0))
        for byte in block.utf8 {
            if byte == lf {
                if out.last == cr { out.removeLast() }
                if ending == .crlf { out.append(cr) }
            }
            out.append(byte)
        }
        return out
    }

    /// The line ending most of the line breaks in `parts` use; nil on a tie (none at all too).
    static func dominantEnding(_ parts: ArraySlice<UInt8>...) -> LineEnding? {
        var crlf = 0, bare = 0
        for part in parts {
            var i = part.startIndex
            while let n = part[i...].firstIndex(of: lf) {
                if n > part.startIndex && part[n - 1] == cr { crlf += 1 } else { bare += 1 }
                i = n + 1
            }
        }
        return crlf > bare ? .crlf : bare > crlf ? .lf : nil
    }
}
