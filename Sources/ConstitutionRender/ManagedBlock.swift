/// The block of a file that `render` owns: from a line starting with `<!-- constitution:begin`
/// to the line `<!-- constitution:end -->`. Everything outside it is the user's and is kept byte
/// for byte.
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

    /// `existing` with its managed block replaced by `block` (which includes both markers and
    /// ends with a newline). A file without markers gets the block appended.
    public static func merge(existing: String?, block: String) -> (text: String, how: Merge) {
        guard let existing, !existing.isEmpty else { return (block, .appended) }
        let lines = existing.split(separator: "\n", omittingEmptySubsequences: false)
        let begins = lines.indices.filter { lines[$0].hasPrefix(beginPrefix) }
        let ends = lines.indices.filter { lines[$0].trimmingTrailingSpace == end }
        if begins.isEmpty && ends.isEmpty {
            var text = existing
            if !text.hasSuffix("\n") { text += "\n" }
            text += "\n" + block
            return (text, .appended)
        }
        guard begins.count == 1, ends.count == 1, begins[0] < ends[0] else {
            return (existing, .refused("the constitution markers are broken (expected one '\(beginPrefix) …' line followed by one '\(end)' line)"))
        }
        let before = lines[..<begins[0]].joined(separator: "\n")
        let after = lines[(ends[0] + 1)...].joined(separator: "\n")
        var text = before.isEmpty && begins[0] == 0 ? "" : before + "\n"
        text += block
        // `block` ends with "\n"; `after` begins right after the end marker's line break.
        text += after
        return (text, .replaced)
    }

    /// The managed block of `text` (markers included), if any.
    public static func extract(_ text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let b = lines.firstIndex(where: { $0.hasPrefix(beginPrefix) }),
            let e = lines.firstIndex(where: { $0.trimmingTrailingSpace == end }), b < e
        else { return nil }
        return lines[b...e].joined(separator: "\n") + "\n"
    }
}

extension Substring {
    var trimmingTrailingSpace: Substring {
        var s = self
        while s.last == " " || s.last == "\r" || s.last == "\t" { s.removeLast() }
        return s
    }
}
