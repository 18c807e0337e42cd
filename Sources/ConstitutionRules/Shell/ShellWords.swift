import ConstitutionCore

/// A word or an operator of a shell command line, with a way back to the text it came from.
struct ShellToken: Sendable {
    /// Words are arguments; operators separate commands (`|`, `||`, `&&`, `;`, `&`, `(`, `)`,
    /// `;;`, and a line break, written as `;`); redirections (`>`, `>>`, `<`, `<<`, `<<-`, `<<<`,
    /// `>&`, `<&`, `&>`, `&>>`, `<>`, `>|`, any file descriptor number dropped) take the next
    /// word as their target.
    enum Kind: Sendable, Equatable {
        /// An argument or command name.
        case word
        /// A command separator.
        case op
        /// A redirection operator; the next word is its target.
        case redirect
    }

    /// What the token is.
    var kind: Kind
    /// Where the token is in the tokenised text, quotes included.
    var range: Range<Int>
    /// The word with quotes removed and escapes applied (the operator's text for operators).
    var text: [UInt8]
    /// For each byte of ``text``, its offset in the tokenised text.
    var map: [Int]
    /// The scripts inside the word that the shell runs while expanding it: `$( … )`, `` ` … ` ``,
    /// `<( … )` and `>( … )` outside single quotes, as ranges of the tokenised text.
    var substitutions: [Range<Int>] = []
    /// Whether the word's value is only known when the shell runs: it expands a parameter
    /// (`$X`, `${X}`, `$1`) or a command substitution outside single quotes.
    var expands = false
    /// The variable's name when the whole word is one parameter expansion (`$K`, `${K}`,
    /// `"$K"`), which the reader may know from an earlier assignment.
    var variable: String?

    /// The word as a string.
    var string: String { String(decoding: text, as: UTF8.self) }

    /// Whether the word is exactly `s`.
    func isWord(_ s: String) -> Bool { kind == .word && text.elementsEqual(s.utf8) }

    /// Whether the operator is exactly `s`.
    func isOp(_ s: String) -> Bool { kind == .op && text.elementsEqual(s.utf8) }

    /// The unquoted word as a mapped text of its own, each byte at its place in `base`.
    func mapped(in base: MappedText) -> MappedText {
        mapped(in: base, from: 0)
    }

    /// The part of the unquoted word from byte `start` on, as a mapped text.
    func mapped(in base: MappedText, from start: Int) -> MappedText {
        var locator = MappedText.Locator(base)
        return mapped(in: base, from: start, locator: &locator)
    }

    /// ``mapped(in:from:)`` with a locator over `base` that the words of one line share, so
    /// their positions are found in one forward scan of the line instead of one scan each.
    func mapped(in base: MappedText, from start: Int = 0, locator: inout MappedText.Locator) -> MappedText {
        guard start < text.count else {
            let at = map.last.map { locator.location(at: $0 + 1) } ?? locator.location(at: range.lowerBound)
            return MappedText(bytes: [], anchors: [.init(offset: 0, location: at)], exact: base.exact, origin: base.origin)
        }
        var anchors: [MappedText.Anchor] = []
        for i in start..<text.count where i == start || map[i] != map[i - 1] + 1 {
            anchors.append(.init(offset: i - start, location: locator.location(at: map[i])))
        }
        return MappedText(bytes: Array(text[start...]), anchors: anchors, exact: base.exact, origin: base.origin)
    }
}

/// Byte-level shell tokenising: words with their positions, logical lines of a script, and the
/// `sh -c SCRIPT` idiom. Not a shell parser: enough to find commands, flags and assignments
/// without regexes or allocations per character.
enum ShellWords {
    /// Shells whose `-c` argument is a script.
    static var shells: Set<String> { ShellWrappers.shells }

    /// Commands whose here-document body is itself run as commands.
    static let heredocRunners: Set<String> = shells.union(["ssh"])

    /// Space, tab or carriage return.
    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }

    @inline(__always)
    static func isOperator(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "|") || c == UInt8(ascii: "&") || c == UInt8(ascii: ";") || c == UInt8(ascii: "(")
            || c == UInt8(ascii: ")")
    }

    /// Whether `c` may start a shell or Ansible variable name.
    @inline(__always)
    static func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    /// Whether `c` may continue a variable name.
    @inline(__always)
    static func isNameByte(_ c: UInt8) -> Bool { isNameStart(c) || (c >= 0x30 && c <= 0x39) }

    /// The last `/`-separated part of a word (`/usr/bin/bash` → `bash`).
    static func basename<C: BidirectionalCollection>(_ word: C) -> String where C.Element == UInt8 {
        if let slash = word.lastIndex(of: UInt8(ascii: "/")) {
            return String(decoding: word[word.index(after: slash)...], as: UTF8.self)
        }
        return String(decoding: word, as: UTF8.self)
    }

    /// The length of `NAME` when `word` is an assignment `NAME=value`, else nil.
    static func assignmentNameLength(_ word: [UInt8]) -> Int? {
        guard let first = word.first, isNameStart(first) else { return nil }
        var i = 1
        while i < word.count, isNameByte(word[i]) { i += 1 }
        return i < word.count && word[i] == UInt8(ascii: "=") ? i : nil
    }

    // MARK: Tokens

    /// Splits a command line into words, operators and redirections (see ``ShellTokenizer``).
    static func tokenize(_ b: [UInt8]) -> [ShellToken] {
        var tokenizer = ShellTokenizer(b)
        return tokenizer.run()
    }

    /// The offset just past a Jinja span starting at `from` (`{{ … }}` or `{% … %}`).
    static func skipJinja(_ b: [UInt8], from: Int, close: UInt8) -> Int {
        var i = from + 2
        while i + 1 < b.count {
            if b[i] == close, b[i + 1] == UInt8(ascii: "}") { return i + 2 }
            i += 1
        }
        return b.count
    }

    /// The offset just past the bracket group opening at `from` (`(` or `{`), honouring nesting
    /// and quotes.
    static func skipBalanced(_ b: [UInt8], from: Int) -> Int {
        let open = b[from]
        let close = open == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}")
        var depth = 0
        var i = from
        var quote: UInt8 = 0
        while i < b.count {
            let c = b[i]
            if quote != 0 {
                if c == quote { quote = 0 } else if c == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") { i += 1 }
            } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                quote = c
            } else if c == open {
                depth += 1
            } else if c == close {
                depth -= 1
                if depth == 0 { return i + 1 }
            }
            i += 1
        }
        return b.count
    }

    /// The words of `tokens` split into simple commands at operators.
    static func simpleCommands(_ tokens: [ShellToken]) -> [(words: [ShellToken], pipedFrom: Int?)] {
        var out: [(words: [ShellToken], pipedFrom: Int?)] = []
        var current: [ShellToken] = []
        var pipedFrom: Int?
        for token in tokens {
            if token.kind == .op {
                if !current.isEmpty { out.append((current, pipedFrom)) }
                pipedFrom = (token.isOp("|") || token.isOp("|&")) && !out.isEmpty ? out.count - 1 : nil
                current = []
            } else {
                current.append(token)
            }
        }
        if !current.isEmpty { out.append((current, pipedFrom)) }
        return out
    }

    // MARK: sh -c

    /// When `words` run a shell with `-c SCRIPT` (`sh -c`, `/bin/bash -ec`), the index of SCRIPT.
    static func shellScriptIndex(_ words: [[UInt8]]) -> Int? {
        guard let first = words.first, shells.contains(basename(first)) else { return nil }
        var i = 1
        while i < words.count {
            let w = words[i]
            guard w.count >= 2, w[0] == UInt8(ascii: "-"), w[1] != UInt8(ascii: "-") else { return nil }
            if w.dropFirst().contains(UInt8(ascii: "c")) { return i + 1 < words.count ? i + 1 : nil }
            i += 1
        }
        return nil
    }

    // MARK: Logical lines

    /// The logical lines of a script: `\` continuations joined, blank lines and comments
    /// skipped, here-document bodies skipped (unless fed to a shell or `ssh`), line breaks
    /// inside quotes kept. Each line keeps its own positions.
    static func logicalLines(_ text: MappedText) -> [MappedText] {
        // A quote that never closes (`echo it's`) would swallow the rest of the script: read it
        // as a plain character instead and scan again.
        var literalQuotes: Set<Int> = []
        while true {
            let (lines, openQuote) = scanLines(text, literalQuotes: literalQuotes)
            guard let openQuote, literalQuotes.count < 32 else { return lines }
            literalQuotes.insert(openQuote)
        }
    }

    private static func scanLines(_ text: MappedText, literalQuotes: Set<Int>) -> (lines: [MappedText], openQuote: Int?) {
        let b = text.bytes
        let n = b.count
        var out: [MappedText] = []
        var pieces: [Range<Int>] = []
        var pieceStart = 0
        var quote: UInt8 = 0
        var quoteStart = 0
        var atWordStart = true
        var heredocs: [(delimiter: [UInt8], stripTabs: Bool)] = []
        // Terminators of here-documents whose bodies are commands: not commands themselves.
        var terminators: [[UInt8]] = []
        var i = 0

        func emit(_ end: Int) -> MappedText? {
            pieces.append(pieceStart..<end)
            let line = text.extract(pieces).trimmed()
            pieces.removeAll(keepingCapacity: true)
            guard !line.bytes.isEmpty, !line.isBlank else { return nil }
            if let index = terminators.firstIndex(where: { $0 == line.bytes }) {
                terminators.remove(at: index)
                return nil
            }
            out.append(line)
            return line
        }

        while i < n {
            let c = b[i]
            if quote != 0 {
                if c == quote {
                    quote = 0
                } else if quote == UInt8(ascii: "\""), c == UInt8(ascii: "\\"), i + 1 < n {
                    i += 2
                    continue
                }
                i += 1
                continue
            }
            switch c {
            case UInt8(ascii: "\\"):
                if i + 1 < n, b[i + 1] == 0x0A {
                    pieces.append(pieceStart..<i)
                    pieceStart = i + 2
                    i += 2
                } else if i + 2 < n, b[i + 1] == 0x0D, b[i + 2] == 0x0A {
                    pieces.append(pieceStart..<i)
                    pieceStart = i + 3
                    i += 3
                } else {
                    i += 2
                }
                atWordStart = false
            case UInt8(ascii: "'") where !literalQuotes.contains(i), UInt8(ascii: "\"") where !literalQuotes.contains(i):
                quote = c
                quoteStart = i
                atWordStart = false
                i += 1
            case UInt8(ascii: "#") where atWordStart:
                pieces.append(pieceStart..<i)
                while i < n, b[i] != 0x0A { i += 1 }
                pieceStart = i
            case UInt8(ascii: "{") where i + 1 < n && (b[i + 1] == UInt8(ascii: "{") || b[i + 1] == UInt8(ascii: "%") || b[i + 1] == UInt8(ascii: "#")):
                // Jinja: never a comment or a quote inside.
                let close: UInt8 = b[i + 1] == UInt8(ascii: "{") ? UInt8(ascii: "}") : b[i + 1]
                i = skipJinja(b, from: i, close: close)
                atWordStart = false
            case UInt8(ascii: "<") where i + 2 < n && b[i + 1] == UInt8(ascii: "<") && b[i + 2] != UInt8(ascii: "<"):
                var j = i + 2
                var stripTabs = false
                if j < n, b[j] == UInt8(ascii: "-") {
                    stripTabs = true
                    j += 1
                }
                while j < n, isSpace(b[j]) { j += 1 }
                var delimiter: [UInt8] = []
                while j < n, !isSpace(b[j]), b[j] != 0x0A, !isOperator(b[j]), b[j] != UInt8(ascii: "<"), b[j] != UInt8(ascii: ">") {
                    if b[j] != UInt8(ascii: "'") && b[j] != UInt8(ascii: "\"") && b[j] != UInt8(ascii: "\\") { delimiter.append(b[j]) }
                    j += 1
                }
                if !delimiter.isEmpty { heredocs.append((delimiter, stripTabs)) }
                i = j
                atWordStart = true
            case 0x0A:
                let line = emit(i)
                i += 1
                pieceStart = i
                atWordStart = true
                if !heredocs.isEmpty {
                    let runs = line.map { runsHeredoc($0.bytes) } ?? false
                    if runs {
                        terminators.append(contentsOf: heredocs.map(\.delimiter))
                    } else {
                        for doc in heredocs { i = skipHeredocBody(b, from: i, delimiter: doc.delimiter, stripTabs: doc.stripTabs) }
                        pieceStart = i
                    }
                    heredocs.removeAll()
                }
            default:
                atWordStart = isSpace(c) || c == UInt8(ascii: ";") || c == UInt8(ascii: "|") || c == UInt8(ascii: "&")
                    || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
                i += 1
            }
        }
        if quote != 0 { return (out, quoteStart) }
        _ = emit(n)
        return (out, nil)
    }

    /// Whether a line that opens a here-document feeds it to a shell or `ssh`.
    private static func runsHeredoc(_ line: [UInt8]) -> Bool {
        // Each command of the pipeline: its command word after wrappers, options and
        // assignments (`cat <<EOF | sudo -u x bash`).
        for segment in line.split(separator: UInt8(ascii: "|")) {
            for word in segment.split(whereSeparator: { isSpace($0) }) {
                if word.first == UInt8(ascii: "<") || word.first == UInt8(ascii: ">") { continue }
                let name = basename(word)
                if heredocRunners.contains(name) { return true }
                if word.first == UInt8(ascii: "-") || assignmentNameLength(Array(word)) != nil || ShellWrappers.specs[name] != nil { continue }
                break
            }
        }
        return false
    }

    /// The offset after the line that closes a here-document body starting at `from`.
    private static func skipHeredocBody(_ b: [UInt8], from: Int, delimiter: [UInt8], stripTabs: Bool) -> Int {
        var i = from
        let n = b.count
        while i < n {
            var lineEnd = i
            while lineEnd < n, b[lineEnd] != 0x0A { lineEnd += 1 }
            var s = i
            var e = lineEnd
            if stripTabs { while s < e, b[s] == 0x09 { s += 1 } }
            while s < e, b[s] == 0x20 { s += 1 }
            while e > s, isSpace(b[e - 1]) { e -= 1 }
            if b[s..<e].elementsEqual(delimiter) { return min(lineEnd + 1, n) }
            i = lineEnd + 1
        }
        return n
    }
}
