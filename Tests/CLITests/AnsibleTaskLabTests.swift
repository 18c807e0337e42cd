import TestSupport
import Testing

/// The `task` facet end to end: the real binary lints `Tests/Fixtures/ansible-lab` (a playbook
/// with pre_tasks, nested blocks, rescue, handlers and an included task file; a role with
/// handlers; a role whose `meta/main.yml` lists its collections).
@Suite("Ansible tasks as a facet (real binary, fixture lab)")
struct AnsibleTaskLabTests {
    static let lab = TestSupport.packageRoot + "/Tests/Fixtures/ansible-lab"


    /// The `yaml rule` block of docs/rules.md whose id is `id`, as a rule file.
    private func docsRule(_ id: String) -> String? {
        let docs = TestSupport.readText(TestSupport.packageRoot + "/docs/rules.md")
        for block in docs.split(separator: "```yaml rule\n").dropFirst() where block.hasPrefix("id: \(id)\n") {
            return "schema: 1\n" + (block.split(separator: "```", maxSplits: 1).first.map(String.init) ?? "")
        }
        return nil
    }

    @Test func starterConstitutionFindsEveryDestructiveModuleOnce() {
        let result = TestSupport.run(
            TestSupport.binary, ["lint", Self.lab, "--constitution", TestSupport.packageRoot, "--color", "never"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            TestSupport.findings(result.stdout) == [
                "roles/pve/tasks/main.yml:6:12 no-destructive-storage-modules",
                "roles/storage/handlers/main.yml:5:21 no-destructive-storage-modules",
                "roles/storage/tasks/main.yml:3:31 no-destructive-storage-modules",
                "roles/storage/tasks/main.yml:10:16 no-destructive-storage-modules",
                "site.yml:25:24 no-destructive-storage-modules",
                "tasks/cleanup.yml:4:12 no-destructive-storage-modules",
            ], "\(result.stdout)")
    }

    @Test func theDocsAptRuleAndModuleResolution() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        let apt = try #require(docsRule("apt-packages-pinned"))
        // Short names resolved through the play's `collections:` (zfs), the role's meta (proxmox_kvm)
        // and the builtin list (include_tasks, written with its FQCN).
        let resolved = """
            schema: 1
            id: resolved-modules
            severity: info
            message: a module this test looks for
            guidance: none
            rationale: shows how the task facet names modules
            match: {facet: task}
            forbid: {module: {in: [community.general.zfs, community.proxmox.proxmox_kvm, ansible.builtin.include_tasks]}}
            examples:
              fail: [{kind: ansible-tasks, text: "- zfs: name=tank\\n"}]
              pass: [{kind: ansible-tasks, text: "- ping:\\n"}]

            """
        TestSupport.write(["rules/apt-packages-pinned.yaml": apt, "rules/resolved-modules.yaml": resolved], under: root)
        #expect(TestSupport.run(TestSupport.binary, ["test", "--constitution", root]).status == 0)
        let result = TestSupport.run(TestSupport.binary, ["lint", Self.lab, "--constitution", root, "--color", "never"])
        #expect(result.status == 0, "warnings and infos are below the default threshold\n\(result.stderr)")
        #expect(
            TestSupport.findings(result.stdout) == [
                "roles/pve/tasks/main.yml:3:3 resolved-modules",
                "roles/pve/tasks/main.yml:8:3 resolved-modules",
                "roles/storage/handlers/main.yml:3:13 apt-packages-pinned",
                "site.yml:10:17 apt-packages-pinned",
                "site.yml:23:15 resolved-modules",
                "site.yml:27:15 resolved-modules",
                "site.yml:31:51 apt-packages-pinned",
                "site.yml:33:7 resolved-modules",
                "site.yml:40:15 apt-packages-pinned",
            ], "\(result.stdout)")
    }
}
