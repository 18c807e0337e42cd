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

// libFuzzer's driver, entered from the program's main (SwiftPM names it <target>_main).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("fuzz_json_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzOne(size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : [])
        return 0
    }
}
