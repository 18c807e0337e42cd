import TestSupport
import Testing

@Suite("Baselines: lint --write-baseline / --baseline (real binary, starter constitution)")
struct BaselineTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    /// A copy of examples/homelab in a fresh folder (as `lab`), returning the folder.
    func copyOfTheExampleLab() -> String {
        let dir = TestSupport.makeTemporaryDirectory()
        _ = TestSupport.run("/bin/cp", ["-R", TestSupport.packageRoot + "/examples/homelab", dir + "/lab"])
        return dir
    }

    func lint(_ dir: String, _ args: [String]) -> TestSupport.ProcessResult {
        TestSupport.run(bin, ["lint", "lab", "--constitution", starter, "--color", "never"] + args, directory: dir)
    }

    func edit(_ path: String, _ change: (String) -> String) {
        let text = TestSupport.readText(path)
        let changed = change(text)
        #expect(changed != text, "the edit changed nothing in \(path)")
        TestSupport.write([path: changed], under: "/")
    }

    @Test func theRoundTripOnTheExampleLab() {
        let dir = copyOfTheExampleLab()
        defer { TestSupport.remove(dir) }
        #expect(lint(dir, []).status == 1)
        let written = lint(dir, ["--write-baseline", "baseline.yaml"])
        #expect(written.status == 0, "\(written.stdout)\(written.stderr)")
        #expect(written.stderr.contains("wrote baseline.yaml: 38 entries covering 38 findings"))
        #expect(written.stdout.contains("0 new findings in 72 files checked by 25 rules; 38 known (baseline)"))
        let file = TestSupport.readText(dir + "/baseline.yaml")
        #expect(file.contains("schema: 1\nentries:\n  - rule: gitops-no-imperative-kubectl\n    path: \".gitea/workflows/deploy.yaml\"\n"))
        #expect(!file.contains("\n    line:"))

        // Lines added above the findings of a manifest (and re-indented nothing): still known.
        let minio = dir + "/lab/k8s/apps/minio/statefulset.yaml"
        edit(minio) { "# MinIO: object storage for backups\n# (reviewed 2026-12)\n\n" + $0 }
        let shifted = lint(dir, ["--baseline", "baseline.yaml"])
        #expect(shifted.status == 0, "\(shifted.stdout)")
        #expect(shifted.stdout.contains("0 new findings in 72 files checked by 25 rules; 38 known (baseline)"))
        #expect(shifted.stdout.contains("known (baseline baseline.yaml): 38 findings, not failing\n"))
        #expect(shifted.stdout.contains("  k8s/apps/minio/statefulset.yaml:34:26: error: this image needs x86-64-v2"))

        // A new violation: exactly it is new, and the run fails.
        edit(dir + "/lab/scripts/wipe-disk.sh") { $0 + "wipefs -a /dev/sdd\n" }
        let fresh = lint(dir, ["--baseline", "baseline.yaml", "--format", "json"])
        #expect(fresh.status == 1)
        #expect(fresh.stdout.contains("\"summary\": {\n    \"files\": 72,\n    \"rules\": 25,\n    \"findings\": 1,"), "\(fresh.stdout)")
        #expect(fresh.stdout.contains("\"path\": \"scripts/wipe-disk.sh\",\n      \"line\": 10,"))
        #expect(fresh.stdout.contains("\"baseline\": \"new\""))
        #expect(fresh.stdout.contains("\"baseline\": {\n    \"file\": \"baseline.yaml\",\n    \"new\": 1,\n    \"unchanged\": 38,\n    \"absent\": 0,"))
        TestSupport.write(["lab/scripts/wipe-disk.sh": String(TestSupport.readText(dir + "/lab/scripts/wipe-disk.sh").dropLast("wipefs -a /dev/sdd\n".count))], under: dir)

        // A violation removed: its entry no longer matches, and says how to shrink the file.
        edit(dir + "/lab/k8s/apps/scylla/statefulset.yaml") { $0.replacingAll("docker.io/scylladb/scylla:5.4", with: "docker.io/library/busybox:1.36") }
        let gone = lint(dir, ["--baseline", "baseline.yaml"])
        #expect(gone.status == 0, "\(gone.stdout)")
        #expect(gone.stdout.contains("note: 1 baseline entry no longer matches (fixed or changed); run `constitution lint --write-baseline baseline.yaml` to shrink baseline.yaml\n"))
        #expect(gone.stdout.contains("  gone: k8s/apps/scylla/statefulset.yaml [image-cpu-baseline] image: docker.io/scylladb/scylla:5.4\n"))

        // Writing over the file shrinks it, and never adds unless asked.
        edit(dir + "/lab/scripts/wipe-disk.sh") { $0 + "wipefs -a /dev/sdd\n" }
        let shrunk = lint(dir, ["--write-baseline", "baseline.yaml", "--quiet"])
        #expect(shrunk.status == 1)
        #expect(shrunk.stderr.contains("wrote baseline.yaml: 37 entries covering 37 findings; 1 finding no longer found, dropped; 1 new finding not added"))
        #expect(!TestSupport.readText(dir + "/baseline.yaml").contains("scylladb"))
        let grown = lint(dir, ["--write-baseline", "baseline.yaml", "--baseline-add-new", "--quiet"])
        #expect(grown.status == 0)
        #expect(TestSupport.readText(dir + "/baseline.yaml").contains("excerpt: \"wipefs -a /dev/sdd\""))
    }

    @Test func identicalFindingsAreCountedNotMerged() {
        let dir = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(dir) }
        let script = "#!/bin/sh\nwipefs -a /dev/sdb\necho next\n  wipefs   -a /dev/sdb\n"
        TestSupport.write(["lab/wipe.sh": script], under: dir)
        #expect(lint(dir, ["--write-baseline", "b.yaml"]).status == 0)
        let file = TestSupport.readText(dir + "/b.yaml")
        #expect(file.contains("    excerpt: \"wipefs -a /dev/sdb\"\n    count: 2\n"), "\(file)")
        // A third copy is new; removing two leaves one entry's worth no longer matching.
        TestSupport.write(["lab/wipe.sh": script + "wipefs -a /dev/sdb\n"], under: dir)
        let third = lint(dir, ["--baseline", "b.yaml", "--format", "json"])
        #expect(third.status == 1)
        #expect(third.stdout.contains("\"new\": 1,\n    \"unchanged\": 2,"))
        TestSupport.write(["lab/wipe.sh": "#!/bin/sh\nwipefs -a /dev/sdb\n"], under: dir)
        let one = lint(dir, ["--baseline", "b.yaml"])
        #expect(one.status == 0)
        #expect(one.stdout.contains("note: 1 baseline entry no longer matches"))
        #expect(one.stdout.contains("gone: wipe.sh [no-destructive-storage-commands] wipefs -a /dev/sdb\n"))
    }

    @Test func theFileIsDeterministic() {
        let dir = copyOfTheExampleLab()
        defer { TestSupport.remove(dir) }
        #expect(lint(dir, ["--write-baseline", "one.yaml", "--jobs", "1"]).status == 0)
        #expect(lint(dir, ["--write-baseline", "two.yaml"]).status == 0)
        let one = TestSupport.readBytes(dir + "/one.yaml"), two = TestSupport.readBytes(dir + "/two.yaml")
        #expect(one != nil && one == two)
        // Writing over it with the same findings changes no byte.
        #expect(lint(dir, ["--write-baseline", "one.yaml"]).status == 0)
        #expect(TestSupport.readBytes(dir + "/one.yaml") == two)
    }

    @Test(.enabled(if: MachineFormatTests.canValidate, "needs ../shared/schemas/sarif-schema-2.1.0.json and python3"))
    func sarifCarriesBaselineStatesAndValidates() {
        let dir = copyOfTheExampleLab()
        defer { TestSupport.remove(dir) }
        #expect(lint(dir, ["--write-baseline", "baseline.yaml"]).status == 0)
        edit(dir + "/lab/scripts/wipe-disk.sh") { $0 + "wipefs -a /dev/sdd\n" }
        let result = lint(dir, ["--baseline", "baseline.yaml", "--format", "sarif", "--output", "lab.sarif", "--format", "junit", "--output", "lab.xml", "--format", "github", "--format", "markdown", "--output", "summary.md"])
        #expect(result.status == 1)
        let sarif = TestSupport.readText(dir + "/lab.sarif")
        let states = TestSupport.run(
            "/usr/bin/env",
            ["python3", "-c", "import json,sys,collections; r=json.load(open(sys.argv[1]))['runs'][0]; print(sorted(collections.Counter(x.get('baselineState') for x in r['results']).items()), r['properties'])", dir + "/lab.sarif"])
        #expect(states.stdout == "[('new', 1), ('unchanged', 38)] {'baseline': {'file': 'baseline.yaml', 'new': 1, 'unchanged': 38, 'absent': 0}}\n", "\(states.stdout)\(states.stderr)")
        let validate = TestSupport.run("/usr/bin/env", ["python3", TestSupport.packageRoot + "/Tests/ConstitutionReportTests/validate_sarif.py", MachineFormatTests.schema, dir + "/lab.sarif"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)\(sarif.prefix(200))")
        // JUnit: only the new finding fails; GitHub: only it is annotated, plus one notice.
        let counts = TestSupport.run(
            "/usr/bin/env",
            ["python3", "-c", "import sys, xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); print(r.get('tests'), r.get('failures'))", dir + "/lab.xml"])
        #expect(counts.stdout.hasSuffix(" 1\n"), "\(counts.stdout)")
        let annotations = result.stdout.split(separator: "\n")
        #expect(annotations.count == 2, "\(result.stdout)")
        #expect(annotations.first?.hasPrefix("::error file=scripts/wipe-disk.sh,line=10,") == true)
        #expect(annotations.last == "::notice title=constitution baseline::38 known findings listed in baseline.yaml, not annotated")
        let summary = TestSupport.readText(dir + "/summary.md")
        #expect(summary.contains("❌ **1 finding at or above the threshold (error).**"))
        #expect(summary.contains("### Known findings (baseline)\n\n38 findings listed in `baseline.yaml`: known debt, shown but not failing.\n"))
    }

    @Test func theConfigNamesTheDefaultBaseline() {
        let dir = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(dir) }
        TestSupport.write(["lab/wipe.sh": "wipefs -a /dev/sdb\n", "lab/.constitution.yaml": "schema: 1\nbaseline: debt/baseline.yaml\n"], under: dir)
        // Named but missing: a constitution error that says how to make it.
        let missing = lint(dir, [])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("cannot read the baseline lab/debt/baseline.yaml; record one with `constitution lint --write-baseline lab/debt/baseline.yaml`"), "\(missing.stderr)")
        _ = TestSupport.run("/bin/mkdir", ["-p", dir + "/lab/debt"])
        #expect(lint(dir, ["--write-baseline", "lab/debt/baseline.yaml"]).status == 0)
        let used = lint(dir, [])
        #expect(used.status == 0)
        #expect(used.stdout.contains("0 new findings in 3 files checked by 25 rules; 1 known (baseline)"))
        #expect(lint(dir, ["--no-baseline"]).status == 1)
    }

    @Test(arguments: [
        ("[1, 2", "b.yaml:1:6: error: did not find expected ',' or ']'"),
        ("schema: 2\nentries: []\n", "b.yaml:1:9: error: schema 2 is newer than this tool understands (1); upgrade constitution"),
        ("entries: []\n", "b.yaml:1:1: error: missing required key 'schema'"),
        ("schema: 1\nentries:\n  - rule: x\n    path: a\n    hash: XYZ\n", "b.yaml:5:11: error: hash must be 16 lowercase hex digits"),
        ("schema: 1\nentries:\n  - rule: x\n    path: a\n    hash: 0123456789abcdef\n    count: 99999999999999999999999\n", "b.yaml:6:12: error: count must be a whole number from 1 to 1000000000"),
        ("schema: 1\nentries:\n  - rule: [x]\n    path: a\n    hash: 0123456789abcdef\n", "b.yaml:3:11: error: 'rule' must be a string, found a list"),
        ("schema: 1\nentries: {a: 1}\n", "b.yaml:2:10: error: 'entries' must be a list"),
        ("just text\n", "b.yaml:1:1: error: a baseline is a mapping"),
        ("schema: 1\nentries:\n  - &a [*a]\n", "b.yaml:3"),
    ])
    func aBrokenBaselineIsALocatedConstitutionError(text: String, message: String) {
        let dir = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(dir) }
        TestSupport.write(["lab/wipe.sh": "wipefs -a /dev/sdb\n", "b.yaml": text], under: dir)
        let result = lint(dir, ["--baseline", "b.yaml"])
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        // Nor is a broken file written over.
        #expect(lint(dir, ["--write-baseline", "b.yaml"]).status == 3)
        #expect(TestSupport.readText(dir + "/b.yaml") == text)
    }

    @Test func unknownKeysWarnAndContradictoryFlagsAreUsageErrors() {
        let dir = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(dir) }
        TestSupport.write(["lab/ok.sh": "echo hi\n", "b.yaml": "schema: 1\nentrys: []\n"], under: dir)
        let warned = lint(dir, ["--baseline", "b.yaml"])
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("b.yaml:2:1: warning: unknown key 'entrys' in the baseline (did you mean 'entries'?)"), "\(warned.stderr)")
        #expect(lint(dir, ["--baseline", "b.yaml", "--no-baseline"]).status == 2)
        #expect(lint(dir, ["--baseline-add-new"]).status == 2)
        #expect(lint(dir, ["--write-baseline", "c.yaml", "--baseline", "b.yaml"]).status == 2)
    }
}
