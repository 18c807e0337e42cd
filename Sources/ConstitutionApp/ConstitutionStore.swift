#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace

/// Finds and reads a constitution folder (one that holds `incidents/` and/or `rules/`).
public enum ConstitutionStore {
    /// Where a constitution was found and why.
    public struct Location: Sendable {
        /// The folder holding `incidents/` and `rules/`.
        public var directory: String
        /// `explicit`, `repository` (found above the linted path) or `starter` (shipped with the tool).
        public var origin: String
    }

    /// The constitution for linting `root`: `explicit` when given; else the nearest folder at or
    /// above `root` (stopping at a `.git` boundary) with `incidents/` or `rules/`; else the starter
    /// constitution shipped with the tool.
    public static func locate(explicit: String?, root: String) -> Location? {
        if let explicit { return Location(directory: explicit, origin: "explicit") }
        var dir = absolute(root)
        if !isDirectory(dir) { dir = parent(dir) }
        while true {
            if isDirectory(dir + "/rules") || isDirectory(dir + "/incidents") {
                return Location(directory: dir, origin: "repository")
            }
            if exists(dir + "/.git") || dir == "/" { break }
            dir = parent(dir)
        }
        return starter().map { Location(directory: $0, origin: "starter") }
    }

    /// The starter constitution: `$CONSTITUTION_HOME`, or the folder above the binary's `.build`.
    public static func starter() -> String? {
        if let env = getenv("CONSTITUTION_HOME") {
            let home = String(cString: env)
            if isDirectory(home + "/rules") { return home }
        }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        var dir = parent(String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        for _ in 0..<5 {
            if isDirectory(dir + "/rules") && isDirectory(dir + "/incidents") && exists(dir + "/Package.swift") { return dir }
            dir = parent(dir)
        }
        return nil
    }

    /// Reads and loads the constitution in `directory`. Paths are shown relative to it.
    ///
    /// With `trustCache`, a constitution whose exact bytes were found fresh before (a stamp named
    /// after a 128-bit hash of them in `$XDG_CACHE_HOME/constitution`, else `~/.cache/constitution`) skips
    /// regenerating every rule to prove `rules/` current; a fresh one leaves such a stamp.
    public static func read(_ directory: String, trustCache: Bool = false) -> Constitution {
        let incidents = yamlFiles(directory, "incidents"), rules = yamlFiles(directory, "rules")
        guard trustCache, let stamp = freshnessStamp(incidents + rules) else {
            return Constitution.load(incidents: incidents, rules: rules)
        }
        if exists(stamp) { return Constitution.load(incidents: incidents, rules: rules, knownFresh: true) }
        let constitution = Constitution.load(incidents: incidents, rules: rules)
        if constitution.stale.isEmpty && !constitution.hasErrors {
            if let slash = stamp.utf8.lastIndex(of: UInt8(ascii: "/")) { AtomicFile.makeDirectories(String(Substring(stamp.utf8[..<slash]))) }
            _ = AtomicFile.write(stamp, "fresh\n")
        }
        return constitution
    }

    /// The stamp file for these constitution files, or nil when there is no cache folder.
    static func freshnessStamp(_ files: [SourceFile]) -> String? {
        var base: String
        if let xdg = getenv("XDG_CACHE_HOME"), xdg.pointee != 0 {
            base = String(cString: xdg)
        } else if let home = getenv("HOME"), home.pointee != 0 {
            base = String(cString: home) + "/.cache"
        } else {
            return nil
        }
        var bytes: [UInt8] = Array("constitution-freshness-2\n".utf8)
        for f in files {
            bytes += Array(f.path.utf8) + [0] + Array(String(f.bytes.count).utf8) + [0] + f.bytes
        }
        base += "/constitution/fresh-" + FastHash.hex128(bytes)
        return base
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
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(cString: buffer)
        return FileWalker.normalize(path == "." ? cwd : cwd + "/" + path)
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        let p = String(Substring(path.utf8[..<slash]))
        return p.isEmpty ? "/" : p
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
