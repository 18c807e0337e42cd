import TestSupport
import Testing

/// A hand-written rule file around `body` (match/when/require/forbid lines), with examples that
/// prove nothing in particular: the tests below lint their own lab.
private func rule(
    _ id: String, _ body: String, params: String = "",
    examples: String = "  fail: [{kind: yaml, text: \"a: 1\\n\"}]\n  pass: [{kind: yaml, text: \"a: 1\\n\"}]"
) -> String {
    """
    schema: 1
    id: \(id)
    severity: error
    message: \(id) fired
    guidance: g
    rationale: r
    \(params)\(body)
    examples:
    \(examples)

    """
}

/// Lints `lab` (path → text) with `rules` (id → body) and returns the findings' `path:line:col rule`.
private func lint(_ rules: [String: String], _ lab: [String: String]) -> [String] {
    let root = TestSupport.makeTemporaryDirectory()
    defer { TestSupport.remove(root) }
    var files: [String: String] = [:]
    for (id, body) in rules { files["rules/\(id).yaml"] = rule(id, body) }
    for (path, text) in lab { files["lab/" + path] = text }
    TestSupport.write(files, under: root)
    let result = TestSupport.run(TestSupport.binary, ["lint", "lab", "--format", "json", "--constitution", "."], directory: root)
    // Findings as `path:line:col rule`, straight from the JSON's stable key order.
    var out: [String] = []
    var current: [String: String] = [:]
    for line in result.stdout.split(separator: "\n") {
        let t = line.trimmingSpacesForTest
        for key in ["path", "line", "column", "rule"] where t.hasPrefix("\"\(key)\": ") {
            var v = String(t.dropFirst(key.count + 4))
            if v.hasSuffix(",") { v.removeLast() }
            current[key] = v.replacingAll("\"", with: "")
        }
        if t.hasPrefix("\"rule\"") {
            out.append("\(current["path"] ?? ""):\(current["line"] ?? ""):\(current["column"] ?? "") \(current["rule"] ?? "")")
        }
    }
    return out
}

extension Substring {
    fileprivate var trimmingSpacesForTest: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        return s
    }
}

private let twoContainers = """
    apiVersion: v1
    kind: Pod
    metadata: {name: a}
    spec:
      containers:
        - name: a
          image: x:1
          securityContext: {allowPrivilegeEscalation: false}
        - name: b
          image: x:1
        - name: c
          image: x:1
          securityContext: {runAsNonRoot: true}

    """

@Suite("Quantifiers, glob keys, |keys, pod_metadata and is: (real binary)")
struct RuleLanguageTests {
    @Test func requireChecksEveryContainerAndAnElementLackingThePathIsMissing() {
        let found = lint(
            ["ape": "match: {kind: kubernetes}\nrequire: {containers.securityContext.allowPrivilegeEscalation: {is: false}}"],
            ["pod.yaml": twoContainers, "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"])
        // Container b lacks securityContext (the finding is at b); c lacks the field (at its
        // securityContext key); the ConfigMap has no containers: nothing to check.
        #expect(found == ["pod.yaml:9:7 ape"])
        let forbid = lint(
            ["ape": "match: {kind: kubernetes}\nforbid: {containers.securityContext.allowPrivilegeEscalation: {absent: true}}"],
            ["pod.yaml": twoContainers])
        #expect(forbid == ["pod.yaml:9:7 ape"])
        let each = lint(
            ["ape": "match: {kind: kubernetes, each: containers}\nrequire: {securityContext.allowPrivilegeEscalation: {is: false}}"],
            ["pod.yaml": twoContainers])
        #expect(each == ["pod.yaml:9:7 ape", "pod.yaml:13:7 ape"])
    }

    @Test func emptyFanOutIsVacuousAndExplicitFormsAgree() {
        let empty = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: []\n"
        let rules = [
            "every": "match: {kind: kubernetes}\nrequire: {containers.image: {matches: ':'}}",
            "all-form": "match: {kind: kubernetes}\nrequire: {all: {path: containers.image, matches: ':'}}",
            "some-container": "match: {kind: kubernetes}\nrequire: {any: {path: containers}}",
            "none-form": "match: {kind: kubernetes}\nrequire: {none: {path: containers.image, ends_with: latest}}",
            "not-form": "match: {kind: kubernetes}\nforbid: {not: {containers.image: {matches: ':'}}}",
        ]
        #expect(lint(rules, ["pod.yaml": empty]) == ["pod.yaml:1:1 some-container"])
        let one = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - {name: a, image: 'x:1'}\n    - {name: b}\n    - {name: c, image: y}\n"
        // b lacks image (missing at b), c's image has no tag: `all` and `not` stop at b first.
        #expect(lint(rules, ["pod.yaml": one]) == ["pod.yaml:7:7 all-form", "pod.yaml:7:7 every", "pod.yaml:7:7 not-form"])
    }

    @Test func nestedFanOutsKeepEachBranch() {
        let pod = """
            apiVersion: v1
            kind: Pod
            metadata: {name: a}
            spec:
              containers:
                - {name: a, image: x, ports: []}
                - name: b
                  image: x
                  ports: [{name: http, containerPort: 80}, {containerPort: 9090}]

            """
        #expect(lint(["named": "match: {kind: kubernetes}\nforbid: {\"containers.ports[*].name\": {absent: true}}"], ["pod.yaml": pod]) == ["pod.yaml:9:48 named"])
        #expect(lint(["named": "match: {kind: kubernetes}\nrequire: {\"containers.ports[*].name\": {exists: true}}"], ["pod.yaml": pod]) == ["pod.yaml:9:48 named"])
    }

    @Test func globKeysKeysAndPodMetadata() {
        let deploy = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                metadata:
                  annotations:
                    container.apparmor.security.beta.kubernetes.io/web: runtime/default
                    container.apparmor.security.beta.kubernetes.io/side: runtime-default
                    other.io/x: y
                spec:
                  containers: [{name: web, image: x}]
                  volumes:
                    - {name: c, configMap: {name: c}}
                    - {name: h, hostPath: {path: /}}

            """
        let rules = [
            "apparmor": "match: {kind: kubernetes}\nforbid:\n  pod_metadata.annotations.\"container.apparmor.security.beta.kubernetes.io/*\": {not: {starts_with: runtime/default}}",
            "volumes": "match: {kind: kubernetes}\nrequire: {\"pod_spec.volumes[*]|keys\": {in: [name, configMap, secret]}}",
            "literal-star": "match: {kind: kubernetes}\nforbid: {pod_metadata.annotations.\"other.io/\\*\": {exists: true}}",
        ]
        #expect(lint(rules, ["d.yaml": deploy]) == ["d.yaml:9:62 apparmor", "d.yaml:15:21 volumes"])
        #expect(lint(rules, ["d.yaml": deploy.replacingAll("other.io/x", with: "other.io/*")]) == ["d.yaml:9:62 apparmor", "d.yaml:10:21 literal-star", "d.yaml:15:21 volumes"])
        let cron = """
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: c, labels: {team: a}}
            spec:
              jobTemplate:
                spec:
                  template:
                    metadata: {labels: {app: c}}
                    spec: {containers: [{name: c, image: x}]}

            """
        let team = ["team": "match: {kind: kubernetes}\nrequire: {pod_metadata.labels.team: {exists: true}}"]
        #expect(lint(team, ["c.yaml": cron]) == ["c.yaml:8:20 team"])
        #expect(lint(team, ["c.yaml": cron.replacingAll("{app: c}", with: "{app: c, team: a}")]) == [])
    }

    @Test func isReadsYAML11Booleans() {
        var docs: [String: String] = [:]
        for (n, spelling) in ["true", "True", "yes", "on", "Y", "\"yes\"", "false", "no", "Off", "maybe", "1"].enumerated() {
            docs["p\(n).yaml"] = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostNetwork: \(spelling)\n  containers: [{name: a, image: x}]\n"
        }
        let found = lint(["host-net": "match: {kind: kubernetes}\nforbid: {pod_spec.hostNetwork: {is: true}}"], docs)
        #expect(found == (0...5).map { "p\($0).yaml:5:16 host-net" })
        let off = lint(["off": "match: {kind: kubernetes}\nforbid: {pod_spec.hostNetwork: {is: false}}"], docs)
        #expect(off == (6...8).map { "p\($0).yaml:5:16 off" })
    }
}

@Suite("The loader refuses what means nothing (real binary)")
struct RuleStrictnessTests {
    let bin = TestSupport.binary

    @Test func operandsThatDoNotParseAreLocatedErrors() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                "rules/r.yaml": rule(
                    "r",
                    """
                    match: {kind: kubernetes, resources: Pod}
                    forbid:
                      a: {gte: 5000-6000}
                      b: {quantity_gt: fast}
                      c: {version_lt: x.y?}
                      d: {in: "0 | 5000"}
                      e: {exists: yes}
                      f: {is: on}
                      g: {equals: [a, b]}
                      h: {in: {param: ports}}
                      i: {version_gte: 1.28-rc1}
                    """, params: "params: {ports: \"0\"}\n")
            ], under: root)
        for command in [["compile", "--check"], ["test"], ["lint", "rules"]] {
            let result = TestSupport.run(bin, command + ["--color", "never"], directory: root)
            #expect(result.status == 3, "\(command)")
            let expected = [
                "rules/r.yaml:8:27: error: unknown key 'resources' in match (did you mean 'resource'?): a mistyped selector would widen the rule",
                "rules/r.yaml:10:12: error: 'gte' needs a number such as 5000 or 2.5, found '5000-6000'",
                "rules/r.yaml:11:20: error: 'quantity_gt' needs a Kubernetes quantity such as 512Mi, 1.5Gi or 250m, found 'fast'",
                "rules/r.yaml:12:19: error: 'version_lt' needs a version such as 1.28 or v1.30.2 (numbers separated by dots, an optional leading v; only the numbers are compared), found 'x.y?'",
                "rules/r.yaml:13:11: error: 'in' needs a list, not the text '0 | 5000': write in: [0, 5000]",
                "rules/r.yaml:14:15: error: 'exists' takes true or false (only these two are booleans in rules), found 'yes'",
                "rules/r.yaml:15:11: error: 'is' takes true or false (only these two are booleans in rules; the value it tests may be spelled yes, on, True…); write is: true",
                "rules/r.yaml:16:15: error: 'equals' takes one value; for any of several write in: [a, b]",
                "rules/r.yaml:17:19: error: 'in' needs a list, and parameter 'ports' defaults to a single value; make its default a list ([0])",
                "rules/r.yaml:18:20: error: 'version_gte' needs a version such as 1.28 or v1.30.2 (numbers separated by dots, an optional leading v; only the numbers are compared), found '1.28-rc1'",
            ]
            for line in expected {
                #expect(result.stderr.contains(line), "\(command): \(line)\n\(result.stderr)")
            }
        }
    }

    @Test func lookalikeOperatorsAndShadowedConceptsWarnWithTheFix() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                "rules/r.yaml": rule(
                    "r",
                    """
                    match: {kind: kubernetes}
                    forbid:
                      any:
                        - {metadata.name: {not_in: {x: {exists: true}}}}
                        - {metadata.name: {notEquals: {x: {exists: true}}}}
                        - {metadata.name: {AnyNotIn: {x: {exists: true}}}}
                        - {metadata.name: {is_empty: {x: {exists: true}}}}
                        - {metadata.name: {greater_than: {x: {exists: true}}}}
                        - {"containers[*].image": {equals: x}}
                        - {spec.containers: {exists: true}}
                        - {metadata.name: {equal: {x: {exists: true}}}}
                        - {metadata.name: {equals: bad}}
                    """,
                    examples: """
                      fail: [{kind: kubernetes, text: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: bad}\\n"}]
                      pass: [{kind: kubernetes, text: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: good}\\n"}]
                    """),
                "lab/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
            ], under: root)
        let expected = [
            "rules/r.yaml:10:24: warning: 'not_in' is read as a path (a key named 'not_in'); write {not: {in: [...]}}",
            "rules/r.yaml:11:24: warning: 'notEquals' is read as a path (a key named 'notEquals'); write {not: {equals: …}}",
            "rules/r.yaml:12:24: warning: 'AnyNotIn' is read as a path (a key named 'AnyNotIn'); write {not: {in: [...]}}",
            "rules/r.yaml:13:24: warning: 'is_empty' is read as a path (a key named 'is_empty'); write {empty: true}",
            "rules/r.yaml:14:24: warning: 'greater_than' is read as a path (a key named 'greater_than'); write {gt: …}",
            "rules/r.yaml:15:8: warning: 'containers[*].image' reads a top-level key 'containers', which a Kubernetes document does not have; write 'containers' (every container of any workload: init, regular and ephemeral) or 'pod_spec.containers[*]'",
            "rules/r.yaml:16:8: warning: 'spec.containers' is only a Pod's list (a Deployment's is under spec.template.spec, a CronJob's deeper); write 'containers' (every container of any workload) or 'pod_spec.containers', or select resource: Pod",
            "rules/r.yaml:17:24: warning: 'equal' is read as a path; did you mean the operator 'equals'?",
        ]
        for command in [["compile", "--check"], ["test"], ["lint", "lab"]] {
            let result = TestSupport.run(bin, command + ["--color", "never"], directory: root)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            for line in expected {
                #expect(result.stderr.contains(line), "\(command): \(line)\n\(result.stderr)")
            }
        }
    }
}
