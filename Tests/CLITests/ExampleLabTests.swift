import TestSupport
import Testing

@Suite("The example lab (real binary, starter constitution)")
struct ExampleLabTests {
    /// Every finding the starter constitution reports on examples/homelab: the planted
    /// violations listed in its README, and nothing in the clean files.
    static let expected: [String] = [
        ".gitea/workflows/deploy.yaml:27:14 gitops-no-imperative-kubectl",
        "ansible/group_vars/k3s_servers.yml:5:1 k3s-servicelb-disabled",
        "ansible/roles/dnsmasq/tasks/main.yml:9:65 dnsmasq-no-zone-wildcard",
        "ansible/roles/docker/tasks/main.yml:22:7 docker-daemon-dns",
        "ansible/roles/k3s_server/tasks/addons.yml:10:10 gitops-no-imperative-kubectl",
        "ansible/roles/proxmox/tasks/vm-template.yml:10:5 proxmox-vm-cpu-type",
        "ansible/roles/storage/tasks/main.yml:16:32 no-destructive-storage-commands",
        "ansible/roles/storage/tasks/main.yml:21:16 no-destructive-storage-modules",
        "charts/nfs-storage/values.yaml:8:20 nfs-chart-values-storageclass-retain",
        "cloud-init/k3s-server.yaml:20:5 k3s-servicelb-disabled",
        "cloud-init/k3s-server.yaml:20:5 k3s-traefik-disabled",
        "cloud-init/k3s-test.yaml:10:14 k3s-servicelb-disabled",
        "cloud-init/k3s-test.yaml:10:14 k3s-traefik-disabled",
        "cloud-init/tools.yaml:10:5 gitops-no-imperative-kubectl",
        "compose/dashboard/compose.yaml:7:41 compose-localhost-unserved-port",
        "compose/media/compose.yaml:21:3 download-client-behind-vpn",
        "compose/media/compose.yaml:45:27 media-stack-one-data-root",
        "dnsmasq.d/lab.conf:7:10 dnsmasq-no-zone-wildcard",
        "k3s/config.yaml:9:1 k3s-servicelb-disabled",
        "k8s/apps/authentik/blueprints-configmap.yaml:29:30 authentik-oauth2-property-mappings",
        "k8s/apps/cloudflared/deployment.yaml:10:13 cloudflared-high-availability",
        "k8s/apps/gitea/service-ssh.yaml:17:13 loadbalancer-not-on-ssh-port",
        "k8s/apps/homepage/deployment.yaml:28:40 container-localhost-unserved-port",
        "k8s/apps/homepage/service-lb.yaml:10:9 loadbalancer-needs-metallb-pool",
        "k8s/apps/lab-dns/wildcard.yaml:9:14 dnsmasq-no-zone-wildcard",
        "k8s/apps/linkwarden/linkwarden.yaml:42:31 oidc-backchannel-in-cluster",
        "k8s/apps/minio/statefulset.yaml:16:9 statefulset-claims-backed-up",
        "k8s/apps/minio/statefulset.yaml:31:26 image-cpu-baseline",
        "k8s/apps/n8n/n8n.yaml:4:9 pvc-backed-up",
        "k8s/apps/scratch/netshoot.yaml:2:1 gitops-manifests-deployed",
        "k8s/apps/scylla/statefulset.yaml:18:9 statefulset-claims-backed-up",
        "k8s/apps/scylla/statefulset.yaml:33:44 image-cpu-baseline",
        "k8s/platform/storage/nfs-helm.yaml:18:22 nfs-helm-storageclass-retain",
        "k8s/platform/storage/nfs-helm.yaml:37:28 csi-nfs-helm-storageclass-retain",
        "k8s/platform/storage/nfs-scratch.yaml:1:1 nfs-storageclass-retain",
        "scripts/wipe-disk.sh:5:1 no-destructive-storage-commands",
        "scripts/wipe-disk.sh:6:1 no-destructive-storage-commands",
        "scripts/wipe-disk.sh:7:1 no-destructive-storage-commands",
    ]

    @Test func lintReportsExactlyThePlantedViolations() {
        let result = TestSupport.run(TestSupport.binary, ["lint", TestSupport.packageRoot + "/examples/homelab", "--color", "never"])
        #expect(result.status == 1)
        var got: [String] = []
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count > 2, let last = line.split(separator: "[").last, parts[0].hasSuffix(":"), parts[0].filter({ $0 == ":" }).count == 3 else { continue }
            let location = String(parts[0].dropLast())
            let rule = String(last.split(separator: ",")[0].split(separator: "]")[0])
            got.append("\(location) \(rule)")
        }
        #expect(got == Self.expected)
    }

    @Test func everyStarterRuleFiresOnTheLab() {
        let rules = TestSupport.run(TestSupport.binary, ["rules", "list", "--constitution", TestSupport.packageRoot]).stdout
            .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }.filter { $0.contains("-") }
        #expect(rules.count >= 21)
        let fired = Set(Self.expected.map { String($0.split(separator: " ")[1]) })
        for rule in rules { #expect(fired.contains(rule), "\(rule) finds nothing in examples/homelab") }
    }

    @Test func renderedAgentFilesAreCurrent() {
        let check = TestSupport.run(TestSupport.binary, ["render", "--root", TestSupport.packageRoot + "/examples/homelab", "--check"])
        #expect(check.status == 0, "examples/homelab's CLAUDE.md, MEMORY.md or settings.json drifted: run `./constitution render --root examples/homelab`\n\(check.stdout)")
    }

    @Test func starterConstitutionIsCompiledAndItsExamplesPass() {
        #expect(TestSupport.run(TestSupport.binary, ["compile", "--check", "--constitution", TestSupport.packageRoot]).status == 0)
        let test = TestSupport.run(TestSupport.binary, ["test", "--constitution", TestSupport.packageRoot])
        #expect(test.status == 0)
        #expect(test.stdout.contains(" 0 failed"))
    }
}

@Suite("lint over the shared corpus (real binary)")
struct CorpusLintTests {
    @Test(.enabled(if: TestSupport.corpus != nil, "no corpus at ../shared/corpus (set CONSTITUTION_CORPUS)"))
    func corpusLintNeverCrashesAndEveryFindingIsInsideItsFile() throws {
        let corpus = try #require(TestSupport.corpus)
        let result = TestSupport.run(TestSupport.binary, ["lint", corpus, "--format", "json", "--constitution", TestSupport.packageRoot])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stdout.contains("\"path\": \"bridgecrewio__checkov/tests/kubernetes/parser/examples/yaml/helm.yaml\",\n      \"line\": 1,\n      \"column\": 3"))
        #expect(result.stdout.contains("\"unparseable\": 2"))
        // Every finding's line and column exist in its file.
        var lineCounts: [String: [Int]] = [:]
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingPrefixSpaces }
        var i = 0
        var checked = 0
        while i + 2 < lines.count {
            if lines[i].hasPrefix("\"path\": "), lines[i + 1].hasPrefix("\"line\": "), lines[i + 2].hasPrefix("\"column\": ") {
                let path = String(lines[i].dropFirst(9).dropLast(2))
                let line = Int(lines[i + 1].dropFirst(8).dropLast(1)) ?? 0
                let column = Int(lines[i + 2].dropFirst(10).dropLast(1)) ?? 0
                let fileLines = lineCounts[path] ?? TestSupport.readText(corpus + "/" + path).split(separator: "\n", omittingEmptySubsequences: false).map { $0.unicodeScalars.count }
                lineCounts[path] = fileLines
                #expect(line >= 1 && line <= fileLines.count, "\(path):\(line)")
                if line >= 1 && line <= fileLines.count { #expect(column >= 1 && column <= fileLines[line - 1] + 1, "\(path):\(line):\(column)") }
                checked += 1
            }
            i += 1
        }
        #expect(checked > 20)
    }
}

extension Substring {
    var trimmingPrefixSpaces: Substring { drop { $0 == " " } }
}

@Suite("init and coverage (real binary)")
struct InitCoverageTests {
    @Test func initCopiesTheStarterWithoutOverwriting() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["incidents/INC-0001-klipper-lb-dnat.yaml": "# mine\n"], under: root)
        let result = TestSupport.run(TestSupport.binary, ["init", root], environment: ["CONSTITUTION_HOME": TestSupport.packageRoot])
        #expect(result.status == 0)
        #expect(result.stdout.contains("kept (already exists): incidents/INC-0001-klipper-lb-dnat.yaml"))
        #expect(result.stdout.contains("wrote: rules/k3s-servicelb-disabled.yaml"))
        #expect(result.stdout.contains("wrote: templates/CLAUDE.md.mustache"))
        #expect(TestSupport.readText(root + "/incidents/INC-0001-klipper-lb-dnat.yaml") == "# mine\n")
        let again = TestSupport.run(TestSupport.binary, ["init", root], environment: ["CONSTITUTION_HOME": TestSupport.packageRoot])
        #expect(again.stdout.contains("0 files written"))
    }

    @Test func coverageNamesProseOnlyLessonsAndRuleCounts() {
        let result = TestSupport.run(
            TestSupport.binary, ["coverage", TestSupport.packageRoot + "/examples/homelab", "--color", "never", "--constitution", TestSupport.packageRoot])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Incidents and decisions: 18 (13 enforced by rules, 5 prose-only)"))
        #expect(result.stdout.contains("INC-0014  A layer-3 switch without NAT needs a static route"))
        #expect(result.stdout.contains("Rules that do not apply here (inactive, 0): none\nRules that matched nothing here (idle, 0): none"), "\(result.stdout)")
    }
}
