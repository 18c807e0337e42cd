import FuzzSupport
import ConstitutionApp
import ConstitutionRules

/// The guard's whole path on untrusted text: the hook payload (JSON reader, dispatch, the
/// constitution's loading), the command reader on a Bash command, and the YAML layer,
/// classifier, facets and rules on a Write's content (as a manifest, an Ansible task file, a
/// cloud-init file, a Compose file, a workflow and a shell script). Nothing may trap.
let root = "/" + String(#filePath.split(separator: "/").dropLast(3).joined(separator: "/"))

let rules: [Rule] = {
    let constitution = ConstitutionStore.read(root)
    precondition(!constitution.rules.isEmpty, "the starter constitution did not load from \(root)")
    return constitution.rules
}()

let paths = [
    "k8s/apps/x/deploy.yaml", "ansible/roles/r/tasks/main.yml", "cloud-init/user-data.yaml", "compose.yaml",
    ".gitea/workflows/ci.yaml", "scripts/run.sh", "ansible/group_vars/all.yml", "dnsmasq.d/lab.conf",
]

func fuzzOne(_ bytes: [UInt8]) {
    guard let selector = bytes.first else { return }
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    switch selector & 3 {
    case 0: _ = Guard.checkCommand(text, rules: rules)
    case 1: _ = Guard.checkFile(path: paths[Int(selector >> 2) % paths.count], text: text, rules: rules)
    default: _ = Guard.decide(input: text, cwd: "/tmp", constitution: root)  // a whole hook payload
    }
}

@_cdecl("fuzz_guard_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    _ = rules
    return runFuzzer(argc, argv, fuzzOne)
}
