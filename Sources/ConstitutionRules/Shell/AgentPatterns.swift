import ConstitutionCore

/// Matches the commands a shell text would run against the rules' `agent:` patterns
/// (`kubectl apply*`), for `guard`.
///
/// A pattern is words separated by spaces, read as a shell glob (`*`, `?`, `[…]`) over the
/// command's words joined by single spaces. The command is first read by ``ShellReader``, so
/// wrappers, shells, substitutions and redirections are seen through; then:
/// - the command word is compared by its name, whatever directory it was run from;
/// - options may stand between the pattern's words (`kubectl -n apps --context x apply`,
///   `helm --kube-context x upgrade`, `kubectl delete -n apps pvc`), with or without a value;
///   an option the tool is not known to give a value is tried both ways;
/// - a word only known at run time (`$K apply`, `kubectl $VERB`) matches any pattern word,
///   and then the command is **unverifiable** rather than allowed, as long as some other word
///   of it matched the pattern for real (so `$EDITOR notes.txt` is not denied);
/// - an interpreter's inline program (`python3 -c "os.system('kubectl apply …')"`) that
///   mentions a pattern's words is unverifiable;
/// - shells nested deeper than ``ShellReader/maxDepth`` are unverifiable.
public enum AgentPatterns {
    /// Why a command is denied.
    public struct Denial: Sendable, Equatable {
        /// The rule whose pattern it matches.
        public var rule: String
        /// The pattern.
        public var pattern: String
        /// The command as read (command word by name, arguments joined by spaces).
        public var command: String
        /// Nil when the command matches for certain; else why it could not be verified.
        public var unverifiable: String?
    }

    /// The first denial for `command` under `rules`' agent patterns, or nil when it may run.
    public static func check(_ command: String, rules: [Rule]) -> Denial? {
        let patterns = rules.flatMap { rule in rule.agent.map { (rule.id, $0, Pattern($0)) } }
        guard !patterns.isEmpty else { return nil }
        var unverifiable: Denial?
        for run in ShellReader.read(MappedText.file(Array(command.utf8))) {
            let shown = display(run)
            if let why = run.unverifiable {
                let (rule, pattern, _) = patterns[0]
                return Denial(rule: rule, pattern: pattern, command: shown, unverifiable: why)
            }
            for (rule, text, pattern) in patterns {
                switch pattern.match(run) {
                case .yes:
                    return Denial(rule: rule, pattern: text, command: shown, unverifiable: nil)
                case .unknown(let why):
                    if unverifiable == nil { unverifiable = Denial(rule: rule, pattern: text, command: shown, unverifiable: why) }
                case .no:
                    break
                }
                if let code = run.inlineCode, pattern.mentioned(in: code.bytes), unverifiable == nil {
                    unverifiable = Denial(
                        rule: rule, pattern: text, command: shown,
                        unverifiable: "\(run.name)'s inline program mentions `\(pattern.literalText)`, and what it runs is only known when it runs")
                }
            }
        }
        return unverifiable
    }

    /// Claude Code's `permissions.deny` form of an agent pattern, in its current wildcard
    /// syntax: `kubectl apply*` → `Bash(kubectl apply *)` (a single trailing ` *` also matches
    /// the bare command, and the space keeps `kubectl applyx` out).
    public static func denyRule(_ pattern: String) -> String {
        pattern.hasSuffix("*") ? "Bash(\(stem(pattern)) *)" : "Bash(\(pattern))"
    }

    /// The legacy prefix form earlier versions wrote for a pattern (`Bash(kubectl apply:*)`),
    /// which render replaces by ``denyRule(_:)``; nil for a pattern without a trailing `*`.
    public static func legacyDenyRule(_ pattern: String) -> String? {
        pattern.hasSuffix("*") ? "Bash(\(stem(pattern)):*)" : nil
    }

    /// A command that the pattern forbids, to probe a guard with (`kubectl apply*` →
    /// `kubectl apply -f constitution-doctor-probe.yaml`).
    public static func probe(_ pattern: String) -> String {
        stem(pattern) + " -f constitution-doctor-probe.yaml"
    }

    /// The pattern without its trailing `*`s and the spaces before them (`kubectl apply *` →
    /// `kubectl apply`).
    static func stem(_ pattern: String) -> String {
        var p = pattern
        while p.hasSuffix("*") { p.removeLast() }
        while p.hasSuffix(" ") { p.removeLast() }
        return p
    }

    /// The files `command`'s output redirections write, as written (`> .constitutionignore`).
    public static func writtenFiles(_ command: String) -> [String] {
        ShellReader.read(MappedText.file(Array(command.utf8))).flatMap { $0.writes.map(\.string) }
    }

    /// The command as the denial shows it (cut to a readable length).
    static func display(_ run: ShellRun) -> String {
        let text = run.text.string
        return text.utf8.count > 300 ? String(decoding: Array(text.utf8.prefix(300)), as: UTF8.self) + "…" : text
    }

    /// Options known to take a separate value, by tool: the word after them is never the verb.
    /// (Options not listed are tried both ways.)
    static let valuedOptions: [String: Set<String>] = [
        "kubectl": [
            "-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server", "-v", "--token", "--as", "--as-group",
            "--as-uid", "--request-timeout", "--certificate-authority", "--client-certificate", "--client-key", "--tls-server-name",
            "--cache-dir", "--profile", "--profile-output", "-l", "--selector", "-f", "--filename", "-o", "--output", "-k", "--kustomize",
        ],
        "helm": [
            "-n", "--namespace", "--kube-context", "--kubeconfig", "--kube-apiserver", "--kube-as-user", "--kube-as-group", "--kube-token",
            "--kube-ca-file", "--kube-tls-server-name", "--registry-config", "--repository-config", "--repository-cache", "--burst-limit",
            "--qps", "-f", "--values", "--set", "--set-string", "--set-file", "--version", "--timeout",
        ],
        "flux": ["-n", "--namespace", "--context", "--kubeconfig", "--timeout"],
        "argocd": ["--server", "--auth-token", "--config", "--grpc-web-root-path", "--context"],
        "zfs": [], "zpool": [],
    ]

    enum Outcome: Equatable {
        case no
        case yes
        case unknown(String)
    }

    /// A pattern split into its literal leading words and a glob tail.
    struct Pattern {
        /// The words before the first word with a glob character.
        var literals: [[UInt8]]
        /// The rest (from the first word with a glob character), matched as a glob.
        var tail: [UInt8]
        /// The pattern's literal text before its first glob character (`kubectl apply`).
        var literalText: String

        init(_ pattern: String) {
            let words = pattern.split(separator: " ", omittingEmptySubsequences: true).map { Array($0.utf8) }
            let glob = words.firstIndex { $0.contains { c in c == UInt8(ascii: "*") || c == UInt8(ascii: "?") || c == UInt8(ascii: "[") || c == UInt8(ascii: "\\") } }
            literals = Array(words[0..<(glob ?? words.count)])
            tail = glob.map { Array(words[$0...].joined(separator: [UInt8(ascii: " ")])) } ?? []
            var literal = literals.map { String(decoding: $0, as: UTF8.self) }
            if !tail.isEmpty {
                let prefix = tail.prefix { c in c != UInt8(ascii: "*") && c != UInt8(ascii: "?") && c != UInt8(ascii: "[") && c != UInt8(ascii: "\\") }
                let words = prefix.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
                literal.append(contentsOf: words)
            }
            literalText = literal.joined(separator: " ")
        }

        /// Whether `run` matches.
        func match(_ run: ShellRun) -> Outcome {
            guard !run.words.isEmpty else { return .no }
            let words: [[UInt8]] = run.words.indices.map { k in
                k == 0 && !run.unknown[0] ? Array(ShellWords.basename(run.words[0].bytes).utf8) : run.words[k].bytes
            }
            let valued = AgentPatterns.valuedOptions[run.name] ?? []
            var budget = 256
            return match(literal: 0, at: 0, words: words, unknown: run.unknown, valued: valued, evidence: false, budget: &budget)
        }

        /// Matches literal `li` on at word `ci` (after any options it may skip).
        private func match(
            literal li: Int, at ci: Int, words: [[UInt8]], unknown: [Bool], valued: Set<String>, evidence: Bool, budget: inout Int
        ) -> Outcome {
            budget -= 1
            if budget < 0 { return .no }
            let starts = li == 0 || (li < literals.count ? literals[li].first != UInt8(ascii: "-") : tail.first != UInt8(ascii: "-"))
                ? positions(after: ci, words: words, unknown: unknown, valued: valued, skipping: li > 0) : [ci]
            var best = Outcome.no
            for c in starts {
                let outcome: Outcome
                if li == literals.count {
                    outcome = matchTail(at: c, words: words, unknown: unknown, evidence: evidence)
                } else {
                    guard c < words.count else { continue }
                    if unknown[c] {
                        let rest = match(literal: li + 1, at: c + 1, words: words, unknown: unknown, valued: valued, evidence: evidence, budget: &budget)
                        outcome = rest == .no ? .no : .unknown("a word of it is only known when the shell runs")
                    } else if words[c] == literals[li] {
                        outcome = match(literal: li + 1, at: c + 1, words: words, unknown: unknown, valued: valued, evidence: true, budget: &budget)
                    } else {
                        outcome = .no
                    }
                }
                if outcome == .yes { return .yes }
                if case .unknown = outcome, best == .no { best = outcome }
            }
            return best
        }

        /// The tail against the words from `c` on.
        private func matchTail(at c: Int, words: [[UInt8]], unknown: [Bool], evidence: Bool) -> Outcome {
            if tail.isEmpty { return c == words.count ? .yes : .no }
            guard c < words.count else { return Glob.matchSegment(tail[...], [][...]) ? .yes : .no }
            if unknown[c] {
                return evidence ? .unknown("a word of it is only known when the shell runs") : .no
            }
            let text = Array(words[c...].joined(separator: [UInt8(ascii: " ")]))
            return Glob.matchSegment(tail[...], text[...]) ? .yes : .no
        }

        /// Where the next pattern word may be: at `c`, or after option words (with or without
        /// their values) that start there.
        private func positions(after c: Int, words: [[UInt8]], unknown: [Bool], valued: Set<String>, skipping: Bool) -> [Int] {
            guard skipping else { return [c] }
            var out: [Int] = []
            var frontier = [c]
            var seen: Set<Int> = []
            while let p = frontier.popLast() {
                guard seen.insert(p).inserted, seen.count < 64 else { continue }
                out.append(p)
                guard p < words.count, !unknown[p] else { continue }
                let w = words[p]
                guard w.count > 1, w[0] == UInt8(ascii: "-") else { continue }
                frontier.append(p + 1)
                if w.contains(UInt8(ascii: "=")) || w == Array("--".utf8) { continue }
                let name = String(decoding: w, as: UTF8.self)
                // A known valued option always takes the next word; an unknown one may.
                if valued.contains(name) {
                    frontier.removeLast()
                    frontier.append(p + 2)
                } else if !(w.count > 2 && w[1] != UInt8(ascii: "-") && valued.contains(String(decoding: w[0..<2], as: UTF8.self))) {
                    frontier.append(p + 2)
                }
            }
            return out.sorted()
        }

        /// Whether program text mentions the pattern's literal words in order (quotes, commas
        /// and brackets between them do not count): `["kubectl", "apply"]` mentions
        /// `kubectl apply`.
        func mentioned(in code: [UInt8]) -> Bool {
            let needle = Array(literalText.utf8)
            guard !needle.isEmpty else { return false }
            var normalized: [UInt8] = []
            normalized.reserveCapacity(code.count)
            for c in code {
                let separator = ShellWords.isSpace(c) || c == 0x0A || c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || c == UInt8(ascii: ",")
                    || c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
                if separator {
                    if normalized.last != UInt8(ascii: " ") { normalized.append(UInt8(ascii: " ")) }
                } else {
                    normalized.append(c)
                }
            }
            return ByteSearch.contains(normalized, needle)
        }
    }
}
