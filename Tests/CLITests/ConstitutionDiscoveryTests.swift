import TestSupport
import Testing

/// Enforcement never switches itself off (issue 12 §1): folders that only share the name of a
/// constitution's folders are passed over, and `guard` never goes quiet without saying so.
@Suite("Which constitution is enforced (real binary)")
struct ConstitutionDiscoveryTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    /// A repository (with `.git`, so the search stops there) holding `files`.
    func lab(_ files: [String: String]) -> String {
        let root = TestSupport.makeTemporaryDirectory()
        TestSupport.write(files.merging([".git/HEAD": "ref: refs/heads/main\n"]) { a, _ in a }, under: root)
        return root
    }

    func guardBash(_ command: String, cwd: String, cache: String) -> TestSupport.ProcessResult {
        let payload = #"{"hook_event_name":"PreToolUse","cwd":"\#(cwd)","tool_name":"Bash","tool_input":{"command":"\#(command)"}}"#
        return TestSupport.run(bin, ["guard", "--timeout", "600"], stdin: payload, directory: cwd, environment: ["XDG_CACHE_HOME": cache])
    }

    static let manifest = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: nfs}\nprovisioner: cluster.local/nfs-subdir-external-provisioner\nreclaimPolicy: Delete\n"

    @Test(arguments: [
        ["incidents/2024-01-outage.md": "# Postmortem\nWe lost the pool.\n"],
        ["incidents/.keep": ""],
        ["rules/README.md": "our team's rules of thumb\n"],
        ["k8s/monitoring/rules/alerts.yaml": "groups:\n  - name: node\n    rules:\n      - alert: NodeDown\n        expr: up == 0\n"],
    ])
    func foldersThatOnlyShareTheNameDoNotSwitchTheStarterRulesOff(_ files: [String: String]) {
        let root = lab(files.merging(["k8s/monitoring/sc.yaml": Self.manifest]) { a, _ in a })
        defer { TestSupport.remove(root) }
        let cache = root + "/.cache"
        // lint, from the top and from inside the look-alike folder's parent, uses the starter rules.
        for target in [root, root + "/k8s/monitoring"] {
            let lint = TestSupport.run(bin, ["lint", target], directory: root, environment: ["XDG_CACHE_HOME": cache])
            #expect(lint.status == 1, "\(target): \(lint.stderr)")
            #expect(lint.stdout.contains("nfs-storageclass-retain"))
        }
        let verbose = TestSupport.run(bin, ["lint", root, "--verbose"], directory: root, environment: ["XDG_CACHE_HOME": cache])
        if files.keys.contains(where: { $0.hasPrefix("incidents/") || $0.hasPrefix("rules/") }) {
            #expect(verbose.stderr.contains("is not a constitution"), "\(verbose.stderr)")
        }
        // guard, run from anywhere in the lab, still denies.
        for cwd in [root, root + "/k8s/monitoring"] {
            let denied = guardBash("zpool destroy tank", cwd: cwd, cache: cache)
            #expect(denied.stdout.contains("\"permissionDecision\":\"deny\""), "\(cwd): \(denied.stdout) \(denied.stderr)")
        }
    }

    @Test func anAgentCannotSwitchTheGuardOffWithMkdir() {
        let root = lab(["sub/.keep": ""])
        defer { TestSupport.remove(root) }
        for folder in ["incidents", "rules", "sub/incidents"] {
            TestSupport.write([folder + "/.keep": ""], under: root)
            #expect(guardBash("kubectl apply -f x", cwd: root, cache: root + "/.cache").stdout.contains("\"deny\""))
            #expect(guardBash("kubectl apply -f x", cwd: root + "/sub", cache: root + "/.cache").stdout.contains("\"deny\""))
        }
    }

    @Test func aConstitutionNamedByConfigurationMayBeEmptyAndSaysSo() {
        let root = lab([".constitution.yaml": "schema: 1\nconstitution: policy\n", "policy/incidents/.keep": "", "k8s/sc.yaml": Self.manifest])
        defer { TestSupport.remove(root) }
        let result = guardBash("zpool destroy tank", cwd: root, cache: root + "/.cache")
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\"deny\""))
        #expect(result.stdout.contains("\"systemMessage\":\"constitution guard: the constitution at \(root)/policy has no rules"))
        #expect(result.stdout.contains("nothing is enforced"))
        #expect(result.stdout.contains("additionalContext"))
        let lint = TestSupport.run(bin, ["lint", root], directory: root, environment: ["XDG_CACHE_HOME": root + "/.cache"])
        #expect(lint.status == 0, "\(lint.stdout)\(lint.stderr)")
        #expect(lint.stderr.contains("no rules are enforced"), "\(lint.stderr)")
    }

    @Test func aBrokenConstitutionIsReplacedByItsLastVerifiedCopy() {
        let root = lab([:])
        defer { TestSupport.remove(root) }
        let cache = root + "/.cache"
        #expect(TestSupport.run("/bin/cp", ["-r", starter + "/incidents", starter + "/rules", root]).status == 0)
        // Verified once, by a call that loads it.
        #expect(guardBash("zpool destroy tank", cwd: root, cache: cache).stdout.contains("\"deny\""))
        // An edit breaks an incident: the last verified copy is enforced, and stderr says so.
        TestSupport.write(["incidents/INC-0003-stateful-data-loss.yaml": "schema: 1\nid: [broken\n"], under: root)
        let fallback = guardBash("zpool destroy tank", cwd: root, cache: cache)
        #expect(fallback.stdout.contains("\"deny\""), "\(fallback.stdout) \(fallback.stderr)")
        #expect(fallback.stderr.contains("cannot be loaded"))
        #expect(fallback.stderr.contains("enforcing the last copy of it that loaded"))
        // With no copy to fall back on (a fresh cache), the answer says nothing is enforced.
        let nothing = guardBash("zpool destroy tank", cwd: root, cache: root + "/.other-cache")
        #expect(!nothing.stdout.contains("\"deny\""))
        #expect(nothing.stdout.contains("no earlier copy of it was verified: nothing is enforced"), "\(nothing.stdout)")
    }
}
