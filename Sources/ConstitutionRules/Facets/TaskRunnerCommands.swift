import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// The commands of task runners for the `command` facet: go-task `Taskfile`s and Makefiles
/// (docs/rules.md, "Facets"). Each command is handed on as shell text mapped to the file, so
/// the shell reader places every item at its own line and column.
enum TaskRunnerCommands {
    // MARK: Taskfile

    /// Whether a YAML file is a go-task Taskfile: named `Taskfile.yml`, `taskfile.yaml`,
    /// `Taskfile.dist.yml`… (any case), or a mapping with a `version:` and a `tasks:` mapping
    /// (an included Taskfile under another name).
    static func isTaskfile(path: String, doc: YAMLNode) -> Bool {
        guard doc.kind == .mapping, let tasks = doc["tasks"], tasks.kind == .mapping else { return false }
        let name = PathText.lastSegment(path).lowercased()
        if ["taskfile.yml", "taskfile.yaml", "taskfile.dist.yml", "taskfile.dist.yaml"].contains(name) { return true }
        guard let version = doc["version"]?.scalar else { return false }
        return version.hasPrefix("2") || version.hasPrefix("3")
    }

    /// The command texts of a Taskfile's `tasks:` in file order: each task's `cmds:` items (a
    /// string, or `cmd:`/`defer:` of a mapping; `task:` calls are not commands), its `cmd:`, and
    /// the shorthand forms (a task that is a string or a list of strings). `deps:` and
    /// templating (`{{.VAR}}`) are left as they are.
    static func taskfileCommands(_ doc: YAMLNode) -> [MappedText] {
        var out: [MappedText] = []
        func command(_ node: YAMLNode) {
            switch node.kind {
            case .scalar:
                if !node.isNull, let text = MappedText(scalar: node) { out.append(text) }
            case .mapping:
                if let cmd = node["cmd"] { command(cmd) }
                if let deferred = node["defer"], deferred.kind == .scalar { command(deferred) }
                if let deferred = node["defer"], deferred.kind == .mapping, let cmd = deferred["cmd"] { command(cmd) }
            default:
                break
            }
        }
        for task in doc["tasks"]?.pairs ?? [] {
            let body = task.value
            switch body.kind {
            case .scalar: command(body)
            case .sequence: body.elements.forEach(command)
            case .mapping:
                if let cmd = body["cmd"] { command(cmd) }
                if let cmds = body["cmds"] {
                    if cmds.kind == .sequence { cmds.elements.forEach(command) } else { command(cmds) }
                }
            default: break
            }
        }
        return out
    }

    // MARK: Makefile

    /// Whether a text file is a Makefile: `Makefile`, `makefile`, `GNUmakefile`, or `*.mk`/`*.make`.
    static func isMakefile(path: String) -> Bool {
        let name = PathText.lastSegment(path)
        if name == "Makefile" || name == "makefile" || name == "GNUmakefile" { return true }
        let ext = PathText.fileExtension(path)
        return ext == "mk" || ext == "make"
    }

    /// Directives that open or close a conditional: a recipe goes on across them.
    private static let conditionals: Set<String> = ["ifeq", "ifneq", "ifdef", "ifndef", "else", "endif"]

    /// One recipe line of a Makefile.
    struct Recipe {
        /// The shell text make runs (``makefileRecipes(_:)``).
        var text: MappedText
        /// File offsets of make's variable and function references (`$(POOL)`, `${VAR}`,
        /// `$(shell …)`): the text keeps them as written, and the shell reader must not take
        /// what is inside them for commands it runs.
        var references: [Range<Int>]
    }

    /// The recipe lines of a Makefile, one per logical line as make hands it to the shell:
    /// tab-indented lines after a rule line (`target: prerequisites`), with the recipe prefix tab
    /// and the `@`, `-`, `+` modifiers removed, `\` continuations kept for the shell reader to join
    /// (the continued line's recipe tab removed, as make does), `$$` read as the shell's `$`.
    /// `$(VAR)` stays as written. Variable assignments end a rule's recipe; `define … endef`
    /// bodies and comments are skipped.
    static func makefileRecipes(_ text: MappedText) -> [Recipe] {
        let b = text.bytes
        var lines: [Range<Int>] = []  // without the newline
        var start = 0
        for i in b.indices where b[i] == 0x0A {
            lines.append(start..<i)
            start = i + 1
        }
        if start < b.count { lines.append(start..<b.count) }

        func continues(_ line: Range<Int>) -> Bool {
            var end = line.upperBound
            if end > line.lowerBound, b[end - 1] == 0x0D { end -= 1 }
            var slashes = 0
            while end > line.lowerBound, b[end - 1] == UInt8(ascii: "\\") {
                slashes += 1
                end -= 1
            }
            return slashes % 2 == 1
        }
        func firstWord(_ line: Range<Int>) -> String {
            var i = line.lowerBound
            while i < line.upperBound, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
            var j = i
            while j < line.upperBound, b[j] != 0x20, b[j] != 0x09, b[j] != 0x0D { j += 1 }
            return String(decoding: b[i..<j], as: UTF8.self)
        }

        var out: [Recipe] = []
        var inRule = false
        var inDefine = false
        var k = 0
        while k < lines.count {
            let line = lines[k]
            k += 1
            if inDefine {
                if firstWord(line) == "endef" { inDefine = false }
                continue
            }
            if inRule, line.lowerBound < line.upperBound, b[line.lowerBound] == 0x09 {
                var from = line.lowerBound + 1
                while from < line.upperBound,
                    [0x20, 0x09, UInt8(ascii: "@"), UInt8(ascii: "-"), UInt8(ascii: "+")].contains(b[from])
                {
                    from += 1
                }
                var pieces = [from..<line.upperBound]
                var last = line
                while continues(last), k < lines.count {
                    // Keep the newline so the shell reader sees `\`-newline and joins the lines.
                    pieces[pieces.count - 1] = pieces[pieces.count - 1].lowerBound..<(last.upperBound + 1)
                    last = lines[k]
                    k += 1
                    let next = last.lowerBound < last.upperBound && b[last.lowerBound] == 0x09 ? last.lowerBound + 1 : last.lowerBound
                    pieces.append(next..<last.upperBound)
                }
                let (shellPieces, references) = makeExpansions(pieces, in: b)
                let recipe = text.extract(shellPieces)
                if !recipe.isBlank {
                    let offsets = references.map { text.location(at: $0.lowerBound).offset..<text.location(at: $0.upperBound).offset }
                    out.append(Recipe(text: recipe, references: offsets))
                }
                continue
            }
            // Not a recipe line: join its continuations to read it whole.
            var whole = String(decoding: b[line], as: UTF8.self)
            var last = line
            while continues(last), k < lines.count {
                last = lines[k]
                k += 1
                whole += " " + String(decoding: b[last], as: UTF8.self)
            }
            let trimmed = whole.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let word = firstWord(line)
            if word == "define" || (word == "override" && trimmed.dropFirst(8).drop { $0 == " " }.hasPrefix("define")) {
                inDefine = true
                continue
            }
            if conditionals.contains(word) { continue }
            inRule = isRuleLine(trimmed)
        }
        return out
    }

    /// The pieces without the first `$` of each `$$` (make's escape for the shell's `$`), and
    /// the ranges of make's references `$(…)`/`${…}` (nested ones inside the outer).
    private static func makeExpansions(_ pieces: [Range<Int>], in b: [UInt8]) -> ([Range<Int>], [Range<Int>]) {
        var out: [Range<Int>] = []
        var references: [Range<Int>] = []
        for piece in pieces {
            var from = piece.lowerBound
            var i = piece.lowerBound
            while i + 1 < piece.upperBound {
                guard b[i] == UInt8(ascii: "$") else {
                    i += 1
                    continue
                }
                let next = b[i + 1]
                if next == UInt8(ascii: "$") {
                    out.append(from..<i)
                    from = i + 1
                    i += 2
                } else if next == UInt8(ascii: "(") || next == UInt8(ascii: "{") {
                    let close = next == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}")
                    var depth = 0
                    var j = i + 1
                    while j < piece.upperBound {
                        if b[j] == next { depth += 1 } else if b[j] == close {
                            depth -= 1
                            if depth == 0 { break }
                        }
                        j += 1
                    }
                    let end = min(j + 1, piece.upperBound)
                    references.append(i..<end)
                    i = end
                } else {
                    i += 2
                }
            }
            out.append(from..<piece.upperBound)
        }
        return (out, references)
    }

    /// Whether a (continuation-joined) line is a rule: a `:` that is not part of an assignment
    /// (`:=`, `::=`, `:::=`), before any `=`.
    private static func isRuleLine(_ line: Substring) -> Bool {
        let bytes = Array(line.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "=") { return false }
            if c == UInt8(ascii: ":") {
                var j = i
                while j < bytes.count, bytes[j] == UInt8(ascii: ":") { j += 1 }
                return j >= bytes.count || bytes[j] != UInt8(ascii: "=")
            }
            i += 1
        }
        return false
    }
}
