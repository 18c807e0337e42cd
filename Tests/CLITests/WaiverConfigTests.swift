import TestSupport
import Testing

@Suite("Waivers, config and outputs (real binary, starter constitution)")
struct WaiverConfigTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    /// A lab with two violations: a LoadBalancer on port 22 and a StorageClass that deletes data.
    func makeLab(_ extra: [String: String] = [:]) -> String {
        let root = TestSupport.makeTemporaryDirectory()
        var files = [
            "k8s/ssh.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: ssh}\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 22\n---\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: lab}\n",
            "k8s/sc.yaml": "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: nfs}\nprovisioner: nfs.csi.k8s.io\n",
        ]
        for (k, v) in extra { files[k] = v }
        TestSupport.write(files, under: root)
        return root
    }

    func lint(_ root: String, _ args: [String] = [], env: [String: String] = [:]) -> TestSupport.ProcessResult {
        TestSupport.run(bin, ["lint", ".", "--constitution", starter, "--color", "never"] + args, directory: root, environment: env)
    }

    @Test func inlineWaiverWithReasonSilencesAndIsCounted() {
        let root = makeLab(["k8s/ssh.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: ssh}\nspec:\n  type: LoadBalancer\n  ports:\n    # constitution:ignore loadbalancer-not-on-ssh-port reason=\"firewalled; moving to 2222\" until=2999-01-01\n    - port: 22\n---\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: lab}\n"])
        defer { TestSupport.remove(root) }
        let text = lint(root)
        #expect(!text.stdout.contains("[loadbalancer-not-on-ssh-port"))
        #expect(text.stdout.contains("1 finding (1 error) in 2 files checked by 25 rules; 1 waived"))
        let json = lint(root, ["--format", "json"])
        #expect(json.stdout.contains("\"waiver\": \"inline\",\n      \"reason\": \"firewalled; moving to 2222\""))
        // Strict repositories ignore inline waivers.
        #expect(lint(root, ["--no-inline-waivers"]).stdout.contains("2 findings (2 errors)"))
    }

    @Test func reasonlessAndExpiredWaiversAreFindings() {
        let root = makeLab([
            "k8s/sc.yaml": "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: nfs}\nprovisioner: nfs.csi.k8s.io  # constitution:ignore nfs-storageclass-retain\n",
            "k8s/ssh.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: ssh}\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 22  # constitution:ignore loadbalancer-not-on-ssh-port reason=\"temporary\" until=2020-01-01\n---\napiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: lab}\n",
        ])
        defer { TestSupport.remove(root) }
        let text = lint(root, [], env: ["CONSTITUTION_TODAY": "2026-11-23"]).stdout
        #expect(text.contains("k8s/sc.yaml:4:32: error: the waiver of 'nfs-storageclass-retain' has no reason"))
        #expect(text.contains("k8s/sc.yaml:1:1: error: an NFS StorageClass does not keep data"))
        #expect(text.contains("k8s/ssh.yaml:7:19: warning: the waiver of 'loadbalancer-not-on-ssh-port' expired on 2020-01-01 and no longer applies [constitution-waiver]"))
        #expect(text.contains("k8s/ssh.yaml:7:13: error: a LoadBalancer Service publishes a port reserved"))
    }

    @Test func centralWaiversApplyByPathAndExpire() {
        let root = makeLab([
            "waivers.yaml": "schema: 1\nwaivers:\n  - rule: nfs-storageclass-retain\n    paths: [\"k8s/sc.yaml\"]\n    reason: scratch class, nothing lives there\n    owner: alice\n    expires: 2999-12-31\n  - rule: loadbalancer-not-on-ssh-port\n    reason: old\n    expires: 2001-01-01\n"
        ])
        defer { TestSupport.remove(root) }
        let result = lint(root, ["--format", "json"])
        #expect(result.stdout.contains("\"waiver\": \"central\",\n      \"reason\": \"scratch class, nothing lives there\",\n      \"expires\": \"2999-12-31\",\n      \"owner\": \"alice\""))
        #expect(result.stdout.contains("\"path\": \"waivers.yaml\",\n      \"line\": 8,"))
        #expect(result.stdout.contains("expired on 2001-01-01"))
        let bad = makeLab(["waivers.yaml": "schema: 1\nwaivers:\n  - reason: no rule\n"])
        defer { TestSupport.remove(bad) }
        let refused = lint(bad)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("waivers.yaml:3:5: error: missing required key 'rule' in a waiver"))
    }

    @Test func configOverridesAndFlagsWin() {
        let root = makeLab([
            ".constitution.yaml": "schema: 1\nexclude: [\"k8s/sc.yaml\"]\nseverity:\n  loadbalancer-not-on-ssh-port: warning\nthreshold: warning\nformats:\n  - {format: json}\n"
        ])
        defer { TestSupport.remove(root) }
        let byConfig = lint(root)
        #expect(byConfig.status == 1)
        #expect(byConfig.stdout.hasPrefix("{\n  \"findings\": ["))
        #expect(byConfig.stdout.contains("\"severity\": \"warning\""))
        #expect(!byConfig.stdout.contains("k8s/sc.yaml"))
        // Flags win over the config.
        let flags = lint(root, ["--severity-threshold", "error", "--format", "text"])
        #expect(flags.status == 0)
        #expect(flags.stdout.contains("k8s/ssh.yaml:7:13: warning:"))
        let typo = makeLab([".constitution.yaml": "schema: 1\nthreshhold: warning\nseverity: {x: loud}\n"])
        defer { TestSupport.remove(typo) }
        let refused = lint(typo)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains(".constitution.yaml:3:15: error: severity of 'x' must be error, warning, info or off, found 'loud'"))
    }

    @Test func severalOutputsInOneRun() {
        let root = makeLab()
        defer { TestSupport.remove(root) }
        let result = lint(root, ["--format", "json", "--output", "out.json", "--format", "text", "--output", "-"])
        #expect(result.stdout.contains("2 findings (2 errors)"))
        #expect(TestSupport.readText(root + "/out.json").hasPrefix("{\n  \"findings\": ["))
        let orphan = lint(root, ["--output", "x.json"])
        #expect(orphan.status == 2)
        #expect(orphan.stderr.contains("--output x.json must follow the --format it belongs to"))
    }

    @Test func preCommitRunOnOneFileStillJoinsAcrossTheTree() {
        let root = makeLab([
            "k8s/lb.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: LoadBalancer\n  ports: [{port: 443}]\n"
        ])
        defer { TestSupport.remove(root) }
        // The pool lives in k8s/ssh.yaml, which is not among the named files.
        let one = TestSupport.run(bin, ["lint", "k8s/lb.yaml", "--constitution", starter], directory: root)
        #expect(one.status == 0, "\(one.stdout)")
        #expect(one.stdout.contains("0 findings in 1 file checked by 25 rules"))
        let sc = TestSupport.run(bin, ["lint", "k8s/sc.yaml", "--constitution", starter, "--color", "never"], directory: root)
        #expect(sc.status == 1)
        #expect(sc.stdout.contains("k8s/sc.yaml:1:1: error: an NFS StorageClass does not keep data"))
    }
}

@Suite("Machine formats from the real binary")
struct MachineFormatTests {
    static let schema = TestSupport.packageRoot + "/../shared/schemas/sarif-schema-2.1.0.json"
    static let canValidate = TestSupport.run("/bin/sh", ["-c", "test -f '\(schema)' && command -v python3"]).status == 0

    @Test(.enabled(if: canValidate, "needs ../shared/schemas/sarif-schema-2.1.0.json and python3"))
    func sarifOfTheExampleLabValidatesAgainstTheOfficialSchema() {
        let schema = Self.schema
        let dir = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(dir) }
        let lab = TestSupport.packageRoot + "/examples/homelab"
        let result = TestSupport.run(
            TestSupport.binary,
            ["lint", lab, "--format", "sarif", "--output", dir + "/lab.sarif", "--format", "junit", "--output", dir + "/lab.xml", "--format", "github", "--format", "markdown", "--output", dir + "/summary.md"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("::error file=examples/homelab/k8s/apps/gitea/service-ssh.yaml,line=17,col=13,title=loadbalancer-not-on-ssh-port"))
        let sarif = TestSupport.readText(dir + "/lab.sarif")
        #expect(sarif.contains("\"helpUri\": \"file://"))
        #expect(sarif.contains("\"columnKind\": \"unicodeCodePoints\""))
        let validate = TestSupport.run("/usr/bin/env", ["python3", TestSupport.packageRoot + "/Tests/ConstitutionReportTests/validate_sarif.py", schema, dir + "/lab.sarif"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let counts = TestSupport.run(
            "/usr/bin/env",
            ["python3", "-c", "import sys, xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); print(r.get('tests'), r.get('failures'))", dir + "/lab.xml"])
        #expect(counts.status == 0)
        // 38 findings; the 3 warnings are below the default threshold (error), so 35 failures.
        #expect(counts.stdout == "38 35\n", "\(counts.stdout)")
        #expect(TestSupport.readText(dir + "/summary.md").contains("loadbalancer-not-on-ssh-port"))
    }
}
