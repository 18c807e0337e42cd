import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// One file the repo writes to a host, in the working form other facets reuse (the `setting`
/// facet reads k3s `config.yaml` writes).
struct FileWrite: Sendable {
    /// Where the file goes (`/etc/dnsmasq.d/lab.conf`), as written.
    var dest: MappedText
    /// What goes in it; nil when it cannot be known here (a template or `src:` that is not in
    /// the tree, a templated `src:`, gzip content, a `source:` URL).
    var content: MappedText?
    /// `copy`, `template`, `lineinfile`, `blockinfile`, `write_files`, `configmap`, `repo-file`.
    var source: String
    /// Where the item is reported: the content's node, a template's `src:`.
    var location: SourceLocation
}

/// The `file` facet: every file the repo writes to a host (docs/rules.md, "Facets").
///
/// - Ansible `copy` (`content:`, or `src:` read from the role's `files/`), `template` (the
///   template's own text, read from the role's `templates/` or beside the playbook),
///   `lineinfile` (`line`), `blockinfile` (`block`); dict and free-form `k=v` arguments alike;
///   `{{ item… }}` arguments of a literal `loop:`/`with_items:` give one item per loop entry;
///   writes with `state: absent` are not writes;
/// - cloud-init `write_files` (`b64`/`base64` content decoded; gzip content skipped);
/// - Kubernetes `ConfigMap` `data.*` (dest is the key);
/// - every plain text file of the tree (`repo-file`, dest is its path).
///
/// Items are located at their content's node, with the content mapped line by line where the
/// source allows it. A template's text lives in another file, and an item's positions are always
/// in the file being checked, so a template's content is reported wholly at the task's `src:`.
/// Writes whose content cannot be known are left out rather than reported as empty.
enum FileFacet {
    /// The fields of a file item.
    static let fields: [String] = ["dest", "content", "source"]

    /// The facet's items for `file`.
    static func items(in file: LoadedFile, context: FacetContext, memo: FacetMemo) -> [FacetObject] {
        writes(in: file, context: context, memo: memo).compactMap { write in
            guard let content = write.content else { return nil }
            return FacetObject(
                fields: [
                    ("dest", write.dest.value), ("content", content.value),
                    ("source", .text(LocatedText(write.source, at: write.location))),
                ],
                location: write.location)
        }
    }

    /// Every write of `file`, including those whose content is unknown. With `destination`,
    /// Ansible writes to other destinations are skipped before their templates are read.
    /// With `contentOnly`, only writes whose whole content is written in `file` itself (Ansible
    /// `copy: content:`, `write_files`, ConfigMap data): no repository file is read.
    static func writes(
        in file: LoadedFile, context: FacetContext, destination: ((String) -> Bool)? = nil, contentOnly: Bool = false,
        memo: FacetMemo
    ) -> [FileWrite] {
        var out: [FileWrite] = []
        switch file.kind {
        case .ansiblePlaybook, .ansibleTasks:
            for task in AnsibleTasks.tasks(in: file, memo: memo) {
                if contentOnly && task.module != "copy" { continue }
                ansible(task, file: file, context: context, destination: destination, contentOnly: contentOnly, into: &out)
            }
        case .cloudInit:
            for doc in file.yaml?.documents ?? .empty where doc.kind == .mapping {
                for item in doc["write_files"]?.elements ?? [] where item.kind == .mapping { writeFile(item, into: &out) }
            }
        case .kubernetes:
            for doc in file.yaml?.documents ?? .empty where doc["kind"]?.scalarEquals("ConfigMap") == true {
                guard let data = doc["data"], data.kind == .mapping else { continue }
                for pair in data.pairs {
                    guard let dest = MappedText(scalar: pair.key), let content = MappedText(scalar: pair.value) else { continue }
                    out.append(FileWrite(dest: dest, content: content, source: "configmap", location: pair.value.location))
                }
            }
        case .text:
            guard !file.bytes.isEmpty, !contentOnly else { break }
            let content = MappedText.file(file.bytes)
            let at = content.location(at: 0)
            out.append(FileWrite(dest: MappedText(synthetic: file.path, at: at), content: content, source: "repo-file", location: at))
        default:
            break
        }
        return out
    }

    // MARK: Ansible

    /// The writes of one Ansible task (`copy`, `template`, `lineinfile`, `blockinfile`), one per
    /// literal loop entry when its arguments use `{{ item… }}`.
    static func ansible(
        _ task: AnsibleTask, file: LoadedFile, context: FacetContext, destination: ((String) -> Bool)? = nil,
        contentOnly: Bool = false, into out: inout [FileWrite]
    ) {
        let module = task.module
        guard module == "copy" || module == "template" || module == "lineinfile" || module == "blockinfile" else { return }
        if let state = task.param("state")?.scalar, state == "absent" { return }
        let loop = task.loopItems
        let usesItem = task.params.contains { AnsibleLoop.itemField($0.value.scalar) != nil }
        let entries: [YAMLNode?] = usesItem && loop != nil ? (loop ?? []).map { Optional($0) } : [nil]
        for entry in entries {
            func arg(_ names: [String]) -> AnsibleArg? { AnsibleLoop.resolve(task.param(anyOf: names), item: entry) }
            guard let destArg = arg(["dest", "path", "name"]), let dest = destArg.mapped else { continue }
            if let destination, !destination(dest.string) { continue }
            /// A write whose content is the repository file `path` under the role's `folder`
            /// (unknown content when it is not in the tree), located at `src`.
            func fromRepo(_ src: AnsibleArg, _ path: String, folder: String) -> FileWrite {
                let text = readRepoText(src: path, folder: folder, file: file, context: context)
                return FileWrite(
                    dest: dest, content: text.map { MappedText(synthetic: $0, at: src.location) }, source: module, location: src.location)
            }
            switch module {
            case "copy":
                if let content = arg(["content"]) {
                    guard let text = content.mapped else { continue }  // a YAML mapping: Ansible writes JSON
                    out.append(FileWrite(dest: dest, content: text, source: "copy", location: content.location))
                } else if !contentOnly, let src = arg(["src"]), let path = src.scalar, !path.hasSuffix("/"),
                    !(task.param("remote_src")?.scalar.map(AnsibleLoop.isTrue) ?? false)
                {
                    out.append(fromRepo(src, path, folder: "files"))
                }
            case "template":
                guard let src = arg(["src"]), let path = src.scalar else { continue }
                out.append(fromRepo(src, path, folder: "templates"))
            case "lineinfile":
                guard let line = arg(["line", "value"]), let text = line.mapped else { continue }
                out.append(FileWrite(dest: dest, content: text, source: "lineinfile", location: line.location))
            default:
                guard let block = arg(["block", "content"]), let text = block.mapped else { continue }
                out.append(FileWrite(dest: dest, content: text, source: "blockinfile", location: block.location))
            }
        }
    }

    /// The text of a role's or playbook's `files/`/`templates/` entry named by `src`, looked up
    /// the way Ansible searches: the role's `folder/`, the role itself, then beside the file.
    static func readRepoText(src: String, folder: String, file: LoadedFile, context: FacetContext) -> String? {
        for path in candidatePaths(src: src, folder: folder, filePath: file.path) {
            guard let bytes = context.readRepoFile(path) else { continue }
            if bytes.prefix(8192).contains(0) { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        return nil
    }

    /// Where `src` may be in the tree, most specific first. Templated or absolute sources have
    /// no candidates.
    static func candidatePaths(src: String, folder: String, filePath: String) -> [String] {
        guard !src.isEmpty, !src.hasPrefix("/"), !src.contains("{{"), !src.contains("{%") else { return [] }
        let segments = PathText.segments(filePath).map(String.init)
        let dir = Array(segments.dropLast())
        var bases: [[String]] = []
        if let t = dir.lastIndex(where: { $0 == "tasks" || $0 == "handlers" }), t > 0 {
            let role = Array(dir[..<t])
            bases.append(role + [folder])
            bases.append(role)
        }
        bases.append(dir + [folder])
        bases.append(dir)
        var out: [String] = []
        let srcParts = src.split(separator: "/").map(String.init)
        for base in bases {
            var parts = base
            var ok = true
            for part in srcParts where part != "." && !part.isEmpty {
                if part == ".." {
                    if parts.isEmpty { ok = false; break }
                    parts.removeLast()
                } else {
                    parts.append(part)
                }
            }
            guard ok, !parts.isEmpty else { continue }
            let path = parts.joined(separator: "/")
            if !out.contains(path) { out.append(path) }
        }
        return out
    }

    // MARK: cloud-init

    /// The write of one cloud-init `write_files` entry.
    static func writeFile(_ item: YAMLNode, into out: inout [FileWrite]) {
        guard let pathNode = item["path"], let dest = MappedText(scalar: pathNode) else { return }
        let encoding = (item["encoding"]?.scalar ?? "").lowercased()
        guard let contentNode = item["content"], !contentNode.isNull else {
            // No content: an empty file, unless it comes from `source:`.
            let unknown = item["source"] != nil
            out.append(
                FileWrite(
                    dest: dest, content: unknown ? nil : MappedText(synthetic: "", at: item.location), source: "write_files",
                    location: item.location))
            return
        }
        var content = MappedText(scalar: contentNode)
        if contentNode.tag == "tag:yaml.org,2002:binary" {
            // YAML's own base64: text when it decodes to text, else (an executable…) unknown.
            guard !encoding.contains("gz"), let bytes = contentNode.scalar.flatMap(Base64.decode), !bytes.contains(0) else {
                out.append(FileWrite(dest: dest, content: nil, source: "write_files", location: contentNode.location))
                return
            }
            content = MappedText(synthetic: String(decoding: bytes, as: UTF8.self), at: contentNode.location)
        } else {
            switch encoding {
            case "", "text/plain":
                break
            case "b64", "base64":
                content = (contentNode.scalar.flatMap(Base64.decode)).map {
                    MappedText(synthetic: String(decoding: $0, as: UTF8.self), at: contentNode.location)
                }
            default:
                content = nil  // gzip: not worth inflating here
            }
        }
        out.append(FileWrite(dest: dest, content: content, source: "write_files", location: contentNode.location))
    }
}

/// Literal loops: `{{ item }}` and `{{ item.key }}` arguments resolved against each entry of a
/// `loop:` written in the task.
enum AnsibleLoop {
    /// For `{{ item }}` the empty string, for `{{ item.x }}`/`{{ item['x'] }}` the field name;
    /// nil for anything else.
    static func itemField(_ text: String?) -> String? {
        guard let text else { return nil }
        var b = Array(text.utf8)[...]
        while let f = b.first, ShellWords.isSpace(f) { b = b.dropFirst() }
        while let l = b.last, ShellWords.isSpace(l) || l == 0x0A { b = b.dropLast() }
        guard b.starts(with: "{{".utf8), b.reversed().starts(with: "}}".utf8), b.count >= 4 else { return nil }
        var inner = b.dropFirst(2).dropLast(2)
        while let f = inner.first, ShellWords.isSpace(f) { inner = inner.dropFirst() }
        while let l = inner.last, ShellWords.isSpace(l) { inner = inner.dropLast() }
        guard inner.starts(with: "item".utf8) else { return nil }
        var rest = inner.dropFirst(4)
        if rest.isEmpty { return "" }
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            guard !rest.isEmpty, rest.allSatisfy(ShellWords.isNameByte) else { return nil }
            return String(decoding: rest, as: UTF8.self)
        }
        if rest.first == UInt8(ascii: "["), rest.last == UInt8(ascii: "]"), rest.count > 4 {
            let quoted = rest.dropFirst().dropLast()
            guard let q = quoted.first, q == quoted.last, q == UInt8(ascii: "'") || q == UInt8(ascii: "\"") else { return nil }
            return String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
        }
        return nil
    }

    /// The argument with `{{ item… }}` replaced by the loop entry's node.
    static func resolve(_ arg: AnsibleArg?, item: YAMLNode?) -> AnsibleArg? {
        guard let arg, let item, let field = itemField(arg.scalar) else { return arg }
        if field.isEmpty { return .node(item) }
        guard item.kind == .mapping, let value = item[field] else { return arg }
        return .node(value)
    }

    /// Whether an Ansible scalar reads as true.
    static func isTrue(_ s: String) -> Bool {
        switch s.lowercased() {
        case "true", "yes", "on", "1", "y": return true
        default: return false
        }
    }
}

/// Standard base64 (RFC 4648), whitespace ignored.
enum Base64 {
    /// The decoded bytes, or nil when the text is not base64.
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt32(c - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            case 0x20, 0x09, 0x0A, 0x0D:
                continue
            default:
                return nil
            }
            guard padding == 0 else { return nil }
            buffer = buffer << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return out
    }
}
