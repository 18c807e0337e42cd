#if canImport(Glibc)
import Glibc
#endif
import ConstitutionApp
import ConstitutionCore
import ConstitutionRender
import ConstitutionReport
import ConstitutionRules
import ConstitutionWorkspace

/// `constitution render`: CLAUDE.md, docs/memory/MEMORY.md and .claude/settings.json from the
/// same incidents and rules that `lint` enforces.
public enum Renderer {
    /// One output file.
    public struct Output: Sendable {
        /// Path relative to the root.
        public var path: String
        /// Its current bytes (nil when it does not exist).
        public var old: [UInt8]?
        /// What render makes of it.
        public var new: [UInt8]
        /// Whether it changes.
        public var changed: Bool { old != new }
    }

    /// The result.
    public struct Outcome: Sendable {
        /// CLAUDE.md, docs/memory/MEMORY.md and .claude/settings.json, in that order.
        public var outputs: [Output]
        /// Things to print on stderr (the block is over its line budget).
        public var warnings: [String]
        /// Warnings about the constitution's own files and `.constitution.yaml`, located.
        public var fileWarnings: [Diagnostic] = []
        /// Lines in CLAUDE.md's managed block.
        public var claudeBlockLines: Int
    }

    /// Why render cannot proceed.
    public enum Failure: Error, Sendable {
        /// The incidents or rules do not load (exit 3).
        case constitution(ConstitutionProblem)
        /// A template cannot be used: too big, not UTF-8, nested too deep, does not parse
        /// (exit 3, a constitution error), located in its file.
        case template(Diagnostic)
        /// A target file cannot be merged or written safely (broken markers, invalid settings
        /// JSON, read-only, a folder in the way); nothing was written. The message names it.
        case target(String)
    }

    /// Why the hook command registered in `.claude/settings.json` would not run, with the fix;
    /// nil when its program resolves (a path that is an executable file, or a name on PATH).
    /// Claude Code treats a hook that is not found as a non-blocking error and lets the call
    /// through, so this must be said.
    public static func hookProblem(_ command: String) -> String? {
        guard let program = command.split(separator: " ").first.map(String.init) else { return "the hook command is empty" }
        if program.contains("/") {
            if ConstitutionStore.isExecutableFile(program) { return nil }
            return "the hook command `\(command)` will not run: \(program) is not an executable file; Claude Code would let every tool call through. Fix: point --guard-command at the installed program (see `constitution install`)"
        }
        if ConstitutionStore.onPath(program) != nil { return nil }
        return "the hook command `\(command)` will not be found: `\(program)` is not on PATH, so Claude Code would let every tool call through. Fix: run `./constitution install` from a clone (or install the release archive) and add its folder to PATH, or render with --guard-command '/full/path/to/constitution guard'"
    }

    /// Whether two paths name the same file (one a symlink to the other); false when either is
    /// missing.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Renders into `root` (CLAUDE.md, AGENTS.md when present or asked for,
    /// docs/memory/MEMORY.md, .claude/settings.json). Writes
    /// atomically unless `check`; `budget` is the CLAUDE.md block's line budget. With `strict`,
    /// a warning about the constitution's files or `.constitution.yaml` is a failure.
    public static func run(
        root: String, constitution explicit: String?, check: Bool, budget: Int, guardCommand: String, strict: Bool = false
    ) throws(Failure) -> Outcome {
        let constitution: Constitution
        let directory: String
        do {
            (constitution, directory) = try Linter.loadConstitution(explicit: explicit, root: root)
        } catch {
            throw .constitution(error)
        }
        var templates = try readTemplates(directory + "/templates")
        if templates.texts["CLAUDE.md"] == nil || templates.texts["MEMORY.md"] == nil, let starter = ConstitutionStore.starter() {
            let shipped = try readTemplates(starter + "/templates")
            templates.texts.merge(shipped.texts) { mine, _ in mine }
            templates.paths.merge(shipped.paths) { mine, _ in mine }
        }
        let renderer: TemplateRenderer
        let claudeBlock: String
        let memoryBlock: String
        let memoryPath = "docs/memory/MEMORY.md"
        do {
            renderer = try TemplateRenderer(templates: templates.texts, paths: templates.paths)
            claudeBlock = try renderer.block("CLAUDE.md", context: RenderModel.claude(constitution, memoryPath: memoryPath))
            let link = relativePath(from: absolute(root) + "/docs/memory", to: absolute(directory))
            memoryBlock = try renderer.block("MEMORY.md", context: RenderModel.memory(constitution, incidentsLink: link))
        } catch {
            throw .template(error.diagnostic)
        }
        var outputs: [Output] = []
        var files = [("CLAUDE.md", claudeBlock), (memoryPath, memoryBlock)]
        // Other agents (Codex, Cursor, Gemini CLI, Copilot…) read AGENTS.md: the same block goes
        // there when the file exists or the configuration asks, once when CLAUDE.md links to it.
        let agentsPath = join(root, "AGENTS.md")
        let wantsAgents: Bool
        let fileWarnings: [Diagnostic]
        do {
            let config = try LintConfig.load(explicit: nil, folders: [root, directory])
            wantsAgents = config.agentsMD ?? false
            fileWarnings = OwnFileWarnings.of(constitution, in: directory, config: config)
            try OwnFileWarnings.check(fileWarnings, strict: strict)
        } catch {
            throw .constitution(error)
        }
        if ConstitutionStore.exists(agentsPath) || wantsAgents,
            !sameFile(agentsPath, join(root, "CLAUDE.md"))
        {
            files.insert(("AGENTS.md", claudeBlock), at: 1)
        }
        for (path, block) in files {
            let old = try readOutput(join(root, path))
            let merged = ManagedBlock.merge(existing: old, block: block)
            if case .refused(let why) = merged.how { throw .target("\(join(root, path)): \(why); fix the markers, nothing was written") }
            outputs.append(Output(path: path, old: old, new: merged.bytes))
        }
        let settingsPath = ".claude/settings.json"
        let recordPath = ".claude/constitution.json"
        let oldSettings = try readOutput(join(root, settingsPath))
        let oldRecord = try readOutput(join(root, recordPath))
        let owned: Set<String>
        do {
            owned = try AgentSettings.ownedEntries(oldRecord)
        } catch {
            throw .target("\(join(root, recordPath)):\(error.line):\(error.column): \(error.message); nothing was written (delete it to start afresh)")
        }
        do {
            let merged = try AgentSettings.merge(existing: oldSettings, rules: constitution.rules, guardCommand: guardCommand, owned: owned)
            outputs.append(Output(path: settingsPath, old: oldSettings, new: Array(merged.text.utf8)))
            outputs.append(Output(path: recordPath, old: oldRecord, new: Array(AgentSettings.ownedRecord(merged.owned).utf8)))
        } catch {
            throw .target("\(join(root, settingsPath)):\(error.line):\(error.column): \(error.message); nothing was written")
        }
        var warnings: [String] = []
        let lines = claudeBlock.split(separator: "\n").count
        if lines > budget {
            warnings.append("CLAUDE.md's managed block is \(lines) lines, over the budget of \(budget): the agent pays for every line on every request; shorten guidance or raise --budget")
        }
        if let problem = hookProblem(guardCommand) { warnings.append(problem) }
        if !check {
            // All or nothing: every file is checked, then prepared beside its target, then renamed.
            let changes = outputs.filter(\.changed).map { AtomicFile.Change(path: join(root, $0.path), bytes: $0.new) }
            if let error = AtomicFile.writeAll(changes) { throw .target(error) }
        }
        return Outcome(outputs: outputs, warnings: warnings, fileWarnings: fileWarnings, claudeBlockLines: lines)
    }

    /// The `*.mustache` files of `dir` (name without the extension → text, and → path). A file
    /// that cannot be read, is over the size limit or is not UTF-8 is a located failure.
    static func readTemplates(_ dir: String) throws(Failure) -> (texts: [String: String], paths: [String: String]) {
        var texts: [String: String] = [:]
        var paths: [String: String] = [:]
        for file in FileWalker().walk([dir], displayRoot: dir).files where file.path.hasSuffix(".mustache") {
            let name = String(file.path.dropLast(".mustache".count))
            let path = dir + "/" + file.path
            switch FileReader.read(file.fullPath, limit: TemplateRenderer.maxBytes + 1) {
            case .success(let bytes):
                do {
                    texts[name] = try TemplateRenderer.decode(bytes, path: path)
                } catch {
                    throw .template(error.diagnostic)
                }
                paths[name] = path
            case .failure(let failure):
                throw .template(Diagnostic(path: path, location: .start, severity: .error, message: failure.message))
            }
        }
        return (texts, paths)
    }

    /// An output's current bytes; nil when it does not exist (a link to a missing file too).
    /// A file that exists but cannot be read is a failure: never treated as empty, so the
    /// user's text is never replaced by the block alone.
    static func readOutput(_ path: String) throws(Failure) -> [UInt8]? {
        var st = stat()
        if stat(path, &st) != 0 {
            // Missing, or a file in the way of a folder on its path (reported when writing).
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .target("cannot read \(path): \(String(cString: strerror(errno))); nothing was written")
        }
        if st.st_mode & S_IFMT == S_IFDIR { throw .target("\(path) is a folder, not a file; nothing was written") }
        switch FileReader.read(path) {
        case .success(let bytes): return bytes
        case .failure(let failure): throw .target("\(path): \(failure.message); nothing was written")
        }
    }

    static func join(_ root: String, _ path: String) -> String { root == "." ? path : root + "/" + path }

    static func absolute(_ path: String) -> String { ConstitutionStore.absolute(path) }

    /// The relative path from folder `from` to folder `to` (both absolute).
    static func relativePath(from: String, to: String) -> String {
        let a = from.split(separator: "/"), b = to.split(separator: "/")
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: a.count - common)
        let parts = ups + b[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
