/// Commands that run other commands: what each one runs, read from its arguments. This is the
/// one table of wrappers in the code base; the guard, the `command` facet and the `setting`
/// facet's k3s reader all read commands through it (by way of ``ShellReader``).
enum ShellWrappers {
    /// What a wrapper runs.
    enum Action {
        /// Not a wrapper: the words are the command.
        case none
        /// The command made of the words from this index on.
        case command(Int)
        /// The command made of `words` (a wrapper that names its command in a fixed place, such
        /// as `find -exec … ;`): several may run.
        case commands([Range<Int>])
        /// A shell script: the text of one option value or word.
        case script(MappedText)
        /// A shell script made of the words from this index on, joined with spaces (`eval`,
        /// `watch`, `ssh HOST COMMAND…`).
        case joined(Int)
        /// A shell reading its script from standard input (`bash`, `sh -s`).
        case stdin
        /// Program text of another language (`python3 -c CODE`): it may run anything.
        case inline(MappedText)
        /// Runs nothing (`sudo -l`, `command -v kubectl`).
        case nothing
    }

    /// How a wrapper's arguments read.
    struct Spec {
        /// Options that take a value (`-u root`, `--user root`, `-uroot`, `--user=root`).
        var valued: Set<String> = []
        /// Options whose value is a shell script (`su -c SCRIPT`, `env -S STRING`).
        var script: Set<String> = []
        /// Options after which nothing runs (`sudo -l`, `command -v`).
        var nothing: Set<String> = []
        /// Operands before the command (`timeout DURATION`, `chroot DIR`, `flock FILE`).
        var operands = 0
        /// `NAME=value` words before the command are assignments (`env`, `sudo`).
        var assignments = false
        /// The remaining words are one script joined with spaces (`watch`, `eval`).
        var joined = false
        /// The command when none is given (`xargs` runs `echo`).
        var runsNothingWithoutCommand = true
    }

    /// Shells whose `-c` argument is a script and which read a script from standard input
    /// when given none.
    static let shells: Set<String> = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "yash", "posh", "fish", "rbash"]

    /// Interpreters whose inline program may run any command, with the options that carry it.
    static let interpreters: [String: Set<String>] = [
        "python": ["-c"], "python2": ["-c"], "python3": ["-c"], "pypy": ["-c"], "pypy3": ["-c"],
        "perl": ["-e", "-E"], "ruby": ["-e"], "node": ["-e", "--eval", "-p", "--print"], "nodejs": ["-e", "--eval", "-p", "--print"],
        "deno": ["eval"], "php": ["-r"], "lua": ["-e"], "Rscript": ["-e"], "awk": [], "osascript": ["-e"],
    ]

    /// The wrappers, by command name.
    static let specs: [String: Spec] = [
        "sudo": Spec(
            valued: ["-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-h", "--host", "-p", "--prompt", "-r", "--role",
                     "-t", "--type", "-U", "--other-user", "-T", "--command-timeout", "-R", "--chroot"],
            nothing: ["-l", "--list", "-e", "--edit", "-v", "--validate", "-K", "--remove-timestamp", "-V", "--version", "--help"],
            assignments: true),
        "doas": Spec(valued: ["-u", "-C"], nothing: ["-L"]),
        "run0": Spec(valued: ["-u", "--user", "-g", "--group", "-D", "--chdir", "--setenv", "--unit", "--property", "--description", "--slice", "--nice", "--background", "--machine"]),
        "pkexec": Spec(valued: ["--user"]),
        "env": Spec(valued: ["-u", "--unset", "-C", "--chdir", "-P", "--block-signal", "--default-signal", "--ignore-signal"], script: ["-S", "--split-string"], assignments: true),
        "nice": Spec(valued: ["-n", "--adjustment"]),
        "ionice": Spec(valued: ["-c", "--class", "-n", "--classdata"], nothing: ["-p", "--pid", "-P", "--pgid", "-u", "--uid"]),
        "nohup": Spec(),
        "setsid": Spec(),
        "builtin": Spec(),
        "command": Spec(nothing: ["-v", "-V"]),
        "exec": Spec(valued: ["-a"]),
        "time": Spec(valued: ["-f", "--format", "-o", "--output"]),
        "stdbuf": Spec(valued: ["-i", "--input", "-o", "--output", "-e", "--error"]),
        "timeout": Spec(valued: ["-s", "--signal", "-k", "--kill-after"], operands: 1),
        "chroot": Spec(valued: ["--userspec", "--groups"], operands: 1),
        "chrt": Spec(nothing: ["-p", "--pid"], operands: 1),
        "taskset": Spec(nothing: ["-p", "--pid"], operands: 1),
        "flock": Spec(valued: ["-w", "--wait", "--timeout", "-E", "--conflict-exit-code"], script: ["-c", "--command"], operands: 1),
        "nsenter": Spec(valued: ["-t", "--target", "-S", "--setuid", "-G", "--setgid", "--env", "-w", "--wd", "-r", "--root"]),
        "unshare": Spec(valued: ["--map-user", "--map-group", "--setgroups", "-S", "--setuid", "-G", "--setgid", "-R", "--root", "-w", "--wd"]),
        "systemd-run": Spec(
            valued: ["-u", "--unit", "-p", "--property", "-E", "--setenv", "-M", "--machine", "--uid", "--gid", "--nice", "--working-directory",
                     "--description", "--slice", "-H", "--host", "--on-active", "--on-boot", "--on-startup", "--on-unit-active",
                     "--on-unit-inactive", "--on-calendar", "--timer-property", "--path-property", "--socket-property", "--service-type"]),
        "strace": Spec(valued: ["-e", "-o", "-p", "-s", "-u", "-E", "-a", "-b", "-I", "-O", "-S", "-X", "-P", "--output", "--attach", "--user", "--env"]),
        "ltrace": Spec(valued: ["-e", "-o", "-p", "-s", "-u", "-a", "-n", "-F", "-l", "-w", "-x"]),
        "watch": Spec(valued: ["-n", "--interval", "-q", "--equexit"], joined: true),
        "xargs": Spec(
            valued: ["-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "-n", "--max-args", "-P", "--max-procs", "-s", "--max-chars",
                     "--process-slot-var", "--max-lines", "--replace", "--eof"],
            runsNothingWithoutCommand: false),
        "su": Spec(valued: ["-g", "--group", "-G", "--supp-group", "-s", "--shell", "-w", "--whitelist-environment"],
                   script: ["-c", "--command", "--session-command"], operands: 1),
        "runuser": Spec(valued: ["-g", "--group", "-G", "--supp-group", "-s", "--shell", "-w", "--whitelist-environment", "-u", "--user"],
                        script: ["-c", "--command", "--session-command"]),
        "sg": Spec(script: ["-c"], operands: 1),
        "script": Spec(valued: ["-E", "--echo", "-I", "--log-in", "-O", "--log-out", "-B", "--log-io", "-T", "--log-timing", "-m", "--logging-format"],
                       script: ["-c", "--command"]),
        "eval": Spec(joined: true),
        "unbuffer": Spec(),
        "catchsegv": Spec(),
        "busybox": Spec(),
        "toybox": Spec(),
        "proxychains": Spec(valued: ["-f"]),
        "proxychains4": Spec(valued: ["-f"]),
        "torsocks": Spec(valued: ["-u", "--user", "-p", "--pass", "-a", "--address", "-P", "--port"]),
        "firejail": Spec(),
        "caffeinate": Spec(valued: ["-t", "-w"]),
        "coproc": Spec(),
    ]

    /// What `words` run (the first word is the command word, already known).
    static func action(_ words: [ShellReader.Word]) -> Action {
        guard let first = words.first else { return .nothing }
        let name = first.name
        if shells.contains(name) { return shell(words) }
        if let options = interpreters[name] { return interpreter(words, options: options) }
        switch name {
        case "find": return find(words)
        case "ssh": return ssh(words)
        case "k3s", "microk8s", "minikube", "k0s":
            // `k3s kubectl …`, `microk8s kubectl …`: the bundled tool, as if run by its name.
            if words.count > 1, ["kubectl", "crictl", "ctr", "helm", "helm3"].contains(words[1].string) { return .command(1) }
            return .none
        case "kubectl", "oc":
            // `kubectl exec POD -- COMMAND…` runs COMMAND in the pod.
            if let dashes = words.firstIndex(where: { $0.string == "--" }), dashes + 1 < words.count,
                words[1..<dashes].contains(where: { $0.string == "exec" })
            {
                return .command(dashes + 1)
            }
            return .none
        case "docker", "podman", "nerdctl":
            // `docker exec [OPTIONS] CONTAINER COMMAND…`
            guard words.count > 3, words[1].string == "exec" else { return .none }
            let valued: Set<String> = ["-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys"]
            var k = 2
            while k < words.count, words[k].string.hasPrefix("-") { k += valued.contains(words[k].string) ? 2 : 1 }
            return k + 1 < words.count ? .command(k + 1) : .none
        case "ip":
            // `ip netns exec NAME COMMAND…`
            if words.count > 4, words[1].string == "netns", words[2].string == "exec" { return .command(4) }
            return .none
        default:
            break
        }
        guard var spec = specs[name] else { return .none }
        // `runuser -u USER COMMAND…` names no user operand; `runuser [-l] USER -c …` does.
        if name == "runuser", !words.contains(where: { $0.string == "-u" || $0.string.hasPrefix("--user") }) { spec.operands = 1 }
        return generic(words, spec: spec)
    }

    /// Reads options and operands by `spec`; the command starts after them.
    private static func generic(_ words: [ShellReader.Word], spec: Spec) -> Action {
        var k = 1
        var operands = spec.operands
        while k < words.count {
            let w = words[k]
            let text = w.text.bytes
            if w.unknown { break }
            if text == Array("--".utf8) {
                k += 1
                break
            }
            if spec.assignments, ShellWords.assignmentNameLength(text) != nil {
                k += 1
                continue
            }
            if text.count > 1, text[0] == UInt8(ascii: "-") {
                switch option(words, at: k, spec: spec) {
                case .next(let next): k = next
                case .result(let action): return action
                }
                continue
            }
            if text == [UInt8(ascii: "-")], ["env", "su", "runuser"].contains(words[0].name) {  // `env -` is `env -i`; `su -` logs in
                k += 1
                continue
            }
            if operands > 0 {
                operands -= 1
                k += 1
                continue
            }
            break
        }
        if spec.joined { return k < words.count ? .joined(k) : .nothing }
        if k >= words.count { return spec.runsNothingWithoutCommand ? .nothing : .none }
        return .command(k)
    }

    private enum OptionStep {
        case next(Int)
        case result(Action)
    }

    /// One option word at `k` (a long option, or a cluster of short ones).
    private static func option(_ words: [ShellReader.Word], at k: Int, spec: Spec) -> OptionStep {
        let text = words[k].text.bytes
        if text.count > 2, text[1] == UInt8(ascii: "-") {
            let eq = text.firstIndex(of: UInt8(ascii: "="))
            let name = String(decoding: text[0..<(eq ?? text.count)], as: UTF8.self)
            if spec.nothing.contains(name) { return .result(.nothing) }
            if spec.script.contains(name) {
                if let eq { return .result(.script(words[k].text.slice((eq + 1)..<text.count))) }
                return .result(k + 1 < words.count ? .script(words[k + 1].text) : .nothing)
            }
            if eq == nil, spec.valued.contains(name) { return .next(k + 2) }
            return .next(k + 1)
        }
        // A cluster: `-xc`, `-uroot`, `-n5`.
        var j = 1
        while j < text.count {
            let flag = "-" + String(decoding: [text[j]], as: UTF8.self)
            if spec.nothing.contains(flag) { return .result(.nothing) }
            let joinedValue = j + 1 < text.count
            if spec.script.contains(flag) {
                if joinedValue { return .result(.script(words[k].text.slice((j + 1)..<text.count))) }
                return .result(k + 1 < words.count ? .script(words[k + 1].text) : .nothing)
            }
            if spec.valued.contains(flag) { return .next(joinedValue ? k + 1 : k + 2) }
            j += 1
        }
        return .next(k + 1)
    }

    /// `sh -c SCRIPT`, `bash -ec SCRIPT`, `bash -o pipefail -c SCRIPT`, `bash FILE` (unseen),
    /// `bash`/`sh -s` (standard input).
    private static func shell(_ words: [ShellReader.Word]) -> Action {
        var k = 1
        var command = false
        var stdin = false
        while k < words.count {
            let w = words[k]
            if w.unknown { return command ? .nothing : .none }
            let text = w.text.bytes
            if text == Array("--".utf8) || text == [UInt8(ascii: "-")] {
                k += 1
                break
            }
            guard text.count > 1, text[0] == UInt8(ascii: "-") || text[0] == UInt8(ascii: "+") else { break }
            if text[1] == UInt8(ascii: "-") {
                let name = String(decoding: text, as: UTF8.self)
                k += ["--rcfile", "--init-file"].contains(name) ? 2 : 1
                continue
            }
            var valued = 0
            for c in text.dropFirst() {
                if c == UInt8(ascii: "c") { command = true }
                if c == UInt8(ascii: "s") { stdin = true }
                if c == UInt8(ascii: "o") || c == UInt8(ascii: "O") { valued += 1 }
            }
            k += 1 + valued
        }
        if command { return k < words.count ? .script(words[k].text) : .nothing }
        if stdin || k >= words.count { return .stdin }
        return .none  // a script file: its text is not in the command
    }

    /// `python3 -c CODE`, `perl -e CODE`, `node --eval CODE`.
    private static func interpreter(_ words: [ShellReader.Word], options: Set<String>) -> Action {
        for k in words.indices.dropFirst() {
            let text = words[k].text.bytes
            let s = words[k].string
            if options.contains(s) { return k + 1 < words.count ? .inline(words[k + 1].text) : .none }
            // `-cCODE`, `-eCODE`, `--eval=CODE`
            for option in options where option.count == 2 && s.hasPrefix(option) && s.count > 2 && option.hasPrefix("-") {
                return .inline(words[k].text.slice(2..<text.count))
            }
            if let eq = text.firstIndex(of: UInt8(ascii: "=")), options.contains(String(decoding: text[0..<eq], as: UTF8.self)) {
                return .inline(words[k].text.slice((eq + 1)..<text.count))
            }
        }
        if words[0].name == "awk", words.count > 1 {
            // awk's program may call system(): the first operand that is not an option.
            if let program = words.dropFirst().first(where: { !$0.string.hasPrefix("-") }) { return .inline(program.text) }
        }
        return .none
    }

    /// `find … -exec COMMAND… ;` (also `-execdir`, `-ok`, `-okdir`, ended by `;` or `+`).
    private static func find(_ words: [ShellReader.Word]) -> Action {
        var ranges: [Range<Int>] = []
        var k = 1
        while k < words.count {
            let s = words[k].string
            if s == "-exec" || s == "-execdir" || s == "-ok" || s == "-okdir" {
                var end = k + 1
                while end < words.count, words[end].string != ";", words[end].string != "+" { end += 1 }
                if end > k + 1 { ranges.append((k + 1)..<end) }
                k = end + 1
            } else {
                k += 1
            }
        }
        return ranges.isEmpty ? .none : .commands(ranges)
    }

    /// `ssh [options] HOST COMMAND…`: the remote shell runs the words joined.
    private static func ssh(_ words: [ShellReader.Word]) -> Action {
        let valued: Set<String> = ["-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w", "-B"]
        var k = 1
        while k < words.count {
            let text = words[k].text.bytes
            guard text.count > 1, text[0] == UInt8(ascii: "-") else { break }
            let flag = "-" + String(decoding: [text[text.count - 1]], as: UTF8.self)
            k += text.count == 2 && valued.contains(flag) ? 2 : 1
        }
        // k is the host; the command follows it.
        return k + 1 < words.count ? .joined(k + 1) : .none
    }
}
