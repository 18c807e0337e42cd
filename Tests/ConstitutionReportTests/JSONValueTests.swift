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
}
