/// Lowercase hexadecimal text of fixed-width words, most significant digit first (for digests
/// and cache keys).
public enum Hex {
    /// Every word as `W.bitWidth / 4` lowercase hex digits, in order.
    public static func string<W: FixedWidthInteger & UnsignedInteger>(_ words: [W]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(words.count * W.bitWidth / 4)
        for word in words {
            for shift in stride(from: W.bitWidth - 4, through: 0, by: -4) { out.append(digits[Int((word >> shift) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
