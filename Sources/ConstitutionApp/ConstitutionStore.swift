#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace
import ConstitutionYAML

/// Finds and reads a constitution folder (one that holds `incidents/` and/or `rules/`).
public enum ConstitutionStore {
    /// Where a constitution was found and why.
    public struct Location: Sendable {
        /// The folder holding `incidents/` and `rules/`.
        public var directory: String
        /// `explicit` (`--constitution`), `configured` (named by a `.constitution.yaml`),
        /// `repository` (found at or above the linted path) or `starter` (shipped with the tool).
        public var origin: String
        /// Folders passed over on the way because they only share the name (`--verbose` says
        /// why), e.g. a Prometheus `rules/` folder.
        public var passedOver: [String] = []

        /// Whether it was chosen on purpose (explicitly, or named by configuration), so that
        /// having no rules is what the user asked for.
        public var onPurpose: Bool { origin == "explicit" || origin == "configured" }
    }

    /// The constitution for linting `root`: `explicit` when given; else, from `root` up to the
    /// repository's top (a `.git`), the first folder that either has a `.constitution.yaml`
    /// naming a constitution (`constitution: path`) or really holds one: an `incidents/` or
    /// `rules/` folder with at least one `.yaml` file that has our top-level `schema:` and
    /// `id:` keys. Folders that merely share the name (Markdown postmortems in `incidents/`, a
    /// Prometheus `rules/`, an empty folder) are passed over and noted. Else the starter
    /// constitution shipped with the tool.
    public static func locate(explicit: String?, root: String) -> Location? {
        if let explicit { return Location(directory: explicit, origin: "explicit") }
        var dir = absolute(root)
        if !isDirectory(dir) { dir = parent(dir) }
        var passedOver: [String] = []
        while true {
            if let named = configuredConstitution(in: dir) {
                return Location(directory: named, origin: "configured", passedOver: passedOver)
            }
            var found = false
            for sub in ["incidents", "rules"] where isDirectory(dir + "/" + sub) {
                if holdsConstitutionFiles(dir + "/" + sub) {
                    found = true
                } else {
                    passedOver.append(
                        "\(dir)/\(sub)/ is not a constitution: no .yaml file in it has the top-level `schema:` and `id:` keys of an incident or a rule")
                }
            }
            if found { return Location(directory: dir, origin: "repository", passedOver: passedOver) }
            if exists(dir + "/.git") || dir == "/" { break }
            dir = parent(dir)
        }
        return starter().map { Location(directory: $0, origin: "starter", passedOver: passedOver) }
    }

    /// The folder a `.constitution.yaml` in `dir` names with `constitution: PATH` (relative to
    /// `dir`), when it does.
    static func configuredConstitution(in dir: String) -> String? {
        let path = dir + "/.constitution.yaml"
        guard case .success(let bytes) = FileReader.read(path, limit: 1 << 20) else { return nil }
        for line in bytes.split(separator: 0x0A) {
            guard line.starts(with: Array("constitution:".utf8)) else { continue }
            var value = line.dropFirst("constitution:".utf8.count)
            if let hash = value.firstIndex(of: UInt8(ascii: "#")) { value = value[..<hash] }
            var text = String(decoding: value, as: UTF8.self)
            while text.first == " " || text.first == "\t" { text.removeFirst() }
            while text.last == " " || text.last == "\t" || text.last == "\r" { text.removeLast() }
            if text.count >= 2, (text.first == "\"" && text.last == "\"") || (text.first == "'" && text.last == "'") {
                text = String(text.dropFirst().dropLast())
            }
            guard !text.isEmpty else { return nil }
            return FileWalker.normalize(text.hasPrefix("/") ? text : dir + "/" + text)
        }
        return nil
    }

    /// Whether `folder` has a `.yaml`/`.yml` file with the top-level `schema:` and `id:` keys
    /// every incident and rule file has (read from the first 64 KiB of at most 256 files).
    static func holdsConstitutionFiles(_ folder: String) -> Bool {
        let walk = FileWalker().walk([folder], displayRoot: folder)
        var checked = 0
        for f in walk.files where !f.path.contains("/") {
            let ext = PathText.fileExtension(f.path)
            guard ext == "yaml" || ext == "yml" else { continue }
            checked += 1
            if checked > 256 { return false }
            guard case .success(let bytes) = FileReader.read(f.fullPath, limit: 64 << 10) else { continue }
            var schema = false, id = false
            for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: true) {
                if line.starts(with: Array("schema:".utf8)) { schema = true }
                if line.starts(with: Array("id:".utf8)) { id = true }
                if schema && id { return true }
            }
        }
        return false
    }

    /// The running binary's path (`/proc/self/exe`), nil where the system does not say.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The starter constitution: `$CONSTITUTION_HOME`; else, for an installed program,
    /// `share/constitution` beside its `bin` folder; else the clone above the binary's `.build`.
    public static func starter() -> String? {
        if let env = getenv("CONSTITUTION_HOME") {
            let home = String(cString: env)
            if isDirectory(home + "/rules") { return home }
        }
        guard let exe = executablePath() else { return nil }
        // Installed (`constitution install`, the release archive): BIN/../share/constitution.
        let shared = parent(parent(exe)) + "/share/constitution"
        if isDirectory(shared + "/rules") && isDirectory(shared + "/incidents") { return shared }
        var dir = parent(exe)
        for _ in 0..<5 {
            if isDirectory(dir + "/rules") && isDirectory(dir + "/incidents") && exists(dir + "/Package.swift") { return dir }
            dir = parent(dir)
        }
        return nil
    }

    /// Reads and loads the constitution in `directory`. Paths are shown relative to it.
    ///
    /// With `trustCache`, a constitution whose exact bytes were found fresh before (a stamp named
    /// after a 128-bit hash of them in `$XDG_CACHE_HOME/constitution`, else
    /// `~/.cache/constitution`) skips regenerating every rule to prove `rules/` current, and its
    /// files are read from a snapshot of their parsed trees (keyed by the same bytes and by this
    /// binary) instead of being parsed again; a fresh one leaves both behind. A cache that cannot
    /// be read or written only costs the time it would have saved.
    ///
    /// With `keepVerified` (and `trustCache`), a constitution that loads without errors and fresh
    /// is also kept as the repository's last verified copy (``verifiedCopy(_:)``), for `guard`.
    public static func read(_ directory: String, trustCache: Bool = false, keepVerified: Bool = false) -> Constitution {
        let incidents = yamlFiles(directory, "incidents"), rules = yamlFiles(directory, "rules")
        let providers = providerFiles(directory, withStarter: true)
        guard trustCache, let cache = cacheFolder() else {
            return Constitution.load(incidents: incidents, rules: rules, providers: providers)
        }
        // Providers are part of the key: a changed provider changes what the rules mean.
        let files = incidents + rules + providers
        let key = contentKey(files)
        let stamp = cache + "/fresh-" + key
        if exists(stamp) {
            let snapshot = cache + "/yaml-" + snapshotKey(key)
            var parsed = readSnapshot(snapshot, files: files)
            if parsed == nil {
                let trees = Constitution.parse(files)
                parsed = Dictionary(uniqueKeysWithValues: zip(files.map(\.path), trees))
                writeSnapshot(snapshot, trees)
            }
            if keepVerified { keepVerifiedCopy(directory, files: files, key: key) }
            return Constitution.load(incidents: incidents, rules: rules, providers: providers, knownFresh: true, preparsed: parsed ?? [:])
        }
        let constitution = Constitution.load(incidents: incidents, rules: rules, providers: providers)
        // Only a constitution without any diagnostic is trusted next time: a trusted one skips
        // decoding the incidents' constraints, whose warnings must still be shown every run.
        if constitution.stale.isEmpty && !constitution.hasErrors {
            if constitution.diagnostics.isEmpty {
                AtomicFile.makeDirectories(cache)
                _ = AtomicFile.write(stamp, "fresh\n")
            }
            if keepVerified { keepVerifiedCopy(directory, files: files, key: key) }
        }
        return constitution
    }

    // MARK: The last verified constitution of a repository

    /// Where the last constitution verified in `directory` is kept.
    static func verifiedCopyPath(_ directory: String) -> String? {
        cacheFolder().map { $0 + "/verified-" + FastHash.hex128(Array(absolute(directory).utf8)) }
    }

    /// Keeps a copy of the constitution files of `directory` (whose content key is `key`) that
    /// just loaded without errors and fresh, so `guard` can enforce them while a later edit
    /// breaks the folder. Written only when they changed since the last copy.
    static func keepVerifiedCopy(_ directory: String, files: [SourceFile], key: String) {
        guard let path = verifiedCopyPath(directory) else { return }
        let header = Array("constitution-verified-1 \(key)\n".utf8)
        if case .success(let existing) = FileReader.read(path, limit: header.count), existing == header { return }
        var bytes = header
        for f in files {
            bytes += Array("\(f.path)\n\(f.bytes.count)\n".utf8) + f.bytes
        }
        AtomicFile.makeDirectories(parent(path))
        _ = AtomicFile.write(path, bytes, durable: false)
    }

    /// The last verified copy of the constitution in `directory`, loaded, when there is one.
    public static func verifiedCopy(_ directory: String) -> Constitution? {
        guard let path = verifiedCopyPath(directory), case .success(let bytes) = FileReader.read(path) else { return nil }
        var lines = bytes.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false)
        guard lines.count == 2, lines[0].starts(with: Array("constitution-verified-1 ".utf8)) else { return nil }
        var rest = lines.removeLast()
        var incidents: [SourceFile] = [], rules: [SourceFile] = [], providers: [SourceFile] = []
        while !rest.isEmpty {
            guard let nl = rest.firstIndex(of: 0x0A) else { return nil }
            let name = String(decoding: rest[rest.startIndex..<nl], as: UTF8.self)
            rest = rest[(nl + 1)...]
            guard let nl2 = rest.firstIndex(of: 0x0A), let count = Int(String(decoding: rest[rest.startIndex..<nl2], as: UTF8.self)),
                count >= 0, rest.distance(from: nl2, to: rest.endIndex) > count
            else { return nil }
            let start = rest.index(after: nl2)
            let end = rest.index(start, offsetBy: count)
            let file = SourceFile(path: name, bytes: Array(rest[start..<end]))
            if name.hasPrefix("incidents/") {
                incidents.append(file)
            } else if name.hasPrefix(ProviderDecoder.folder + "/") {
                providers.append(file)
            } else {
                rules.append(file)
            }
            rest = rest[end...]
        }
        let constitution = Constitution.load(incidents: incidents, rules: rules, providers: providers)
        return constitution.hasErrors || !constitution.stale.isEmpty ? nil : constitution
    }

    /// The cache folder: `$XDG_CACHE_HOME/constitution`, else `~/.cache/constitution`; nil
    /// when neither variable is set.
    static func cacheFolder() -> String? {
        if let xdg = getenv("XDG_CACHE_HOME"), xdg.pointee != 0 { return String(cString: xdg) + "/constitution" }
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) + "/.cache/constitution" }
        return nil
    }

    /// A hash of the constitution files' paths and bytes.
    static func contentKey(_ files: [SourceFile]) -> String {
        var bytes: [UInt8] = Array("constitution-freshness-2\n".utf8)
        for f in files {
            bytes += Array(f.path.utf8) + [0] + Array(String(f.bytes.count).utf8) + [0] + f.bytes
        }
        return FastHash.hex128(bytes)
    }

    /// `contentKey` combined with this binary's identity (a rebuilt tool may build trees
    /// differently, so it never reads an older build's snapshot).
    static func snapshotKey(_ contentKey: String) -> String {
        var st = stat()
        var identity = "constitution-yaml-snapshot-1\n" + contentKey
        if stat("/proc/self/exe", &st) == 0 {
            identity += "\(st.st_dev) \(st.st_ino) \(st.st_size) \(st.st_mtim.tv_sec) \(st.st_mtim.tv_nsec)"
        }
        return FastHash.hex128(Array(identity.utf8))
    }

    /// The snapshot's trees by path, when it holds every one of `files`; nil otherwise.
    static func readSnapshot(_ path: String, files: [SourceFile]) -> [String: YAMLFile]? {
        guard case .success(let bytes) = FileReader.read(path) else { return nil }
        var position = 0
        var out: [String: YAMLFile] = [:]
        for file in files {
            guard let tree = YAMLSnapshot.read(bytes, at: &position, path: file.path, source: file.bytes) else { return nil }
            out[file.path] = tree
        }
        return position == bytes.count ? out : nil
    }

    /// Writes the trees' snapshot (in the order of the files), unless one of them cannot be
    /// snapshotted (warnings or errors: those are parsed on every run, and reported).
    static func writeSnapshot(_ path: String, _ trees: [YAMLFile]) {
        var bytes: [UInt8] = []
        for tree in trees {
            guard YAMLSnapshot.append(tree, to: &bytes) else { return }
        }
        AtomicFile.makeDirectories(parent(path))
        _ = AtomicFile.write(path, bytes, durable: false)
    }

    /// The `.yaml`/`.yml` files of `directory/providers/<family>/`, as
    /// `providers/<family>/name` display paths (one folder per family, nothing deeper).
    ///
    /// `withStarter`: the starter constitution's providers come too, unless this folder has a
    /// file at the same path (its own `providers/backup/velero.yaml` replaces the starter's).
    /// The starter's are a library every constitution may name with `provided_by:`; a user adds
    /// or replaces one with a single file, and gets the ones a newer tool ships.
    public static func providerFiles(_ directory: String, withStarter: Bool = false) -> [SourceFile] {
        var own = providerFiles(in: directory)
        guard withStarter, let starter = starter(), absolute(starter) != absolute(directory) else { return own }
        let paths = Set(own.map(\.path))
        own += providerFiles(in: starter).filter { !paths.contains($0.path) }.map { SourceFile(path: $0.path, bytes: $0.bytes, fromStarter: true) }
        return own
    }

    static func providerFiles(in directory: String) -> [SourceFile] {
        let sub = ProviderDecoder.folder
        let walk = FileWalker().walk([directory + "/" + sub], displayRoot: directory)
        return walk.files.compactMap { f in
            let ext = PathText.fileExtension(f.path)
            guard ext == "yaml" || ext == "yml", f.path.split(separator: "/").count == 3 else { return nil }
            guard case .success(let bytes) = FileReader.read(f.fullPath) else { return nil }
            return SourceFile(path: f.path, bytes: bytes)
        }
    }

    /// The `.yaml`/`.yml` files of `directory/sub`, as `sub/name` display paths.
    static func yamlFiles(_ directory: String, _ sub: String) -> [SourceFile] {
        let walk = FileWalker().walk([directory + "/" + sub], displayRoot: directory)
        return walk.files.compactMap { f in
            let ext = PathText.fileExtension(f.path)
            guard ext == "yaml" || ext == "yml", !f.path.dropFirst(sub.count + 1).contains("/") else { return nil }
            guard case .success(let bytes) = FileReader.read(f.fullPath) else { return nil }
            return SourceFile(path: f.path, bytes: bytes)
        }
    }

    public static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return FileWalker.normalize(path) }
        guard let cwd = currentDirectory() else { return path }
        return FileWalker.normalize(path == "." ? cwd : cwd + "/" + path)
    }

    /// The current folder, or nil when it cannot be read.
    public static func currentDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        return buffer.withUnsafeMutableBufferPointer { b in
            getcwd(b.baseAddress, b.count) != nil ? String(cString: b.baseAddress!) : nil
        }
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        let p = String(Substring(path.utf8[..<slash]))
        return p.isEmpty ? "/" : p
    }

    /// Whether `path` is a file this process may execute (not a folder).
    public static func isExecutableFile(_ path: String) -> Bool {
        access(path, X_OK) == 0 && !isDirectory(path)
    }

    /// Where `program` resolves on `$PATH` (the first executable file of that name), or nil.
    public static func onPath(_ program: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        for dir in path.split(separator: ":") where isExecutableFile(String(dir) + "/" + program) {
            return String(dir) + "/" + program
        }
        return nil
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    /// `d` with its path shown from the current folder, for a constitution in `directory`.
    public static func located(_ d: Diagnostic, in directory: String) -> Diagnostic {
        var d = d
        if directory != "." { d.path = directory + "/" + d.path }
        return d
    }

    /// The inputs that do not exist (a dangling symlink exists: it is reported as a file).
    public static func missing(_ inputs: [String]) -> [String] {
        inputs.filter { !exists($0) && !isSymlink($0) }
    }

    public static func isSymlink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}
