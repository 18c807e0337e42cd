import TestSupport
import Testing

/// Providers end to end: the real binary lints the labs under `Tests/Fixtures/providers/` (one
/// per way of backing up or giving a LoadBalancer its address) with the starter constitution,
/// whose backup and load-balancer rules say `provided_by:`; and a provider a user adds as one
/// file is picked up without any code change.
@Suite("Providers (real binary, fixture labs)")
struct ProviderLabTests {
    static let labs = TestSupport.packageRoot + "/Tests/Fixtures/providers"


    private func lint(_ lab: String, constitution: String = TestSupport.packageRoot) -> (Int32, [String], String) {
        let result = TestSupport.run(TestSupport.binary, ["lint", lab, "--constitution", constitution, "--color", "never"])
        return (result.status, TestSupport.findings(result.stdout), result.stdout + result.stderr)
    }

    @Test func velero() {
        // n8n-data: its label is in the Schedule's selector; n8n-cache: exempt by name;
        // postgres: its claim template carries backup=weekly. redmine-files has no label,
        // builds is in an excluded namespace, redis's template has no label.
        let (status, found, output) = lint(Self.labs + "/velero")
        #expect(status == 1, "\(output)")
        #expect(
            found == [
                "claims.yaml:13:9 pvc-backed-up",
                "claims.yaml:21:9 pvc-backed-up",
                "claims.yaml:47:18 statefulset-claims-backed-up",
            ], "\(output)")
    }

    @Test func longhorn() {
        // grafana: group label; gitea: job label; home-assistant: the default group;
        // paperless: its StorageClass's recurringJobSelector. prometheus has only a snapshot job,
        // media is on NFS (not a Longhorn volume, so the default group does not reach it).
        let (status, found, output) = lint(Self.labs + "/longhorn")
        #expect(status == 1, "\(output)")
        #expect(found == ["claims.yaml:21:9 pvc-backed-up", "claims.yaml:42:18 pvc-backed-up"], "\(output)")
    }

    @Test func k8up() {
        // wiki-data: the Schedule in its namespace; wiki-search-index opted out; gitea-data has
        // no Schedule in its namespace.
        let (status, found, output) = lint(Self.labs + "/k8up")
        #expect(status == 1, "\(output)")
        #expect(found == ["k8up.yaml:19:9 pvc-backed-up", "k8up.yaml:26:18 pvc-backed-up"], "\(output)")
    }

    @Test func kubeVip() {
        // apps (range-apps), edge (cidr-edge) and the annotated dns Service are served; media is not.
        let (status, found, output) = lint(Self.labs + "/kube-vip")
        #expect(status == 1, "\(output)")
        #expect(found == ["kube-vip.yaml:26:9 loadbalancer-needs-metallb-pool"], "\(output)")
    }

    @Test func metallbServiceAllocation() {
        // edge/ingress: namespaces + serviceSelectors; tools/grafana: namespaceSelectors through its
        // Namespace's labels; media/mail: names the expensive pool. edge/api lacks the label,
        // media/plex has no pool that assigns itself to media.
        let (status, found, output) = lint(Self.labs + "/metallb")
        #expect(status == 1, "\(output)")
        #expect(
            found == ["services.yaml:13:14 loadbalancer-needs-metallb-pool", "services.yaml:26:14 loadbalancer-needs-metallb-pool"],
            "\(output)")
    }

    @Test func loadBalancerClassAndCloud() {
        // tailscale's class and Hetzner's annotations pass; Cilium's class without a Cilium pool and
        // a plain Service without anything do not.
        let (status, found, output) = lint(Self.labs + "/loadbalancer-class")
        #expect(status == 1, "\(output)")
        #expect(
            found == ["services.yaml:15:9 loadbalancer-needs-metallb-pool", "services.yaml:37:9 loadbalancer-needs-metallb-pool"],
            "\(output)")
    }

    /// A copy of the starter constitution (incidents, rules, providers) in a fresh folder.
    private func starterCopy() -> String {
        let root = TestSupport.makeTemporaryDirectory()
        _ = TestSupport.run("/bin/cp", ["-R", TestSupport.packageRoot + "/incidents", TestSupport.packageRoot + "/rules",
            TestSupport.packageRoot + "/providers", TestSupport.packageRoot + "/schemas", root + "/"])
        return root
    }

    static let resticOperator = """
        # yaml-language-server: $schema=../../schemas/provider.schema.json
        schema: 1
        id: restic-operator
        family: backup
        description: A (made-up) restic operator's ResticBackup names the claim in spec.pvc.
        subject: {kind: kubernetes, resource: PersistentVolumeClaim}
        covers:
          some:
            match: {kind: kubernetes, resource: ResticBackup}
            where: {spec.pvc: {equals: {self: metadata.name}}}
        examples:
          fail:
            - kind: kubernetes
              text: |
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
          pass:
            - kind: kubernetes
              text: |
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
                ---
                apiVersion: restic.example.org/v1
                kind: ResticBackup
                metadata: {name: data}
                spec: {pvc: data, schedule: "@daily"}

        """

    @Test func aUserAddedProviderIsPickedUpWithoutCode() {
        let constitution = starterCopy()
        defer { TestSupport.remove(constitution) }
        let lab = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(lab) }
        TestSupport.write(
            [
                "k8s/claims.yaml": """
                    apiVersion: v1
                    kind: PersistentVolumeClaim
                    metadata: {name: photos, namespace: immich}
                    ---
                    apiVersion: restic.example.org/v1
                    kind: ResticBackup
                    metadata: {name: photos, namespace: immich}
                    spec: {pvc: photos, schedule: "@daily"}

                    """
            ], under: lab)
        // Before: no provider knows a ResticBackup.
        let (before, foundBefore, outputBefore) = lint(lab, constitution: constitution)
        #expect(before == 1, "\(outputBefore)")
        #expect(foundBefore == ["k8s/claims.yaml:3:18 pvc-backed-up"], "\(outputBefore)")
        // After: one file under providers/backup/, and the same binary accepts the claim.
        TestSupport.write(["providers/backup/restic-operator.yaml": Self.resticOperator], under: constitution)
        let (after, foundAfter, outputAfter) = lint(lab, constitution: constitution)
        #expect(after == 0, "\(outputAfter)")
        #expect(foundAfter.isEmpty, "\(outputAfter)")
        // Its examples run with every rule's.
        let test = TestSupport.run(TestSupport.binary, ["test", "--constitution", constitution])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        // And a broken example of it fails there, at the provider's own file.
        TestSupport.write(
            ["providers/backup/restic-operator.yaml": Self.resticOperator.replacingAll("spec: {pvc: data,", with: "spec: {pvc: other,")],
            under: constitution)
        let broken = TestSupport.run(TestSupport.binary, ["test", "--constitution", constitution])
        #expect(broken.status != 0)
        #expect(broken.stdout.contains("providers/backup/restic-operator.yaml:") || broken.stderr.contains("providers/backup/restic-operator.yaml:"), "\(broken.stdout)\(broken.stderr)")
    }

    @Test func anUnknownFamilyIsALocatedErrorWithASuggestion() {
        let constitution = starterCopy()
        defer { TestSupport.remove(constitution) }
        let rule = """
            schema: 1
            id: claims-backed-up
            severity: error
            message: not backed up
            guidance: back it up
            rationale: a test
            match: {kind: kubernetes, resource: PersistentVolumeClaim}
            require: {provided_by: backups}
            examples:
              fail: [{kind: kubernetes, text: "apiVersion: v1\\nkind: PersistentVolumeClaim\\nmetadata: {name: a}\\n"}]
              pass: [{kind: kubernetes, text: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n"}]

            """
        TestSupport.write(["rules/claims-backed-up.yaml": rule], under: constitution)
        let result = TestSupport.run(TestSupport.binary, ["test", "--constitution", constitution])
        #expect(result.status == 3)
        #expect(
            result.stderr.contains("rules/claims-backed-up.yaml:8:24: error: unknown provider family 'backups' (did you mean 'backup'?)"),
            "\(result.stderr)")
    }

    @Test func aBrokenProviderFileIsALocatedError() {
        let constitution = starterCopy()
        defer { TestSupport.remove(constitution) }
        let velero = TestSupport.readText(constitution + "/providers/backup/velero.yaml")
        TestSupport.write(["providers/backup/velero.yaml": velero.replacingAll("\ncovers:", with: "\ncover:")], under: constitution)
        TestSupport.write(["providers/loadbalancer/kube-vip.yaml": TestSupport.readText(constitution + "/providers/loadbalancer/kube-vip.yaml").replacingAll("family: loadbalancer", with: "family: lb")], under: constitution)
        let lab = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(lab) }
        let result = TestSupport.run(TestSupport.binary, ["lint", lab, "--constitution", constitution])
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("providers/backup/velero.yaml:"), "\(result.stderr)")
        #expect(result.stderr.contains("unknown key 'cover' in a provider (did you mean 'covers'?)"), "\(result.stderr)")
        #expect(result.stderr.contains("providers/loadbalancer/kube-vip.yaml:4:9: error: provider family 'lb' must be its folder's name ('loadbalancer')"), "\(result.stderr)")
    }

    @Test func theConstitutionCacheKeyIncludesProviders() {
        let constitution = starterCopy()
        defer { TestSupport.remove(constitution) }
        let cache = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(cache) }
        let lab = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(lab) }
        let env = ["XDG_CACHE_HOME": cache]
        TestSupport.write(["k8s/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {a: b}\n"], under: lab)
        // Verified once (a stamp is left in the cache), then a provider file changes.
        #expect(TestSupport.run(TestSupport.binary, ["lint", lab, "--constitution", constitution], environment: env).status == 0)
        #expect(TestSupport.run(TestSupport.binary, ["lint", lab, "--constitution", constitution], environment: env).status == 0)
        let path = constitution + "/providers/backup/k8up.yaml"
        TestSupport.write(["providers/backup/k8up.yaml": TestSupport.readText(path).replacingAll("\ncovers:", with: "\ncoverz:")], under: constitution)
        let after = TestSupport.run(TestSupport.binary, ["lint", lab, "--constitution", constitution], environment: env)
        #expect(after.status == 3, "a changed provider must be read again, not trusted from the cache: \(after.stderr)")
        #expect(after.stderr.contains("providers/backup/k8up.yaml:"), "\(after.stderr)")
    }

    @Test func withoutItsOwnProvidersAConstitutionUsesTheStarters() {
        // Only incidents/ and rules/: provided_by still finds the starter's families.
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        _ = TestSupport.run("/bin/cp", ["-R", TestSupport.packageRoot + "/incidents", TestSupport.packageRoot + "/rules", root + "/"])
        let (status, found, output) = lint(Self.labs + "/k8up", constitution: root)
        #expect(status == 1, "\(output)")
        #expect(found == ["k8up.yaml:19:9 pvc-backed-up", "k8up.yaml:26:18 pvc-backed-up"], "\(output)")
    }
}
