import TestSupport
import Testing

/// Feedback for rule authors (issue 15 §4): example failures number fail and pass examples
/// separately, point at the file line of the snippet line at fault, end with the trace of the
/// rule over the snippet, and `fail` examples can mark where their finding must be.
@Suite("rule example feedback (real binary)")
struct RuleExampleFeedbackTests {
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
                spec:
                  replicas: 1
                #           ^ finding
            - kind: kubernetes
              text: |
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: a, labels: {tier: web}}
                spec:
                  replicas: 1
                #  ^ finding
            - kind: kubernetes
              text: |
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: a, labels: {tier: api}}
                spec: {replicas: 1}
          pass:
            - kind: kubernetes
              text: |
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: a, labels: {tier: web}}
                spec: {replicas: 2}
            - kind: kubernetes
              text: |
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: a, labels: {tier: web}}
                spec: {replicas: 1}

        """

    @Test func failuresAreNumberedPerKindLocatedInTheFileAndTraced() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["rules/web-two-replicas.yaml": Self.rule], under: root)
        let r = TestSupport.run(bin, ["test"], directory: root)
        #expect(r.status == 1)
        let out = r.stdout + r.stderr
        // Fail example 1 is marked right: no complaint.
        #expect(!out.contains("fail example 1"), "\(out)")
        #expect(
            out.contains(
                "rules/web-two-replicas.yaml:29:12: error: rule 'web-two-replicas', fail example 2: no finding where marked at 5:4 of the snippet (29:12 in the file); unmarked finding at 5:13 of the snippet (29:21 in the file)"
            ), "\(out)")
        #expect(out.contains("rules/web-two-replicas.yaml:31:7: error: rule 'web-two-replicas', fail example 3: expected a finding, got none"))
        #expect(
            out.contains(
                """
                  how the rule saw the snippet (positions are the snippet's):
                    not selected: match.where does not hold
                      ✗ match.where
                        ✗ metadata.labels.tier (some value)
                          ✗ "api" at 3:36 equals "web"
                """), "\(out)")
        // Pass examples count from 1 on their own, and the finding is given at its file line.
        #expect(
            out.contains(
                "rules/web-two-replicas.yaml:49:26: error: rule 'web-two-replicas', pass example 2: expected no finding, got one at 4:18 of the snippet (49:26 in the file)"
            ), "\(out)")
        #expect(out.contains("          ✗ \"1\" at 4:18 gte \"2\""))
        #expect(out.contains("2 passed, 3 failed (1 rules)"))
    }

    @Test func markersAtTheEndOfALineAndMisplacedMarkers() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        func rule(fail: String, pass: String) -> String {
            """
            schema: 1
            id: no-wipefs
            severity: error
            message: wipefs in a script
            rationale: it erased a pool
            guidance: never run wipefs from automation
            match: {kind: text, paths: ["**/*.sh"]}
            forbid: {matches: "wipefs"}
            examples:
              fail:
                - kind: text
                  path: x.sh
                  text: |
            \(fail)
              pass:
                - kind: text
                  path: x.sh
                  text: |
            \(pass)

            """
        }
        TestSupport.write(["rules/no-wipefs.yaml": rule(fail: "          echo hi\n          wipefs -a /dev/sdb  # <- finding", pass: "          echo hi")], under: root)
        let good = TestSupport.run(bin, ["test"], directory: root)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")

        TestSupport.write(["rules/no-wipefs.yaml": rule(fail: "          wipefs -a /dev/sdb\n          echo hi  # <- finding", pass: "          echo hi")], under: root)
        let wrongLine = TestSupport.run(bin, ["test"], directory: root)
        #expect(wrongLine.status == 1)
        #expect(
            wrongLine.stdout.contains(
                "fail example 1: no finding where marked at line 2 of the snippet (line 15 in the file); unmarked finding at 1:1 of the snippet (14:11 in the file)"
            ), "\(wrongLine.stdout)")

        TestSupport.write(["rules/no-wipefs.yaml": rule(fail: "          # ^ finding\n          wipefs -a /dev/sdb", pass: "          echo hi\n          #    ^ finding")], under: root)
        let misplaced = TestSupport.run(bin, ["test"], directory: root)
        #expect(misplaced.status == 1)
        #expect(misplaced.stdout.contains("rules/no-wipefs.yaml:14:11: error: rule 'no-wipefs', fail example 1: a `^ finding` marker points at the line above it, and it is the first line"), "\(misplaced.stdout)")
        #expect(misplaced.stdout.contains("pass example 1: a pass example has no finding to mark"))
    }
}
