import ConstitutionReport
import Testing

/// RFC 8259 conformance of ``JSONParser``, in the categories of the well-known JSON parsing test
/// suites: inputs every parser must accept (`y`), must reject (`n`), and may decide either way
/// (`i`, where our choice is pinned and documented on ``JSONParser``). Cases are our own.
@Suite("JSONParser conformance (RFC 8259)")
struct JSONParserConformanceTests {
    // MARK: must accept, with the value they mean

    static let acceptArrays: [(String, String)] = [
        ("[]", "[]"), ("[ ]", "[]"), ("[\n]", "[]"), ("[1,2,3]", "[1,2,3]"), ("[[]]", "[[]]"), ("[[],[[]]]", "[[],[[]]]"),
        ("[null]", "[null]"), ("[false,true]", "[false,true]"), ("[\"\"]", "[\"\"]"), ("[1 , 2 ]", "[1,2]"),
        ("[\t\r\n1\t\r\n]", "[1]"), ("[{}]", "[{}]"), ("[-0]", "[0]"),
    ]
    static let acceptNumbers: [(String, String)] = [
        ("0", "0"), ("-0", "0"), ("7", "7"), ("-7", "-7"), ("1234567890", "1234567890"), ("0.5", "0.5"), ("-0.5", "-0.5"),
        ("1e3", "1e3"), ("1E3", "1E3"), ("1e+3", "1e+3"), ("1e-3", "1e-3"), ("1.5e10", "1.5e10"), ("0e0", "0e0"),
        ("-0.0e-0", "-0.0e-0"), ("123.456e-789", "123.456e-789"), ("1e999", "1e999"),
        ("9223372036854775807", "9223372036854775807"), ("-9223372036854775808", "-9223372036854775808"),
        ("12345678901234567890123", "12345678901234567890123"), ("[0.000001]", "[0.000001]"),
    ]
    static let acceptObjects: [(String, String)] = [
        ("{}", "{}"), ("{ }", "{}"), ("{\"a\":1}", "{\"a\":1}"), ("{ \"a\" : 1 , \"b\" : [ ] }", "{\"a\":1,\"b\":[]}"),
        ("{\"\":0}", "{\"\":0}"), ("{\"a\":{\"b\":{\"c\":null}}}", "{\"a\":{\"b\":{\"c\":null}}}"),
        ("{\"z\":1,\"a\":2}", "{\"z\":1,\"a\":2}"), ("{\"\\u0041\":true}", "{\"A\":true}"),
        ("{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}"), ("{\"é\":\"ü\"}", "{\"é\":\"ü\"}"), ("{\"a\" :\n\"b\"}", "{\"a\":\"b\"}"),
    ]
    static let acceptStrings: [(String, String)] = [
        ("\"\"", ""), ("\"abc\"", "abc"), ("\"\\\"\"", "\""), ("\"\\\\\"", "\\"), ("\"\\/\"", "/"), ("\"\\b\\f\\n\\r\\t\"", "\u{8}\u{C}\n\r\t"),
        ("\"\\u0000\"", "\u{0}"), ("\"\\u001f\"", "\u{1F}"), ("\"\\u00e9\"", "é"), ("\"\\u00E9\"", "é"), ("\"\\u20AC\"", "€"),
        ("\"\\uD83D\\uDE80\"", "🚀"), ("\"\\ud83d\\ude80\"", "🚀"), ("\"\\uDBFF\\uDFFF\"", "\u{10FFFF}"), ("\"\\uFFFF\"", "\u{FFFF}"),
        ("\"\\uFEFF\"", "\u{FEFF}"), ("\"é🚀€\"", "é🚀€"), ("\"\u{7F}\"", "\u{7F}"), ("\"a/*b*/c\"", "a/*b*/c"), ("\"'\"", "'"),
        ("\"\\u0022\"", "\""), ("\"\\u005C\"", "\\"), ("\"#\"", "#"), ("\"\u{2028}\u{2029}\"", "\u{2028}\u{2029}"),
        ("\"  spaces  \"", "  spaces  "), ("\"\\\\u0041\"", "\\u0041"),
    ]
    static let acceptStructures: [(String, String)] = [
        ("true", "true"), ("false", "false"), ("null", "null"), (" 1 ", "1"), ("\n\r\t\"x\"\n", "\"x\""), ("[1]\n", "[1]"),
        ("{\"a\":[{\"b\":[null,true,false,0,\"\"]}]}", "{\"a\":[{\"b\":[null,true,false,0,\"\"]}]}"),
        (String(repeating: "[", count: 500) + String(repeating: "]", count: 500), String(repeating: "[", count: 500) + String(repeating: "]", count: 500)),
    ]

    @Test(arguments: acceptArrays + acceptNumbers + acceptObjects + acceptStructures)
    func acceptsValues(_ input: String, _ serialized: String) throws {
        #expect(try JSONParser.parse(input).serialized() == serialized)
    }

    @Test(arguments: acceptStrings)
    func acceptsStrings(_ input: String, _ decoded: String) throws {
        #expect(try JSONParser.parse(input) == .string(decoded))
    }

    // MARK: must reject, with a location

    static let rejectArrays = [
        "[", "[1", "[1,", "[1,]", "[,1]", "[,]", "[1 2]", "[1,,2]", "]", "[]]", "[1]]", "[\"a\" \"b\"]", "[1:2]", "[*]", "[1,\n",
        "[\"a\",]", "[[]", "[}", "[1}", "[-]", "[.]", "[nul]",
    ]
    static let rejectNumbers = [
        "+1", "-01", "01", "00", "2.", "-2.", ".2e-3", ".5", "1.e3", "1e", "1e+", "1E-", "-", "--1", "1..2", "1.2.3", "0x10", "0X1",
        "Infinity", "-Infinity", "NaN", "1_000", "1,5", "0.e1", "1ee2", "1e2.5", "٣", "１", "- 1", "1 2", "[+1]", "[1.]", "[.1]",
        "[012]", "[0e]", "[1e1.0]", "[0x1]", "[1f]", "[1E+-2]", "[1e--2]",
    ]
    static let rejectObjects = [
        "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "{\"a\":1,}", "{,}", "{1:2}", "{a:1}", "{'a':1}", "{\"a\" 1}", "{\"a\"::1}",
        "{\"a\":1 \"b\":2}", "{\"a\":1;\"b\":2}", "{\"a\"=1}", "{null:1}", "{[]:1}", "{\"a\":1}}", "{\"a\":1]", "{}x", "{\"a\":/*c*/1}",
        "{\"a\":1//c\n}", "{\"a\":1,,\"b\":2}", "{\"a\"}",
    ]
    static let rejectStrings = [
        "\"", "\"abc", "'abc'", "\"a\u{0}b\"", "\"a\u{1F}b\"", "\"tab\tinside\"", "\"line\nbreak\"", "\"\\x41\"", "\"\\a\"", "\"\\'\"",
        "\"\\u\"", "\"\\u1\"", "\"\\u12\"", "\"\\u123\"", "\"\\u12G4\"", "\"\\u+123\"", "\"\\u-123\"", "\"\\U0041\"", "\"\\", "\"\\\"",
        "\"\\uD800\\u\"", "\"\\uD800\\u12\"", "\"\\\u{0}\"", "\"\\0\"", "\"\\ \"", "\"\\é\"",
    ]
    static let rejectStructures = [
        "", " ", "\n", "tru", "truee", "True", "FALSE", "nul", "nulll", "undefined", "1 1", "\"a\" \"b\"", "[] []", "{} {}", "[]x", "x",
        "\u{FEFF}[]", "<>", "/* c */ 1", "1 // c", "#", "=", "[1]\u{0}", "\u{0}", "a", "é", "{\"a\":1} ,", "[1] ]", "[][", "\"a\"b",
        "nan", "inf", "[undefined]", "{\"a\":tru}", "[True]", "\u{A0}1",
    ]

    @Test(arguments: rejectArrays + rejectNumbers + rejectObjects + rejectStrings + rejectStructures)
    func rejects(_ input: String) {
        do {
            let value = try JSONParser.parse(input)
            Issue.record("accepted \(input.debugDescription) as \(value.serialized())")
        } catch {
            #expect(error.line >= 1 && error.column >= 1)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func nestingPastTheLimitIsALocatedErrorNotACrash() {
        for open in ["[", "{\"a\":"] {
            let deep = String(repeating: open, count: 100_000)
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(deep) }
        }
        let limit = String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect((try? JSONParser.parse(limit)) != nil)
        let over = "[" + limit + "]"
        do {
            _ = try JSONParser.parse(over)
            Issue.record("accepted nesting past the limit")
        } catch {
            #expect(error.message.contains("nesting deeper than \(JSONParser.maxDepth)"))
            #expect(error.column == JSONParser.maxDepth + 1)
        }
    }

    @Test func errorsPointAtTheOffendingCharacter() {
        let cases: [(String, Int, Int, String)] = [
            ("{\n  \"a\": 01\n}", 2, 8, "leading zero"),
            ("[1,\n 2,\n ]", 3, 2, "expected a value"),
            ("{\"é\": +1}", 1, 7, "expected a value"),
            ("\"\\q\"", 1, 2, "invalid escape"),
            ("\"abc", 1, 1, "unterminated string"),
            ("{\"a\":1,\"a\":2}", 1, 8, "duplicate key \"a\" (first at 1:2)"),
        ]
        for (input, line, column, message) in cases {
            do {
                _ = try JSONParser.parse(input, rejectingDuplicateKeys: true)
                Issue.record("accepted \(input.debugDescription)")
            } catch {
                #expect(error.line == line && error.column == column, "\(input.debugDescription): \(error)")
                #expect(error.message.contains(message), "\(input.debugDescription): \(error)")
            }
        }
    }

    // MARK: implementation-defined, pinned

    /// Lone and mismatched surrogates decode to U+FFFD; an escape after a lone high surrogate is
    /// read on its own (this is what Node writes to a process for such a string).
    static let surrogates: [(String, String)] = [
        ("\"\\ud800\"", "\u{FFFD}"), ("\"\\udbff\"", "\u{FFFD}"), ("\"\\udc00\"", "\u{FFFD}"), ("\"\\udfff\"", "\u{FFFD}"),
        ("\"\\ud800\\ud800\"", "\u{FFFD}\u{FFFD}"), ("\"\\ud800\\u0041\"", "\u{FFFD}A"), ("\"\\ud800x\"", "\u{FFFD}x"),
        ("\"\\udc00\\ud800\"", "\u{FFFD}\u{FFFD}"), ("\"\\ud800\\ud800\\udc00\"", "\u{FFFD}\u{10000}"),
        ("\"\\ud800\\n\"", "\u{FFFD}\n"), ("\"\\ud800\\\\\"", "\u{FFFD}\\"), ("\"kubectl apply # \\ud800\\ud800\"", "kubectl apply # \u{FFFD}\u{FFFD}"),
        ("\"\\uDBFF\\uE000\"", "\u{FFFD}\u{E000}"),
    ]

    @Test(arguments: surrogates)
    func loneSurrogatesBecomeReplacementCharacters(_ input: String, _ decoded: String) throws {
        #expect(try JSONParser.parse(input) == .string(decoded))
    }

    @Test func invalidUTF8IsReadAsReplacementCharacters() throws {
        let cases: [([UInt8], String)] = [
            ([0x22, 0xFF, 0x22], "\u{FFFD}"), ([0x22, 0xC3, 0x22], "\u{FFFD}"), ([0x22, 0xE2, 0x82, 0x22], "\u{FFFD}"),
            ([0x22, 0xED, 0xA0, 0x80, 0x22], "\u{FFFD}\u{FFFD}\u{FFFD}"), ([0x22, 0xC0, 0xAF, 0x22], "\u{FFFD}\u{FFFD}"),
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"), ([0x22, 0x61, 0x80, 0x62, 0x22], "a\u{FFFD}b"),
        ]
        for (bytes, decoded) in cases {
            #expect(try JSONParser.parse(bytes: bytes) == .string(decoded))
        }
        // Outside strings invalid bytes are just unexpected characters.
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bytes: [0x5B, 0xFF, 0x5D]) }
    }

    @Test func numbersOutsideIntAreKeptAsWritten() throws {
        let cases = ["1e400", "-1e-400", "9223372036854775808", "-9223372036854775809", "100000000000000000000000000000", "0.1e1", "1E-0"]
        for text in cases {
            #expect(try JSONParser.parse(text) == .number(text))
        }
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int.min))
    }

    @Test func objectsKeepDuplicateKeysUnlessAskedToRefuseThem() throws {
        let value = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        #expect(value["a"] == .int(3))
        #expect(value.serialized() == #"{"a":1,"b":2,"a":3}"#)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(#"{"x":{"a":1,"a":1}}"#, rejectingDuplicateKeys: true) }
        #expect((try? JSONParser.parse(#"{"a":{"a":1},"b":{"a":2}}"#, rejectingDuplicateKeys: true)) != nil)
    }

    /// Every truncation and every single-byte change of valid documents is parsed or rejected;
    /// none traps (a trap would end the test process).
    @Test func noPrefixOrSingleByteMutationTraps() {
        let seeds = [
            #"{"tool_name":"Bash","tool_input":{"command":"kubectl apply -f x.yaml # \ud800\ud800"}}"#,
            #"[1,-2.5e+3,true,false,null,"\u00e9\ud83d\ude80\/\b\f\n\r\t",{"a":[{}]}]"#,
            #"{"a":"\udbff\udfff\ud800\u0041","b":-0.0E-0,"c":123456789012345678901234}"#,
        ]
        let alphabet = Array(#"{}[],:"\u0123456789abcdefABCDEF+-.eE tfn "#.utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xED, 0xFF]
        var outcomes = 0
        for seed in seeds {
            let bytes = Array(seed.utf8)
            for end in 0...bytes.count {
                _ = try? JSONParser.parse(bytes: Array(bytes[0..<end]))
                outcomes += 1
            }
            for position in bytes.indices {
                for b in alphabet {
                    var mutated = bytes
                    mutated[position] = b
                    _ = try? JSONParser.parse(bytes: mutated)
                    outcomes += 1
                }
            }
        }
        #expect(outcomes > 10_000)
    }
}
