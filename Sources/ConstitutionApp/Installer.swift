#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionWorkspace

/// The tool's version, and the commit it was built from when that is known.
public enum ToolVersion {
    /// The release number.
    public static let number = "0.2.0"

    /// `constitution 0.2.0`, with ` (commit abc1234)` when the installed program's
    /// `share/constitution/VERSION` or the clone it runs from says which.
    public static func describe() -> String {
        var text = "constitution \(number)"
        if let commit = commit() { text += " (commit \(commit.prefix(12)))" }
        return text
    }

    /// The commit: from the installed `VERSION` file (`0.2.0 abc1234…`), else from the clone's
    /// `.git` (`HEAD`, its branch's ref, or `packed-refs`); 12 hex digits, or all 40 with `full`.
    public static func commit(full: Bool = false) -> String? {
        guard let home = ConstitutionStore.starter() else { return nil }
        if case .success(let bytes) = FileReader.read(home + "/VERSION", limit: 256) {
            let words = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
            if words.count >= 2, words[1] != "unknown" { return full ? String(words[1]) : String(words[1].prefix(12)) }
        }
        func text(_ path: String) -> String? {
            guard case .success(let bytes) = FileReader.read(path, limit: 1 << 20) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let head = text(home + "/.git/HEAD")?.split(separator: "\n").first.map(String.init) else { return nil }
        var hash = head
        if head.hasPrefix("ref: ") {
            let ref = String(head.dropFirst(5))
            if let direct = text(home + "/.git/" + ref)?.split(separator: "\n").first {
                hash = String(direct)
            } else if let packed = text(home + "/.git/packed-refs"),
                let line = packed.split(separator: "\n").first(where: { $0.hasSuffix(" " + ref) })
            {
                hash = String(line.prefix { $0 != " " })
            } else {
                return nil
            }
        }
        guard hash.count >= 7, hash.allSatisfy(\.isHexDigit) else { return nil }
        return full ? hash : String(hash.prefix(12))
    }
}

/// `constitution install`: the tool, its renderer and the starter constitution, put where a
/// user's shell, Claude Code's hook, pre-commit and CI find them.
///
/// Layout (the release archive has the same): `PREFIX/constitution`,
/// `PREFIX/constitution-render`, `PREFIX/../share/constitution/{incidents,rules,providers,templates,schemas}` and
/// its `VERSION`. The programs are copied beside themselves and renamed into place, so a running
/// copy is never overwritten in place.
public enum Installer {
    /// What was installed where.
    public struct Outcome: Sendable {
        /// The folder holding the programs.
        public var bin: String
        /// The folder holding the starter constitution.
        public var share: String
        /// Whether `bin` is on `PATH`.
        public var onPath: Bool
        /// Another `constitution` found on `PATH` before `bin`, if any.
        public var shadowedBy: String?
    }

    /// Why installing failed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `~/.local/bin`, or `/usr/local/bin` for root.
    public static func defaultPrefix() -> String {
        if getuid() == 0 { return "/usr/local/bin" }
        let home = getenv("HOME").map { String(cString: $0) } ?? "."
        return home + "/.local/bin"
    }

    /// Installs into `prefix` the running program, the `constitution-render` beside it, and the
    /// starter constitution this program uses.
    public static func install(prefix: String) throws(Failure) -> Outcome {
        guard let exe = ConstitutionStore.executablePath() else { throw Failure(description: "cannot tell where this program is (/proc/self/exe)") }
        let from = ConstitutionStore.parent(exe)
        let render = from + "/constitution-render"
        guard ConstitutionStore.exists(render) else {
            throw Failure(description: "\(render) is missing: build it with scripts/build-release (./constitution install does)")
        }
        guard let starter = ConstitutionStore.starter() else {
            throw Failure(description: "the starter constitution (incidents/, rules/, templates/) was not found; run ./constitution install from a clone")
        }
        let bin = FileWalker.normalize(ConstitutionStore.absolute(prefix))
        let share = ConstitutionStore.parent(bin) + "/share/constitution"
        AtomicFile.makeDirectories(bin)
        guard ConstitutionStore.isDirectory(bin) else { throw Failure(description: "cannot create \(bin)") }
        for (source, name) in [(exe, "constitution"), (render, "constitution-render")] where FileWalker.normalize(source) != bin + "/" + name {
            try copyProgram(source, to: bin + "/" + name)
        }
        if FileWalker.normalize(starter) != share {
            for folder in Initializer.folders + ["examples/gitea"] {
                try replaceFolder(starter + "/" + folder, with: share + "/" + folder)
            }
            let version = "\(ToolVersion.number) \(ToolVersion.commit(full: true) ?? "unknown")\n"
            if let error = AtomicFile.write(share + "/VERSION", version) { throw Failure(description: error) }
        }
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let entries = path.split(separator: ":").map { FileWalker.normalize(ConstitutionStore.absolute(String($0))) }
        let onPath = entries.contains(bin)
        var shadowedBy: String?
        for entry in entries {
            if entry == bin { break }
            if ConstitutionStore.exists(entry + "/constitution") {
                shadowedBy = entry + "/constitution"
                break
            }
        }
        return Outcome(bin: bin, share: share, onPath: onPath, shadowedBy: shadowedBy)
    }

    /// Copies a program beside its destination, then renames it into place (mode 0755).
    static func copyProgram(_ source: String, to destination: String) throws(Failure) {
        guard case .success(let bytes) = FileReader.read(source) else { throw Failure(description: "cannot read \(source)") }
        if let error = AtomicFile.write(destination, bytes, durable: true) { throw Failure(description: error) }
        guard chmod(destination, 0o755) == 0 else { throw Failure(description: "cannot make \(destination) executable") }
    }

    /// Replaces the files of `destination` (a folder the installer owns) with those of `source`:
    /// its own files, and one level of subfolders (`providers/<family>/`).
    static func replaceFolder(_ source: String, with destination: String) throws(Failure) {
        func shallow(_ path: String) -> Bool { path.split(separator: "/").count <= 2 }
        AtomicFile.makeDirectories(destination)
        let old = FileWalker().walk([destination], displayRoot: destination).files
        for f in old where shallow(f.path) { unlink(f.fullPath) }
        for f in FileWalker().walk([source], displayRoot: source).files where shallow(f.path) {
            guard case .success(let bytes) = FileReader.read(f.fullPath) else { throw Failure(description: "cannot read \(f.fullPath)") }
            if f.path.contains("/") { AtomicFile.makeDirectories(destination + "/" + ConstitutionStore.parent(f.path)) }
            if let error = AtomicFile.write(destination + "/" + f.path, bytes, durable: false) { throw Failure(description: error) }
        }
    }
}
