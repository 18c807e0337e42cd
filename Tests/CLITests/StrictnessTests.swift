import TestSupport
import Testing

/// Warnings about our own files are shown where they are, with a did-you-mean, and `--strict`
/// makes them a constitution error (exit 3) (issue 15 §2).
@Suite("Warnings about our own files and --strict (real binary)")
struct StrictnessTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    /// A lab with nothing to find, and `config` as its `.constitution.yaml`.
    func makeLab(config: String) -> String {
        let root = TestSupport.makeTemporaryDirectory()
        TestSupport.write(
            [
                ".git/HEAD": "ref: refs/heads/main\n",
                "k8s/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
                ".constitution.yaml": config,
            ], under: root)
        return root
    }

    func run(_ root: String, _ args: [String]) -> TestSupport.ProcessResult {
        TestSupport.run(bin, args + ["--color", "never"], directory: root, environment: ["XDG_CACHE_HOME": root + "/.cache"])
    }

    static let typos = """
        schema: 1
        threshhold: warning
        severity:
          nfs-storageclass-retian: warning
          duplicate-key: warning
        params:
          image-cpu-basline: {cpu_baseline: x86-64-v3}
          image-cpu-baseline: {cpu_baselin: x86-64-v3}

        """

    static let expected = [
        ".constitution.yaml:2:1: warning: unknown key 'threshhold' in the config (did you mean 'threshold'?)",
        ".constitution.yaml:4:3: warning: unknown rule 'nfs-storageclass-retian' under 'severity' (did you mean 'nfs-storageclass-retain'?)",
        ".constitution.yaml:7:3: warning: unknown rule 'image-cpu-basline' under 'params' (did you mean 'image-cpu-baseline'?)",
        ".constitution.yaml:8:24: warning: rule 'image-cpu-baseline' has no parameter 'cpu_baselin' (did you mean 'cpu_baseline'?)",
    ]

    @Test func configTyposAreLocatedWarningsAndStrictRefuses() {
        let root = makeLab(config: Self.typos)
        defer { TestSupport.remove(root) }
        let lenient = run(root, ["lint", ".", "--constitution", starter])
        #expect(lenient.status == 0, "\(lenient.stderr)")
        for line in Self.expected { #expect(lenient.stderr.contains(line), "\(lenient.stderr)") }
        #expect(lenient.stderr.contains("  image-cpu-baseline: {cpu_baselin: x86-64-v3}\n                       ^"), "the line and a caret")
        #expect(!lenient.stderr.contains("'duplicate-key'"), "a pseudo-rule is a known id")
        #expect(lenient.stdout.contains("0 findings"))

        let strict = run(root, ["lint", ".", "--constitution", starter, "--strict"])
        #expect(strict.status == 3)
        for line in Self.expected { #expect(strict.stderr.contains(line), "\(strict.stderr)") }
        #expect(strict.stderr.contains("constitution: error: --strict: 4 warnings"))
        #expect(strict.stdout.isEmpty, "no file is checked")

        let coverage = run(root, ["coverage", ".", "--constitution", starter, "--strict"])
        #expect(coverage.status == 3)
    }

    @Test func aCleanConfigHasNoWarnings() {
        let root = makeLab(config: "schema: 1\nseverity: {nfs-storageclass-retain: warning, duplicate-key: \"off\"}\nparams:\n  image-cpu-baseline: {cpu_baseline: x86-64-v3}\n")
        defer { TestSupport.remove(root) }
        let result = run(root, ["lint", ".", "--constitution", starter, "--strict"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
    }

    @Test func incidentTyposWarnInCompileAndLintAndStrictRefuses() {
        let root = makeLab(config: "schema: 1\n")
        defer { TestSupport.remove(root) }
        let incident = TestSupport.readText(starter + "/incidents/INC-0001-klipper-lb-dnat.yaml")
            .replacingOccurrences(of: "\ntitle:", with: "\nowner: alice\ntitle:")
            .replacingOccurrences(of: "    category: networking\n", with: "    categroy: networking\n", count: 1)
        TestSupport.write(["incidents/INC-0001-klipper-lb-dnat.yaml": incident], under: root)
        let strictCompile = run(root, ["compile", "--strict"])
        #expect(strictCompile.status == 3)
        #expect(strictCompile.stderr.contains("incidents/INC-0001-klipper-lb-dnat.yaml:5:1: warning: unknown key 'owner' in an incident record"))
        #expect(strictCompile.stderr.contains("warning: unknown key 'categroy' in a rule (did you mean 'category'?)"))
        #expect(TestSupport.readBytes(root + "/rules/k3s-servicelb-disabled.yaml") == nil, "nothing written")

        let compile = run(root, ["compile"])
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stderr.contains("unknown key 'owner' in an incident record"))
        // Twice: a constitution with warnings is not trusted from the cache, so the
        // constraints' warnings are shown on every run.
        for _ in 0..<2 {
            let lint = run(root, ["lint", "k8s"])
            #expect(lint.status == 0, "\(lint.stderr)")
            #expect(lint.stderr.contains("unknown key 'categroy' in a rule (did you mean 'category'?)"), "\(lint.stderr)")
        }
        #expect(run(root, ["lint", "k8s", "--strict"]).status == 3)
        #expect(run(root, ["test", "--strict"]).status == 3)
    }
}

extension String {
    /// `self` with occurrences of `target` replaced (the first `count`, or all).
    fileprivate func replacingOccurrences(of target: String, with replacement: String, count: Int = .max) -> String {
        var out = ""
        var rest = Substring(self)
        var done = 0
        while done < count, let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
            done += 1
        }
        return out + rest
    }
}
