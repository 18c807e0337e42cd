import TestSupport
import Testing

/// Starting from your own lessons (issue 15 §1): `init --empty`, then `incident new`, and the
/// record compiles as written; its constraint skeleton, uncommented, is a working rule.
@Suite("init --empty and incident new (real binary)")
struct IncidentNewTests {
    let bin = TestSupport.binary

    @Test func fromAnEmptyLabToAnEnforcedRuleOfYourOwn() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write([".git/HEAD": "ref: refs/heads/main\n"], under: root)
        let env = ["XDG_CACHE_HOME": root + "/.cache"]
        func run(_ args: [String]) -> TestSupport.ProcessResult { TestSupport.run(bin, args, directory: root, environment: env) }
        let initialised = run(["init", "--empty", "."])
        #expect(initialised.status == 0)
        #expect(initialised.stdout.contains("wrote: .constitution.yaml"))
        #expect(TestSupport.readText(root + "/.constitution.yaml").contains("constitution: ."))
        #expect(TestSupport.readBytes(root + "/incidents/INC-0001-klipper-lb-dnat.yaml") == nil, "no starter incident")
        #expect(TestSupport.readText(root + "/templates/CLAUDE.md.mustache").contains("constitution"))
        let empty = run(["lint", "."])
        #expect(empty.status == 0)
        #expect(empty.stderr.contains("no rules are enforced: the constitution at \(root) has no rules (chosen on purpose)"))

        let first = run(["incident", "new", "Pool destroyed by a script!", "--severity", "sev1", "--systems", "zfs, proxmox"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("wrote: \(root)/incidents/INC-0001-pool-destroyed-by-a-script.yaml"))
        let second = run(["incident", "new", "Second one"])
        #expect(second.stdout.contains("INC-0002-second-one.yaml"))
        let record = TestSupport.readText(root + "/incidents/INC-0001-pool-destroyed-by-a-script.yaml")
        #expect(record.contains("id: INC-0001\n"))
        #expect(record.contains("severity: sev1"))
        #expect(record.contains("systems: [\"zfs\", \"proxmox\"]"))
        #expect(record.contains("title: \"Pool destroyed by a script!\""))
        #expect(run(["compile"]).status == 0, "the records compile as written")

        // Uncomment the constraint skeleton: it is a rule that lint and guard enforce.
        var lines: [String] = []
        var inSkeleton = false
        for line in record.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("# constraints:") { inSkeleton = true }
            lines.append(inSkeleton && line.hasPrefix("# ") ? String(line.dropFirst(2)) : line)
        }
        TestSupport.write(["incidents/INC-0001-pool-destroyed-by-a-script.yaml": lines.joined(separator: "\n"), "scripts/x.sh": "#!/bin/sh\nsome command --now\n"], under: root)
        let compiled = run(["compile"])
        #expect(compiled.status == 0, "\(compiled.stdout)\(compiled.stderr)")
        #expect(compiled.stdout.contains("wrote: rules/my-rule-id.yaml"))
        let lint = run(["lint", "."])
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("scripts/x.sh:2:1: error: what is wrong, said of the offending file [my-rule-id, INC-0001]"), "\(lint.stdout)")
        let denied = TestSupport.run(bin, ["guard", "--timeout", "600"], stdin: #"{"cwd":"\#(root)","tool_name":"Bash","tool_input":{"command":"sudo some command --now"}}"#, directory: root, environment: env)
        #expect(denied.stdout.contains("\"permissionDecision\":\"deny\""), "\(denied.stdout)\(denied.stderr)")
    }

    @Test func mistakesAreUsageErrors() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write([".git/HEAD": "ref: refs/heads/main\n"], under: root)
        let none = TestSupport.run(bin, ["incident", "new", "x"], directory: root)
        #expect(none.status == 2)
        #expect(none.stderr.contains("run `constitution init --empty`"))
        #expect(TestSupport.run(bin, ["init", "--empty", root]).status == 0)
        let bad = TestSupport.run(bin, ["incident", "new", "x", "--severity", "critical"], directory: root)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("severity must be one of sev1, sev2, sev3, sev4"))
        #expect(TestSupport.run(bin, ["incident", "new", "   "], directory: root).status == 2)
    }
}

/// Starting from chosen topics of the starter library (issue 15 §1).
@Suite("init --list and --only (real binary)")
struct InitTopicsTests {
    let bin = TestSupport.binary

    @Test func listAndOnly() {
        let list = TestSupport.run(bin, ["init", "--list"])
        #expect(list.status == 0)
        for topic in ["k3s (k3s):", "storage (storage and backups):", "gitops (GitOps):", "dns (DNS):", "proxmox (Proxmox and CPU):",
                      "identity (ingress and identity):", "compose (Compose and media):", "networking (networking):"] {
            #expect(list.stdout.contains(topic), "\(topic)")
        }
        #expect(list.stdout.contains("  INC-0001 klipper-lb DNAT"))
        #expect(list.stdout.contains("rules: k3s-servicelb-disabled, loadbalancer-needs-metallb-pool, loadbalancer-not-on-ssh-port"))

        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write([".git/HEAD": "ref: refs/heads/main\n"], under: root)
        let only = TestSupport.run(bin, ["init", root, "--only", "k3s, storage"])
        #expect(only.status == 0, "\(only.stderr)")
        #expect(TestSupport.readBytes(root + "/incidents/INC-0001-klipper-lb-dnat.yaml") != nil)
        #expect(TestSupport.readBytes(root + "/incidents/INC-0004-dnsmasq-wildcard-cluster-dns.yaml") == nil, "not chosen")
        #expect(TestSupport.readBytes(root + "/rules/dnsmasq-no-zone-wildcard.yaml") == nil, "nor its rule")
        #expect(TestSupport.run(bin, ["compile", "--check"], directory: root).status == 0, "what was copied is consistent")
        // The agent's CLAUDE.md holds only the chosen lessons.
        #expect(TestSupport.run(bin, ["render", "--root", root], directory: root).status == 0)
        let claude = TestSupport.readText(root + "/CLAUDE.md")
        #expect(claude.contains("servicelb"))
        #expect(!claude.contains("dnsmasq"))
        let unknown = TestSupport.run(bin, ["init", root, "--only", "kubernetes"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown topic kubernetes; topics: k3s, storage"))
        #expect(TestSupport.run(bin, ["init", root, "--only", "k3s", "--empty"]).status == 2)
    }
}
