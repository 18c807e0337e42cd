import ConstitutionApp
import ConstitutionRules

/// The guard's whole path on untrusted text: the command reader on a Bash command, and the YAML
/// layer, classifier, facets and rules on a Write's content (as a manifest, an Ansible task
/// file, a cloud-init file, a Compose file, a workflow and a shell script). Nothing may trap.
let rules: [Rule] = {
    let root = String(#filePath.split(separator: "/").dropLast(3).joined(separator: "/"))
    let constitution = ConstitutionStore.read("/" + root)
    precondition(!constitution.rules.isEmpty, "the starter constitution did not load from /\(root)")
    return constitution.rules
}()

let paths = [
    "k8s/apps/x/deploy.yaml", "ansible/roles/r/tasks/main.yml", "cloud-init/user-data.yaml", "compose.yaml",
    ".gitea/workflows/ci.yaml", "scripts/run.sh", "ansible/group_vars/all.yml", "dnsmasq.d/lab.conf",
]

func fuzzOne(_ bytes: [UInt8]) {
    guard let selector = bytes.first else { return }
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    if selector & 1 == 0 {
        _ = Guard.checkCommand(text, rules: rules)
    } else {
        _ = Guard.checkFile(path: paths[Int(selector >> 1) % paths.count], text: text, rules: rules)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("fuzz_guard_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var argc = argc
    var argv = argv
    _ = rules
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        fuzzOne(size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : [])
        return 0
    }
}
