import TestSupport
import Testing

/// Documents inside documents, end to end: the real binary lints `Tests/Fixtures/embedded` (an
/// arr stack's Compose file written by Ansible `copy: content:`, a cloud-init user-data writing
/// a k3s config and two k3s manifests, a role with a Compose template whose Jinja sits in values
/// and one whose `{% for %}` makes it unreadable) with the starter constitution.
@Suite("Embedded documents and Ansible templates (real binary, fixture lab)")
struct EmbeddedDocumentsTests {
    static let lab = TestSupport.packageRoot + "/Tests/Fixtures/embedded"


    @Test func embeddedDocumentsAreLintedAtTheirOwnLines() {
        let result = TestSupport.run(
            TestSupport.binary, ["lint", Self.lab, "--constitution", TestSupport.packageRoot, "--color", "never", "--verbose"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            TestSupport.findings(result.stdout) == [
                // Existing: the setting facet merges the written config.yaml with the install.
                "cloud-init/user-data.yaml:7:7 k3s-servicelb-disabled",
                // The Service names a pool that does not exist; the other LoadBalancer Service
                // is fine because the embedded IPAddressPool counts for the join.
                "cloud-init/user-data.yaml:36:15 loadbalancer-needs-metallb-pool",
                "cloud-init/user-data.yaml:38:19 loadbalancer-not-on-ssh-port",
                // The arr stack written by `copy: content:`: qbittorrent outside the VPN, split
                // /downloads volumes (one of them templated), sonarr calling localhost.
                "roles/arr/tasks/main.yml:19:9 download-client-behind-vpn",
                "roles/arr/tasks/main.yml:24:39 media-stack-one-data-root",
                "roles/arr/tasks/main.yml:29:47 compose-localhost-unserved-port",
                "roles/arr/tasks/main.yml:32:33 media-stack-one-data-root",
                // A text file written by copy: found once (through the file facet), not twice.
                "roles/arr/tasks/main.yml:48:17 dnsmasq-no-zone-wildcard",
                // The template, linted as the Compose file it renders to, columns exact after
                // `{{ data_root }}`; the `{% if %}` block is read.
                "roles/media/templates/docker-compose.yml.j2:7:34 media-stack-one-data-root",
                "roles/media/templates/docker-compose.yml.j2:13:36 compose-localhost-unserved-port",
            ], "\(result.stdout)")
        #expect(result.stderr.contains("roles/media/templates/stack.yml.j2:2:1: info: stack.yml is not checked: {% for %} changes the structure"), "\(result.stderr)")
    }

    @Test func withoutVerboseNoNotes() {
        let result = TestSupport.run(
            TestSupport.binary, ["lint", Self.lab, "--constitution", TestSupport.packageRoot, "--color", "never"])
        #expect(!result.stderr.contains("not checked"), "\(result.stderr)")
    }

    @Test func inlineWaiversInTheOuterFileApplyToEmbeddedFindings() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                "roles/arr/tasks/main.yml": """
                - name: Write the stack
                  ansible.builtin.copy:
                    dest: /opt/arr/compose.yaml
                    content: |
                      services:
                        qbittorrent:  # constitution:ignore download-client-behind-vpn reason="no VPN on this box"
                          image: lscr.io/linuxserver/qbittorrent:5.0.3
                        sabnzbd:
                          image: lscr.io/linuxserver/sabnzbd:4.4.0

                """
            ], under: root)
        let result = TestSupport.run(
            TestSupport.binary, ["lint", root, "--constitution", TestSupport.packageRoot, "--color", "never"])
        #expect(TestSupport.findings(result.stdout) == ["roles/arr/tasks/main.yml:8:9 download-client-behind-vpn"], "\(result.stdout)")
    }
}
