import ConstitutionCore

/// A command the shell would run, read without running anything.
struct ShellRun: Sendable {
    /// Its words from the command word on: assignments, redirections and the wrappers that run
    /// it are gone; each word keeps its place in the file.
    var words: [MappedText]
    /// Per word: whether its value is only known when the shell runs (`$X`, `$(…)`).
    var unknown: [Bool]
    /// The index (in the reader's ``ShellReader/runs``) of the command whose output it reads.
    var pipedFrom: Int?
    /// The wrappers and shells it runs under, outermost first (`sudo`, `sh -c`, `$(…)`).
    var via: [String]
    /// An interpreter's inline program (`python3 -c CODE`), which may run anything.
    var inlineCode: MappedText?
    /// Why what runs here cannot be read (shells nested past ``ShellReader/maxDepth``).
    var unverifiable: String?
    /// The files its output redirections write (`> f`, `>> f`, `&> f`, `<> f`).
    var writes: [MappedText] = []

    /// The command word's last path component (`/usr/bin/kubectl` → `kubectl`); empty when
    /// the command word is only known at run time.
    var name: String {
        guard let first = words.first, unknown.first != true else { return "" }
        return ShellWords.basename(first.bytes)
    }

    /// The command as one text: the command word by its name (no directory), then every
    /// argument, separated by single spaces, each mapped to its place in the file.
    var text: MappedText {
        guard var first = words.first else { return MappedText(synthetic: "", at: .start) }
        if unknown.first != true, let slash = first.bytes.lastIndex(of: UInt8(ascii: "/")), slash + 1 < first.bytes.count {
            first = first.slice((slash + 1)..<first.bytes.count)
        }
        return CommandFacet.join([first] + words.dropFirst()) ?? first
    }

    /// Where the command is reported: its command word.
    var location: SourceLocation { words.first?.location(at: 0) ?? .start }
}

/// Reads shell text the way a shell does, into the simple commands it would run
/// (``ShellRun``), without running anything. The one shell reader of the code base: `guard`
/// matches the agent's Bash commands with it, and the `command` facet reads scripts, Ansible
/// `shell`, cloud-init `runcmd`, workflow `run:` and container commands with it.
///
/// It follows:
/// - lists and pipelines (`;`, `&&`, `||`, `&`, `|`, `|&`, line breaks), subshells and groups
///   (`( … )`, `{ …; }`), `if`/`while`/`until`/`for`/`select`/`case` bodies, function bodies,
///   `!` and `time`;
/// - redirections anywhere, even before the command word (`>/dev/null kubectl apply`);
/// - command and process substitutions (`$( … )`, backticks, `<( … )`), whose commands run too,
///   in any word, assignment or redirection target;
/// - the command word by path (`/usr/bin/kubectl`, `./bin/kubectl`), quoted or escaped
///   (`\kubectl`, `'kube'ctl`), or from a variable or alias set earlier in the same text
///   (`K=kubectl; $K apply`, `alias k=kubectl; k apply`);
/// - wrappers that run their arguments (``ShellWrappers``: `sudo`, `env`, `xargs`,
///   `find -exec`, `timeout`, `watch`, `su -c`, `ssh HOST CMD`…) and shell text fed to a shell
///   (`sh -c` at any depth, `eval`, here-strings and here-documents into a shell, `echo … | sh`).
///
/// What it cannot know is marked, never guessed: a word expanded at run time is `unknown`, an
/// interpreter's inline program is kept as ``ShellRun/inlineCode``, and shells nested deeper
/// than ``maxDepth`` give a run marked ``ShellRun/unverifiable``.
struct ShellReader {
    /// How deep shells may nest (`sh -c`, `eval`, `$( … )`, wrappers) before the rest is
    /// reported as unverifiable instead of read.
    static let maxDepth = 16

    /// A word being read: its text, and whether that text is only known at run time.
    struct Word {
        var text: MappedText
        var unknown: Bool
        /// The parameter it expands, when the word is exactly `$NAME` or `${NAME}`.
        var variable: String?
        /// Whether it was written without quotes or escapes (only such a word is an alias).
        var plain: Bool

        var string: String { text.string }
        /// The word's last path component.
        var name: String { ShellWords.basename(text.bytes) }
    }

    /// Every command read so far, in the order the shell would start them (a substitution's
    /// commands before the command that uses its output).
    private(set) var runs: [ShellRun] = []
    /// Variables assigned earlier in the text: their words, or nil when set to something only
    /// known at run time.
    private var variables: [String: [Word]?] = [:]
    private var aliases: [String: [Word]] = [:]

    /// Reads one text's commands.
    static func read(_ script: MappedText) -> [ShellRun] {
        var reader = ShellReader()
        reader.read(script: script)
        return reader.runs
    }

    /// Reads `script` (a whole script: several lines, here-documents, comments).
    mutating func read(script: MappedText, depth: Int = 0, via: [String] = []) {
        guard depth <= ShellReader.maxDepth else {
            runs.append(
                ShellRun(
                    words: [script], unknown: [true], pipedFrom: nil, via: via, inlineCode: nil,
                    unverifiable: "shells nested deeper than \(ShellReader.maxDepth) levels"))
            return
        }
        for line in ShellWords.logicalLines(script) { read(line: line, depth: depth, via: via) }
    }

    /// Reads one logical line.
    mutating func read(line: MappedText, depth: Int, via: [String]) {
        var current: [ShellToken] = []
        var previous: Int?
        var piped = false
        for token in ShellWords.tokenize(line.bytes) + [ShellToken(kind: .op, range: 0..<0, text: [UInt8(ascii: ";")], map: [])] {
            if token.kind != .op {
                current.append(token)
                continue
            }
            if casePattern(current, before: token, in: line, depth: depth, via: via) {
                current = []
                continue
            }
            let index = current.isEmpty ? nil : simple(current, in: line, depth: depth, via: via, pipedFrom: piped ? previous : nil)
            current = []
            piped = token.isOp("|") || token.isOp("|&")
            previous = piped ? index : nil
            if caseDepth > 0, token.isOp(";;") || token.isOp(";&") || token.isOp(";;&") { expectPattern = true }
        }
    }

    /// `case` statements: open `case` statements, and whether a pattern list comes next.
    private var caseDepth = 0
    private var expectPattern = false

    /// Reads `case WORD in`, pattern lists (`a|b)`) and `esac`, which are not commands; true
    /// when `tokens` (ended by `op`) were one of them.
    private mutating func casePattern(_ tokens: [ShellToken], before op: ShellToken, in line: MappedText, depth: Int, via: [String]) -> Bool {
        let first = tokens.first.map { String(decoding: $0.text, as: UTF8.self) }
        if first == "case", tokens.first?.kind == .word, tokens.contains(where: { $0.isWord("in") }) {
            for token in tokens { substitutions(of: token, in: line, depth: depth, via: via) }
            caseDepth += 1
            // `case x in a)`: the first pattern list may follow `in` on the same line.
            let afterIn = tokens.drop { !$0.isWord("in") }.dropFirst()
            expectPattern = !(op.isOp(")") && !afterIn.isEmpty)
            return true
        }
        guard caseDepth > 0 else { return false }
        if first == "esac" {
            caseDepth -= 1
            expectPattern = false
            return tokens.count == 1
        }
        guard expectPattern else { return false }
        if op.isOp(")") {
            expectPattern = false
            return true
        }
        // Patterns joined by `|`, an optional `(` before them, and blank lines between items.
        return op.isOp("|") || op.isOp("(") || tokens.isEmpty
    }

    /// One simple command's tokens: returns the index of its run, when it runs something.
    private mutating func simple(_ tokens: [ShellToken], in line: MappedText, depth: Int, via: [String], pipedFrom: Int?) -> Int? {
        var words: [Word] = []
        var hereString: Word?
        var writes: [MappedText] = []
        var locator = MappedText.Locator(line)
        var k = 0
        while k < tokens.count {
            let token = tokens[k]
            if token.kind == .redirect {
                if k + 1 < tokens.count, tokens[k + 1].kind == .word {
                    let target = tokens[k + 1]
                    substitutions(of: target, in: line, depth: depth, via: via)
                    if token.text == Array("<<<".utf8) { hereString = word(target, in: line, locator: &locator) }
                    if token.text.contains(UInt8(ascii: ">")) && !token.text.contains(UInt8(ascii: "&")) || token.text.first == UInt8(ascii: "&") {
                        writes.append(target.mapped(in: line))
                    }
                    k += 2
                } else {
                    k += 1
                }
                continue
            }
            substitutions(of: token, in: line, depth: depth, via: via)
            words.append(word(token, in: line, locator: &locator))
            k += 1
        }
        let index = command(words[...], depth: depth, via: via, pipedFrom: pipedFrom, hereString: hereString)
        if !writes.isEmpty {
            if let index {
                runs[index].writes = writes
            } else {
                // A bare redirection (`> file`) still writes its file.
                runs.append(ShellRun(words: [], unknown: [], pipedFrom: nil, via: via, inlineCode: nil, unverifiable: nil, writes: writes))
            }
        }
        return index
    }

    private func word(_ token: ShellToken, in line: MappedText, locator: inout MappedText.Locator) -> Word {
        let plain = token.text.count == token.range.count && !token.expands
        return Word(text: token.mapped(in: line, locator: &locator), unknown: token.expands, variable: token.variable, plain: plain)
    }

    /// Reads the scripts of the word's command substitutions (they run before the command).
    private mutating func substitutions(of token: ShellToken, in line: MappedText, depth: Int, via: [String]) {
        for range in token.substitutions {
            let lower = max(0, min(range.lowerBound, line.bytes.count))
            let upper = max(lower, min(range.upperBound, line.bytes.count))
            read(script: line.slice(lower..<upper), depth: depth + 1, via: via + ["$(…)"])
        }
    }

    /// Reserved words that may start a simple command and are not its command word.
    private static let reserved: Set<String> = ["!", "{", "}", "then", "else", "do", "if", "elif", "while", "until", "fi", "done", "esac", "time"]

    /// A simple command's words (redirections gone): drops reserved words, records
    /// assignments, resolves the command word and unwraps wrappers; returns its run's index.
    private mutating func command(
        _ input: ArraySlice<Word>, depth: Int, via: [String], pipedFrom: Int?, hereString: Word? = nil
    ) -> Int? {
        var words = input
        var via = via
        // Reserved words, and headers that run nothing themselves (their substitutions are read).
        while let first = words.first, first.plain {
            let s = first.string
            if ShellReader.reserved.contains(s) {
                words = words.dropFirst()
                if s == "time" { while words.first?.string == "-p" { words = words.dropFirst() } }
            } else if s == "function" {
                words = words.dropFirst(2)
            } else if s == "for" || s == "select" || s == "case" || s == "[[" || s == "((" || s == "]]" || s == "))" {
                return nil
            } else {
                break
            }
        }
        // Assignments before the command word; alone, they set variables for later commands.
        var assignments: [(String, Word)] = []
        while let first = words.first, let length = ShellWords.assignmentNameLength(first.text.bytes) {
            let value = Word(
                text: first.text.slice((length + 1)..<first.text.bytes.count), unknown: first.unknown, variable: nil, plain: first.plain)
            assignments.append((String(decoding: first.text.bytes[0..<length], as: UTF8.self), value))
            words = words.dropFirst()
        }
        if words.isEmpty {
            for (name, value) in assignments { variables[name] = value.unknown ? .some(nil) : split(value) }
            return nil
        }
        var current = resolve(Array(words))
        var steps = 0
        while let first = current.first, !first.unknown, steps < 64 {
            steps += 1
            let name = first.name
            builtin(current)
            switch ShellWrappers.action(current) {
            case .none:
                return append(current, via: via, pipedFrom: pipedFrom)
            case .nothing:
                return append(current, via: via, pipedFrom: pipedFrom)
            case .command(let k):
                via.append(name)
                current = resolve(Array(current[k...]))
            case .commands(let ranges):
                let index = append(current, via: via, pipedFrom: pipedFrom)
                for range in ranges { nested(Array(current[range]), depth: depth + 1, via: via + [name]) }
                return index
            case .script(let text):
                let index = append(current, via: via, pipedFrom: pipedFrom)
                read(script: text, depth: depth + 1, via: via + [name + " -c"])
                return index
            case .joined(let k):
                let index = append(current, via: via, pipedFrom: pipedFrom)
                if let text = CommandFacet.join(current[k...].map(\.text)) { read(script: text, depth: depth + 1, via: via + [name]) }
                return index
            case .stdin:
                let index = append(current, via: via, pipedFrom: pipedFrom)
                if let hereString {
                    read(script: hereString.text, depth: depth + 1, via: via + [name + " <<<"])
                } else if let source = pipedFrom, source < runs.count, ["echo", "printf"].contains(runs[source].name),
                    let text = CommandFacet.join(Array(runs[source].words.dropFirst()))
                {
                    read(script: text, depth: depth + 1, via: via + [runs[source].name + " | " + name])
                }
                return index
            case .inline(let code):
                runs.append(
                    ShellRun(
                        words: current.map(\.text), unknown: current.map(\.unknown), pipedFrom: pipedFrom, via: via, inlineCode: code,
                        unverifiable: nil))
                return runs.count - 1
            }
        }
        return append(current, via: via, pipedFrom: pipedFrom)
    }

    /// A command found inside another's words (`find -exec …`), read as its own.
    private mutating func nested(_ words: [Word], depth: Int, via: [String]) {
        guard depth <= ShellReader.maxDepth else {
            read(script: words.first?.text ?? MappedText(synthetic: "", at: .start), depth: depth, via: via)
            return
        }
        _ = command(words[...], depth: depth, via: via, pipedFrom: nil)
    }

    private mutating func append(_ words: [Word], via: [String], pipedFrom: Int?) -> Int? {
        guard !words.isEmpty else { return nil }
        runs.append(
            ShellRun(
                words: words.map(\.text), unknown: words.map(\.unknown), pipedFrom: pipedFrom, via: via, inlineCode: nil, unverifiable: nil))
        return runs.count - 1
    }

    /// The words with the command word replaced by a variable's or an alias's known words
    /// (a chain of aliases is followed a few steps).
    private func resolve(_ words: [Word]) -> [Word] {
        var words = words
        for _ in 0..<8 {
            guard let first = words.first else { return words }
            if let name = first.variable, let known = variables[name], let value = known {
                words = value + words.dropFirst()
            } else if first.plain, let value = aliases[first.string] {
                words = value + words.dropFirst()
            } else {
                return words
            }
        }
        return words
    }

    /// Records what builtins that set variables and aliases set (`export K=v`, `alias k=…`,
    /// `unset K`).
    private mutating func builtin(_ words: [Word]) {
        guard let first = words.first, first.plain else { return }
        switch first.string {
        case "export", "declare", "typeset", "local", "readonly":
            for w in words.dropFirst() {
                guard let length = ShellWords.assignmentNameLength(w.text.bytes) else { continue }
                let value = Word(text: w.text.slice((length + 1)..<w.text.bytes.count), unknown: w.unknown, variable: nil, plain: w.plain)
                variables[String(decoding: w.text.bytes[0..<length], as: UTF8.self)] = value.unknown ? .some(nil) : split(value)
            }
        case "alias":
            for w in words.dropFirst() {
                guard let eq = w.text.bytes.firstIndex(of: UInt8(ascii: "=")), eq > 0 else { continue }
                let value = Word(text: w.text.slice((eq + 1)..<w.text.bytes.count), unknown: w.unknown, variable: nil, plain: true)
                if let words = split(value) { aliases[String(decoding: w.text.bytes[0..<eq], as: UTF8.self)] = words }
            }
        case "unset", "unalias":
            for w in words.dropFirst() {
                variables[w.string] = .some(nil)
                aliases[w.string] = nil
            }
        default:
            break
        }
    }

    /// A value split into words as an unquoted expansion is (nil when it is only known at run
    /// time).
    private func split(_ value: Word) -> [Word]? {
        if value.unknown { return nil }
        return value.text.bytes.split(whereSeparator: { ShellWords.isSpace($0) || $0 == 0x0A }).map { piece in
            Word(text: value.text.slice(piece.startIndex..<piece.endIndex), unknown: false, variable: nil, plain: true)
        }
    }
}
