/// What every fuzz target shares: entering libFuzzer's driver from the program's main.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The target's body; set once, before the driver starts, by ``runFuzzer(_:_:_:)``.
nonisolated(unsafe) private var body: (([UInt8]) -> Void)?

/// Runs libFuzzer with `argc`/`argv` (the program's), calling `fuzzOne` with each input.
/// SwiftPM names an executable's entry `<target>_main`; each target defines that symbol with
/// `@_cdecl` and calls this.
public func runFuzzer(
    _ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ fuzzOne: @escaping ([UInt8]) -> Void
) -> Int32 {
    body = fuzzOne
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        body?(size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : [])
        return 0
    }
}
