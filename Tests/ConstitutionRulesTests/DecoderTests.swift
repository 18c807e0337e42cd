import ConstitutionCore
import ConstitutionYAML
import Testing

@testable import ConstitutionRules

private func decodeIncident(_ text: String) -> (Incident?, [Diagnostic]) {
    let yaml = YAMLParser.parse(path: "incidents/INC-0003.yaml", text: text)
    let (incident, diags, _) = IncidentDecoder.decode(yaml, path: "incidents/INC-0003.yaml", firstQueryID: 0)
    return (incident, diags)
}

private let minimalRule = """
      - id: nfs-retain
        severity: error
        message: m
        guidance: g
        match: {kind: kubernetes, resource: StorageClass}
        require: {reclaimPolicy: {equals: Retain}}
        examples:
          fail: [{kind: kubernetes, text: "apiVersion: storage.k8s.io/v1\\nkind: StorageClass\\nmetadata: {name: nfs}\\n"}]
          pass: [{kind: kubernetes, text: "apiVersion: storage.k8s.io/v1\\nkind: StorageClass\\nmetadata: {name: nfs}\\nreclaimPolicy: Retain\\n"}]

"""

@Suite("Incident records")
struct IncidentDecoderTests {
    @Test func unknownKeyWarnsWithDidYouMean() {
        let (incident, diags) = decodeIncident("schema: 1\nid: INC-0003\ntitle: t\ndate: 2025-11-02\nsevrity: sev2\nseverity: sev2\nsummary: s\nlessons: [l]\n")
        #expect(incident != nil)
        #expect(diags.map { "\($0.location.line):\($0.location.column) \($0.severity) \($0.message)" } == [
            "5:1 warning unknown key 'sevrity' in an incident record (did you mean 'severity'?)"
        ])
    }

    @Test func missingKeysAndWrongTypesAreLocatedErrors() {
        let (incident, diags) = decodeIncident("schema: 1\nid: inc3\ntitle: [a]\ndate: 2025-13-02\nseverity: high\nlessons: l\n")
        #expect(incident == nil)
        let text = diags.map { "\($0.location.line):\($0.location.column) \($0.message)" }
        #expect(text.contains("2:5 id 'inc3' must look like INC-0001 (letters, '-', digits)"))
        #expect(text.contains("3:8 'title' must be a string, found a list"))
        #expect(text.contains("4:7 date must be YYYY-MM-DD, found '2025-13-02'"))
        #expect(text.contains("5:11 severity must be sev1, sev2, sev3 or sev4, found 'high'"))
        #expect(text.contains("1:1 missing required key 'summary' in incident inc3"))
    }

    @Test func newerSchemaIsAnError() {
        let (_, diags) = decodeIncident("schema: 2\nid: INC-1\ntitle: t\ndate: 2025-01-01\nseverity: sev1\nsummary: s\nlessons: []\n")
        #expect(diags.contains { $0.message.contains("schema 2 is newer than this tool understands (1)") && $0.location.line == 1 })
    }

    @Test func constraintsDecodeAsRulesTracedToTheIncident() throws {
        let (incident, diags) = decodeIncident("schema: 1\nid: INC-0003\ntitle: t\ndate: 2025-11-02\nseverity: sev2\nsummary: s\nlessons: [l]\nconstraints:\n" + minimalRule)
        #expect(diags.isEmpty)
        let rule = try #require(incident?.constraints.first)
        #expect(rule.source.incidentID == "INC-0003")
        #expect(rule.examples.count == 2)
        #expect(rule.examples[0].location.line == 16)
        #expect(ExampleRunner.check(rule).isEmpty)
    }
}

@Suite("Rule decoding")
struct RuleDecoderTests {
    func decode(_ text: String) -> (Rule?, [String]) {
        let yaml = YAMLParser.parse(path: "rules/r.yaml", text: text)
        var d = RuleDecoder(path: "rules/r.yaml")
        let rule = d.decodeRule(yaml.documents[0], incident: nil)
        return (rule, d.reader.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.severity): \($0.message)" })
    }

    @Test func badRegexIsALocatedError() {
        let (rule, diags) = decode("""
            id: r
            severity: error
            message: m
            guidance: g
            rationale: x
            match: {kind: text}
            forbid: {matches: 'a(b'}
            examples: {fail: [{kind: text, text: "x"}], pass: [{kind: text, text: "y"}]}
            """)
        #expect(rule == nil)
        #expect(diags.count == 1)
        #expect(diags[0].hasPrefix("7:19 error: invalid regular expression 'a(b'"))
    }

    @Test func unknownFacetKindAndParamAreErrorsWithSuggestions() {
        let (_, diags) = decode("""
            id: Bad_Id
            severity: fatal
            message: m
            guidance: g
            rationale: x
            params: {allowed: [a]}
            match: {kind: kubernets, facet: comand}
            forbid: {x: {in: {param: alowed}}, y: {equal: 1}}
            examples: {fail: [{kind: kubernetes, text: "x: 1"}], pass: [{kind: kubernetes, text: "x: 2"}]}
            """)
        #expect(diags.contains("1:5 error: rule id 'Bad_Id' must be kebab-case (lowercase letters, digits and '-')"))
        #expect(diags.contains("2:11 error: severity must be error, warning or info, found 'fatal'"))
        #expect(diags.contains("7:15 error: unknown target kind 'kubernets' (did you mean 'kubernetes'?)"))
        #expect(diags.contains { $0.hasPrefix("7:33 error: unknown facet 'comand' (did you mean 'command'?)") })
        #expect(diags.contains("8:26 error: unknown parameter 'alowed' (did you mean 'allowed'?); declare it under 'params:'"))
        #expect(diags.contains("8:40 warning: 'equal' is read as a path; did you mean the operator 'equals'?"))
    }

    @Test func badPathIsLocatedAtTheOffendingCharacter() {
        let (_, diags) = decode("""
            id: r
            severity: info
            message: m
            guidance: g
            rationale: x
            match: {kind: kubernetes, each: "spec..ports"}
            require: {port: {exists: true}}
            examples: {fail: [{kind: kubernetes, text: "x: 1"}], pass: [{kind: kubernetes, text: "x: 2"}]}
            """)
        #expect(diags.contains("6:39 error: bad path 'spec..ports': empty path segment"))
    }

    @Test func examplesAreRequired() {
        let (_, diags) = decode("id: r\nseverity: info\nmessage: m\nguidance: g\nrationale: x\nmatch: {kind: yaml}\nrequire: {a: {exists: true}}\n")
        #expect(diags.contains("1:1 error: rule 'r' needs 'examples:' with at least one 'fail' and one 'pass' snippet"))
    }
}

@Suite("Evaluator")
struct EvaluatorTests {
    @Test func quantitiesAndVersions() {
        #expect(Quantity.parse("1Gi")! > Quantity.parse("1000Mi")!)
        #expect(Quantity.parse("250m") == 0.25)
        #expect(Quantity.parse("1.5k") == 1500)
        #expect(Quantity.parse("abc") == nil)
        #expect(Version.parse("v1.30.2+k3s1") == [1, 30, 2])
        #expect(Version.parse("5.4") == [5, 4])
        #expect(Version.parse("RELEASE.2024-01-01") == nil)
        #expect(Version.compare([5], [5, 0, 0]) == 0)
        #expect(Version.compare([4, 9], [5]) < 0)
    }

    @Test func regexLiteralPrefilter() throws {
        #expect(CompiledRegex.requiredLiteral("kubectl\\s+apply") == Array("kubectl".utf8))
        #expect(CompiledRegex.requiredLiteral("a|b") == [])
        #expect(CompiledRegex.requiredLiteral("zpool destroy") == Array("zpool destroy".utf8))
        #expect(CompiledRegex.requiredLiteral("colou?r") == Array("colo".utf8))
        // Alternation inside a group leaves the literals outside it required; at the top level
        // (plain or as GNU `\|`) nothing is.
        #expect(CompiledRegex.requiredLiteral("(^|[^a-z])qm create") == Array("qm create".utf8))
        #expect(CompiledRegex.requiredLiteral("(a|b)?xyz") == Array("xyz".utf8))
        #expect(CompiledRegex.requiredLiteral("qm create|virt-install") == [])
        #expect(CompiledRegex.requiredLiteral("qm create\\|virt") == [])
        let q = try CompiledRegex("(^|[^a-z])qm create")
        #expect(q.firstMatch(in: "sudo qm create 100") == 4..<14)
        #expect(q.firstMatch(in: "qm create 100") == 0..<9)
        #expect(q.firstMatch(in: "xqm create") == nil)
        #expect(q.firstMatch(in: "qm set 100") == nil)
        let r = try CompiledRegex("address=/\\.?lab/")
        #expect(r.firstMatch(in: "x\naddress=/lab/10.0.0.1") == 2..<15)
        #expect(r.firstMatch(in: "address=/nas.lab/1") == nil)
    }

    @Test func pathsWithConceptsAndQuotedKeys() throws {
        let f = YAMLParser.parse(path: "a.yaml", text: """
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              annotations: {"a.b/c": "1"}
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      initContainers: [{name: i, image: busybox}]
                      containers: [{name: c, image: nginx}]
            """)
        let doc = Value.node(f.documents[0], nil)
        #expect(try PathExpression("containers.image").evaluate(doc).compactMap(\.scalarText) == ["busybox", "nginx"])
        #expect(try PathExpression("pod_spec.containers[0].name").evaluate(doc).compactMap(\.scalarText) == ["c"])
        #expect(try PathExpression("metadata.annotations.\"a.b/c\"").evaluate(doc).compactMap(\.scalarText) == ["1"])
        let missing = try PathExpression("metadata.labels.app").evaluate(doc)
        #expect(missing.count == 1 && missing[0].isMissing)
        #expect(missing[0].location.line == 3)
    }

    @Test func podMetadataAcrossWorkloadShapes() throws {
        let shapes = [
            "apiVersion: v1\nkind: Pod\nmetadata: {labels: {app: x}}\nspec: {containers: []}\n",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {labels: {app: no}}\nspec:\n  template:\n    metadata: {labels: {app: x}}\n",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: x}}\n",
            "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: t}\ntemplate:\n  metadata: {labels: {app: x}}\n",
        ]
        for text in shapes {
            let doc = Value.node(YAMLParser.parse(path: "a.yaml", text: text).documents[0], nil)
            #expect(try PathExpression("pod_metadata.labels.app").evaluate(doc).compactMap(\.scalarText) == ["x"], "\(text)")
        }
        // A Deployment without template metadata: missing, at the deepest key that exists.
        let bare = Value.node(YAMLParser.parse(path: "a.yaml", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec: {}\n").documents[0], nil)
        let missing = try PathExpression("pod_metadata.labels").evaluate(bare)
        #expect(missing.count == 1 && missing[0].isMissing && missing[0].location.line == 5)
        // A ConfigMap has no pod metadata (missing) and no containers (nothing).
        let cm = Value.node(YAMLParser.parse(path: "a.yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n").documents[0], nil)
        #expect(try PathExpression("pod_metadata").evaluate(cm).map(\.isMissing) == [true])
        #expect(try PathExpression("containers.image").evaluate(cm).isEmpty)
    }

    @Test func keysGlobKeysAndQuotedEscapes() throws {
        let doc = Value.node(YAMLParser.parse(path: "a.yaml", text: "m:\n  a.b/x: 1\n  a.b/y: 2\n  'a*': 3\n  c: 4\n").documents[0], nil)
        #expect(try PathExpression("m.\"a.b/*\"").evaluate(doc).compactMap(\.scalarText) == ["1", "2"])
        #expect(try PathExpression("m.\"a\\*\"").evaluate(doc).compactMap(\.scalarText) == ["3"])
        #expect(try PathExpression("m['a?b/?']").evaluate(doc).compactMap(\.scalarText) == ["1", "2"])
        let keys = try PathExpression("m|keys").evaluate(doc)
        #expect(keys.compactMap(\.scalarText) == ["a.b/x", "a.b/y", "a*", "c"])
        #expect(keys.map { "\($0.location.line):\($0.location.column)" } == ["2:3", "3:3", "4:3", "5:3"])
        #expect(try PathExpression("m.c|keys").evaluate(doc).isEmpty)
        #expect(throws: PathSyntaxError.self) { try PathExpression("m|values") }
    }

    @Test func operatorWordsAreRecognised() {
        #expect(RuleDecoder.splitWords("AnyNotIn") == ["any", "not", "in"])
        #expect(RuleDecoder.splitWords("greater_than-or_equals") == ["greater", "than", "or", "equals"])
        #expect(RuleDecoder.operatorLookalike("GreaterThanOrEquals") == "write {gte: …}")
        #expect(RuleDecoder.operatorLookalike("not_empty") == "write {not: {empty: true}}")
        #expect(RuleDecoder.operatorLookalike("anyOf") == "write any: [{…}, {…}]")
        // Real field names are left alone.
        for key in ["allowPrivilegeEscalation", "matchLabels", "readOnly", "notBefore", "endpoints", "isDefault"] {
            #expect(RuleDecoder.operatorLookalike(key) == nil, "\(key)")
        }
    }
}

@Suite("Constitution loading")
struct ConstitutionLoadTests {
    func incident(_ id: String, rule: String) -> SourceFile {
        let text = """
            schema: 1
            id: \(id)
            title: t
            date: 2025-01-01
            severity: sev3
            summary: s
            lessons: [l]
            constraints:
              - id: \(rule)
                severity: info
                message: m
                guidance: g
                match: {kind: yaml}
                require: {a: {exists: true}}
                examples: {fail: [{kind: yaml, text: "b: 1"}], pass: [{kind: yaml, text: "a: 1"}]}

            """
        return SourceFile(path: "incidents/\(id).yaml", bytes: Array(text.utf8))
    }

    @Test func duplicateIdsAreLocatedErrorsAndMissingRulesAreStale() {
        let c = Constitution.load(
            incidents: [incident("INC-0001", rule: "same"), incident("INC-0002", rule: "same"), incident("INC-0002", rule: "other")],
            rules: [])
        let messages = c.diagnostics.map { "\($0.path):\($0.location.line): \($0.message)" }
        #expect(messages.contains("incidents/INC-0002.yaml:9: duplicate rule id 'same' (also in incidents/INC-0001.yaml)"))
        #expect(messages.contains { $0.contains("duplicate incident id 'INC-0002'") })
        #expect(c.stale.contains(StaleRule(path: "rules/same.yaml", reason: .missing)))
        #expect(c.generated.map(\.path) == ["rules/other.yaml", "rules/same.yaml", "rules/same.yaml"])
    }
}
