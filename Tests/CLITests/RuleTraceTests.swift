import TestSupport
import Testing

/// `constitution rules trace` (issue 15 §4): for each subject the values each condition read,
/// with positions, and its verdict; for each file the rule did not select, why.
@Suite("rules trace (real binary)")
struct RuleTraceTests {
    let bin = TestSupport.binary

    static let rule = """
        schema: 1
        id: web-two-replicas
        severity: error
        message: a web Deployment runs fewer than 2 replicas
        rationale: one pod is one outage
        guidance: run web Deployments with 2 replicas or more
        match:
          kind: kubernetes
          resource: Deployment
          where: {metadata.labels.tier: {equals: web}}
        require:
          spec.replicas: {gte: 2}
        examples:
          fail:
            - kind: kubernetes
              text: |
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: a, labels: {tier: web}}
                spec: {replicas: 1}
          pass:
            - kind: kubernetes
              text: |
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: a, labels: {tier: web}}
                spec: {replicas: 2}

        """

    func lab() -> String {
        let root = TestSupport.makeTemporaryDirectory()
        TestSupport.write(
            [
                "rules/web-two-replicas.yaml": Self.rule,
                "k8s/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {tier: web}\nspec:\n  replicas: 1\n",
                "k8s/api.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels: {tier: backend}\nspec:\n  replicas: 1\n",
                "k8s/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n",
                "README.md": "hi\n",
            ], under: root)
        return root
    }

    @Test func aFolderShowsEachSubjectsConditionsAndGroupsWhatWasNotSelected() {
        let root = lab()
        defer { TestSupport.remove(root) }
        let r = TestSupport.run(bin, ["rules", "trace", "web-two-replicas"], directory: root)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("rule web-two-replicas (rules/web-two-replicas.yaml:1:1)\n"))
        #expect(
            r.stdout.contains(
                """
                k8s/web.yaml
                  Deployment web at 1:1: FINDING at 7:13
                    ✓ match.where
                      ✓ metadata.labels.tier (some value)
                        ✓ "web" at 5:18 equals "web"
                    ✗ require
                      ✗ spec.replicas (every value)
                        ✗ "1" at 7:13 gte "2"

                """), "\(r.stdout)")
        #expect(r.stdout.contains("  1 × it is not a Deployment\n      k8s/svc.yaml\n"))
        #expect(r.stdout.contains("  1 × match.where does not hold\n      k8s/api.yaml\n"))
        #expect(r.stdout.contains("  1 × it is a text file; the rule looks at kubernetes files\n      README.md\n"))
        #expect(r.stdout.hasSuffix("1 subject in 1 file, 1 finding\n"))
        // The finding is lint's.
        #expect(TestSupport.run(bin, ["lint", "."], directory: root).stdout.contains("k8s/web.yaml:7:13: error: a web Deployment runs fewer than 2 replicas"))
    }

    @Test func aFileTheRuleDidNotSelectSaysWhyWithTheWhereTrace() {
        let root = lab()
        defer { TestSupport.remove(root) }
        let r = TestSupport.run(bin, ["rules", "trace", "web-two-replicas", "k8s/api.yaml"], directory: root)
        #expect(r.status == 0)
        #expect(
            r.stdout.contains(
                """
                not selected (1 file):
                  k8s/api.yaml: match.where does not hold
                    document 1 (Deployment api at 1:1): match.where does not hold
                      ✗ match.where
                        ✗ metadata.labels.tier (some value)
                          ✗ "backend" at 5:18 equals "web"

                """), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("0 subjects in 0 files, 0 findings\n"))
        // A passing subject is traced too, and a parameter override is the one lint uses.
        TestSupport.write(["k8s/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {tier: web}\nspec:\n  replicas: 3\n"], under: root)
        let pass = TestSupport.run(bin, ["rules", "trace", "web-two-replicas", "k8s/web.yaml"], directory: root)
        #expect(pass.stdout.contains("  Deployment web at 1:1: no finding\n"), "\(pass.stdout)")
        #expect(pass.stdout.contains("✓ \"3\" at 7:13 gte \"2\""))
    }

    @Test func joinsNameWhatTheyMatched() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                "rules/pvc.yaml": """
                    schema: 1
                    id: pvc-mounted
                    severity: error
                    message: no workload mounts this claim
                    rationale: an orphan claim
                    guidance: mount or delete claims
                    match: {kind: kubernetes, resource: PersistentVolumeClaim}
                    require:
                      some:
                        match: {kind: kubernetes, resource: Deployment}
                        where:
                          spec.template.spec.volumes[*].persistentVolumeClaim.claimName: {equals: {self: metadata.name}}
                    examples:
                      fail:
                        - kind: kubernetes
                          text: "kind: PersistentVolumeClaim\\napiVersion: v1\\nmetadata: {name: a}\\n"
                      pass:
                        - kind: kubernetes
                          text: "kind: PersistentVolumeClaim\\napiVersion: v1\\nmetadata: {name: a}\\n---\\nkind: Deployment\\napiVersion: apps/v1\\nmetadata: {name: d}\\nspec: {template: {spec: {volumes: [{persistentVolumeClaim: {claimName: a}}]}}}\\n"

                    """,
                "k8s/pvc.yaml": "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: orphan}\n",
                "k8s/app/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {template: {spec: {volumes: [{persistentVolumeClaim: {claimName: data}}]}}}\n",
            ], under: root)
        let r = TestSupport.run(bin, ["rules", "trace", "pvc-mounted", "k8s/pvc.yaml"], directory: root)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("its joins (`some:`, `deployed:`) look at every file under the current folder"))
        #expect(r.stdout.contains("· matched Deployment app at 1:1 in k8s/app/deploy.yaml"), "\(r.stdout)")
        #expect(r.stdout.contains("PersistentVolumeClaim orphan at 5:1: FINDING at 7:18"), "\(r.stdout)")
        #expect(r.stdout.contains("· no candidate matched (1 in the tree)"))
    }

    @Test func mistakesAreUsageErrors() {
        let root = lab()
        defer { TestSupport.remove(root) }
        let unknown = TestSupport.run(bin, ["rules", "trace", "web-two-replica"], directory: root)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no rule 'web-two-replica' (did you mean 'web-two-replicas'?)"))
        let missing = TestSupport.run(bin, ["rules", "trace", "web-two-replicas", "nowhere.yaml"], directory: root)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("nowhere.yaml"))
    }
}
