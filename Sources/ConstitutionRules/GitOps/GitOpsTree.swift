import ConstitutionCore

/// The linted tree as the GitOps model sees it: every file path (relative to the linted root,
/// `/`-separated) and the folders they imply (`""` is the root).
struct GitOpsTree: Sendable {
    /// Every file.
    let files: Set<String>
    /// Every folder holding a file at some depth, with the root as `""`.
    let folders: Set<String>
    /// ``files`` sorted, and ``folders`` but the root sorted (what generators glob over).
    let sortedFiles: [String]
    let sortedFolders: [String]
    /// Whether ``files`` is only part of the tree (a rule example's one snippet): a path a
    /// source names then counts as there, as a folder unless its name has an extension.
    let partial: Bool
    /// A folder's own files, sorted.
    private let ownFiles: [String: [String]]
    /// A folder's direct subfolders, sorted.
    private let subfolders: [String: [String]]

    /// File names Kustomize reads as a kustomization, in its order of preference.
    static let kustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    init(files paths: [String], partial: Bool = false) {
        self.partial = partial
        var files = Set<String>()
        var folders: Set<String> = [""]
        var own: [String: [String]] = [:]
        var subs: [String: Set<String>] = [:]
        for raw in paths {
            let path = GitOpsTree.clean(raw) ?? raw
            guard !path.isEmpty, files.insert(path).inserted else { continue }
            let parent = GitOpsTree.parent(of: path)
            own[parent, default: []].append(path)
            var child = parent
            while !child.isEmpty {
                let up = GitOpsTree.parent(of: child)
                subs[up, default: []].insert(child)
                if !folders.insert(child).inserted { break }
                child = up
            }
        }
        self.files = files
        self.folders = folders
        self.sortedFiles = files.sorted(by: PathText.less)
        self.sortedFolders = folders.filter { !$0.isEmpty }.sorted(by: PathText.less)
        self.ownFiles = own.mapValues { $0.sorted(by: PathText.less) }
        self.subfolders = subs.mapValues { $0.sorted(by: PathText.less) }
    }

    /// Whether `path` is a folder of the tree (in a partial tree, also any path named without
    /// an extension that is not a known file).
    func hasFolder(_ path: String) -> Bool {
        folders.contains(path) || (partial && !files.contains(path) && !Self.hasExtension(path))
    }

    /// Whether `path` is a file of the tree (in a partial tree, also any path whose name has an
    /// extension).
    func hasFile(_ path: String) -> Bool {
        files.contains(path) || (partial && Self.hasExtension(path))
    }

    static func hasExtension(_ path: String) -> Bool { basename(path).contains(".") }

    /// A folder's own files (not those of its subfolders), sorted.
    func files(in folder: String) -> [String] { ownFiles[folder] ?? [] }

    /// A folder's direct subfolders, sorted.
    func folders(in folder: String) -> [String] { subfolders[folder] ?? [] }

    /// The folder's kustomization file, when it has one.
    func kustomizationFile(in folder: String) -> String? {
        for name in GitOpsTree.kustomizationNames {
            let path = folder.isEmpty ? name : folder + "/" + name
            if files.contains(path) { return path }
        }
        return nil
    }

    /// Whether the folder holds a Helm chart (`Chart.yaml`).
    func isChart(_ folder: String) -> Bool {
        files.contains(folder.isEmpty ? "Chart.yaml" : folder + "/Chart.yaml")
    }

    /// The folder of `path` (`""` at the root).
    static func parent(of path: String) -> String {
        // By bytes: `/` never occurs inside a multi-byte character.
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(Substring(path.utf8[..<slash]))
    }

    /// The last segment of `path`.
    static func basename(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(Substring(path.utf8[path.utf8.index(after: slash)...]))
    }

    /// Whether `path` is already clean: not empty, no leading, trailing or doubled `/`, and no
    /// segment starting with `.` (`.`, `..`, and — conservatively — hidden names take the slow
    /// path). One pass over the bytes: most paths of a tree are clean.
    static func isClean(_ path: String) -> Bool {
        var previous: UInt8 = UInt8(ascii: "/")
        for byte in path.utf8 {
            if previous == UInt8(ascii: "/"), byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") { return false }
            previous = byte
        }
        return previous != UInt8(ascii: "/")
    }

    /// Whether some segment of `path` starts with `.` (a hidden file or folder).
    static func hasHiddenSegment(_ path: String) -> Bool {
        var previous: UInt8 = UInt8(ascii: "/")
        for byte in path.utf8 {
            if previous == UInt8(ascii: "/"), byte == UInt8(ascii: ".") { return true }
            previous = byte
        }
        return false
    }

    /// `relative` resolved against folder `base`: `.` and empty segments dropped, `..` applied.
    /// A leading `/` means the root. Nil when the path climbs above the root.
    static func resolve(_ relative: String, from base: String) -> String? {
        if relative.hasPrefix("/") { return clean(relative) }
        return clean(base.isEmpty ? relative : base + "/" + relative)
    }

    /// `path` with `./`, empty segments, leading and trailing `/` removed and `..` applied (`""`
    /// for the root); nil when it climbs above the root.
    static func clean(_ path: String) -> String? {
        if isClean(path) { return path }
        var out: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if out.isEmpty { return nil }
                out.removeLast()
            } else {
                out.append(segment)
            }
        }
        return out.joined(separator: "/")
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func gitOpsTrimmed() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension Substring {
    /// The range of the first occurrence of `needle` (non-empty), compared by UTF-8 bytes.
    func gitOpsRange(of needle: String) -> Range<Substring.Index>? {
        let want = Array(needle.utf8)
        guard let first = want.first else { return nil }
        let bytes = utf8
        var i = bytes.startIndex
        while i != bytes.endIndex {
            if bytes[i] == first {
                var j = i, k = 0
                while k < want.count, j != bytes.endIndex, bytes[j] == want[k] {
                    j = bytes.index(after: j)
                    k += 1
                }
                if k == want.count { return i..<j }
            }
            i = bytes.index(after: i)
        }
        return nil
    }
}
