import TestSupport
import Testing

/// `constitution doctor` (issue 13 §2): every piece of a repository's setup, checked the way it
/// is used, each problem with its fix; exit 1 when any fails, 0 when all is well.
@Suite("constitution doctor (real binary)")
struct DoctorTests {
    let bin = TestSupport.binary

    @Test func aBrokenSetupFailsWithFixesAndACompleteOnePasses() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write([".git/HEAD": "ref: refs/heads/main\n"], under: root)
        let folder = String(bin.utf8.prefix(bin.utf8.count - "/constitution".utf8.count))!
        let bare = ["PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": root + "/.cache"]
        #expect(TestSupport.run(bin, ["init", root]).status == 0)
        let broken = TestSupport.run(bin, ["doctor", "--root", root], environment: bare)
        #expect(broken.status == 1, "\(broken.stdout)\(broken.stderr)")
        for line in [
            "FAIL on PATH: `constitution` is not on PATH", "ok   constitution: \(root) (repository)", "FAIL .claude/settings.json: missing",
            "FAIL pre-commit: no .pre-commit-config.yaml", "FAIL Gitea workflow: no workflow", "fix: `constitution render`",
        ] {
            #expect(broken.stdout.contains(line), "\(line)\n\(broken.stdout)")
        }
        // Set up as the README says: on PATH, rendered, pre-commit pinned, the workflow present.
        let onPath = ["PATH": folder + ":/usr/bin:/bin", "XDG_CACHE_HOME": root + "/.cache"]
        #expect(TestSupport.run(bin, ["init", root, "--with-workflow", "--with-pre-commit"]).status == 0)
        // init pins pre-commit's rev to the commit the tool was built from, never a branch.
        let config = TestSupport.readText(root + "/.pre-commit-config.yaml")
        #expect(!config.contains("rev: main"), "\(config)")
        #expect(config.contains("rev: "))
        #expect(TestSupport.run(bin, ["render", "--root", root], environment: onPath).status == 0)
        let good = TestSupport.run(bin, ["doctor", "--root", root], environment: onPath)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("ok   guard hook: `constitution guard` denied the probe `"))
        #expect(good.stdout.contains("all 7 checks passed"))
        // A hand-edited deny list, and a stale CLAUDE.md, are caught.
        let settings = TestSupport.readText(root + "/.claude/settings.json")
        TestSupport.write([".claude/settings.json": settings.replacingAll("\"Bash(kubectl apply *)\",", with: "")], under: root)
        let edited = TestSupport.run(bin, ["doctor", "--root", root], environment: onPath)
        #expect(edited.status == 1)
        #expect(edited.stdout.contains("FAIL .claude/settings.json: the deny list lacks 1: Bash(kubectl apply *)"), "\(edited.stdout)")
    }
}
