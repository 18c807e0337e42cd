import TestSupport
import Testing

/// `guard` reads Bash commands as a shell does (issue 12 §2): every disguise of a forbidden
/// command is denied, and text that only mentions one is allowed. Runs the real binary with the
/// starter constitution (`kubectl apply*`, `helm upgrade*`, `zpool destroy*`, `kubectl delete pvc*`…).
@Suite("constitution guard reads shell (real binary)")
struct GuardShellTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    /// Every form the shell runs `kubectl apply` (or another forbidden command) in.
    static let disguised: [String] = [
        // compound commands
        "{ kubectl apply -f x.yaml; }", "( kubectl apply -f x.yaml )", "if true; then kubectl apply -f x.yaml; fi",
        "if false; then :; else kubectl apply -f x.yaml; fi", "for f in a b; do kubectl apply -f x.yaml; done",
        "while true; do kubectl apply -f x.yaml; done", "until false; do kubectl apply -f x.yaml; done",
        "case x in x) kubectl apply -f x.yaml;; esac", "case x in\n  x|y) kubectl apply -f x.yaml ;;\nesac",
        "f() { kubectl apply -f x.yaml; }; f", "function f { kubectl apply -f x.yaml; }", "! kubectl apply -f x.yaml",
        "time kubectl apply -f x.yaml", "time -p kubectl apply -f x.yaml", "true && kubectl apply -f x.yaml",
        "false || kubectl apply -f x.yaml", "ls; kubectl apply -f x.yaml", "ls &\nkubectl apply -f x.yaml",
        "ls | kubectl apply -f -", "ls |& kubectl apply -f -",
        // redirections anywhere
        ">/dev/null kubectl apply -f x.yaml", "2>&1 kubectl apply -f x.yaml", "kubectl apply -f x.yaml 2>&1 >/dev/null",
        "kubectl apply -f - < x.yaml", "&>log kubectl apply -f x.yaml", "kubectl apply -f x.yaml>out",
        // substitutions
        "echo `kubectl apply -f x.yaml`", "echo $(kubectl apply -f x.yaml)", "echo \"$(kubectl apply -f x.yaml)\"",
        "cat <(kubectl apply -f x.yaml)", "tee >(kubectl apply -f -) < x.yaml", "$(echo kubectl) apply -f x.yaml",
        "`echo kubectl` apply -f x.yaml", "x=$(kubectl apply -f x.yaml)", "echo hi > $(kubectl apply -f x.yaml)",
        "for f in $(kubectl apply -f x.yaml); do :; done",
        // the binary by path, quoted or escaped
        "/usr/bin/kubectl apply -f x.yaml", "/usr/local/bin/kubectl apply -f x.yaml", "./bin/kubectl apply -f x.yaml",
        "/sbin/zpool destroy tank", "\\kubectl apply -f x.yaml", "'kubectl' apply -f x.yaml", "k\\ubectl ap\"ply\" -f x.yaml",
        "kube\\\nctl apply -f x.yaml",
        // wrappers
        "echo x.yaml | xargs kubectl apply -f", "xargs -n 1 -I{} kubectl apply -f {} < list",
        "find . -name '*.yaml' -exec kubectl apply -f {} \\;", "find . -name '*.yaml' -execdir kubectl apply -f {} +",
        "find . -ok kubectl apply -f {} ';'", "watch kubectl apply -f x.yaml", "watch -n 5 'kubectl apply -f x.yaml'",
        "setsid kubectl apply -f x.yaml", "setsid -f kubectl apply -f x.yaml", "flock /tmp/l kubectl apply -f x.yaml",
        "flock -w 5 /tmp/l -c 'kubectl apply -f x.yaml'", "strace -f -o /dev/null kubectl apply -f x.yaml",
        "nice -n 10 kubectl apply -f x.yaml", "nice -5 kubectl apply -f x.yaml", "ionice -c 3 kubectl apply -f x.yaml",
        "timeout 30 kubectl apply -f x.yaml", "timeout -s KILL -k 5 30s kubectl apply -f x.yaml", "nohup kubectl apply -f x.yaml &",
        "stdbuf -oL kubectl apply -f x.yaml", "stdbuf -o L kubectl apply -f x.yaml", "env kubectl apply -f x.yaml",
        "env -i PATH=/usr/bin kubectl apply -f x.yaml", "env -u HOME -C /tmp kubectl apply -f x.yaml",
        "env -S 'kubectl apply -f x.yaml'", "FOO=1 BAR=2 kubectl apply -f x.yaml", "su -c 'kubectl apply -f x.yaml'",
        "su root -c 'kubectl apply -f x.yaml'", "su - root -c 'kubectl apply -f x.yaml'", "runuser -u root -- kubectl apply -f x.yaml",
        "runuser -l root -c 'kubectl apply -f x.yaml'", "doas kubectl apply -f x.yaml", "doas -u root kubectl apply -f x.yaml",
        "sudo kubectl apply -f x.yaml", "sudo -u root -E kubectl apply -f x.yaml", "sudo --user=root kubectl apply -f x.yaml",
        "sudo -iu root kubectl apply -f x.yaml", "sudo -- kubectl apply -f x.yaml", "exec kubectl apply -f x.yaml",
        "exec -a name kubectl apply -f x.yaml", "command kubectl apply -f x.yaml", "command -p kubectl apply -f x.yaml",
        "builtin kubectl apply -f x.yaml", "chroot /host kubectl apply -f x.yaml", "systemd-run --scope -p CPUQuota=5% kubectl apply -f x.yaml",
        "k3s kubectl apply -f x.yaml", "kubectl exec pod -- zpool destroy tank", "docker exec -u root box zpool destroy tank",
        "sudo env FOO=1 nice -n 5 timeout 9 kubectl apply -f x.yaml",
        // shell text fed to a shell
        "bash <<< 'kubectl apply -f x.yaml'", "sh <<EOF\nkubectl apply -f x.yaml\nEOF", "bash -s <<'EOF'\nkubectl apply -f x.yaml\nEOF",
        "cat <<EOF | sh\nkubectl apply -f x.yaml\nEOF", "zsh <<-EOF\n\tkubectl apply -f x.yaml\n\tEOF",
        "echo 'kubectl apply -f x.yaml' | sh", "printf 'kubectl apply -f x.yaml' | bash", "echo kubectl apply -f x.yaml | sudo bash",
        "eval kubectl apply -f x.yaml", "eval 'kubectl apply -f x.yaml'", "sh -c 'kubectl apply -f x.yaml'", "bash -ec 'kubectl apply -f x.yaml'",
        "bash -o pipefail -c 'kubectl apply -f x.yaml'", "/bin/sh -c 'kubectl apply -f x.yaml'",
        "sh -c \"bash -c 'kubectl apply -f x.yaml'\"", "sh -c 'sh -c \"sh -c \\\"kubectl apply -f x.yaml\\\"\"'",
        "ssh host kubectl apply -f x.yaml", "ssh -p 22 -i key host 'kubectl apply -f x.yaml'",
        // tool options before the verb
        "kubectl -v 9 apply -f x.yaml", "kubectl -v=9 apply -f x.yaml", "kubectl --context x apply -f x.yaml",
        "kubectl -n ns apply -f x.yaml", "kubectl --namespace=ns apply -f x.yaml", "kubectl --kubeconfig=/k apply -f x.yaml",
        "kubectl --kubeconfig /k --context c -n ns apply -f x.yaml", "kubectl --some-new-flag value apply -f x.yaml",
        "helm --kube-context x upgrade a b", "helm -n apps upgrade --install a b", "kubectl delete -n apps pvc data",
        "kubectl -n apps delete pvc data",
        // what cannot be known is denied as unverifiable
        "K=kubectl; $K apply -f x.yaml", "export K=kubectl; $K apply -f x.yaml", "alias k=kubectl; k apply -f x.yaml",
        "\"$KUBECTL\" apply -f x.yaml", "${KUBECTL:-kubectl} apply -f x.yaml", "kubectl $VERB -f x.yaml",
        "python3 -c \"import os; os.system('kubectl apply -f x.yaml')\"", "perl -e 'system(\"zpool destroy tank\")'",
        "node -e \"require('child_process').execSync('kubectl apply -f x')\"",
    ]

    /// Text that only mentions a forbidden command: allowed.
    static let mentions: [String] = [
        "echo 'never run kubectl apply'", "grep -rn 'kubectl apply' docs/", "git commit -m 'drop kubectl apply'", "ls # kubectl apply",
        "kubectl get pods", "helm template a b", "echo \"kubectl apply\" > notes.txt", "git log --grep='kubectl apply'",
        "man kubectl-apply", "echo kubectl apply | tee x | wc -l", "kubectl get pods -n apply", "kubectl -n apply get pods",
        "command -v kubectl", "type kubectl", "which zpool", "sudo -l", "K=kubectl; echo $K apply", "cat <<EOF > notes.md\nkubectl apply -f x\nEOF",
        "sudo tee /etc/motd <<EOF\nzpool destroy tank\nEOF", "$EDITOR notes.txt", "python3 -c 'print(1)'",
        "zpool status tank", "helm list -A", "kubectl diff -f x.yaml", "echo $(kubectl get pods)",
        "printf '%s\\n' 'kubectl apply' | grep apply", "bash scripts/build.sh",
    ]

    func decide(_ command: String, cache: String) -> TestSupport.ProcessResult {
        var escaped = ""
        for scalar in command.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        let payload = #"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"\#(escaped)"}}"#
        return TestSupport.run(bin, ["guard", "--constitution", starter, "--timeout", "600"], stdin: payload, environment: ["XDG_CACHE_HOME": cache])
    }

    /// One cache for the whole suite: the constitution is verified once, not once per case
    /// (cold loads of 160 parallel cases would crowd two cores).
    static let cache = TestSupport.makeTemporaryDirectory()

    @Test(arguments: disguised)
    func disguisedForbiddenCommandsAreDenied(_ command: String) {
        let result = decide(command, cache: Self.cache)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"permissionDecision\":\"deny\""), "should be denied: \(command)")
    }

    @Test(arguments: mentions)
    func commandsThatOnlyMentionOneAreAllowed(_ command: String) {
        let result = decide(command, cache: Self.cache)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty, "should be allowed: \(command): \(result.stdout)")
    }

    @Test func theReasonSaysWhetherItMatchedOrCouldNotBeVerified() {
        let cache = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(cache) }
        let plain = decide("sudo /usr/bin/kubectl -n x apply -f y", cache: cache).stdout
        #expect(plain.contains("`kubectl -n x apply -f y` is forbidden by rule gitops-no-imperative-kubectl (INC-0006)"))
        let variable = decide("K=kubectl; $K apply -f y", cache: cache).stdout
        #expect(variable.contains("`kubectl apply -f y` is forbidden"))
        let unknown = decide("$K apply -f y", cache: cache).stdout
        #expect(unknown.contains("`$K apply -f y` cannot be verified (a word of it is only known when the shell runs)"))
        #expect(unknown.contains("may run `kubectl apply*`"))
        let inline = decide("python3 -c \"os.system('kubectl apply -f y')\"", cache: cache).stdout
        #expect(inline.contains("python3's inline program mentions `kubectl apply`"))
        // A depth limit denies, never allows.
        let deep = decide(String(repeating: "eval ", count: 40) + "ls", cache: cache).stdout
        #expect(deep.contains("shells nested deeper than 16 levels"))
    }
}

/// Files that decide what is enforced need the user's approval to change (issue 12 §2).
@Suite("constitution guard asks before the enforcement's own files change (real binary)")
struct GuardProtectedFilesTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    func run(_ tool: String, _ input: String, cache: String) -> TestSupport.ProcessResult {
        let payload = #"{"hook_event_name":"PreToolUse","cwd":"/tmp","tool_name":"\#(tool)","tool_input":\#(input)}"#
        return TestSupport.run(bin, ["guard", "--constitution", starter, "--timeout", "600"], stdin: payload, environment: ["XDG_CACHE_HOME": cache])
    }

    @Test func writesAndRedirectionsIntoThemAsk() {
        let cache = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(cache) }
        for path in ["/lab/.constitutionignore", "/lab/k8s/.constitutionignore", "/lab/.constitution.yaml", "/lab/waivers.yaml", "/lab/.claude/settings.json", "/lab/.claude/settings.local.json"] {
            let result = run("Write", #"{"file_path":"\#(path)","content":"*\n"}"#, cache: cache)
            #expect(result.stdout.contains("\"permissionDecision\":\"ask\""), "\(path): \(result.stdout)")
            #expect(result.stdout.contains("needs your approval"))
        }
        for command in ["echo '*' > .constitutionignore", "echo 'image-cpu-baseline: off' >> .constitution.yaml", "cat x &> waivers.yaml"] {
            #expect(run("Bash", #"{"command":"\#(command)"}"#, cache: cache).stdout.contains("\"permissionDecision\":\"ask\""), "\(command)")
        }
        // Reading them, or writing other files, asks nothing.
        #expect(run("Bash", #"{"command":"cat .constitutionignore > copy.txt"}"#, cache: cache).stdout.isEmpty)
        #expect(run("Write", #"{"file_path":"/lab/notes/settings.json","content":"{}"}"#, cache: cache).stdout.isEmpty)
        // A forbidden command is still denied, not merely asked about.
        #expect(run("Bash", #"{"command":"kubectl apply -f x > .constitutionignore"}"#, cache: cache).stdout.contains("\"deny\""))
    }
}

/// A manifest written as JSON is checked like one written as YAML, by `lint` and by `guard`.
@Suite("JSON manifests (real binary)")
struct JSONManifestTests {
    let bin = TestSupport.binary
    let starter = TestSupport.packageRoot

    static let storageClass = #"{"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "nfs"}, "provisioner": "cluster.local/nfs-subdir-external-provisioner", "reclaimPolicy": "Delete"}"#

    @Test func lintAndGuardCheckThem() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["k8s/sc.json": Self.storageClass + "\n", "package.json": "{\"name\": \"x\"}\n", "k8s/broken.json": "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",\n"], under: root)
        let files = TestSupport.run(bin, ["files", root])
        #expect(files.stdout.contains("k8s/sc.json"))
        #expect(files.stdout.contains("kubernetes"))
        #expect(files.stdout.contains("package.json"))
        let lint = TestSupport.run(bin, ["lint", root, "--constitution", starter])
        #expect(lint.stdout.contains("k8s/sc.json:1:"), "\(lint.stdout)")
        #expect(lint.stdout.contains("nfs-storageclass-retain"))
        #expect(lint.stdout.contains("k8s/broken.json:2:1: error:"), "a broken JSON manifest is a located parse error: \(lint.stdout)")
        #expect(lint.status == 4)
        let payload = #"{"hook_event_name":"PreToolUse","cwd":"\#(root)","tool_name":"Write","tool_input":{"file_path":"\#(root)/k8s/new.json","content":"\#(Self.storageClass.replacingAll("\"", with: "\\\""))"}}"#
        let denied = TestSupport.run(bin, ["guard", "--constitution", starter, "--timeout", "600"], stdin: payload, environment: ["XDG_CACHE_HOME": root + "/.cache"])
        #expect(denied.stdout.contains("\"permissionDecision\":\"deny\""), "\(denied.stdout)\(denied.stderr)")
        #expect(denied.stdout.contains("nfs-storageclass-retain"))
    }
}
