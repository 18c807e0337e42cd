import TestSupport
import Testing

@Suite("constitution files (real binary)")
struct FilesCommandTests {
    let bin = TestSupport.binary

    @Test func textJSONAndExitCodes() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                "k8s/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n",
                "bad.yaml": "# café\nkey: [1, 2\nnext: 3\n",
            ], under: root)
        let text = TestSupport.run(bin, ["files", root, "--color", "never"])
        #expect(text.status == 4)
        #expect(text.stdout.contains("k8s/svc.yaml  kubernetes  1  Service"))
        #expect(text.stdout.contains("bad.yaml:3:5: error: did not find expected ',' or ']' while parsing a flow sequence\nnext: 3\n    ^"))
        let json = TestSupport.run(bin, ["files", root, "--format", "json"])
        #expect(json.status == 4)
        #expect(json.stdout.contains(#""path": "k8s/svc.yaml",\#n      "kind": "kubernetes",\#n      "documents": 1,\#n      "kinds": [\#n        "Service"\#n      ]"#))
        #expect(json.stdout.contains(#""errors": [\#n    {\#n      "path": "bad.yaml",\#n      "line": 3,\#n      "column": 5,"#))
        // Deterministic: byte-identical on a second run.
        #expect(TestSupport.run(bin, ["files", root, "--format", "json"]).stdout == json.stdout)
    }

    @Test func cleanEmptyMissingAndUsage() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        #expect(TestSupport.run(bin, ["files", root]).status == 5)
        TestSupport.write(["a.yaml": "a: 1\n"], under: root)
        #expect(TestSupport.run(bin, ["files", root]).status == 0)
        // A single file is classified by its own name, not shown as ".".
        let single = TestSupport.run(bin, ["files", "a.yaml", "--format", "json"], directory: root)
        #expect(single.stdout.contains("\"path\": \"a.yaml\",\n      \"kind\": \"yaml\""))
        let missing = TestSupport.run(bin, ["files", root + "/nope"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file or folder"))
        #expect(TestSupport.run(bin, ["files", "--format", "xml", root]).status == 2)
        #expect(TestSupport.run(bin, ["--help"]).stdout.contains("Exit codes:"))
    }

    @Test func exampleLabIsListed() {
        let result = TestSupport.run(bin, ["files", TestSupport.packageRoot + "/examples/homelab", "--format", "json"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"kind\": \"kubernetes\""))
        #expect(result.stdout.contains("\"kind\": \"cloud-init\""))
        #expect(result.stdout.contains("\"kind\": \"ansible-tasks\""))
    }
}
