/// Reads a Mustache template's tags the way swift-mustache's parser does, without building
/// anything, to refuse what would crash it: swift-mustache parses and renders each section (and
/// each transform, and each partial) by recursing, so a template nested deep enough overflows
/// the stack (SIGSEGV), and a partial that includes itself never ends.
///
/// It finds tags exactly as the parser does (by `Character`, with `{{=… …=}}` delimiter changes,
/// comments, triple braces) so that the depth it counts is the depth the parser would reach.
/// Where the parser would stop with a syntax error, the scan stops too, with a message located
/// at the tag (the parser's own position is often the end of the file). Errors it does not look
/// for (transform syntax, `{{<partial}}` contents, config values) are left to the parser.
enum TemplateCheck {
    /// A problem at a `Character` index of the template.
    struct Problem: Error {
        var at: Int
        var message: String
    }

    /// A partial named by a `{{> name}}` or `{{< name}}` tag.
    struct Reference {
        var name: String
        var at: Int
        /// Sections open around the tag.
        var depth: Int
        /// A `{{<name}}` (inherits: its `{{$block}}` overrides render inside the partial's own
        /// sections, so they count on top of the partial's depth).
        var inherits: Bool
    }

    /// What the scan found.
    struct Shape {
        /// The deepest section nesting.
        var depth = 0
        /// The partials it includes, in order.
        var references: [Reference] = []
    }

    private static let nameChars = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
    private static let plainNameChars = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")
    private static let partialNameChars = Set<Character>(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/")

    /// Scans `c` (the template's characters); throws the first section nested deeper than
    /// `maxDepth`, transform chain longer than it, dynamic partial, or unbalanced section.
    static func scan(_ c: [Character], maxDepth: Int) throws(Problem) -> Shape {
        var start: [Character] = ["{", "{"]
        var end: [Character] = ["}", "}"]
        var open: [(name: String, at: Int)] = []
        var shape = Shape()
        let n = c.count

        func matches(_ d: [Character], _ i: Int) -> Bool {
            guard i + d.count <= n else { return false }
            for k in 0..<d.count where c[i + k] != d[k] { return false }
            return true
        }
        func skipSpace(_ i: inout Int) { while i < n, c[i].isWhitespace { i += 1 } }
        func read(_ i: inout Int, _ set: Set<Character>) -> String {
            let from = i
            while i < n, set.contains(c[i]) { i += 1 }
            return String(c[from..<i])
        }
        func unfinished(_ tag: Int, _ text: String) -> Problem {
            Problem(
                at: tag,
                message: "unfinished tag: expected '\(String(end))' after \(text.isEmpty ? "the tag's name" : "'\(text)'")"
                    + " (names are letters, digits and . - _ ? *)")
        }
        /// A tag's name and closing delimiter.
        func name(_ i: inout Int, _ set: Set<Character>, tag: Int) throws(Problem) -> String {
            skipSpace(&i)
            let text = read(&i, set)
            skipSpace(&i)
            guard matches(end, i) else { throw unfinished(tag, text) }
            i += end.count
            if text.count(where: { $0 == "(" }) > maxDepth {
                throw Problem(at: tag, message: "more than \(maxDepth) nested transforms in one tag")
            }
            return text
        }
        func push(_ name: String, _ tag: Int) throws(Problem) {
            open.append((name, tag))
            if open.count > maxDepth {
                throw Problem(
                    at: tag,
                    message: "sections are nested more than \(maxDepth) deep (the limit: deeper templates would crash the renderer)")
            }
            shape.depth = max(shape.depth, open.count)
        }

        var i = 0
        while true {
            // The next opening delimiter.
            var tag = i
            while tag < n, !(c[tag] == start[0] && matches(start, tag)) { tag += 1 }
            guard tag < n else { break }
            var j = tag + start.count
            let kind: Character = j < n ? c[j] : "\0"
            switch kind {
            case "#", "^", "$":
                j += 1
                try push(try name(&j, nameChars, tag: tag), tag)
            case "<", ">":
                j += 1
                skipSpace(&j)
                if kind == ">", j < n, c[j] == "*" {
                    throw Problem(at: tag, message: "dynamic partials ('\(String(start))>*…') are not supported: name the partial")
                }
                let partial = read(&j, partialNameChars)
                skipSpace(&j)
                guard matches(end, j) else { throw unfinished(tag, partial) }
                j += end.count
                if partial.hasPrefix("*") {
                    throw Problem(at: tag, message: "dynamic partials ('\(String(start))<*…') are not supported: name the partial")
                }
                shape.references.append(Reference(name: partial, at: tag, depth: open.count, inherits: kind == "<"))
                if kind == "<" { try push(partial, tag) }
            case "/":
                j += 1
                let name = try name(&j, nameChars, tag: tag)
                guard let last = open.last else {
                    throw Problem(at: tag, message: "'\(name)' closes a section that was never opened")
                }
                guard last.name == name else {
                    throw Problem(at: tag, message: "'\(name)' closes section '\(last.name)', which is still open")
                }
                open.removeLast()
            case "!":
                // The parser's search for the end of a comment: a match restarts after a mismatch.
                j += 1
                var k = 0
                var closed = false
                while j < n, !closed {
                    if c[j] == end[k] {
                        k += 1
                        closed = k == end.count
                    } else {
                        k = 0
                    }
                    j += 1
                }
                guard closed else { throw Problem(at: tag, message: "the comment is never closed (no '\(String(end))')") }
            case "=":
                let invalid = Problem(at: tag, message: "invalid delimiter change (expected '\(String(start))=<start> <end>=\(String(end))')")
                j += 1
                skipSpace(&j)
                let from = j
                while j < n, !c[j].isWhitespace { j += 1 }
                guard j < n else { throw invalid }
                let newStart = Array(c[from..<j])
                skipSpace(&j)
                let from2 = j
                while j < n, c[j] != "=", !c[j].isWhitespace { j += 1 }
                guard j < n else { throw invalid }
                let newEnd = Array(c[from2..<j])
                skipSpace(&j)
                guard j < n, c[j] == "=" else { throw invalid }
                j += 1
                guard matches(end, j), !newStart.isEmpty, !newEnd.isEmpty else { throw invalid }
                j += end.count
                (start, end) = (newStart, newEnd)
            case "{":
                j += 1
                let text = try name(&j, nameChars, tag: tag)
                guard j < n, c[j] == "}" else { throw Problem(at: tag, message: "unfinished tag: expected '}\(String(end))' after '\(text)'") }
                j += 1
            case "&":
                j += 1
                _ = try name(&j, nameChars, tag: tag)
            case "%":
                let invalid = Problem(at: tag, message: "invalid config tag (expected '\(String(start))% NAME: value\(String(end))')")
                j += 1
                skipSpace(&j)
                _ = read(&j, plainNameChars)
                skipSpace(&j)
                guard j < n, c[j] == ":" else { throw invalid }
                j += 1
                skipSpace(&j)
                _ = read(&j, plainNameChars)
                skipSpace(&j)
                guard matches(end, j) else { throw invalid }
                j += end.count
            default:
                _ = try name(&j, nameChars, tag: tag)
            }
            i = j
        }
        if let last = open.last {
            throw Problem(at: last.at, message: "section '\(last.name)' is never closed")
        }
        return shape
    }
}
