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
        /// Its current text (nil when it does not exist).
        public var old: String?
        /// What render makes of it.
        public var new: String
        /// Whether it changes.
        public var changed: Bool { old != new }
    }

    /// The result.
    public struct Outcome: Sendable {
        public var outputs: [Output]
        public var warnings: [String]
        /// Lines in CLAUDE.md's managed block.
        public var claudeBlockLines: Int
    }

    /// Why render cannot proceed.
    public enum Failure: Error, Sendable {
        case constitution(ConstitutionProblem)
        /// A target file cannot be merged safely (broken markers, invalid settings JSON).
        case target(String)
    }

    /// Renders into `root` (CLAUDE.md, docs/memory/MEMORY.md, .claude/settings.json). Writes
    /// atomically unless `check`; `budget` is the CLAUDE.md block's line budget.
    public static func run(
        root: String, constitution explicit: String?, check: Bool, budget: Int, guardCommand: String
    ) throws(Failure) -> Outcome {
        let constitution: Constitution
        let directory: String
        do {
            (constitution, directory) = try Linter.loadConstitution(explicit: explicit, root: root)
        } catch {
            throw .constitution(error)
        }
        var templates = readTemplates(directory + "/templates")
        if templates["CLAUDE.md"] == nil || templates["MEMORY.md"] == nil, let starter = ConstitutionStore.starter() {
            templates.merge(readTemplates(starter + "/templates")) { mine, _ in mine }
        }
        let renderer: TemplateRenderer
        let claudeBlock: String
        let memoryBlock: String
        let memoryPath = "docs/memory/MEMORY.md"
        do {
            renderer = try TemplateRenderer(templates: templates)
            claudeBlock = try renderer.block("CLAUDE.md", context: RenderModel.claude(constitution, memoryPath: memoryPath))
            let link = relativePath(from: absolute(root) + "/docs/memory", to: absolute(directory))
            memoryBlock = try renderer.block("MEMORY.md", context: RenderModel.memory(constitution, incidentsLink: link))
        } catch {
            throw .target(error.message)
        }
        var outputs: [Output] = []
        for (path, block) in [("CLAUDE.md", claudeBlock), (memoryPath, memoryBlock)] {
            let old = read(join(root, path))
            let merged = ManagedBlock.merge(existing: old, block: block)
            if case .refused(let why) = merged.how { throw .target("\(join(root, path)): \(why); fix the markers, nothing was written") }
            outputs.append(Output(path: path, old: old, new: merged.text))
        }
        let settingsPath = ".claude/settings.json"
        let oldSettings = read(join(root, settingsPath))
        do {
            let merged = try AgentSettings.merge(existing: oldSettings, rules: constitution.rules, guardCommand: guardCommand)
            outputs.append(Output(path: settingsPath, old: oldSettings, new: merged))
        } catch {
            throw .target("\(join(root, settingsPath)):\(error.line):\(error.column): \(error.message); nothing was written")
        }
        var warnings: [String] = []
        let lines = claudeBlock.split(separator: "\n").count
        if lines > budget {
            warnings.append("CLAUDE.md's managed block is \(lines) lines, over the budget of \(budget): the agent pays for every line on every request; shorten guidance or raise --budget")
        }
        if !check {
            for output in outputs where output.changed {
                let full = join(root, output.path)
                if let slash = full.utf8.lastIndex(of: UInt8(ascii: "/")) {
                    AtomicFile.makeDirectories(String(Substring(full.utf8[..<slash])))
                }
                if let error = AtomicFile.write(full, output.new) { throw .target(error) }
            }
        }
        return Outcome(outputs: outputs, warnings: warnings, claudeBlockLines: lines)
    }

    static func readTemplates(_ dir: String) -> [String: String] {
        var out: [String: String] = [:]
        for file in FileWalker().walk([dir], displayRoot: dir).files where file.path.hasSuffix(".mustache") {
            if case .success(let bytes) = FileReader.read(file.fullPath) {
                out[String(file.path.dropLast(".mustache".count))] = String(decoding: bytes, as: UTF8.self)
            }
        }
        return out
    }

    static func read(_ path: String) -> String? {
        guard case .success(let bytes) = FileReader.read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
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
