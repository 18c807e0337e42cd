#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace

/// `constitution init`: copy the starter constitution into a repository, never overwriting.
public enum Initializer {
    /// What was done.
    public struct Outcome: Sendable {
        /// Files written, relative to the target.
        public var written: [String]
        /// Files that already existed and were left alone.
        public var kept: [String]
    }

    /// The folders copied from the starter constitution.
    public static let folders = ["incidents", "rules", ProviderDecoder.folder, "templates", SchemaFiles.folder]

    /// Optional extras `init` can write (from the starter's `examples/gitea/`).
    public static let extras: [(flag: String, source: String, destination: String)] = [
        ("workflow", "examples/gitea/constitution.yaml", ".gitea/workflows/constitution.yaml"),
        ("pre-commit", "examples/gitea/pre-commit-config.yaml", ".pre-commit-config.yaml"),
    ]

    /// Copies `starter`'s incidents/, rules/ and templates/ into `target`, plus the extras named
    /// in `with` (`workflow`, `pre-commit`). With `empty`, only the templates, the folders'
    /// READMEs and a `.constitution.yaml` that names this constitution: no incident, no rule.
    /// The `.constitution.yaml` that `init --empty` writes: it names this repository's own
    /// constitution, so having no rules yet is on purpose and the starter rules do not apply.
    public static let emptyConfig = """
        \(SchemaFiles.modeline(SchemaFiles.folder + "/" + SchemaFiles.config))
        # constitution's settings for this repository (README: "Configuration").
        schema: 1
        # This repository's own constitution (incidents/ and rules/ here): enforced as it is,
        # even while it has no rules yet. Write incidents with `constitution incident new`.
        constitution: .

        """

    /// The starter library's topics, in the order `init --list` shows them.
    public static let topics: [(id: String, title: String)] = [
        ("k3s", "k3s"), ("storage", "storage and backups"), ("gitops", "GitOps"), ("dns", "DNS"), ("proxmox", "Proxmox and CPU"),
        ("identity", "ingress and identity"), ("compose", "Compose and media"), ("networking", "networking"), ("agents", "AI agents"),
    ]

    /// `init --list`: each topic with its incidents and the rules they taught.
    public static func list(starter: String) -> String {
        let constitution = ConstitutionStore.read(starter)
        var out = ""
        for topic in topics {
            let incidents = constitution.incidents.filter { $0.topics.contains(topic.id) }
            out += "\(topic.id) (\(topic.title)): \(incidents.count) incidents\n"
            for incident in incidents {
                out += "  \(incident.id) \(incident.title)\n"
                let rules = incident.constraints.map(\.id)
                if !rules.isEmpty { out += "    rules: \(rules.joined(separator: ", "))\n" }
            }
        }
        out += "\nconstitution init --only TOPIC,TOPIC copies just those; constitution init --empty starts from none.\n"
        return out
    }

    /// The topics of `names` that the starter library does not have.
    public static func unknownTopics(_ names: Set<String>) -> [String] {
        names.filter { name in !topics.contains { $0.id == name } }.sorted()
    }

    public static func run(
        starter: String, target: String, with: Set<String> = [], empty: Bool = false, only: Set<String>? = nil
    ) -> Result<Outcome, InitError> {
        var written: [String] = []
        var kept: [String] = []
        // With `only`, the incidents of those topics and the rules they taught.
        var chosen: Set<String>?
        if let only {
            let unknown = unknownTopics(only)
            guard unknown.isEmpty else {
                return .failure(InitError(message: "unknown topic \(unknown.joined(separator: ", ")); topics: \(topics.map(\.id).joined(separator: ", ")) (see `constitution init --list`)"))
            }
            let constitution = ConstitutionStore.read(starter)
            var files: Set<String> = []
            for incident in constitution.incidents where !only.isDisjoint(with: incident.topics) {
                files.insert(incident.file)
                for rule in incident.constraints { files.insert("rules/\(rule.id).yaml") }
            }
            chosen = files
        }
        if empty {
            let destination = target + "/.constitution.yaml"
            if ConstitutionStore.exists(destination) {
                kept.append(".constitution.yaml")
            } else if let error = AtomicFile.write(destination, emptyConfig) {
                return .failure(InitError(message: error))
            } else {
                written.append(".constitution.yaml")
            }
        }
        for extra in extras where with.contains(extra.flag) {
            let destination = target + "/" + extra.destination
            if ConstitutionStore.exists(destination) {
                kept.append(extra.destination)
                continue
            }
            guard case .success(let bytes) = FileReader.read(starter + "/" + extra.source) else {
                return .failure(InitError(message: "\(starter)/\(extra.source) is missing: the starter constitution is incomplete (reinstall it)"))
            }
            var text = String(decoding: bytes, as: UTF8.self)
            // pre-commit fetches `rev`: pin it to the commit this tool was built from (a tag
            // named after its version when the commit is unknown), never a branch.
            if extra.flag == "pre-commit" {
                let rev = "rev: " + (ToolVersion.commit(full: true) ?? "v" + ToolVersion.number)
                text = Guard.replace(in: text, "rev: main", rev, all: true) ?? text
            }
            if let slash = destination.utf8.lastIndex(of: UInt8(ascii: "/")) {
                AtomicFile.makeDirectories(String(Substring(destination.utf8[..<slash])))
            }
            if let error = AtomicFile.write(destination, text) {
                return .failure(InitError(message: error))
            }
            written.append(extra.destination)
        }
        for folder in folders {
            let walk = FileWalker().walk([starter + "/" + folder], displayRoot: starter)
            // An empty start takes the templates, the schemas and the folders' READMEs, no
            // incident or rule.
            // Providers too: they are a library the rules name (`provided_by:`), not lessons.
            let whole = folder == "templates" || folder == SchemaFiles.folder || folder == ProviderDecoder.folder
            for file in walk.files where file.walkError == nil && (!empty || whole || file.path.hasSuffix("/README.md")) {
                if let chosen, !whole, !file.path.hasSuffix("/README.md"), !chosen.contains(file.path) { continue }
                let destination = target + "/" + file.path
                if ConstitutionStore.exists(destination) {
                    kept.append(file.path)
                    continue
                }
                guard case .success(let bytes) = FileReader.read(file.fullPath) else { continue }
                let parent = String(destination.utf8.prefix(upTo: destination.utf8.lastIndex(of: UInt8(ascii: "/"))!))!
                AtomicFile.makeDirectories(parent)
                if let error = AtomicFile.write(destination, String(decoding: bytes, as: UTF8.self)) {
                    return .failure(InitError(message: error))
                }
                written.append(file.path)
            }
        }
        return .success(Outcome(written: written, kept: kept))
    }
}

/// `init` could not write.
public struct InitError: Error, Sendable {
    public var message: String
}
