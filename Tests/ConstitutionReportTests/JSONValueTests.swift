import Testing

@testable import ConstitutionReport

@Suite("JSON")
struct JSONValueTests {
    @Test func keepsKeyOrderAndEscapes() {
        let v = JSONValue.object([
            ("z", .int(1)), ("a", .string("<&\"\\\n\t\u{1}🚀é>")), ("list", .array([.bool(true), .null])), ("empty", .object([])),
        ])
        #expect(v.serialized() == #"{"z":1,"a":"<&\"\\\n\t\u0001🚀é>","list":[true,null],"empty":{}}"#)
        #expect(v.serialized(pretty: true).hasPrefix("{\n  \"z\": 1,\n  \"a\""))
    }

    /// The word-at-a-time check agrees with the byte rule for every byte value at every
    /// position of a word and of the tail, after clean bytes (ASCII and UTF-8 lead bytes).
    @Test func needsEscapingMatchesTheByteRule() {
        func byByte(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F } }
        for length in [1, 7, 8, 9, 16, 19] {
            for position in 0..<length {
                for value in 0...255 {
                    for filler: UInt8 in [UInt8(ascii: "a"), 0x80, 0xE2, 0xFF, 0x21, 0x7E] {
                        var bytes = [UInt8](repeating: filler, count: length)
                        bytes[position] = UInt8(value)
                        let fast = bytes.withUnsafeBufferPointer { JSONValue.needsEscaping($0) }
                        if fast != byByte(bytes) {
                            Issue.record("length \(length), byte \(value) at \(position) among \(filler): \(fast)")
                            return
                        }
                    }
                }
            }
        }
    }
}
