import TestSupport
import Testing

/// Files by content, end to end: the real binary lints `Tests/Fixtures/bycontent` with the
/// starter constitution. A Compose stack under another name (`stacks/media.yml`), a MetalLB pool
/// in an extensionless file (`metallb/ipAddressPool`, so the LoadBalancer Service has its pool),
/// a Taskfile and a Makefile whose commands are checked, Helm values under `k3s/` that are not a
/// k3s server config, a dnsmasq config for the zone `k3s.pro`, and an NFS StorageClass made by a
/// HelmRelease's values.
@Suite("Files by content (real binary, fixture lab)")
struct ByContentLabTests {
    static let lab = TestSupport.packageRoot + "/Tests/Fixtures/bycontent"


    @Test func exactFindingsOfTheStarterConstitution() {
        let result = TestSupport.run(
            TestSupport.binary, ["lint", Self.lab, "--constitution", TestSupport.packageRoot, "--color", "never"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            TestSupport.findings(result.stdout) == [
                "Makefile:10:3 no-destructive-storage-commands",
                "Taskfile.yml:11:9 gitops-no-imperative-kubectl",
                "dns/dnsmasq.conf:7:10 dnsmasq-no-zone-wildcard",
                "stacks/media.yml:3:3 download-client-behind-vpn",
                "stacks/media.yml:13:23 media-stack-one-data-root",
                "storage/nfs-provisioner.yaml:22:22 nfs-helm-storageclass-retain",
            ], "\(result.stdout)")
    }

    @Test func kindsByContent() {
        let result = TestSupport.run(TestSupport.binary, ["files", Self.lab])
        #expect(result.status == 0, "\(result.stderr)")
        let kinds = Dictionary(
            uniqueKeysWithValues: result.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
                let cols = line.split(separator: " ", omittingEmptySubsequences: true)
                return cols.count >= 2 ? (String(cols[0]), String(cols[1])) : nil
            })
        #expect(kinds["stacks/media.yml"] == "compose")
        #expect(kinds["metallb/ipAddressPool"] == "kubernetes")
        #expect(kinds["Makefile"] == "text")
        #expect(kinds["Taskfile.yml"] == "yaml")
        #expect(kinds["k3s/values.yaml"] == "yaml")
    }

    @Test func zonesNamedByParameter() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        // No domain= or local= line: the zone comes from the parameter.
        TestSupport.write(
            [
                "dnsmasq.d/hosts.conf": "address=/nas.home.arpa/10.0.0.20\naddress=/home.arpa/10.0.0.200\n",
                ".constitution.yaml": "schema: 1\nparams:\n  dnsmasq-no-zone-wildcard:\n    zones: [home.arpa]\n",
            ], under: root)
        let env = ["XDG_CACHE_HOME": root + "/.cache"]
        let plain = TestSupport.run(
            TestSupport.binary, ["lint", root + "/dnsmasq.d", "--constitution", TestSupport.packageRoot, "--color", "never"],
            environment: env)
        #expect(TestSupport.findings(plain.stdout) == [], "\(plain.stdout)")
        let named = TestSupport.run(
            TestSupport.binary, ["lint", ".", "--constitution", TestSupport.packageRoot, "--color", "never"], directory: root,
            environment: env)
        #expect(TestSupport.findings(named.stdout) == ["dnsmasq.d/hosts.conf:2:10 dnsmasq-no-zone-wildcard"], "\(named.stdout)\(named.stderr)")
    }
}
