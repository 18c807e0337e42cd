#if canImport(Glibc)
import Glibc
#endif
import TestSupport
import Testing

/// Runs the real binary under `timeout` (a hang fails the test with status 124 instead of
/// wedging the suite), with the starter constitution.
private func run(_ arguments: [String], directory: String? = nil, seconds: Int = 60) -> TestSupport.ProcessResult {
    var arguments = arguments
    if arguments.first == "lint" { arguments += ["--constitution", TestSupport.packageRoot] }
    return TestSupport.run("/usr/bin/timeout", ["\(seconds)", TestSupport.binary] + arguments + ["--color", "never"], directory: directory)
}

/// A Service publishing port 22 through a LoadBalancer: one finding per port of the starter
/// rule `loadbalancer-not-on-ssh-port`, so a run that still checks it shows it.
private let service = """
    apiVersion: v1
    kind: Service
    metadata: {name: ssh}
    spec:
      type: LoadBalancer
      ports:
        - port: 22

    """

private let serviceFinding = "svc.yaml:7:13: error: a LoadBalancer Service publishes a port reserved for node administration"

/// A tree with `svc.yaml` and whatever `setUp` adds; removed afterwards.
private func withTree(_ files: [String: String] = [:], _ body: (String) -> Void) {
    let root = TestSupport.makeTemporaryDirectory()
    defer { TestSupport.remove(root) }
    TestSupport.write(files.merging(["svc.yaml": service]) { a, _ in a }, under: root)
    body(root)
}

@Suite("Hostile files: nothing hangs, exhausts or floods a run (real binary)")
struct HostileFilesTests {
    // MARK: 1. FIFOs, sockets, devices

    @Test func aFIFOInTheTreeOrNamedIsReportedAndTheRestChecked() {
        withTree { root in
            #expect(mkfifo(root + "/pipe.yaml", 0o644) == 0)
            #expect(mkfifo(root + "/notes", 0o644) == 0)
            let lint = run(["lint", root])
            #expect(lint.status == 4, "\(lint)")
            #expect(lint.stdout.contains("pipe.yaml:1:1: error: not a regular file (FIFO): not read"))
            #expect(lint.stdout.contains("notes:1:1: error: not a regular file (FIFO): not read"))
            #expect(lint.stdout.contains(serviceFinding))
            let files = run(["files", root])
            #expect(files.status == 4, "\(files)")
            #expect(files.stdout.contains("pipe.yaml:1:1: error: not a regular file (FIFO): not read"))
            #expect(files.stdout.contains("svc.yaml   kubernetes  1  Service"))
            // Named on the command line (a pre-commit run) and listed by name.
            let named = run(["lint", "pipe.yaml", "svc.yaml"], directory: root)
            #expect(named.status == 4, "\(named)")
            #expect(named.stdout.contains("pipe.yaml:1:1: error: not a regular file (FIFO)"))
            #expect(named.stdout.contains(serviceFinding))
            let listed = run(["files", "pipe.yaml", "svc.yaml"], directory: root)
            #expect(listed.status == 4, "\(listed)")
            #expect(listed.stdout.contains("pipe.yaml:1:1: error: not a regular file (FIFO)"))
        }
    }

    @Test func aDeviceNamedOnTheCommandLineIsNotRead() {
        let files = run(["files", "/dev/zero", "/dev/null"], seconds: 20)
        #expect(files.status == 4, "\(files)")
        #expect(files.stdout.contains("/dev/zero:1:1: error: not a regular file (character device): not read"))
        #expect(files.stdout.contains("/dev/null:1:1: error: not a regular file (character device): not read"))
    }

    // MARK: 2. Symlinks out of the tree, loops

    @Test func symlinksToDevicesAndOutOfTheTreeAreNotFollowed() {
        withTree(["inside/real.yaml": "a: 1\n"]) { root in
            symlink("/dev/zero", root + "/zero.yaml")
            symlink("/dev/urandom", root + "/random.yaml")
            symlink("/etc", root + "/etc-link")
            symlink("inside/real.yaml", root + "/alias.yaml")
            symlink(root + "/inside", root + "/inside/loop")
            for command in ["lint", "files"] {
                let result = run([command, root], seconds: 30)
                #expect(result.status == 4, "\(command): \(result)")
                #expect(result.stdout.contains("zero.yaml:1:1: error: symlink leaves the tree: -> /dev/zero"))
                #expect(result.stdout.contains("random.yaml:1:1: error: symlink leaves the tree: -> /dev/urandom"))
                #expect(result.stdout.contains("etc-link:1:1: error: symlink leaves the tree: -> /etc"))
                #expect(result.stdout.contains("inside/loop:1:1: error: cannot read: symlink loop (this folder contains itself)"))
                #expect(!result.stdout.contains("alias.yaml:1:1"))
            }
            #expect(run(["lint", root]).stdout.contains(serviceFinding))
            #expect(run(["files", root]).stdout.contains("alias.yaml "))
        }
    }

    // MARK: 3. Size limit

    @Test func filesOverTheSizeLimitAreSkippedWithAMessage() {
        let big = String(repeating: "# padding 123\n", count: 150_000)  // 2.1 MB
        withTree(["big.yaml": big]) { root in
            for command in ["lint", "files"] {
                let flagged = run([command, root, "--max-file-size", "1MiB"])
                #expect(flagged.status == 4, "\(command): \(flagged)")
                #expect(flagged.stdout.contains("big.yaml:1:1: error: file is 2100000 bytes (2.0 MiB), over the 1 MiB limit"))
                #expect(run([command, root, "--max-file-size", "3MB"]).status == (command == "lint" ? 1 : 0))
                #expect(run([command, root, "--max-file-size", "lots"]).status == 2)
            }
            #expect(run(["lint", root, "--max-file-size", "1MiB"]).stdout.contains(serviceFinding))
            // From .constitution.yaml (lint and files alike); the flag wins over it.
            TestSupport.write([".constitution.yaml": "schema: 1\nmax_file_size: 1048576\n"], under: root)
            for command in ["lint", "files"] {
                let configured = run([command, root])
                #expect(configured.status == 4, "\(command): \(configured)")
                #expect(configured.stdout.contains("big.yaml:1:1: error: file is 2100000 bytes (2.0 MiB), over the 1 MiB limit"))
                #expect(run([command, root, "--max-file-size", "4MiB"]).status == (command == "lint" ? 1 : 0))
            }
            // A bad value is a located configuration error (exit 3).
            TestSupport.write([".constitution.yaml": "schema: 1\nmax_file_size: 12 parsecs\n"], under: root)
            let bad = run(["lint", root])
            #expect(bad.status == 3, "\(bad)")
            #expect(bad.stderr.contains(".constitution.yaml:2:16: error: max_file_size: unknown size unit 'parsecs' in '12 parsecs'"))
            #expect(run(["files", root]).status == 3)
        }
    }

    @Test func theDefaultLimitIsSixteenMiB() {
        withTree(["huge.yaml": String(repeating: "k: v\n", count: (16 << 20) / 5 + 1)]) { root in
            let result = run(["files", root])
            #expect(result.status == 4, "\(result)")
            #expect(result.stdout.contains("huge.yaml:1:1: error: file is 16777220 bytes (16.0 MiB), over the 16 MiB limit"))
        }
    }

    // MARK: 4. Deep nesting

    @Test func deepNestingIsALocatedErrorInAFractionOfASecond() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n"
        withTree(["deep.yaml": deep, "deeper.yaml": "a:\n  " + String(repeating: "- ", count: 100_000) + "x\n"]) { root in
            for command in ["lint", "files"] {
                let result = run([command, root], seconds: 20)
                #expect(result.status == 4, "\(command): \(result)")
                #expect(result.stdout.contains("deep.yaml:1:257: error: collections nest deeper than 256 levels; parsing stopped"))
                // The mapping is level 1: the 256th `-` opens level 257.
                #expect(result.stdout.contains("deeper.yaml:2:\(3 + 255 * 2): error: collections nest deeper than 256 levels"))
            }
            #expect(run(["lint", root]).stdout.contains(serviceFinding))
        }
    }

    // MARK: 5. Many findings in one file

    @Test func twentyThousandFindingsInOneFileComplete() {
        var documents: [String] = []
        for i in 0..<20_000 {
            documents.append("apiVersion: v1\nkind: Service\nmetadata: {name: s\(i)}\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 22\n")
        }
        withTree(["many.yaml": documents.joined(separator: "---\n")]) { root in
            let result = run(["lint", root, "--format", "json"], seconds: 120)
            #expect(result.status == 1)
            // Two per Service (port 22, no address pool) and svc.yaml's two.
            #expect(result.stdout.contains("\"findings\": 40002,"), "\(result.stdout.suffix(400))")
            let text = run(["lint", root], seconds: 120)
            #expect(text.stdout.contains("many.yaml:159999:13: error: a LoadBalancer Service publishes a port reserved for node administration"))
            #expect(text.stdout.contains("\n    - port: 22\n            ^\n"))
        }
    }

    // MARK: 6. Long lines and control characters

    @Test func longLinesAreCutAroundTheColumn() {
        let line = "key: " + String(repeating: "a", count: 1_000_000) + ": b\n"
        withTree(["long.yaml": line]) { root in
            for command in ["lint", "files"] {
                let result = run([command, root])
                #expect(result.status == 4)
                #expect(result.stdout.contains("long.yaml:1:1000006: error: mapping values are not allowed in this context"))
                // About 200 characters around the column, marked where cut; the caret under it.
                // The column is near the end of the line, so the window ends with the line.
                let expected = "\n…" + String(repeating: "a", count: 197) + ": b\n" + String(repeating: " ", count: 198) + "^\n"
                #expect(result.stdout.contains(expected), "\(result.stdout.prefix(800))")
                #expect(result.stdout.utf8.count < 2_000)
            }
        }
    }

    @Test func controlCharactersFromFilesNeverReachTheTerminal() {
        // Escape sequences (clear the screen, set the title, a bell): in a key written with
        // YAML escapes (echoed in the duplicate-key message), and raw in a line that does not
        // parse (echoed as the source line).
        let sneaky = "\u{1B}[2J\u{1B}]0;pwned\u{07}"
        withTree([
            "dup.yaml": "\"k\\e[2J\\e]0;pwned\\a\": 1\n\"k\\e[2J\\e]0;pwned\\a\": 2\n",
            "bad.yaml": "a: \"x\(sneaky)\"\nb: [\n",
        ]) { root in
            for command in ["lint", "files"] {
                let result = run([command, root])
                #expect(result.status == 4, "\(command): \(result)")
                #expect(!result.stdout.utf8.contains(0x1B), "\(command) echoed ESC")
                #expect(!result.stdout.utf8.contains(0x07), "\(command) echoed BEL")
                #expect(result.stdout.contains("duplicate key 'k␛[2J␛]0;pwned␇' (also at 1:1)"))
                #expect(result.stdout.contains("bad.yaml:1:"))
                #expect(result.stdout.contains("\na: \"x␛[2J␛]0;pwned␇\"\n"))
            }
        }
    }

    // MARK: 7. UTF-16 and UTF-32

    @Test func wideEncodingsSayWhatTheyAre() {
        withTree { root in
            var utf16: [UInt8] = [0xFF, 0xFE]
            for unit in "a: 1\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            TestSupport.writeBytes(utf16, to: root + "/bom.yaml")
            var utf16be: [UInt8] = []
            for unit in "echo hi\n".utf16 { utf16be += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            TestSupport.writeBytes(utf16be, to: root + "/run.sh")
            TestSupport.writeBytes([0, 0, 0xFE, 0xFF, 0, 0, 0, 0x61], to: root + "/wide.yaml")
            for command in ["lint", "files"] {
                let result = run([command, root])
                #expect(result.status == 4, "\(command): \(result)")
                #expect(result.stdout.contains("bom.yaml:1:1: error: UTF-16LE text: convert to UTF-8 (iconv -f UTF-16LE -t UTF-8)"))
                #expect(result.stdout.contains("run.sh:1:1: error: UTF-16BE text: convert to UTF-8"))
                #expect(result.stdout.contains("wide.yaml:1:1: error: UTF-32BE text: convert to UTF-8"))
            }
        }
    }

    // MARK: 8. Duplicate keys

    private let volume = """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: data}
        spec:
          reclaimPolicy: Delete
          capacity: {storage: 1Gi}
          reclaimPolicy: Retain

        """

    @Test func duplicateKeysAreErrorFindings() {
        withTree(["pv.yaml": volume]) { root in
            let result = run(["lint", root])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.contains(
                "pv.yaml:7:3: error: duplicate key 'reclaimPolicy' (also at 5:3): readers disagree on which value wins [duplicate-key]\n  reclaimPolicy: Retain\n  ^\n"))
            let json = run(["lint", root, "--format", "json"])
            #expect(json.stdout.contains("\"rule\": \"duplicate-key\""))
            let sarif = run(["lint", root, "--format", "sarif"])
            #expect(sarif.stdout.contains("\"id\": \"duplicate-key\""))
            // `files` shows it as a warning of the YAML layer, with the same words.
            let files = run(["files", root])
            #expect(files.stdout.contains("pv.yaml:7:3: warning: duplicate key 'reclaimPolicy' (also at 5:3)"))
        }
    }

    @Test func duplicateKeysFollowSeverityWaiversAndTheThreshold() {
        withTree(["pv.yaml": volume]) { root in
            TestSupport.write([".constitution.yaml": "schema: 1\nseverity: {duplicate-key: warning}\n"], under: root)
            let warned = run(["lint", root + "/pv.yaml", "--root", root])
            #expect(warned.status == 0, "\(warned)")
            #expect(warned.stdout.contains("pv.yaml:7:3: warning: duplicate key 'reclaimPolicy'"))
            #expect(run(["lint", root + "/pv.yaml", "--root", root, "--severity-threshold", "warning"]).status == 1)
            TestSupport.write([".constitution.yaml": "schema: 1\nseverity: {duplicate-key: \"off\"}\n"], under: root)
            let off = run(["lint", root + "/pv.yaml", "--root", root])
            #expect(off.status == 0, "\(off)")
            #expect(!off.stdout.contains("duplicate key"))
            TestSupport.write([".constitution.yaml": "schema: 1\n"], under: root)
            let waived = volume.replacingAll(
                "  reclaimPolicy: Retain", with: "  reclaimPolicy: Retain  # constitution:ignore duplicate-key reason=\"migrating\"")
            TestSupport.write(["pv.yaml": waived], under: root)
            let result = run(["lint", root + "/pv.yaml", "--root", root])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.contains("1 waived"))
        }
    }
}
