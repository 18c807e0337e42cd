#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSystem
import ConstitutionCore

/// A file found by the walk, with what the walk learnt about its place in the tree.
public struct WalkedFile: Sendable, Hashable {
    /// The path to open (as given, joined with the walked relative path).
    public var fullPath: String
    /// The path shown to the user and matched by globs: relative to the display root.
    public var path: String

    /// Creates a walked file.
    public init(fullPath: String, path: String, inTemplateFolder: Bool, roleFolder: String?, walkError: String?) {
        self.fullPath = fullPath
        self.path = path
        self.inTemplateFolder = inTemplateFolder
        self.roleFolder = roleFolder
        self.walkError = walkError
    }
    /// The file sits under a Helm chart's or an Ansible role's `templates/` folder.
    public var inTemplateFolder: Bool
    /// The file sits under an Ansible role (`roles/NAME/…` or a folder with `tasks/` and `meta/`
    /// or `defaults/`); the role-relative folder that holds it, e.g. `tasks`, `defaults`.
    public var roleFolder: String?
    /// A problem found while walking (symlink loop, unreadable folder), reported for this path.
    public var walkError: String?
}

/// Walks paths given on the command line into a sorted list of files.
///
/// Skips `.git/`, honours `.constitutionignore` files (gitignore syntax) in every folder, and
/// never throws: a folder it cannot read becomes a ``WalkedFile/walkError`` entry so it is
/// reported with the other files.
///
/// Only regular files and folders are handed on to be read. A FIFO, socket or device (found by
/// the folder entry's type, so never opened) is a ``WalkedFile/walkError``: "not a regular file
/// (FIFO)". Symlinks are followed only while their target stays inside the tree being walked;
/// one whose target resolves outside it (`-> /dev/zero`, `-> /etc/passwd`) is reported
/// ("symlink leaves the tree: -> /dev/zero") and not followed, and a symlinked folder that
/// contains itself is reported as a loop. A path named on the command line is read wherever it
/// points, but only when it is a regular file.
public struct FileWalker: Sendable {
    /// Folder names never entered.
    public static let skippedFolders: Set<String> = [".git", ".hg", ".svn"]
    /// How deep folders stay open while their entries are walked (each holds a descriptor);
    /// deeper ones are closed once listed, and what is in them is opened by path.
    static let openFolderDepth = 64
    /// The name of the ignore file.
    public static let ignoreFileName = ignoreFile.description
    /// The same, as the walk compares it with folder entries.
    static let ignoreFile: StaticString = ".constitutionignore"

    /// Creates a walker.
    /// Whether Git's ignore files are honoured too: `.gitignore` in every folder, and, when the
    /// walked folder is a repository's top, `.git/info/exclude` and the user's global excludes
    /// file (`$XDG_CONFIG_HOME/git/ignore`, else `~/.config/git/ignore`), as git and ripgrep do.
    public var gitignore: Bool

    /// A walker; `gitignore` also honours Git's ignore files (lint and files do, unless
    /// `--no-ignore`).
    public init(gitignore: Bool = false) { self.gitignore = gitignore }

    /// The result of a walk.
    public struct Result: Sendable {
        /// Files, sorted by display path.
        public var files: [WalkedFile]
        /// Paths given that did not exist.
        public var missing: [String]
    }

    /// Walks `inputs` (files or folders). Display paths are relative to `displayRoot` when the
    /// input lies inside it, else as given.
    public func walk(_ inputs: [String], displayRoot: String?) -> Result {
        var files: [WalkedFile] = []
        let missing = walk(inputs, displayRoot: displayRoot) { files.append($0) }
        return Result(files: Self.sortedUnique(files), missing: missing)
    }

    /// Sorts by path (unless already sorted, as one walked folder is) and drops duplicates.
    public static func sortedUnique(_ files: [WalkedFile]) -> [WalkedFile] {
        PathText.sortedUniqueOrder(files.map(\.path)).map { files[$0] }
    }

    /// Walks `inputs`, handing each file to `sink` as soon as it is found (depth-first, sorted
    /// within each folder). Returns the inputs that do not exist.
    public func walk(_ inputs: [String], displayRoot: String?, sink: (WalkedFile) -> Void) -> [String] {
        var missing: [String] = []
        for input in inputs {
            let cleaned = Self.normalize(input)
            var st = stat()
            guard stat(cleaned, &st) == 0 else {
                var lst = stat()
                if lstat(cleaned, &lst) == 0 {
                    // A dangling or looping symlink given by name: report it as that file.
                    sink(
                        WalkedFile(
                            fullPath: cleaned, path: display(cleaned, root: displayRoot), inTemplateFolder: false,
                            roleFolder: nil, walkError: Self.errnoText(errno)))
                } else {
                    missing.append(input)
                }
                continue
            }
            if st.st_mode & S_IFMT == S_IFDIR {
                let rootDisplay = display(cleaned, root: displayRoot)
                let rootReal = WalkState.realPath(cleaned) ?? cleaned
                withoutActuallyEscaping(sink) { escapable in
                    var state = WalkState(rootDisplay: rootDisplay, rootReal: rootReal, sink: escapable)
                    state.gitignore = gitignore
                    defer { state.buffer.deallocate() }
                    let fd = cleaned.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
                    state.walkDirectory(
                        opened: fd, openError: fd < 0 ? errno : 0, full: cleaned, relative: "", context: .init(),
                        realDir: rootReal, depth: 0)
                }
            } else if st.st_mode & S_IFMT != S_IFREG {
                // A FIFO, socket or device named on the command line: reported, never opened.
                sink(
                    WalkedFile(
                        fullPath: cleaned, path: display(cleaned, root: displayRoot), inTemplateFolder: false, roleFolder: nil,
                        walkError: FileReader.notRegularMessage(st.st_mode)))
            } else {
                sink(
                    WalkedFile(
                        fullPath: cleaned, path: display(cleaned, root: displayRoot),
                        inTemplateFolder: Self.looksLikeTemplatePath(cleaned), roleFolder: Self.roleFolderFromPath(cleaned),
                        walkError: nil))
            }
        }
        return missing
    }

    /// Git's global excludes file: `core.excludesFile` from `~/.gitconfig` (`~/` expanded),
    /// else the default `$XDG_CONFIG_HOME/git/ignore`, else `~/.config/git/ignore`.
    static func globalExcludesFile() -> String? {
        let home = getenv("HOME").flatMap { $0.pointee != 0 ? String(cString: $0) : nil }
        if let home, let configured = excludesFile(inGitConfig: home + "/.gitconfig") {
            return configured.hasPrefix("~/") ? home + configured.dropFirst(1) : configured
        }
        if let xdg = getenv("XDG_CONFIG_HOME"), xdg.pointee != 0 { return String(cString: xdg) + "/git/ignore" }
        return home.map { $0 + "/.config/git/ignore" }
    }

    /// `excludesfile = PATH` of the `[core]` section of a git config file, if set.
    static func excludesFile(inGitConfig path: String) -> String? {
        guard case .success(let bytes) = FileReader.read(path, limit: 1 << 20) else { return nil }
        func trimmed<S: StringProtocol>(_ s: S) -> String {
            var t = Substring(s)
            while let f = t.first, f == " " || f == "\t" || f == "\r" { t = t.dropFirst() }
            while let l = t.last, l == " " || l == "\t" || l == "\r" { t = t.dropLast() }
            return String(t)
        }
        var inCore = false
        for raw in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let line = trimmed(raw)
            if line.hasPrefix("[") {
                inCore = line.lowercased().hasPrefix("[core]")
                continue
            }
            guard inCore, let eq = line.firstIndex(of: "=") else { continue }
            guard trimmed(line[..<eq]).lowercased() == "excludesfile" else { continue }
            var value = trimmed(line[line.index(after: eq)...])
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// `./a//b/` → `a/b`; keeps a leading `/`.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." && !part.isEmpty { parts.append(part) }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    private func display(_ path: String, root: String?) -> String {
        guard let root, root != "." else { return path }
        let r = Self.normalize(root)
        if path == r { return "." }
        if path.hasPrefix(r + "/") { return String(path.dropFirst(r.count + 1)) }
        return path
    }

    static func errnoText(_ code: Int32) -> String {
        switch code {
        case ELOOP: return "cannot read: too many levels of symbolic links (a symlink loop)"
        case ENOENT: return "cannot read: no such file (a dangling symlink?)"
        case EACCES: return "cannot read: permission denied"
        default: return "cannot read: " + String(cString: strerror(code))
        }
    }

    /// For a single file given by name: is it under a `templates/` folder of a chart or role?
    static func looksLikeTemplatePath(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        guard let t = parts.lastIndex(of: "templates"), t > 0 else { return false }
        let parent = parts[0..<t].joined(separator: "/")
        let base = path.hasPrefix("/") ? "/" + parent : parent
        var st = stat()
        if stat(base + "/Chart.yaml", &st) == 0 || stat(base + "/Chart.yml", &st) == 0 { return true }
        if stat(base + "/tasks", &st) == 0 { return true }
        return t >= 2 && parts[t - 2] == "roles"
    }

    /// Whether the folder holding the walked folder `relative` (its second-last segment) is
    /// named `roles`, with the segments `relative.split(separator: "/")` gives: by bytes when
    /// the path is ASCII, by Characters otherwise (where a name starting with a combining mark
    /// joins the `/` before it into one Character).
    static func parentIsRoles(_ relative: String) -> Bool {
        let byBytes: Bool? = PathText.withBytes(relative) { bytes in
            guard PathText.isASCII(bytes[...]) else { return nil }
            guard let lastSlash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return false }
            var start = lastSlash
            while start > 0, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
            return PathText.equals(bytes[start..<lastSlash], "roles")
        }
        if let byBytes { return byBytes }
        return (relative.split(separator: "/").dropLast().last.map(String.init) ?? "") == "roles"
    }

    /// The role sub-folder (`tasks`, `defaults`…) of a path under `roles/NAME/`, if any.
    public static func roleFolderFromPath(_ path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard let r = parts.lastIndex(of: "roles"), r + 3 < parts.count else { return nil }
        return parts[r + 2]
    }
}

/// Per-folder facts passed down the walk.
struct WalkContext {
    var inTemplateFolder = false
    var roleFolder: String?
    var ignoreRules: [GitIgnoreRule] = []
}

/// One entry of a folder: where its name is in ``DirListing/names``, and what it is.
struct DirEntry {
    var start: Int32
    var length: Int32
    var isDirectory: Bool
    var isSymlink: Bool
    /// Index into ``DirListing/errors`` when the entry could not be examined or is not a regular
    /// file or folder, else -1.
    var error: Int32
    /// For a symlink whose target is neither a regular file nor a folder: the target's
    /// `st_mode` (reported once the walk knows whether the target is inside the tree); else 0.
    var specialTarget: UInt32 = 0
}

/// A folder's entries, sorted by name. The names live in one byte buffer (each followed by a
/// NUL, for the system calls that open them): a folder costs a few allocations, not one String
/// per entry, and sorting moves plain values.
struct DirListing {
    var names: [UInt8] = []
    var entries: [DirEntry] = []
    var errors: [String] = []

    /// Adds an entry named by the `length` bytes at `name`, of directory-entry type `type`, in
    /// the folder open as `fd`. Regular files and folders cost nothing more; a FIFO, socket or
    /// device is an error entry, known from its type alone (never opened or examined); a symlink
    /// is examined with `stat` (its target), and an entry whose type the file system does not
    /// say with `lstat` first.
    mutating func add(_ name: UnsafePointer<UInt8>, length: Int, type: UInt8, in fd: Int32) {
        var entry = DirEntry(
            start: Int32(names.count), length: Int32(length), isDirectory: type == UInt8(DT_DIR), isSymlink: type == UInt8(DT_LNK),
            error: -1)
        names.append(contentsOf: UnsafeBufferPointer(start: name, count: length))
        names.append(0)
        switch type {
        case UInt8(DT_REG), UInt8(DT_DIR):
            break
        case UInt8(DT_LNK):
            examineTarget(&entry, in: fd)
        case UInt8(DT_UNKNOWN):
            var st = stat()
            if withName(entry, { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) }) != 0 {
                fail(&entry, FileWalker.errnoText(errno))
            } else if st.st_mode & S_IFMT == S_IFLNK {
                entry.isSymlink = true
                examineTarget(&entry, in: fd)
            } else if st.st_mode & S_IFMT == S_IFDIR {
                entry.isDirectory = true
            } else if st.st_mode & S_IFMT != S_IFREG {
                fail(&entry, FileReader.notRegularMessage(st.st_mode))
            }
        default:
            // DT_FIFO, DT_SOCK, DT_CHR, DT_BLK (DT_x << 12 is the matching S_IFx).
            fail(&entry, FileReader.notRegularMessage(mode_t(type) << 12))
        }
        entries.append(entry)
    }

    /// Examines a symlink's target: a folder, a regular file, or something else (noted in
    /// ``DirEntry/specialTarget``); an error entry when it cannot be followed.
    private mutating func examineTarget(_ entry: inout DirEntry, in fd: Int32) {
        var st = stat()
        guard withName(entry, { fstatat(fd, $0, &st, 0) }) == 0 else {
            fail(&entry, FileWalker.errnoText(errno))
            return
        }
        let type = st.st_mode & S_IFMT
        entry.isDirectory = type == S_IFDIR
        if type != S_IFDIR && type != S_IFREG { entry.specialTarget = UInt32(st.st_mode) }
    }

    private mutating func fail(_ entry: inout DirEntry, _ message: String) {
        entry.error = Int32(errors.count)
        errors.append(message)
    }

    /// Calls `body` with `entry`'s name as a C string.
    func withName<R>(_ entry: DirEntry, _ body: (UnsafePointer<CChar>) -> R) -> R {
        names.withUnsafeBufferPointer { b in
            UnsafeRawPointer(b.baseAddress! + Int(entry.start)).withMemoryRebound(to: CChar.self, capacity: Int(entry.length) + 1, body)
        }
    }

    /// The name of `entry` as a String.
    func name(_ entry: DirEntry) -> String {
        names.withUnsafeBufferPointer { b in
            String(decoding: UnsafeBufferPointer(rebasing: b[Int(entry.start)..<Int(entry.start + entry.length)]), as: UTF8.self)
        }
    }

    /// Whether `entry`'s name is `text` (ASCII).
    func nameIs(_ entry: DirEntry, _ text: StaticString) -> Bool {
        guard Int(entry.length) == text.utf8CodeUnitCount else { return false }
        return names.withUnsafeBufferPointer { b in
            memcmp(b.baseAddress! + Int(entry.start), text.utf8Start, Int(entry.length)) == 0
        }
    }

    /// Whether `entry` is one of ``FileWalker/skippedFolders``.
    func isSkippedFolder(_ entry: DirEntry) -> Bool {
        nameIs(entry, ".git") || nameIs(entry, ".hg") || nameIs(entry, ".svn")
    }

    /// Whether some entry (a folder when `directory`, else a file) is named `text`.
    func contains(_ text: StaticString, directory: Bool) -> Bool {
        entries.contains { $0.isDirectory == directory && nameIs($0, text) }
    }

    /// `prefix + "/" + name` (or just the name when `prefix` is empty), built once.
    func join(_ prefix: String, _ entry: DirEntry) -> String {
        PathText.withBytes(prefix) { head in
            names.withUnsafeBufferPointer { b in
                let name = UnsafeBufferPointer(rebasing: b[Int(entry.start)..<Int(entry.start + entry.length)])
                let separator = head.isEmpty ? 0 : 1
                return String(unsafeUninitializedCapacity: head.count + separator + name.count) { out in
                    var i = out.initialize(fromContentsOf: head)
                    if separator == 1 {
                        out[i] = UInt8(ascii: "/")
                        i += 1
                    }
                    i += UnsafeMutableBufferPointer(rebasing: out[i...]).initialize(fromContentsOf: name)
                    return i
                }
            }
        }
    }

    /// Sorts the entries by name, byte by byte (a folder's names hold no `/`, so this is the
    /// order of ``PathText/less(_:_:)``).
    mutating func sort() {
        names.withUnsafeBufferPointer { b in
            let base = b.baseAddress
            entries.sort { x, y in
                let n = Int(min(x.length, y.length))
                let c = n == 0 ? 0 : memcmp(base! + Int(x.start), base! + Int(y.start), n)
                return c != 0 ? c < 0 : x.length < y.length
            }
        }
    }
}

struct WalkState {
    let rootDisplay: String
    /// The canonical path of the folder being walked: symlinks are followed only inside it.
    let rootReal: String
    let sink: (WalkedFile) -> Void
    /// Where folder entries are read, reused by every folder of the walk (the owner frees it).
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024, alignment: 8)

    /// Whether Git's ignore files are honoured (``FileWalker/gitignore``).
    var gitignore = false

    init(rootDisplay: String, rootReal: String = "/", sink: @escaping (WalkedFile) -> Void) {
        self.rootDisplay = rootDisplay
        self.rootReal = rootReal
        self.sink = sink
    }

    /// Whether the canonical path `target` is the walked folder or inside it.
    func isInsideTree(_ target: String) -> Bool {
        rootReal == "/" || target == rootReal || target.hasPrefix(rootReal + "/")
    }

    /// The report for a symlink whose target leaves the tree.
    static func leavesTree(_ target: String) -> String { "symlink leaves the tree: -> \(target)" }

    func displayPath(_ relative: String) -> String {
        if rootDisplay == "." || rootDisplay.isEmpty { return relative }
        return relative.isEmpty ? rootDisplay : PathText.join(rootDisplay, relative)
    }

    static func isIgnored(_ relative: String, isDirectory: Bool, rules: [GitIgnoreRule]) -> Bool {
        var ignored = false
        for rule in rules where rule.matches(relative, isDirectory: isDirectory) {
            ignored = !rule.negated
        }
        return ignored
    }

    /// Reads the entries of the folder open as `fd`, sorted by name; an error text when it
    /// cannot be read.
    func list(_ fd: Int32) -> (DirListing, String?) {
        var listing = DirListing()
        while true {
            let n = constitution_getdents64(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ENOSYS { return Self.listWithReaddir(fd) }
                return (listing, FileWalker.errnoText(errno))
            }
            if n == 0 { break }
            var offset = 0
            while offset < n {
                // A dirent64: inode (8 bytes), offset (8), record length (2), type (1), name.
                let record = buffer.baseAddress! + offset
                offset += Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                let name = (record + 19).assumingMemoryBound(to: UInt8.self)
                if name[0] == UInt8(ascii: "."), name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0) { continue }
                listing.add(name, length: strlen(name), type: record.load(fromByteOffset: 18, as: UInt8.self), in: fd)
            }
        }
        listing.sort()
        return (listing, nil)
    }

    /// ``list(_:)`` where there is no getdents64: through `readdir` on a copy of the descriptor.
    static func listWithReaddir(_ fd: Int32) -> (DirListing, String?) {
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else {
            let code = errno
            if copy >= 0 { close(copy) }
            return (DirListing(), FileWalker.errnoText(code))
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var listing = DirListing()
        while let entry = readdir(dir) {
            // The name is read in place: copying `d_name` out would copy its whole 256-byte array.
            let name = (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: UInt8.self)
            if name[0] == UInt8(ascii: "."), name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0) { continue }
            listing.add(name, length: strlen(name), type: entry.pointee.d_type, in: fd)
        }
        listing.sort()
        return (listing, nil)
    }

    /// Where `d_name` sits in a `dirent`.
    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!

    /// The canonical path of `path` (symlinks resolved), or nil.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// Walks one folder, `opened` (its descriptor, which this closes, or -1 and the `errno` of
    /// the failed open). `realDir` is its canonical path: only a symlinked folder can
    /// lead back into an ancestor (folders cannot be hard-linked), so only symlinks are resolved,
    /// and a symlink whose target contains the current folder is a loop.
    ///
    /// Sub-folders are opened relative to the folder, and while its files are handed to the sink
    /// the folder is this thread's ``OpenFolder``, so reading one of them resolves one name, not
    /// the whole path.
    mutating func walkDirectory(
        opened: Int32, openError: Int32, full: String, relative: String, context: WalkContext, realDir: String, depth: Int
    ) {
        let (listing, error) = opened >= 0 ? list(opened) : (DirListing(), FileWalker.errnoText(openError))
        var fd = opened
        if let error {
            if fd >= 0 { close(fd) }
            sink(
                WalkedFile(fullPath: full, path: displayPath(relative), inTemplateFolder: false, roleFolder: nil, walkError: error))
            return
        }
        if depth >= FileWalker.openFolderDepth {
            close(fd)
            fd = -1
        }
        let folder = OpenFolder.current
        let outer = folder.enter(fd, path: full)
        defer {
            folder.leave(restoring: outer)
            if fd >= 0 { close(fd) }
        }
        var context = context
        if gitignore {
            if depth == 0, listing.contains(".git", directory: true) {
                // The repository's own excludes and the user's global ones, below every .gitignore.
                var files = [PathText.join(full, ".git/info/exclude")]
                if let global = FileWalker.globalExcludesFile() { files.append(global) }
                for path in files {
                    if let text = readSmallFile(path) { context.ignoreRules += GitIgnoreRule.parse(text, base: relative) }
                }
            }
            if listing.contains(".gitignore", directory: false), let text = readSmallFile(PathText.join(full, ".gitignore")) {
                context.ignoreRules += GitIgnoreRule.parse(text, base: relative)
            }
        }
        if listing.contains(FileWalker.ignoreFile, directory: false),
            let text = readSmallFile(PathText.join(full, FileWalker.ignoreFileName))
        {
            context.ignoreRules += GitIgnoreRule.parse(text, base: relative)
        }
        let isChart = listing.contains("Chart.yaml", directory: false) || listing.contains("Chart.yml", directory: false)
        let isRole =
            FileWalker.parentIsRoles(relative)
            || (listing.contains("tasks", directory: true)
                && (listing.contains("meta", directory: true) || listing.contains("defaults", directory: true)
                    || listing.contains("handlers", directory: true)))
        for entry in listing.entries {
            if entry.isDirectory && listing.isSkippedFolder(entry) { continue }
            let childRelative = listing.join(relative, entry)
            if !context.ignoreRules.isEmpty,
                Self.isIgnored(childRelative, isDirectory: entry.isDirectory, rules: context.ignoreRules)
            {
                continue
            }
            let childFull = listing.join(full, entry)
            if entry.error >= 0 {
                sink(
                    WalkedFile(
                        fullPath: childFull, path: displayPath(childRelative), inTemplateFolder: false, roleFolder: nil,
                        walkError: listing.errors[Int(entry.error)]))
                continue
            }
            if entry.isDirectory {
                var child = context
                if (isChart || isRole) && listing.nameIs(entry, "templates") { child.inTemplateFolder = true }
                if isRole { child.roleFolder = listing.name(entry) }
                let childReal: String
                if entry.isSymlink {
                    guard let target = Self.realPath(childFull) else {
                        report(childFull, childRelative, FileWalker.errnoText(errno))
                        continue
                    }
                    if target == realDir || realDir.hasPrefix(target + "/") || target == "/" {
                        report(childFull, childRelative, "cannot read: symlink loop (this folder contains itself)")
                        continue
                    }
                    if !isInsideTree(target) {
                        report(childFull, childRelative, Self.leavesTree(target))
                        continue
                    }
                    childReal = target
                } else {
                    childReal = listing.join(realDir, entry)
                }
                let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
                let childFD =
                    fd >= 0 ? listing.withName(entry) { openat(fd, $0, flags) } : childFull.withCString { open($0, flags) }
                walkDirectory(
                    opened: childFD, openError: childFD < 0 ? errno : 0, full: childFull, relative: childRelative, context: child, realDir: childReal, depth: depth + 1)
                folder.enter(fd, path: full)
            } else {
                if listing.nameIs(entry, FileWalker.ignoreFile) { continue }
                if entry.isSymlink {
                    // Followed only to a regular file inside the tree.
                    guard let target = Self.realPath(childFull) else {
                        report(childFull, childRelative, FileWalker.errnoText(errno))
                        continue
                    }
                    if !isInsideTree(target) {
                        report(childFull, childRelative, Self.leavesTree(target))
                        continue
                    }
                    if entry.specialTarget != 0 {
                        report(childFull, childRelative, FileReader.notRegularMessage(mode_t(entry.specialTarget)))
                        continue
                    }
                }
                sink(
                    WalkedFile(
                        fullPath: childFull, path: displayPath(childRelative), inTemplateFolder: context.inTemplateFolder,
                        roleFolder: context.roleFolder, walkError: nil))
            }
        }
    }

    /// Hands on `full` (shown as `relative`) as a file that could not be walked, with `message`.
    func report(_ full: String, _ relative: String, _ message: String) {
        sink(WalkedFile(fullPath: full, path: displayPath(relative), inTemplateFolder: false, roleFolder: nil, walkError: message))
    }

    func readSmallFile(_ path: String) -> String? {
        switch FileReader.read(path, limit: 1 << 20) {
        case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .failure: return nil
        }
    }
}
