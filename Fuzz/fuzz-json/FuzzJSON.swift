import FuzzSupport
import ConstitutionReport

/// The JSON reader (`.claude/settings.json`, guard's hook payload) must parse or reject every
/// input, never trap; what it accepts must survive a round trip through the writer.
func fuzzOne(_ bytes: [UInt8]) {
    if let value = try? JSONParser.parse(bytes: bytes) {
        let again = try? JSONParser.parse(value.serialized())
        precondition(again == value, "round trip changed the value")
    }
    _ = try? JSONParser.parse(bytes: bytes, rejectingDuplicateKeys: true)
}

@_cdecl("fuzz_json_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    return runFuzzer(argc, argv, fuzzOne)
}
