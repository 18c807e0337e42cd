#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionYAML

/// Decides a file's ``FileKind`` from its path and content (DESIGN.md §5).
///
/// Order matters and is part of the contract:
/// 1. `template`: under a Helm chart's or Ansible role's `templates/`, or a `.j2`/`.tpl` file;
/// 2. `workflow`: under `.gitea/workflows/`, `.github/workflows/` or `.forgejo/workflows/`;
/// 3. `compose`: `compose.yaml`, `compose.*.yaml`, `docker-compose*.yml` (either extension);
/// 4. `cloud-init`: the first line is `#cloud-config` (after an optional `## template: jinja`);
/// 5. `ansible-vars`: under `group_vars/`, `host_vars/`, or a role's `defaults/` or `vars/`;
/// 6. `kubernetes`: some document is a mapping with scalar `apiVersion` and `kind`;
/// 7. `ansible-playbook`: a list whose items have `hosts:` or `import_playbook:`;
/// 8. `ansible-tasks`: under a `tasks/` or `handlers/` folder, or a list of task-shaped items;
/// 9. `ansible-inventory`: under `inventory/`/`inventories/`, named `hosts.y*ml`/`inventory.y*ml`,
///    or a mapping whose `all:` has `hosts:` or `children:`;
/// 10. `yaml` otherwise. Non-YAML files are `text`, or `binary` when they hold NUL bytes.
public enum FileClassifier {
    /// Extensions read as YAML. Other files are YAML only when they start with `#cloud-config`.
    public static let yamlExtensions: Set<String> = ["yaml", "yml"]
    static let templateExtensions: Set<String> = ["j2", "jinja", "jinja2", "tpl", "gotmpl"]

    /// The lowercase extension of the last path segment (`""` when none).
    public static func fileExtension(_ path: String) -> String { PathText.fileExtension(path) }

    /// The kind decided before parsing, from the path alone; `nil` means "parse, then decide".
    public static func kindBeforeParsing(_ file: WalkedFile, head: ArraySlice<UInt8>) -> FileKind? {
        let ext = fileExtension(file.path)
        if file.inTemplateFolder || templateExtensions.contains(ext) { return .template }
        if hasNUL(head) { return .binary }
        if yamlExtensions.contains(ext) { return nil }
        return isCloudConfig(head) ? nil : .text
    }

    static func hasNUL(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return false }
            return memchr(base, 0, raw.count) != nil
        }
    }

    /// Whether the text starts with `#cloud-config`, optionally after `## template: jinja`.
    public static func isCloudConfig(_ bytes: ArraySlice<UInt8>) -> Bool {
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

    /// The kind of a parsed YAML file.
    public static func kind(of file: WalkedFile, yaml: YAMLFile) -> FileKind {
        let segments = PathText.segments(file.path)
        let folders = segments.dropLast()
        let lowerName = (segments.last ?? "").lowercased()
        if hasWorkflowFolder(folders) { return .workflow }
        if isComposeName(lowerName) { return .compose }
        if isCloudConfig(yaml.source[...]) { return .cloudInit }
        if folders.contains("group_vars") || folders.contains("host_vars") { return .ansibleVars }
        if let role = file.roleFolder, role == "defaults" || role == "vars" { return .ansibleVars }
        let docs = yaml.documents
        if docs.contains(where: { KubernetesObject.isKubernetes($0) }) { return .kubernetes }
        if let first = docs.first(where: { !$0.isNull }), first.kind == .sequence {
            let items = first.elements
            if items.contains(where: { $0["hosts"] != nil || $0["import_playbook"] != nil || $0["ansible.builtin.import_playbook"] != nil }) {
                return .ansiblePlaybook
            }
            if folders.contains("tasks") || folders.contains("handlers") || items.contains(where: looksLikeTask) {
                return .ansibleTasks
            }
        } else if folders.contains("tasks") || folders.contains("handlers"), file.roleFolder != nil, docs.allSatisfy({ $0.isNull }) {
            return .ansibleTasks
        }
        if let first = docs.first, first.kind == .mapping {
            if folders.contains("inventory") || folders.contains("inventories")
                || lowerName.hasPrefix("hosts.") || lowerName.hasPrefix("inventory.")
            {
                return .ansibleInventory
            }
            if let all = first["all"], all.kind == .mapping, all["hosts"] != nil || all["children"] != nil {
                return .ansibleInventory
            }
        }
        return .yaml
    }

    static func hasWorkflowFolder(_ folders: ArraySlice<Substring>) -> Bool {
        var previous: Substring = ""
        for folder in folders {
            if folder == "workflows" && (previous == ".gitea" || previous == ".github" || previous == ".forgejo") { return true }
            previous = folder
        }
        return false
    }

    static func isComposeName(_ name: String) -> Bool {
        guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { return false }
        return name.hasPrefix("docker-compose") || name == "compose.yaml" || name == "compose.yml"
            || name.hasPrefix("compose.")
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
