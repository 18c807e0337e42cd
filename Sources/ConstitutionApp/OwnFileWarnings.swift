import ConstitutionCore
import ConstitutionRules

/// Warnings about our own files (incidents, rules, `.constitution.yaml`, `waivers.yaml`):
/// unknown keys, rule ids and parameters, each located with a did-you-mean. They are printed;
/// with `--strict` they are a constitution error (exit 3).
public enum OwnFileWarnings {
    /// The pseudo-rules `.constitution.yaml`'s `severity:` may name besides the constitution's
    /// rules.
    public static let pseudoRules = [Linter.duplicateKeyRule, WaiverApplier.rule]

    /// The warnings of `constitution` (loaded from `directory`, paths made reachable from here)
    /// and of `config` (its own, and its rule ids and parameter names checked against the
    /// rules), sorted.
    public static func of(_ constitution: Constitution, in directory: String, config: LintConfig) -> [Diagnostic] {
        let fromConstitution = constitution.diagnostics.filter { $0.severity != .error }.map { ConstitutionStore.located($0, in: directory) }
        let fromConfig = config.warnings + config.ruleWarnings(constitution.rules, pseudoRules: pseudoRules)
        return (fromConstitution + fromConfig).sorted(by: Diagnostic.sortKey)
    }

    /// What compile and test check besides the constitution: the `.constitution.yaml` and
    /// `waivers.yaml` in its folder `directory`, when there are any, with the config's rule ids
    /// and parameters checked against `rules`. Their errors are thrown (exit 3).
    public static func besideConstitution(in directory: String, rules: [Rule]) throws(ConstitutionProblem) -> [Diagnostic] {
        let config = try LintConfig.load(explicit: nil, folders: [directory])
        let waivers = try Linter.centralWaivers(folders: [directory], root: directory)
        return (config.warnings + config.ruleWarnings(rules, pseudoRules: pseudoRules) + waivers.warnings).sorted(by: Diagnostic.sortKey)
    }

    /// Throws, under `strict`, when there is any warning: every warning, then a line saying why
    /// the run stopped.
    public static func check(_ warnings: [Diagnostic], strict: Bool) throws(ConstitutionProblem) {
        guard strict, !warnings.isEmpty else { return }
        let count = warnings.count == 1 ? "a warning" : "\(warnings.count) warnings"
        throw ConstitutionProblem(
            diagnostics: warnings,
            messages: ["--strict: \(count) about the constitution's own files (incidents, rules, .constitution.yaml, waivers.yaml); fix \(warnings.count == 1 ? "it" : "them") or drop --strict"])
    }
}
