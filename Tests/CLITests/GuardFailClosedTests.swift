import TestSupport
import Testing

/// `guard` never fails open on its own failure (issue 16): payloads that once crashed it get a
/// decision, and a forced crash, stack overflow or hang inside its evaluation denies with exit 2.
@Suite("constitution guard fails closed (real binary)")
struct GuardFailClosedTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    func guardRun(_ payload: String, _ extra: [String] = [], cache: String) -> TestSupport.ProcessResult {
        TestSupport.run(bin, ["guard", "--constitution", starter] + (extra.contains("--timeout") ? extra : extra + ["--timeout", "600"]), stdin: payload, environment: ["XDG_CACHE_HOME": cache])
    }

    /// Two lone high surrogates once made the JSON reader trap (exit 132): the command ran.
    @Test func loneSurrogatesInABashCommandStillGetADenial() {
        let cache = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(cache) }
        let payload = #"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"kubectl apply -f x.yaml # \ud800\ud800"}}"#
        let result = guardRun(payload, cache: cache)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"permissionDecision\":\"deny\""))
        #expect(result.stdout.contains("gitops-no-imperative-kubectl"))
        for escapes in [#"\udc00\ud800"#, #"\ud800\u0041"#, #"\ud800"#, #"\udbff\udbff\udbff"#] {
            let other = guardRun(payload.replacingAll(#"\ud800\ud800"#, with: escapes), cache: cache)
            #expect(other.stdout.contains("\"permissionDecision\":\"deny\""), "\(escapes): \(other.stderr)")
        }
    }

    @Test func loneSurrogatesInAWriteGetACleanDecision() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        let retain = #"apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: nfs-client}  # \ud800\ud800\nprovisioner: cluster.local/nfs-subdir-external-provisioner\nreclaimPolicy: Retain\n"#
        func write(_ content: String) -> TestSupport.ProcessResult {
            guardRun(#"{"hook_event_name":"PreToolUse","cwd":"\#(root)","tool_name":"Write","tool_input":{"file_path":"\#(root)/k8s/sc.yaml","content":"\#(content)"}}"#, cache: root)
        }
        let allowed = write(retain)
        #expect(allowed.status == 0 && allowed.stdout.isEmpty, "\(allowed.stdout)\(allowed.stderr)")
        let denied = write(retain.replacingAll("Retain", with: "Delete"))
        #expect(denied.status == 0)
        #expect(denied.stdout.contains("nfs-storageclass-retain"), "\(denied.stderr)")
        // Surrogates inside the value the rule reads, too.
        let inValue = write(retain.replacingAll("Retain", with: #"Retain\udc00"#))
        #expect(inValue.status == 0)
        #expect(inValue.stdout.contains("nfs-storageclass-retain"), "\(inValue.stderr)")
    }

    @Test(arguments: [("trap", "SIGILL"), ("stack-overflow", "SIGSEGV")])
    func aCrashInsideTheEvaluationDenies(fault: String, signal: String) {
        let cache = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(cache) }
        let payload = #"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}"#
        for extra in [[], ["--exit-code"]] {
            let result = guardRun(payload, ["--test-fault", fault] + extra, cache: cache)
            #expect(result.status == 2, "\(fault): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("the guard itself crashed"))
            #expect(result.stderr.contains(signal))
            #expect(result.stderr.contains("so the call is denied"))
            #expect(result.stderr.contains("\(cache)/constitution/guard-failures/"))
        }
        // The payload is kept, byte for byte, for the report.
        let listing = TestSupport.run("/bin/sh", ["-c", "cat \(cache)/constitution/guard-failures/*.json"])
        #expect(listing.stdout == payload)
    }

    @Test func aHangIsDeniedAtTheTimeLimit() {
        let cache = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(cache) }
        let payload = #"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}"#
        let result = guardRun(payload, ["--test-fault", "hang", "--timeout", "0.3"], cache: cache)
        #expect(result.status == 2)
        #expect(result.stderr.contains("did not decide within 0.3 s"))
        #expect(guardRun(payload, ["--timeout", "0"], cache: cache).status == 2)
        #expect(guardRun(payload, ["--timeout", "0"], cache: cache).stderr.contains("--timeout must be a positive number"))
    }

    @Test func inputThatIsNotAHookPayloadStaysANonBlockingError() {
        let cache = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(cache) }
        for input in ["", "not json", "[1,2]", #"{"tool_name":"Bash"}"#, #"{"tool_name":"Bash","tool_input":{"command":"\ud800"#, "{\"a\":-01}"] {
            let result = guardRun(input, cache: cache)
            #expect(result.status == 1, "\(input.debugDescription): \(result.status) \(result.stderr)")
            #expect(result.stderr.hasPrefix("constitution guard: "))
        }
    }
}
