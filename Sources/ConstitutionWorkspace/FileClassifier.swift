#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionYAML

/// Decides a file's ``FileKind`` from its path and content (docs/rules.md, `match.kind`).
///
/// Order matters and is part of the contract:
/// 1. `template`: under a Helm chart's or Ansible role's `templates/`, or a `.j2`/`.tpl` file;
/// 2. `workflow`: under `.gitea/workflows/`, `.github/workflows/` or `.forgejo/workflows/`;
/// 3. `compose`: `compose.yaml`, `compose.*.yaml`, `docker-compose*.yml`, `*.compose.yml`
///    (either extension);
/// 4. `cloud-init`: the first line is `#cloud-config` (after an optional `## template: jinja`);
/// 5. `ansible-vars`: under `group_vars/`, `host_vars/`, or a role's `defaults/` or `vars/`;
/// 6. `kubernetes`: some document is a mapping with scalar `apiVersion` and `kind`;
/// 7. `ansible-playbook`: a list whose items have `hosts:` or `import_playbook:`;
/// 8. `ansible-tasks`: under a `tasks/` or `handlers/` folder, or a list of task-shaped items;
/// 9. `ansible-inventory`: under `inventory/`/`inventories/`, named `hosts.y*ml`/`inventory.y*ml`,
///    or a mapping whose `all:` has `hosts:` or `children:`;
/// 10. `compose` by content (``looksLikeCompose(_:)``): one mapping whose top-level keys are all
///    Compose keys, with a non-empty `services:` mapping of Compose-shaped services (`stack.yml`,
///    `stacks/media.yml`);
/// 11. `yaml` otherwise. Non-YAML files are `text`, or `binary` when they hold NUL bytes.
///
/// Files without a YAML extension are parsed only when their first bytes say so: `#cloud-config`
/// (any name), `"apiVersion"` and `"kind"` (`.json`), or, for a name without any extension
/// (`ipAddressPool`), YAML whose first line is a top-level key and which has `apiVersion:` and
/// `kind:` lines at column 1 (``looksLikeYAMLManifest(_:)``). Such an extensionless file that
/// turns out not to be a Kubernetes manifest (or cloud-config) stays `text`, without a parse
/// error (``keepsParsedKind(_:extension:)``).
public enum FileClassifier {
    /// Extensions read as YAML. Other files are YAML only when they start with `#cloud-config`.
    public static let yamlExtensions: Set<String> = ["yaml", "yml"]
    static let templateExtensions: Set<String> = ["j2", "jinja", "jinja2", "tpl", "gotmpl"]

    /// The lowercase extension of the last path segment (`""` when none).
    public static func fileExtension(_ path: String) -> String { PathText.fileExtension(path) }

    /// What a file's extension says, as far as the classifier cares.
    enum ExtensionClass {
        /// One of ``yamlExtensions``.
        case yaml
        /// One of ``templateExtensions``.
        case template
        /// `.json`: JSON is YAML, and `kubectl` and GitOps controllers apply JSON manifests.
        case json
        /// Some other extension.
        case other
        /// No extension at all (`ipAddressPool`, `Makefile`): sniffed for a YAML manifest.
        case none
    }

    /// The class of the path's extension, compared case-insensitively in place (the same answer
    /// as looking ``fileExtension(_:)`` up in ``yamlExtensions`` and ``templateExtensions``,
    /// without building the lowercase string and hashing it).
    static func extensionClass(_ path: String) -> ExtensionClass {
        PathText.withBytes(path) { bytes in
            guard let range = PathText.extensionRange(bytes) else { return .none }
            let ext = bytes[range]
            if PathText.equalsLowercased(ext, "yaml") || PathText.equalsLowercased(ext, "yml") { return .yaml }
            if PathText.equalsLowercased(ext, "json") { return .json }
            if PathText.equalsLowercased(ext, "j2") || PathText.equalsLowercased(ext, "jinja")
                || PathText.equalsLowercased(ext, "jinja2") || PathText.equalsLowercased(ext, "tpl")
                || PathText.equalsLowercased(ext, "gotmpl")
            {
                return .template
            }
            return .other
        }
    }

    /// The kind decided before parsing, from the path alone; `nil` means "parse, then decide".
    public static func kindBeforeParsing(_ file: WalkedFile, head: ArraySlice<UInt8>) -> FileKind? {
        kindBeforeParsing(file, extension: extensionClass(file.path), head: head)
    }

    /// ``kindBeforeParsing(_:head:)`` with the extension's class already known.
    static func kindBeforeParsing(_ file: WalkedFile, extension ext: ExtensionClass, head: ArraySlice<UInt8>) -> FileKind? {
        kindBeforeParsing(file, extension: ext, head: head, hasNUL: hasNUL(head))
    }

    /// ``kindBeforeParsing(_:head:)`` with the extension's class and ``hasNUL(_:)`` known.
    static func kindBeforeParsing(_ file: WalkedFile, extension ext: ExtensionClass, head: ArraySlice<UInt8>, hasNUL nul: Bool) -> FileKind? {
        if file.inTemplateFolder || ext == .template { return .template }
        if nul { return .binary }
        if ext == .yaml { return nil }
        // A `.json` file is parsed (as the YAML it is) when it looks like a Kubernetes manifest,
        // so a manifest written as JSON is checked like one written as YAML.
        if ext == .json { return looksLikeJSONManifest(head) ? nil : .text }
        if isCloudConfig(head) { return nil }
        if ext == .none, looksLikeYAMLManifest(head) { return nil }
        return .text
    }

    /// Whether a parsed file keeps the kind its YAML gave it: always for YAML and JSON
    /// extensions; a file parsed only because its first bytes looked like a manifest
    /// (``looksLikeYAMLManifest(_:)``) keeps it only when it is one (or cloud-config), and is
    /// otherwise plain text again.
    public static func keepsParsedKind(_ kind: FileKind, path: String) -> Bool {
        keepsParsedKind(kind, extension: extensionClass(path))
    }

    /// ``keepsParsedKind(_:path:)`` with the extension's class known.
    static func keepsParsedKind(_ kind: FileKind, extension ext: ExtensionClass) -> Bool {
        ext != .none || kind == .kubernetes || kind == .cloudInit
    }

    /// Whether an extensionless file's first bytes are a YAML manifest: the first line that is
    /// not blank, a comment or `---` starts with a top-level key (a letter, then letters, digits,
    /// `_`, `-` or `.`, then `:`), and some line starts with `apiVersion:` and some with `kind:`.
    /// Shell scripts fail the first test (a `#!` line is a comment, the command after it is no
    /// key), so a here-document holding a manifest keeps its script a script.
    static func looksLikeYAMLManifest(_ head: ArraySlice<UInt8>) -> Bool {
        head.withUnsafeBufferPointer { b in
            var i = 0
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
            if b.count >= i + 2, b[i] == UInt8(ascii: "#"), b[i + 1] == UInt8(ascii: "!") { return false }
            var sawKey = false, apiVersion = false, kind = false
            while i < b.count {
                var end = i
                while end < b.count, b[end] != 0x0A { end += 1 }
                let line = b[i..<end]
                if !sawKey {
                    var first = i
                    while first < end, b[first] == UInt8(ascii: " ") || b[first] == 0x09 || b[first] == 0x0D { first += 1 }
                    let blank = first == end || b[first] == UInt8(ascii: "#") || PathText.hasPrefix(b[first..<end], "---")
                    if !blank {
                        guard first == i, isTopLevelKey(line) else { return false }
                        sawKey = true
                    }
                }
                if sawKey {
                    if PathText.hasPrefix(line, "apiVersion:") { apiVersion = true }
                    if PathText.hasPrefix(line, "kind:") { kind = true }
                    if apiVersion && kind { return true }
                }
                i = end + 1
            }
            return false
        }
    }

    /// Whether a line starts with `key:` (followed by a space, tab, CR or the line's end).
    private static func isTopLevelKey(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var i = line.startIndex
        guard i < line.endIndex, isASCIILetter(line[i]) else { return false }
        while i < line.endIndex {
            let c = line[i]
            if c == UInt8(ascii: ":") {
                let next = i + 1
                return next == line.endIndex || line[next] == UInt8(ascii: " ") || line[next] == 0x09 || line[next] == 0x0D
            }
            guard isASCIILetter(c) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
                || c == UInt8(ascii: ".")
            else { return false }
            i += 1
        }
        return false
    }

    private static func isASCIILetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }

    /// Whether a `.json` file's first bytes have the `"apiVersion"` and `"kind"` keys.
    static func looksLikeJSONManifest(_ head: ArraySlice<UInt8>) -> Bool {
        let bytes = Array(head)
        return ByteSearch.contains(bytes, Array("\"apiVersion\"".utf8)) && ByteSearch.contains(bytes, Array("\"kind\"".utf8))
    }

    /// A text encoding the tool does not read: UTF-16 or UTF-32, either byte order.
    public enum WideEncoding: String, Sendable, Hashable {
        case utf16LE = "UTF-16LE", utf16BE = "UTF-16BE", utf32LE = "UTF-32LE", utf32BE = "UTF-32BE"

        /// What the file is and what to do: `UTF-16LE text: convert to UTF-8 (…)`.
        public var message: String {
            "\(rawValue) text: convert to UTF-8 (iconv -f \(rawValue) -t UTF-8); not checked"
        }
    }

    /// The UTF-16 or UTF-32 encoding `head` (a file's first bytes) is in, or nil (UTF-8, other
    /// text, binary data).
    ///
    /// A byte-order mark decides (`FF FE 00 00` UTF-32LE, `00 00 FE FF` UTF-32BE, `FF FE`
    /// UTF-16LE, `FE FF` UTF-16BE); without one, text is recognised by where its NUL bytes are:
    /// at least 90% of the first (up to 256) code units must look like ASCII characters in that
    /// encoding (`a\0` for UTF-16LE, `\0\0\0a` for UTF-32BE, …). Files without a NUL byte in
    /// `head` cost four byte comparisons.
    public static func wideEncoding(_ head: ArraySlice<UInt8>) -> WideEncoding? {
        wideEncoding(head, hasNUL: hasNUL(head))
    }

    /// ``wideEncoding(_:)`` with ``hasNUL(_:)`` known.
    static func wideEncoding(_ head: ArraySlice<UInt8>, hasNUL nul: Bool) -> WideEncoding? {
        let s = head.startIndex
        if head.count >= 2 {
            let (b0, b1) = (head[s], head[s + 1])
            let four = head.count >= 4
            if four, b0 == 0xFF, b1 == 0xFE, head[s + 2] == 0, head[s + 3] == 0 { return .utf32LE }
            if four, b0 == 0, b1 == 0, head[s + 2] == 0xFE, head[s + 3] == 0xFF { return .utf32BE }
            if b0 == 0xFF, b1 == 0xFE { return .utf16LE }
            if b0 == 0xFE, b1 == 0xFF { return .utf16BE }
        }
        guard nul else { return nil }
        let b = head.prefix(1024)
        func share(width: Int, _ looksASCII: (ArraySlice<UInt8>) -> Bool) -> Bool {
            let units = min(b.count / width, 256)
            guard units >= 2 else { return false }
            var hits = 0
            for u in 0..<units where looksASCII(b[s + u * width..<s + (u + 1) * width]) { hits += 1 }
            return hits * 10 >= units * 9
        }
        func at(_ s: ArraySlice<UInt8>, _ i: Int) -> UInt8 { s[s.startIndex + i] }
        if share(width: 4, { at($0, 0) != 0 && at($0, 1) == 0 && at($0, 2) == 0 && at($0, 3) == 0 }) { return .utf32LE }
        if share(width: 4, { at($0, 0) == 0 && at($0, 1) == 0 && at($0, 2) == 0 && at($0, 3) != 0 }) { return .utf32BE }
        if share(width: 2, { at($0, 0) != 0 && at($0, 1) == 0 }) { return .utf16LE }
        if share(width: 2, { at($0, 0) == 0 && at($0, 1) != 0 }) { return .utf16BE }
        return nil
    }

    static func hasNUL(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return false }
            return memchr(base, 0, raw.count) != nil
        }
    }

    /// Whether the text starts with `#cloud-config`, optionally after `## template: jinja`.
    ///
    /// Lines are cut as they always were (CR or LF within the first 200 bytes of a line, or the
    /// rest of a text of at most 201 bytes without one) and compared as Characters; the bytes
    /// decide unless a non-ASCII byte follows a matched prefix (then a combining mark could make
    /// the prefix's last Character a different one), where the Character comparison runs.
    public static func isCloudConfig(_ bytes: ArraySlice<UInt8>) -> Bool {
        let decided: Bool? = bytes.withUnsafeBufferPointer { b in
            var start = 0
            if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3 }
            guard let (first, next) = firstLine(b, from: start) else { return false }
            switch startsWithCharacters(b[first], "## template:") {
            case nil: return nil
            case false?: return startsWithCharacters(b[first], "#cloud-config")
            case true?:
                guard let (second, _) = firstLine(b, from: next) else { return false }
                return startsWithCharacters(b[second], "#cloud-config")
            }
        }
        return decided ?? isCloudConfigByCharacters(bytes)
    }

    /// The line starting at `start` as ``firstLines(_:count:)`` cuts it, and where the next one
    /// starts; nil when it cuts none there.
    private static func firstLine(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> (Range<Int>, Int)? {
        let scanEnd = min(b.count, start + 201)
        var i = start
        while i < scanEnd {
            let byte = b[i]
            if byte == 0x0A || byte == 0x0D {
                let next = byte == 0x0D && i + 1 < b.count && b[i + 1] == 0x0A ? i + 2 : i + 1
                return (start..<i, next)
            }
            i += 1
        }
        // No line break: the rest is a line only when the scan reached the end.
        guard start < b.count, b.count - start <= 201 else { return nil }
        return (start..<b.count, b.count)
    }

    /// Whether the line, decoded, starts with the ASCII `prefix` as Characters; nil when the
    /// bytes cannot tell (the prefix matches and a non-ASCII byte follows it).
    private static func startsWithCharacters(_ line: Slice<UnsafeBufferPointer<UInt8>>, _ prefix: StaticString) -> Bool? {
        guard PathText.hasPrefix(line, prefix) else { return false }
        let after = line.startIndex + prefix.utf8CodeUnitCount
        if after == line.endIndex || line[after] < 0x80 { return true }
        return nil
    }

    /// ``isCloudConfig(_:)`` on decoded Strings, for the cases bytes cannot decide.
    static func isCloudConfigByCharacters(_ bytes: ArraySlice<UInt8>) -> Bool {
        var lines = firstLines(bytes, count: 2)
        guard !lines.isEmpty else { return false }
        if lines[0].hasPrefix("## template:") { lines.removeFirst() }
        guard let first = lines.first else { return false }
        return first.hasPrefix("#cloud-config")
    }

    private static func firstLines(_ bytes: ArraySlice<UInt8>, count: Int) -> [String] {
        var out: [String] = []
        var start = bytes.startIndex
        if bytes.count >= 3, bytes[start] == 0xEF, bytes[start + 1] == 0xBB, bytes[start + 2] == 0xBF { start += 3 }
        var i = start
        while i < bytes.endIndex, out.count < count {
            if bytes[i] == 0x0A || bytes[i] == 0x0D {
                out.append(String(decoding: bytes[start..<i], as: UTF8.self))
                if bytes[i] == 0x0D, i + 1 < bytes.endIndex, bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
            if i - start > 200 { break }
        }
        if out.count < count, start < bytes.endIndex, i >= bytes.endIndex {
            out.append(String(decoding: bytes[start..<bytes.endIndex], as: UTF8.self))
        }
        return out
    }

    /// What the path says about a parsed YAML file, gathered in one pass over its bytes.
    struct PathFacts {
        /// A folder `workflows` right under `.gitea`, `.github` or `.forgejo`.
        var inWorkflowFolder = false
        /// A folder `group_vars` or `host_vars`.
        var inVarsFolder = false
        /// A folder `tasks` or `handlers`.
        var inTasksFolder = false
        /// A folder `inventory` or `inventories`.
        var inInventoryFolder = false
        /// The name (last segment), lowercased, is a Compose file name (``isComposeName(_:)``).
        var isComposeName = false
        /// The name, lowercased, starts with `hosts.` or `inventory.`.
        var isInventoryName = false

        /// No facts yet.
        private init() {}

        /// Splits `path` on `/` (empty segments dropped) as ``PathText/segments(_:)`` does; every
        /// segment but the last is a folder. Folder names are compared by bytes, which equals
        /// String comparison here since no non-ASCII text is canonically equivalent to these
        /// names. The name is lowercased by bytes when it is ASCII, else by `lowercased()`.
        init(_ path: String) {
            var facts = PathFacts()
            let asciiName: Bool = PathText.withBytes(path) { bytes in
                var previousFolder: Range<Int>?
                var last: Range<Int>?
                var start = 0
                while start < bytes.count {
                    let end = Self.nextSlash(bytes, from: start)
                    if start != end {
                        if let folder = last {
                            facts.noteFolder(bytes[folder], after: previousFolder.map { bytes[$0] })
                            previousFolder = folder
                        }
                        last = start..<end
                    }
                    start = end + 1
                }
                guard let last else { return true }  // no name: "" matches no name rule
                let name = bytes[last]
                guard PathText.isASCII(name) else { return false }
                let composeExtension =
                    PathText.hasSuffixLowercased(name, ".yaml") || PathText.hasSuffixLowercased(name, ".yml")
                facts.isComposeName =
                    composeExtension
                    && (PathText.hasPrefixLowercased(name, "docker-compose") || PathText.equalsLowercased(name, "compose.yaml")
                        || PathText.equalsLowercased(name, "compose.yml") || PathText.hasPrefixLowercased(name, "compose.")
                        || PathText.hasSuffixLowercased(name, ".compose.yaml") || PathText.hasSuffixLowercased(name, ".compose.yml"))
                facts.isInventoryName =
                    PathText.hasPrefixLowercased(name, "hosts.") || PathText.hasPrefixLowercased(name, "inventory.")
                return true
            }
            if !asciiName {
                let lowerName = (PathText.segments(path).last ?? "").lowercased()
                facts.isComposeName = FileClassifier.isComposeName(lowerName)
                facts.isInventoryName = lowerName.hasPrefix("hosts.") || lowerName.hasPrefix("inventory.")
            }
            self = facts
        }

        /// The offset of the first `/` at or after `start`, or `bytes.count`.
        private static func nextSlash(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
            guard let hit = memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: "/")), bytes.count - start) else {
                return bytes.count
            }
            return bytes.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }

        private mutating func noteFolder(_ folder: Slice<UnsafeBufferPointer<UInt8>>, after previous: Slice<UnsafeBufferPointer<UInt8>>?) {
            switch folder.count {
            case 5: if PathText.equals(folder, "tasks") { inTasksFolder = true }
            case 8: if PathText.equals(folder, "handlers") { inTasksFolder = true }
            case 9:
                if PathText.equals(folder, "host_vars") { inVarsFolder = true }
                if PathText.equals(folder, "inventory") { inInventoryFolder = true }
                if PathText.equals(folder, "workflows"), let previous,
                    PathText.equals(previous, ".gitea") || PathText.equals(previous, ".github")
                        || PathText.equals(previous, ".forgejo")
                {
                    inWorkflowFolder = true
                }
            case 10: if PathText.equals(folder, "group_vars") { inVarsFolder = true }
            case 11: if PathText.equals(folder, "inventories") { inInventoryFolder = true }
            default: break
            }
        }
    }

    /// The kind of a parsed YAML file.
    public static func kind(of file: WalkedFile, yaml: YAMLFile) -> FileKind {
        let path = PathFacts(file.path)
        if path.inWorkflowFolder { return .workflow }
        if path.isComposeName { return .compose }
        if isCloudConfig(yaml.source[...]) { return .cloudInit }
        if path.inVarsFolder { return .ansibleVars }
        if let role = file.roleFolder, role == "defaults" || role == "vars" { return .ansibleVars }
        let docs = yaml.documents
        if docs.contains(where: { KubernetesObject.isKubernetes($0) }) { return .kubernetes }
        if let first = docs.first(where: { !$0.isNull }), first.kind == .sequence {
            let items = first.elements
            if items.contains(where: { $0["hosts"] != nil || $0["import_playbook"] != nil || $0["ansible.builtin.import_playbook"] != nil }) {
                return .ansiblePlaybook
            }
            if path.inTasksFolder || items.contains(where: looksLikeTask) {
                return .ansibleTasks
            }
        } else if path.inTasksFolder, file.roleFolder != nil, docs.allSatisfy({ $0.isNull }) {
            return .ansibleTasks
        }
        if let first = docs.first, first.kind == .mapping {
            if path.inInventoryFolder || path.isInventoryName {
                return .ansibleInventory
            }
            if let all = first["all"], all.kind == .mapping, all["hosts"] != nil || all["children"] != nil {
                return .ansibleInventory
            }
            if first["services"] != nil, looksLikeCompose(docs) { return .compose }
        }
        return .yaml
    }

    /// Whether a file is an Ansible (Jinja) template: `.j2`, `.jinja`, `.jinja2`, or anything in
    /// a role's `templates/` that is not a Go template (`.tpl`, `.gotmpl`). Helm charts'
    /// `templates/` are Go templates and are not.
    public static func isAnsibleTemplate(_ file: WalkedFile) -> Bool {
        let ext = fileExtension(file.path)
        if ext == "j2" || ext == "jinja" || ext == "jinja2" { return true }
        return file.roleFolder == "templates" && ext != "tpl" && ext != "gotmpl"
    }

    /// The path an Ansible template renders to, as far as its name tells: without `.j2`,
    /// `.jinja` or `.jinja2` (`templates/compose.yml.j2` → `templates/compose.yml`).
    public static func renderedPath(_ path: String) -> String {
        for suffix in [".j2", ".jinja2", ".jinja"] where path.lowercased().hasSuffix(suffix) {
            return String(path.dropLast(suffix.count))
        }
        return path
    }

    /// The kind a file named `path` with parsed content `yaml` is, for a document that only
    /// exists inside another file (a Compose file written by Ansible, a template's output).
    public static func kind(ofPath path: String, yaml: YAMLFile) -> FileKind {
        let walked = WalkedFile(fullPath: path, path: path, inTemplateFolder: false, roleFolder: nil, walkError: nil)
        return kind(of: walked, yaml: yaml)
    }

    static func isComposeName(_ name: String) -> Bool {
        guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { return false }
        return name.hasPrefix("docker-compose") || name == "compose.yaml" || name == "compose.yml"
            || name.hasPrefix("compose.") || name.hasSuffix(".compose.yaml") || name.hasSuffix(".compose.yml")
    }

    /// Top-level keys of a Compose file (the Compose specification), besides `x-` extensions.
    static let composeTopLevelKeys: Set<String> = [
        "services", "version", "name", "networks", "volumes", "configs", "secrets", "include", "models",
    ]

    /// Keys of a Compose service (the Compose specification, and the legacy v2 keys), besides
    /// `x-` extensions.
    static let composeServiceKeys: Set<String> = [
        "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command",
        "configs", "container_name", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
        "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop",
        "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "dockerfile", "domainname", "driver_opts",
        "entrypoint", "env_file", "environment", "expose", "extends", "external_links", "extra_hosts", "gpus",
        "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "label_file", "labels", "links",
        "log_driver", "log_opt", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
        "memswap_limit", "models", "net", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid",
        "pids_limit", "platform", "ports", "post_start", "pre_stop", "privileged", "profiles", "provider",
        "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open",
        "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "use_api_socket",
        "user", "userns_mode", "uts", "volume_driver", "volumes", "volumes_from", "working_dir",
    ]

    /// Whether a parsed file is a Compose file by its content, whatever its name: one document, a
    /// mapping whose keys are all Compose top-level keys (or `x-…`), with a non-empty `services:`
    /// mapping whose every entry is a mapping of Compose service keys (or `x-…`), at least one
    /// with a string `image:` or a `build:`. Helm values (`services:` beside other settings, or
    /// entries with `type:`/`port:` or an `image:` mapping), GitLab CI (a `services:` list) and
    /// workflows (`services:` under jobs) do not pass.
    static func looksLikeCompose<Docs: Sequence<YAMLNode>>(_ docs: Docs) -> Bool {
        let real = docs.filter { !$0.isNull }
        guard real.count == 1, let doc = real.first, doc.kind == .mapping,
            let services = doc["services"], services.kind == .mapping
        else { return false }
        for pair in doc.pairs {
            guard let key = pair.key.scalar, composeTopLevelKeys.contains(key) || key.hasPrefix("x-") else { return false }
        }
        let entries = services.pairs
        guard !entries.isEmpty else { return false }
        var built = false
        for entry in entries {
            let service = entry.value
            guard service.kind == .mapping else { return false }
            for pair in service.pairs {
                guard let key = pair.key.scalar, composeServiceKeys.contains(key) || key.hasPrefix("x-") else { return false }
                if key == "build" || (key == "image" && pair.value.kind == .scalar && !pair.value.isNull) { built = true }
            }
        }
        return built
    }

    /// Keys that only an Ansible task has.
    static let taskKeys: Set<String> = [
        "block", "include_tasks", "import_tasks", "include_role", "import_role", "shell", "command", "raw",
        "script", "copy", "template", "lineinfile", "blockinfile", "apt", "yum", "dnf", "package", "service",
        "systemd", "file", "get_url", "debug", "set_fact", "pip", "user", "group", "mount", "uri", "unarchive",
        "git", "stat", "wait_for", "become", "register", "notify", "with_items", "loop", "delegate_to",
    ]

    static func looksLikeTask(_ item: YAMLNode) -> Bool {
        guard item.kind == .mapping else { return false }
        for pair in item.ownPairs {
            guard let key = pair.key.scalar else { continue }
            if taskKeys.contains(key) || key.hasPrefix("ansible.builtin.") || key.hasPrefix("community.") { return true }
        }
        return false
    }
}
