import ConstitutionCore

/// Splits a shell command line into the simple commands it runs, normalised so that deny
/// patterns cannot be dodged by spelling: whitespace collapsed, `sudo`/`env`/`nohup`/`time`
/// prefixes and `VAR=value` assignments dropped, `&&`, `||`, `;`, `|` and newlines split, and
/// `sh -c '…'` (bash, zsh, dash) unwrapped recursively.
public enum CommandNormalizer {
    /// The simple commands in `line`, each as words joined by single spaces.
    public static func commands(_ line: String, depth: Int = 0) -> [String] {
        var out: [String] = []
        for segment in split(line) {
            var words = segment
            strip(&words)
            guard let first = words.first else { continue }
            let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ash", "/bin/sh", "/bin/bash", "/usr/bin/bash", "/usr/bin/env"]
            if shells.contains(first), depth < 8, let c = words.firstIndex(where: { $0.hasPrefix("-") && $0.contains("c") && !$0.hasPrefix("--") }),
                c + 1 < words.count
            {
                out += commands(words[c + 1], depth: depth + 1)
                continue
            }
            if first == "eval", words.count > 1, depth < 8 {
                out += commands(words.dropFirst().joined(separator: " "), depth: depth + 1)
                continue
            }
            out.append(words.joined(separator: " "))
        }
        return out
    }

    /// The same words without options (`-n x`, `--context=y`): `kubectl -n apps apply -f a.yaml`
    /// → `kubectl apply a.yaml`, so `kubectl apply*` still matches.
    public static func withoutOptions(_ command: String) -> String {
        let valued: Set<String> = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server", "--kube-context"]
        var words: [String] = []
        var skip = false
        for w in command.split(separator: " ").map(String.init) {
            if skip { skip = false; continue }
            if w.hasPrefix("-") {
                if valued.contains(w) { skip = true }
                continue
            }
            words.append(w)
        }
        return words.joined(separator: " ")
    }

    /// Whether `command` matches the agent pattern (`*` matches anything, including spaces).
    public static func matches(_ pattern: String, _ command: String) -> Bool {
        Glob.matchSegment(Array(pattern.utf8)[...], Array(command.utf8)[...])
    }

    /// Drops prefixes that do not change what runs.
    static func strip(_ words: inout [String]) {
        var changed = true
        while changed, !words.isEmpty {
            changed = false
            let w = words[0]
            if isAssignment(w) {
                words.removeFirst(); changed = true
            } else if ["sudo", "doas"].contains(w) {
                words.removeFirst()
                while let f = words.first, f.hasPrefix("-") {
                    words.removeFirst()
                    if ["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"].contains(f), !words.isEmpty { words.removeFirst() }
                }
                changed = true
            } else if ["env", "nohup", "time", "command", "exec", "builtin", "nice", "ionice", "stdbuf", "timeout"].contains(w) {
                words.removeFirst()
                while let f = words.first, f.hasPrefix("-") { words.removeFirst() }
                if w == "timeout", let f = words.first, f.first?.isNumber == true { words.removeFirst() }
                changed = true
            }
        }
    }

    static func isAssignment(_ w: String) -> Bool {
        guard let eq = w.firstIndex(of: "="), eq != w.startIndex else { return false }
        return w[..<eq].allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    /// Splits at `&&`, `||`, `;`, `|`, `&` and newlines outside quotes, into word lists
    /// (quotes removed, backslash escapes honoured).
    static func split(_ line: String) -> [[String]] {
        var segments: [[String]] = []
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        var chars = Array(line)
        chars.append(" ")
        var i = 0
        func endWord() {
            if inWord { words.append(word) }
            word = ""
            inWord = false
        }
        func endSegment() {
            endWord()
            if !words.isEmpty { segments.append(words) }
            words = []
        }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q {
                    quote = nil
                } else if c == "\\", q == "\"", i + 1 < chars.count {
                    i += 1
                    word.append(chars[i])
                } else {
                    word.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case "'", "\"":
                quote = c
                inWord = true
            case "\\":
                if i + 1 < chars.count {
                    i += 1
                    if chars[i] != "\n" {
                        word.append(chars[i])
                        inWord = true
                    }
                }
            case " ", "\t":
                endWord()
            case "\n", ";", "|", "&", "(", ")":
                endSegment()
            case "#" where !inWord:
                // A comment runs to the end of the line.
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            default:
                word.append(c)
                inWord = true
            }
            i += 1
        }
        endSegment()
        return segments
    }
}
