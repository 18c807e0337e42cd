import TestSupport
import Testing

/// Starter rules that once hard-coded the seed lab's names (issue 14 §3), on small labs laid out
/// differently: the VPN container found by image or name, k3s's Traefik only where another
/// ingress controller is deployed (else the rule is inactive), public hosts found in the tree.
@Suite("Starter rules detect the lab's own names (real binary)")
struct StarterParamsLabTests {
    let bin = TestSupport.binary

    /// `path:line:col` of every finding of `rule` when linting `root`.
    func findings(_ root: String, _ rule: String) -> [String] {
        let r = TestSupport.run(bin, ["lint", root, "--color", "never"])
        return r.stdout.split(separator: "\n").filter { $0.contains("[\(rule),") }.compactMap { line in
            line.split(separator: " ").first.map { String($0.dropLast()) }
        }
    }

    @Test func downloadClientsBehindVPNsByImageOrName() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                "a/compose.yaml": """
                services:
                  vpn:
                    image: qmcgaw/gluetun:v3
                  qbit:
                    image: lscr.io/linuxserver/qbittorrent:5
                    network_mode: service:vpn
                  deluge:
                    image: lscr.io/linuxserver/deluge:2
                    network_mode: container:wireguard
                  sab:
                    image: lscr.io/linuxserver/sabnzbd:4
                    network_mode: container:myproxy

                """,
                // b's `vpn` is an nginx: a's gluetun named vpn does not count for b.
                "b/compose.yaml": """
                services:
                  vpn:
                    image: nginx:1.27
                    container_name: tunnel
                  qbit:
                    image: lscr.io/linuxserver/qbittorrent:5
                    network_mode: service:vpn
                  nzb:
                    image: lscr.io/linuxserver/nzbget:24
                    network_mode: container:tunnel

                """,
            ], under: root)
        #expect(findings(root, "download-client-behind-vpn") == ["a/compose.yaml:12:29", "b/compose.yaml:7:27", "b/compose.yaml:10:29"])
    }

    @Test func traefikRuleIsInactiveWithoutAnotherIngressController() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["k3s/config.yaml": "write-kubeconfig-mode: \"0644\"\ndisable: [servicelb]\n"], under: root)
        #expect(findings(root, "k3s-traefik-disabled").isEmpty)
        let coverage = TestSupport.run(bin, ["coverage", root, "--color", "never"])
        #expect(coverage.stdout.contains("  k3s-traefik-disabled: its when: looks across the tree and nothing there meets it"), "\(coverage.stdout)")
        // A Flux HelmRelease of ingress-nginx makes it apply.
        TestSupport.write(
            [
                "kubernetes/network/ingress-nginx.yaml":
                    "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ingress, namespace: network}\nspec:\n  chart: {spec: {chart: ingress-nginx, sourceRef: {kind: HelmRepository, name: ingress-nginx}}}\n"
            ], under: root)
        #expect(findings(root, "k3s-traefik-disabled") == ["k3s/config.yaml:2:1"])
    }

    @Test func oidcIssuerOnAHostTheLabPublishes() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        let app = { (name: String, url: String) in
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: \(name)}\nspec:\n  template:\n    spec:\n      containers:\n        - name: \(name)\n          image: app:1.0\n          env:\n            - {name: OIDC_ISSUER, value: \"\(url)\"}\n"
        }
        TestSupport.write(
            [
                "apps/one.yaml": app("one", "https://sso.mylab.net/application/o/one/"),
                "apps/two.yaml": app("two", "http://authentik-server.authentik.svc.cluster.local/application/o/two/"),
                "apps/three.yaml": app("three", "https://accounts.google.com"),
                "network/route.yaml": "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: sso}\nspec:\n  hostnames: [sso.mylab.net]\n",
            ], under: root)
        #expect(findings(root, "oidc-backchannel-in-cluster") == ["apps/one.yaml:11:51"])
        // public_hosts adds hosts the repository does not show.
        TestSupport.write(
            [".constitution.yaml": "schema: 1\nparams: {oidc-backchannel-in-cluster: {public_hosts: ['^https://accounts[.]google[.]com']}}\n"], under: root)
        #expect(findings(root, "oidc-backchannel-in-cluster") == ["apps/one.yaml:11:51", "apps/three.yaml:11:43"])
    }
}
