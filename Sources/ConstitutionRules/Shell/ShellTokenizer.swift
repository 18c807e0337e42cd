/// Splits one command line (a logical line, or a whole `-c` script) into words, operators and
/// redirections, as a POSIX shell or bash does before it runs anything:
/// - quotes are removed: `'…'` literally, `"…"` with `\"`, `\\`, `\$`, `` \` `` escapes, and
///   `$'…'` with its C escapes (`\n`, `\t`, `\xHH`, `\NNN`…); a backslash escapes the next byte,
///   and `\` before a line break joins the lines;
/// - `#` at the start of a word begins a comment;
/// - `|`, `||`, `|&`, `&&`, `&`, `;`, `;;`, `;&`, `(`, `)` and line breaks separate commands;
/// - redirections (`>`, `>>`, `>|`, `<`, `<>`, `<<`, `<<-`, `<<<`, `>&`, `<&`, `&>`, `&>>`,
///   with any file descriptor number before them) end a word anywhere, even before the command
///   word, and take the next word as their target;
/// - command substitutions (`$( … )`, `` ` … ` ``), process substitutions (`<( … )`, `>( … )`),
///   `${ … }`, `$(( … ))` and Jinja (`{{ … }}`, `{% … %}`) stay inside one word; the scripts of
///   command and process substitutions are recorded on the word, so the reader can read them too.
///
/// Not a full shell grammar (compound commands are read by ``ShellReader`` from the token
/// stream); every offset is checked against the end before it is read.
struct ShellTokenizer {
    private let b: [UInt8]
    private var i = 0
    private var tokens: [ShellToken] = []
    /// The word being read, and what is known about it.
    private var word = ShellToken(kind: .word, range: 0..<0, text: [], map: [])
    private var parameters = 0
    private var onlyParameter = true

    init(_ bytes: [UInt8]) { b = bytes }

    private var n: Int { b.count }

    /// The tokens of the whole text.
    mutating func run() -> [ShellToken] {
        while i < n {
            let c = b[i]
            if ShellWords.isSpace(c) {
                i += 1
            } else if c == UInt8(ascii: "\\"), i + 1 < n, b[i + 1] == 0x0A {
                i += 2
            } else if c == UInt8(ascii: "\\"), i + 2 < n, b[i + 1] == 0x0D, b[i + 2] == 0x0A {
                i += 3
            } else if c == 0x0A {
                tokens.append(ShellToken(kind: .op, range: i..<(i + 1), text: [UInt8(ascii: ";")], map: [i]))
                i += 1
            } else if c == UInt8(ascii: "#") {
                while i < n, b[i] != 0x0A { i += 1 }
            } else if let end = redirectionEnd(at: i) {
                let op = b[i..<end].filter { $0 < 0x30 || $0 > 0x39 }
                tokens.append(ShellToken(kind: .redirect, range: i..<end, text: Array(op), map: Array(repeating: i, count: op.count)))
                i = end
            } else if ShellWords.isOperator(c) {
                var j = i + 1
                if j < n {
                    let d = b[j]
                    if d == c, c == UInt8(ascii: "|") || c == UInt8(ascii: "&") || c == UInt8(ascii: ";") {
                        j += 1
                    } else if d == UInt8(ascii: "&"), c == UInt8(ascii: "|") || c == UInt8(ascii: ";") {
                        j += 1
                    }
                }
                tokens.append(ShellToken(kind: .op, range: i..<j, text: Array(b[i..<j]), map: Array(i..<j)))
                i = j
            } else {
                readWord()
            }
        }
        return tokens
    }

    /// The end of a redirection operator starting at `start`, or nil.
    private func redirectionEnd(at start: Int) -> Int? {
        var k = start
        while k < n, b[k] >= 0x30, b[k] <= 0x39 { k += 1 }
        guard k < n else { return nil }
        if k == start, b[k] == UInt8(ascii: "&"), k + 1 < n, b[k + 1] == UInt8(ascii: ">") {
            return k + 2 < n && b[k + 2] == UInt8(ascii: ">") ? k + 3 : k + 2
        }
        guard b[k] == UInt8(ascii: "<") || b[k] == UInt8(ascii: ">") else { return nil }
        if k + 1 < n, b[k + 1] == UInt8(ascii: "(") { return nil }  // process substitution
        var j = k + 1
        if b[k] == UInt8(ascii: "<") {
            if j < n, b[j] == UInt8(ascii: "<") {
                j += 1
                if j < n, b[j] == UInt8(ascii: "<") || b[j] == UInt8(ascii: "-") { j += 1 }
            } else if j < n, b[j] == UInt8(ascii: "&") || b[j] == UInt8(ascii: ">") {
                j += 1
            }
        } else if j < n, b[j] == UInt8(ascii: ">") || b[j] == UInt8(ascii: "&") || b[j] == UInt8(ascii: "|") {
            j += 1
        }
        return j
    }

    /// Whether `c` is read as itself inside a word (no quote, escape, expansion, operator,
    /// redirection, space or Jinja brace).
    @inline(__always)
    static func isPlain(_ c: UInt8) -> Bool {
        switch c {
        case 0x20, 0x09, 0x0D, 0x0A, UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "$"), UInt8(ascii: "\\"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: ";"),
            UInt8(ascii: "("), UInt8(ascii: ")"):
            return false
        default:
            return true
        }
    }

    private mutating func copy(_ k: Int) {
        word.text.append(b[k])
        word.map.append(k)
    }

    private mutating func copy(upTo end: Int) {
        while i < end {
            copy(i)
            i += 1
        }
    }

    private mutating func readWord() {
        let start = i
        word = ShellToken(kind: .word, range: start..<start, text: [], map: [])
        parameters = 0
        onlyParameter = true
        while i < n {
            let d = b[i]
            if ShellWords.isSpace(d) || d == 0x0A { break }
            if d == UInt8(ascii: "<") || d == UInt8(ascii: ">") {
                guard i + 1 < n, b[i + 1] == UInt8(ascii: "(") else { break }
                onlyParameter = false
                group(open: i + 1)
                continue
            }
            if ShellWords.isOperator(d) { break }
            switch d {
            case UInt8(ascii: "'"):
                onlyParameter = false
                i += 1
                while i < n, b[i] != UInt8(ascii: "'") {
                    copy(i)
                    i += 1
                }
                i += 1
            case UInt8(ascii: "\""):
                doubleQuoted()
            case UInt8(ascii: "$") where i + 1 < n && b[i + 1] == UInt8(ascii: "'"):
                onlyParameter = false
                ansiC()
            case UInt8(ascii: "$") where i + 1 < n && b[i + 1] == UInt8(ascii: "\""):
                i += 1  // `$"…"`: a translatable string, read as "…"
            case UInt8(ascii: "$"):
                if !expansion() {
                    onlyParameter = false
                    copy(i)
                    i += 1
                }
            case UInt8(ascii: "\\"):
                onlyParameter = false
                if i + 1 < n {
                    if b[i + 1] != 0x0A { copy(i + 1) }
                    i += 2
                } else {
                    i += 1
                }
            case UInt8(ascii: "{") where i + 1 < n && (b[i + 1] == UInt8(ascii: "{") || b[i + 1] == UInt8(ascii: "%")):
                onlyParameter = false
                copy(upTo: ShellWords.skipJinja(b, from: i, close: b[i + 1] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "%")))
            case UInt8(ascii: "`"):
                onlyParameter = false
                backtick()
            default:
                onlyParameter = false
                // A run of plain bytes is copied at once.
                var end = i + 1
                while end < n, ShellTokenizer.isPlain(b[end]) { end += 1 }
                word.text.append(contentsOf: b[i..<end])
                word.map.append(contentsOf: i..<end)
                i = end
            }
        }
        // An unterminated quote steps one past the end: keep the range inside the text.
        i = min(i, n)
        word.range = start..<max(i, start + 1)
        if parameters == 1, onlyParameter, word.substitutions.isEmpty, let name = ShellTokenizer.parameterName(word.text) {
            word.variable = name
        }
        tokens.append(word)
    }

    /// `"…"`: escapes of `"`, `\`, `$` and `` ` ``; expansions and substitutions inside.
    private mutating func doubleQuoted() {
        i += 1
        while i < n, b[i] != UInt8(ascii: "\"") {
            let e = b[i]
            if e == UInt8(ascii: "\\"), i + 1 < n {
                let f = b[i + 1]
                if f == 0x0A {
                    i += 2
                    continue
                }
                if f == UInt8(ascii: "\"") || f == UInt8(ascii: "\\") || f == UInt8(ascii: "$") || f == UInt8(ascii: "`") {
                    copy(i + 1)
                    i += 2
                    onlyParameter = false
                    continue
                }
            }
            if e == UInt8(ascii: "$"), i + 1 < n, expansion() { continue }
            onlyParameter = false
            if e == UInt8(ascii: "`") {
                backtick()
                continue
            }
            copy(i)
            i += 1
        }
        i += 1
    }

    /// A `$…` expansion at `i`: a command substitution, `${…}`, `$((…))`, or a parameter
    /// (`$NAME`, `$1`, `$@`). False when the `$` is a plain character.
    private mutating func expansion() -> Bool {
        guard i + 1 < n else { return false }
        let next = b[i + 1]
        if next == UInt8(ascii: "(") || next == UInt8(ascii: "{") {
            word.expands = true
            parameters += next == UInt8(ascii: "{") ? 1 : 2
            group(open: i + 1)
            return true
        }
        let special = next == UInt8(ascii: "@") || next == UInt8(ascii: "*") || next == UInt8(ascii: "#") || next == UInt8(ascii: "?")
            || next == UInt8(ascii: "$") || next == UInt8(ascii: "!") || next == UInt8(ascii: "-")
        guard ShellWords.isNameStart(next) || (next >= 0x30 && next <= 0x39) || special else { return false }
        word.expands = true
        parameters += 1
        copy(i)
        i += 1
        if ShellWords.isNameStart(next) {
            while i < n, ShellWords.isNameByte(b[i]) {
                copy(i)
                i += 1
            }
        } else {
            copy(i)
            i += 1
        }
        return true
    }

    /// A `$( … )`, `${ … }`, `<( … )` or `>( … )` group whose bracket is at `open` (the byte
    /// before it is `$`, `<` or `>`); a command substitution's script is recorded.
    private mutating func group(open: Int) {
        let end = ShellWords.skipBalanced(b, from: open)
        if b[open] == UInt8(ascii: "("), !(open + 1 < n && b[open + 1] == UInt8(ascii: "(")) {
            // Without its `)` (an unterminated group) the script runs to the end.
            let close = end > open + 1 && b[end - 1] == UInt8(ascii: ")") ? end - 1 : end
            word.substitutions.append((open + 1)..<close)
        }
        word.expands = true
        copy(upTo: end)
    }

    /// `` `…` ``: a command substitution (backslash escapes inside are the script's own).
    private mutating func backtick() {
        let open = i
        copy(i)
        i += 1
        while i < n, b[i] != UInt8(ascii: "`") {
            if b[i] == UInt8(ascii: "\\"), i + 1 < n {
                copy(i)
                i += 1
            }
            copy(i)
            i += 1
        }
        word.substitutions.append((open + 1)..<min(i, n))
        word.expands = true
        if i < n {
            copy(i)
            i += 1
        }
    }

    /// `$'…'`: C escapes decoded, each decoded byte mapped to its escape.
    private mutating func ansiC() {
        i += 2
        while i < n, b[i] != UInt8(ascii: "'") {
            guard b[i] == UInt8(ascii: "\\"), i + 1 < n else {
                copy(i)
                i += 1
                continue
            }
            let at = i
            let e = b[i + 1]
            i += 2
            var value: UInt8?
            switch e {
            case UInt8(ascii: "n"): value = 0x0A
            case UInt8(ascii: "t"): value = 0x09
            case UInt8(ascii: "r"): value = 0x0D
            case UInt8(ascii: "a"): value = 0x07
            case UInt8(ascii: "b"): value = 0x08
            case UInt8(ascii: "e"), UInt8(ascii: "E"): value = 0x1B
            case UInt8(ascii: "f"): value = 0x0C
            case UInt8(ascii: "v"): value = 0x0B
            case UInt8(ascii: "x"):
                var v: UInt32 = 0
                var digits = 0
                while digits < 2, i < n, let h = ShellTokenizer.hexValue(b[i]) {
                    v = v * 16 + UInt32(h)
                    i += 1
                    digits += 1
                }
                value = digits > 0 ? UInt8(truncatingIfNeeded: v) : UInt8(ascii: "x")
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var v = UInt32(e - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, i < n, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "7") {
                    v = v * 8 + UInt32(b[i] - UInt8(ascii: "0"))
                    i += 1
                    digits += 1
                }
                value = UInt8(truncatingIfNeeded: v)
            default:
                value = e  // \\ \' \" \? and anything else: the character itself
            }
            if let value {
                word.text.append(value)
                word.map.append(at)
            }
        }
        i += 1
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// `K` for a word that is exactly `$K` or `${K}` (quotes already removed).
    static func parameterName(_ text: [UInt8]) -> String? {
        guard text.count >= 2, text[0] == UInt8(ascii: "$") else { return nil }
        var body = text[1...]
        if body.first == UInt8(ascii: "{") {
            guard body.last == UInt8(ascii: "}") else { return nil }
            body = body.dropFirst().dropLast()
        }
        guard let first = body.first, ShellWords.isNameStart(first), body.allSatisfy(ShellWords.isNameByte) else { return nil }
        return String(decoding: body, as: UTF8.self)
    }
}
