import Testing

@testable import ConstitutionCore

@Suite("Fast hash")
struct FastHashTests {
    @Test func stableAndShaped() {
        let h = FastHash.hex128(Array("rules/a.yaml".utf8))
        #expect(h.utf8.count == 32)
        #expect(h == FastHash.hex128(Array("rules/a.yaml".utf8)))
        #expect(h.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
    }

    /// Every one-bit change, every length from 0 to 40 and trailing zeros give a new hash: a
    /// stale constitution must never look fresh.
    @Test func smallChangesChangeTheHash() {
        var seen: Set<String> = []
        var inputs: [[UInt8]] = (0...40).map { [UInt8](repeating: 0, count: $0) }
        let base = Array("incidents/INC-0001.yaml\u{0}412\u{0}id: INC-0001\nsummary: x\n".utf8)
        inputs.append(base)
        for i in base.indices {
            for bit in 0..<8 {
                var flipped = base
                flipped[i] ^= UInt8(1 << bit)
                inputs.append(flipped)
            }
        }
        for input in inputs { seen.insert(FastHash.hex128(input)) }
        #expect(seen.count == inputs.count)
    }
}
