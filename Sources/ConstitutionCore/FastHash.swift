/// A fast 128-bit hash of bytes, for cache keys read on every run (the constitution's freshness
/// stamp): about one multiply per 8 bytes per lane, where SHA-256 costs some 70 instructions
/// per byte. Not cryptographic: use ``SHA256`` for digests others verify.
///
/// Two independent 64-bit lanes, each a multiply–xorshift mix of every 8-byte word with its own
/// odd constants and seed, finished with the length and a final avalanche.
public enum FastHash {
    /// The hash of `bytes` as 32 lowercase hex characters.
    public static func hex128(_ bytes: [UInt8]) -> String {
        let (a, b) = hash128(bytes)
        return Hex.string([a, b])
    }

    /// The two 64-bit lanes of the hash of `bytes`.
    public static func hash128(_ bytes: [UInt8]) -> (UInt64, UInt64) {
        var a: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var b: UInt64 = 0x1319_8A2E_0370_7344 &+ UInt64(bytes.count)
        bytes.withUnsafeBytes { raw in
            let n = raw.count
            var i = 0
            while i + 8 <= n {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                a = mix(a ^ w, 0x9E37_79B9_7F4A_7C15)
                b = mix(b &+ w, 0xC2B2_AE3D_27D4_EB4F)
                i += 8
            }
            // The tail, one byte at a time into a final word (its length is already mixed in).
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(raw[i]) << shift
                shift += 8
                i += 1
            }
            a = mix(a ^ tail, 0x9E37_79B9_7F4A_7C15)
            b = mix(b &+ tail, 0xC2B2_AE3D_27D4_EB4F)
        }
        return (avalanche(a ^ (b >> 29)), avalanche(b ^ (a << 17)))
    }

    private static func mix(_ x: UInt64, _ k: UInt64) -> UInt64 {
        let m = x &* k
        return (m ^ (m >> 32)) &* 0xFF51_AFD7_ED55_8CCD
    }

    /// A final mix so every input bit affects every output bit.
    private static func avalanche(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
