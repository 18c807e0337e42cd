@testable import ConstitutionRules
import Testing

/// The one shell reader: what it reads, where each command is, and what it marks unknown.
@Suite("Shell reader")
struct ShellReaderTests {
    func runs(_ text: String) -> [ShellRun] { ShellReader.read(MappedText.file(Array(text.utf8))) }
    func commands(_ text: String) -> [String] { runs(text).map(\.text.string) }

    @Test func listsPipelinesAndCompoundCommands() {
        #expect(commands("a x && b || c; d & e | f |& g") == ["a x", "b", "c", "d", "e", "f", "g"])
        #expect(commands("if a; then b; elif c; then d; else e; fi") == ["a", "b", "c", "d", "e"])
        #expect(commands("for x in 1 2; do b $x; done") == ["b $x"])
        #expect(commands("while read l; do b; done < f") == ["read l", "b"])
        #expect(commands("case $x in a|b) c ;; *) d ;; esac") == ["c", "d"])
        #expect(commands("case $(pick) in\n  (a | b)\n    c\n    ;;\n  *) d;;\nesac\ne") == ["pick", "c", "d", "e"])
        #expect(commands("f() { a; }; { b; }; ( c ); ! d; time e") == ["f", "a", "b", "c", "d", "e"])
    }

    @Test func redirectionsAndAssignmentsAreNotWords() {
        #expect(commands(">/dev/null 2>&1 A=1 cmd x <in >>out y 3<&0 &>log") == ["cmd x y"])
        #expect(commands("cat <<EOF > f\nbody\nEOF") == ["cat"])
        #expect(commands("tr a b <<< \"$x\"") == ["tr a b"])
    }

    @Test func substitutionsRunBeforeTheirCommand() {
        #expect(commands("echo $(a x) `b y` <(c) \"$(d)\"") == ["a x", "b y", "c", "d", "echo $(a x) `b y` <(c) $(d)"])
        #expect(commands("x=$(a)") == ["a"])
        #expect(commands("echo '$(not run)'") == ["echo $(not run)"])
        #expect(commands("echo $((1 + 2))") == ["echo $((1 + 2))"])
    }

    @Test func wrappersAndShellsAreSeenThrough() {
        let read = runs("sudo -u root env A=1 timeout 5 kubectl apply -f x")
        #expect(read.map(\.text.string) == ["kubectl apply -f x"])
        #expect(read[0].via == ["sudo", "env", "timeout"])
        #expect(commands("sh -c 'a; b' && bash -ec \"c\"") == ["sh -c a; b", "a", "b", "bash -ec c", "c"])
        #expect(commands("find . -exec a {} \\; -execdir b {} +") == ["find . -exec a {} ; -execdir b {} +", "a {}", "b {}"])
        #expect(commands("echo 'a x' | sh") == ["echo a x", "sh", "a x"])
        #expect(runs("echo 'a x' | sh")[2].via == ["echo | sh"])
        #expect(commands("command -v kubectl") == ["command -v kubectl"])
    }

    @Test func theCommandWordByNameVariableOrAlias() {
        #expect(runs("/usr/local/bin/kubectl get x")[0].name == "kubectl")
        #expect(commands("/usr/local/bin/kubectl get x") == ["kubectl get x"])
        #expect(commands("K=kubectl; $K get x") == ["kubectl get x"])
        #expect(commands("K='kubectl -n a'; $K get x") == ["kubectl -n a get x"])
        #expect(commands("alias k='kubectl'; k get x") == ["alias k=kubectl", "kubectl get x"])
        let unknown = runs("$K get x")
        #expect(unknown[0].name == "" && unknown[0].unknown == [true, false, false])
        #expect(runs("K=$(pick); $K x")[1].unknown[0])
    }

    @Test func eachCommandIsAtItsCommandWord() {
        let read = runs("A=1 sudo  kubectl apply\necho $(zpool list)")
        #expect(read.map(\.location.description) == ["1:11", "2:8", "2:1"])
        #expect(read[0].text.location(at: 8).description == "1:19")
    }

    /// The forward locator the reader maps words with gives exactly what `location(at:)` gives.
    @Test func theLocatorAgreesWithLocationAt() {
        let file = MappedText.file(Array("é🚀 a\\\n  b \"c d\"\nñ x\n".utf8))
        let lines = ShellWords.logicalLines(file)
        for text in [file] + lines {
            var locator = MappedText.Locator(text)
            for offset in 0...(text.bytes.count + 2) {
                #expect(locator.location(at: offset) == text.location(at: offset), "\(text.string.debugDescription) at \(offset)")
            }
            // Going back is answered too.
            #expect(locator.location(at: 0) == text.location(at: 0))
        }
    }

    @Test func nestingPastTheLimitIsMarkedNotRead() {
        let deep = runs(String(repeating: "eval ", count: ShellReader.maxDepth + 4) + "ls")
        #expect(deep.contains { $0.unverifiable != nil })
        #expect(!runs(String(repeating: "eval ", count: ShellReader.maxDepth - 1) + "ls").contains { $0.unverifiable != nil })
    }

    @Test func inlineProgramsAreKept() {
        #expect(runs("python3 -c 'import os'")[0].inlineCode?.string == "import os")
        #expect(runs("perl -e 'x'")[0].inlineCode?.string == "x")
        #expect(runs("node --eval=y")[0].inlineCode?.string == "y")
    }

    /// Hostile input: long, unbalanced, deeply nested; the reader ends and never traps.
    @Test func hostileTextEnds() {
        for text in [
            String(repeating: "$(", count: 5_000), String(repeating: "`", count: 5_001), String(repeating: "'", count: 9_999),
            String(repeating: "a | ", count: 20_000), String(repeating: "<<", count: 3_000), String(repeating: "\\", count: 7_777),
            "$'\\x", "$'\\1", "a <(", "${", "echo \"$(", String(repeating: "sh -c ", count: 3_000),
        ] {
            _ = runs(text)
        }
    }
}
