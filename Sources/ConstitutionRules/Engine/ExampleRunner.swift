import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// Runs a rule's own examples: every `fail` snippet must yield a finding of the rule, every
/// `pass` snippet none. Each snippet is also checked under two mutations that catch position
/// bugs (DESIGN.md §10): a multi-byte comment line before it, and (for YAML kinds) the snippet
/// as the second document of a `---` stream. The findings must move exactly with the text.
public enum ExampleRunner {
    /// A mutation of an example's text.
    struct Mutation {
        var name: String
        var prefix: String
        var lines: Int
    }

    static let multiByteLine = Mutation(name: "a multi-byte line before it", prefix: "# ✓ ünïcødé 🚀 mutation line\n", lines: 1)
    static let secondDocument = Mutation(name: "as the second document of a stream", prefix: "---\n# mutation: an empty first document\n---\n", lines: 3)

    /// Problems with `rule`'s examples, located at each example in the rule's (or incident's) file.
    public static func check(_ rule: Rule, facetContext: FacetContext = FacetContext()) -> [Diagnostic] {
        let bound: BoundRule
        do {
            bound = try BoundRule(rule)
        } catch {
            return [Diagnostic(path: rule.file, location: rule.location, severity: .error, message: "rule '\(rule.id)': invalid regular expression in a parameter: \(error.message)")]
        }
        let engine = RuleEngine(rules: [bound], facetContext: facetContext)
        var out: [Diagnostic] = []
        for (n, example) in rule.examples.enumerated() {
            func fail(_ message: String) {
                out.append(Diagnostic(path: rule.file, location: example.location, severity: .error, message: "rule '\(rule.id)', \(example.expectation.rawValue) example \(n + 1): \(message)"))
            }
            let base = findings(engine, example, prefix: "")
            if let parseError = base.error {
                fail("the snippet does not parse: \(parseError)")
                continue
            }
            switch example.expectation {
            case .fail where base.findings.isEmpty:
                fail("expected a finding, got none")
                continue
            case .pass where !base.findings.isEmpty:
                let f = base.findings[0]
                fail("expected no finding, got one at \(f.location.line):\(f.location.column) (\(f.message))")
                continue
            default:
                break
            }
            var mutations = [multiByteLine]
            if example.kind.isYAML { mutations.append(secondDocument) }
            for m in mutations {
                let mutated = findings(engine, example, prefix: m.prefix)
                let expected = base.findings.map { "\($0.location.line + m.lines):\($0.location.column)" }
                let got = mutated.findings.map { "\($0.location.line):\($0.location.column)" }
                if expected != got {
                    fail("with \(m.name), findings at [\(got.joined(separator: ", "))], expected [\(expected.joined(separator: ", "))]")
                }
            }
        }
        return out
    }

    /// The findings of the engine's rule on the example text with `prefix` before it.
    static func findings(_ engine: RuleEngine, _ example: RuleExample, prefix: String) -> (findings: [Finding], error: String?) {
        let file = LoadedFile.inMemory(path: example.path, text: prefix + example.text, kind: example.kind)
        if let e = file.error { return ([], "\(e.location.line):\(e.location.column): \(e.message)") }
        return (engine.lint([file]), nil)
    }
}
