import TestSupport
import Testing

/// `constitution install` (issue 13 §1): the installed program works from any folder with only
/// its folder on PATH, and finds its renderer and the starter constitution where it put them.
@Suite("constitution install (real binary)")
struct InstallTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    @Test func theInstalledProgramWorksFromAnyFolder() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        let prefix = root + "/opt/bin"
        let installed = TestSupport.run(bin, ["install", "--prefix", prefix], environment: ["PATH": "/usr/bin:/bin"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(installed.stdout.contains("installed: \(prefix)/constitution, \(prefix)/constitution-render"))
        #expect(installed.stdout.contains("installed: the starter constitution in \(root)/opt/share/constitution"))
        #expect(installed.stdout.contains("export PATH=\"\(prefix):$PATH\""), "not on PATH: the line to add")
        // A lab elsewhere, with nothing but the installed folder on PATH and no CONSTITUTION_HOME.
        let lab = root + "/lab"
        TestSupport.write([
            ".git/HEAD": "ref: refs/heads/main\n",
            "k8s/sc.yaml": "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: nfs}\nprovisioner: cluster.local/nfs-subdir-external-provisioner\nreclaimPolicy: Delete\n",
        ], under: lab)
        let env = ["PATH": prefix + ":/usr/bin:/bin", "HOME": root, "XDG_CACHE_HOME": root + "/cache"]
        func sh(_ script: String) -> TestSupport.ProcessResult {
            TestSupport.run("/usr/bin/env", ["-i"] + env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + ["/bin/sh", "-c", script], directory: lab)
        }
        let version = sh("constitution --version")
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("constitution 0."))
        let lint = sh("constitution lint .")
        #expect(lint.status == 1, "\(lint.stdout)\(lint.stderr)")
        #expect(lint.stdout.contains("nfs-storageclass-retain"))
        let render = sh("constitution render --root .")
        #expect(render.status == 0, "\(render.stdout)\(render.stderr)")
        #expect(TestSupport.readText(lab + "/CLAUDE.md").contains("constitution:begin"))
        let guardCall = sh("echo '{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"zpool destroy tank\"}}' | constitution guard")
        #expect(guardCall.stdout.contains("\"permissionDecision\":\"deny\""), "\(guardCall.stdout)\(guardCall.stderr)")
        // Installing again replaces what it installed, and says nothing about PATH once it is on it.
        let again = TestSupport.run(bin, ["install", "--prefix", prefix], environment: ["PATH": prefix + ":/usr/bin:/bin"])
        #expect(again.status == 0)
        #expect(!again.stdout.contains("is not on PATH"))
    }

    @Test func aPrefixThatCannotBeMadeIsAnError() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["file": "x"], under: root)
        let result = TestSupport.run(bin, ["install", "--prefix", root + "/file/bin"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("constitution: error:"))
    }
}

/// Integrators read the rules as JSON; the shell completion scripts exist (issue 13 §5).
@Suite("rules list --format json and completion (real binary)")
struct IntegrationSurfaceTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    @Test func rulesListAsJSON() {
        let json = TestSupport.run(bin, ["rules", "list", "--format", "json", "--constitution", starter])
        #expect(json.status == 0)
        #expect(json.stdout.hasPrefix("{\n  \"rules\": [\n    {\n      \"id\": \"authentik-oauth2-property-mappings\","))
        #expect(json.stdout.contains("\"agent\": [\n        \"kubectl apply*\""))
        #expect(json.stdout.contains("\"incident\": \"INC-0006\""))
        let parsed = TestSupport.run("/usr/bin/env", ["python3", "-c", "import json,sys; d=json.load(sys.stdin); print(len(d['rules']))"], stdin: json.stdout)
        #expect(parsed.stdout == "25\n")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScripts(_ shell: String) {
        let script = TestSupport.run(bin, ["--generate-completion-script", shell])
        #expect(script.status == 0)
        #expect(script.stdout.contains("guard") && script.stdout.contains("doctor") && script.stdout.contains("install"))
    }
}
