import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML
import Testing

@testable import ConstitutionRules

@Suite("$params conditions")
struct ParamsFoldingTests {
    static func rule(when path: String = "$params.cluster_arch") -> String { """
        id: arch
        severity: warning
        message: amd64-only image
        guidance: use a multi-arch tag
        rationale: amd64-only images do not start on arm64 nodes
        params:
          cluster_arch: arm64
          arches: [arm64, riscv64]
        match: {facet: image}
        when:
          \(path): {equals: arm64}
        forbid:
          tag: {matches: amd64}
        examples:
          fail: [{kind: kubernetes, text: "kind: Pod\\napiVersion: v1\\nspec: {containers: [{name: a, image: app:1-amd64}]}\\n"}]
          pass: [{kind: kubernetes, text: "kind: Pod\\napiVersion: v1\\nspec: {containers: [{name: a, image: app:1}]}\\n"}]
        """
    }

    static func bound(_ text: String, overrides: [String: Value] = [:]) throws -> BoundRule {
        let yaml = YAMLParser.parse(path: "r.yaml", text: text)
        var decoder = RuleDecoder(path: "r.yaml")
        let document = try #require(yaml.documents.first)
        let decoded = decoder.decodeRule(document, incident: nil)
        #expect(decoder.reader.diagnostics.isEmpty, "\(decoder.reader.diagnostics.map(\.message))")
        let rule = try #require(decoded)
        return try BoundRule(rule, overrides: overrides)
    }

    static let pod = LoadedFile.inMemory(
        path: "k8s/pod.yaml", text: "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: \"app:1-amd64\"}]\n")

    @Test func aConstantConditionIsDecidedWhenParametersAreBound() throws {
        let on = try Self.bound(Self.rule())
        guard case .always? = on.when else { Issue.record("expected the when to fold to always, got \(String(describing: on.when))"); return }
        #expect(RuleEngine(rules: [on]).lint([Self.pod]).map(\.location.line) == [5])

        let off = try Self.bound(Self.rule(), overrides: ["cluster_arch": .text(LocatedText("amd64", at: .start))])
        guard case .not(.always)? = off.when else { Issue.record("expected the when to fold to never"); return }
        #expect(RuleEngine(rules: [off]).lint([Self.pod]).isEmpty)
    }

    @Test func aListParameterKeepsItsQuantifier() throws {
        // `any` over [arm64, riscv64] holds, `all` does not: the default quantifier depends on
        // where the condition sits, so it is left for evaluation.
        let rule = try Self.bound(Self.rule(when: "$params.arches[*]"))
        if case .path? = rule.when {} else { Issue.record("a list parameter must not be folded") }
        #expect(RuleEngine(rules: [rule]).lint([Self.pod]).map(\.location.line) == [5])
    }
}
