import FuzzSupport
import ConstitutionApp
import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace

/// The rule loader on arbitrary bytes, as a `rules/*.yaml` file (beside a real incident) and as
/// an `incidents/*.yaml` file: loading never traps, every diagnostic about the file is located
/// inside it, a rule that loads binds and runs its own examples, and the rules an incident
/// generates load back cleanly and fresh (what `compile` then `lint` rely on).
let starterIncident: SourceFile = {
    let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    let path = root + "/incidents/INC-0001-klipper-lb-dnat.yaml"
    guard case .success(let bytes) = FileReader.read(path) else { preconditionFailure("cannot read \(path)") }
    return SourceFile(path: "incidents/INC-0001-klipper-lb-dnat.yaml", bytes: bytes)
}()

func checkLocated(_ constitution: Constitution, path: String, bytes: [UInt8]) {
    for d in constitution.diagnostics where d.path == path {
        precondition(d.location.line >= 1 && d.location.column >= 1, "\(d.message) at \(d.location)")
        precondition(d.location.offset >= 0 && d.location.offset <= bytes.count, "\(d.message) at byte \(d.location.offset) of \(bytes.count)")
        precondition(!d.message.isEmpty, "an empty message")
    }
}

func fuzzOne(_ bytes: [UInt8]) {
    guard let selector = bytes.first else { return }
    let body = Array(bytes.dropFirst())
    if selector & 1 == 0 {
        let path = "rules/fuzz.yaml"
        let constitution = Constitution.load(incidents: [starterIncident], rules: [SourceFile(path: path, bytes: body)])
        checkLocated(constitution, path: path, bytes: body)
        guard !constitution.hasErrors else { return }
        for rule in constitution.rules {
            guard let bound = try? BoundRule(rule) else { continue }  // a bad regex is reported by lint
            _ = bound
            _ = ExampleRunner.check(rule)
        }
    } else {
        let path = "incidents/INC-9999-fuzz.yaml"
        let incident = SourceFile(path: path, bytes: body)
        let constitution = Constitution.load(incidents: [incident], rules: [])
        checkLocated(constitution, path: path, bytes: body)
        guard !constitution.hasErrors, !constitution.generated.isEmpty else { return }
        let generated = constitution.generated.map { SourceFile(path: $0.path, bytes: Array($0.content.utf8)) }
        let again = Constitution.load(incidents: [incident], rules: generated)
        precondition(
            !again.hasErrors,
            "a generated rule does not load: \(again.diagnostics.filter { $0.severity == .error }.map { "\($0.path):\($0.location): \($0.message)" })")
        precondition(again.stale.isEmpty, "generated rules are stale right after generation: \(again.stale)")
    }
}

@_cdecl("fuzz_rules_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    _ = starterIncident
    return runFuzzer(argc, argv, fuzzOne)
}
