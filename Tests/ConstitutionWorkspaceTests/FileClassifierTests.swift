#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import TestSupport
import Testing

@testable import ConstitutionWorkspace

/// Builds a tree, walks and loads it, returns path → kind.
private func kinds(_ files: [String: String]) -> [String: String] {
    let root = TestSupport.makeTemporaryDirectory()
    defer { TestSupport.remove(root) }
    TestSupport.write(files, under: root)
    let walked = FileWalker().walk([root], displayRoot: root).files
    var out: [String: String] = [:]
    for file in Workspace(workers: 2).map(walked, { $0 }) { out[file.path] = file.kind.rawValue }
    return out
}

@Suite("Classification")
struct FileClassifierTests {
    @Test func everyKindByPathAndContent() {
        let k = kinds([
            "k8s/app.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
            "site.yml": "- hosts: all\n  roles: [common]\n",
            "roles/common/tasks/main.yml": "- name: x\n  ansible.builtin.shell: echo\n",
            "roles/common/handlers/main.yml": "- name: restart\n  service: {name: x, state: restarted}\n",
            "roles/common/defaults/main.yml": "k3s_version: v1.30\n",
            "roles/common/templates/config.yaml.j2": "token: {{ token }}\n",
            "roles/common/templates/plain.yaml": "a: {{ b }}\n",
            "group_vars/all.yml": "extra_server_args: --disable servicelb\n",
            "inventory/hosts.yml": "all:\n  hosts:\n    nas: {}\n",
            "hosts.yaml": "all:\n  children:\n    k3s: {}\n",
            "cloud-init/vm.yaml": "#cloud-config\nruncmd: [ls]\n",
            "cloud-init/user-data": "## template: jinja\n#cloud-config\npackages: [curl]\n",
            "compose/media/compose.yaml": "services: {}\n",
            "docker-compose.override.yml": "services: {}\n",
            ".gitea/workflows/ci.yaml": "on: push\njobs: {}\n",
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
            "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            "charts/web/templates/deploy.yaml": "{{- if .Values.x }}\nkind: Deployment\n{{- end }}\n",
            "charts/web/values.yaml": "replicas: 1\n",
            "notes/templates/x.yaml": "a: 1\n",
            "scripts/wipe.sh": "#!/bin/sh\nwipefs -a /dev/sdb\n",
            "blob.bin": "\u{0}\u{1}\u{2}",
            "plain.yaml": "a: 1\n",
            "tasks.yml": "- name: y\n  copy: {dest: /etc/x, content: y}\n",
        ])
        #expect(k["k8s/app.yaml"] == "kubernetes")
        #expect(k["site.yml"] == "ansible-playbook")
        #expect(k["roles/common/tasks/main.yml"] == "ansible-tasks")
        #expect(k["roles/common/handlers/main.yml"] == "ansible-tasks")
        #expect(k["roles/common/defaults/main.yml"] == "ansible-vars")
        #expect(k["roles/common/templates/config.yaml.j2"] == "template")
        #expect(k["roles/common/templates/plain.yaml"] == "template")
        #expect(k["group_vars/all.yml"] == "ansible-vars")
        #expect(k["inventory/hosts.yml"] == "ansible-inventory")
        #expect(k["hosts.yaml"] == "ansible-inventory")
        #expect(k["cloud-init/vm.yaml"] == "cloud-init")
        #expect(k["cloud-init/user-data"] == "cloud-init")
        #expect(k["compose/media/compose.yaml"] == "compose")
        #expect(k["docker-compose.override.yml"] == "compose")
        #expect(k[".gitea/workflows/ci.yaml"] == "workflow")
        #expect(k[".github/workflows/ci.yml"] == "workflow")
        #expect(k["charts/web/Chart.yaml"] == "yaml")
        #expect(k["charts/web/templates/deploy.yaml"] == "template")
        #expect(k["charts/web/values.yaml"] == "yaml")
        // A templates/ folder that belongs to neither a chart nor a role is ordinary YAML.
        #expect(k["notes/templates/x.yaml"] == "yaml")
        #expect(k["scripts/wipe.sh"] == "text")
        #expect(k["blob.bin"] == "binary")
        #expect(k["plain.yaml"] == "yaml")
        #expect(k["tasks.yml"] == "ansible-tasks")
    }

    /// Compose files by content (issue 14 §3): a top-level `services:` mapping of Compose-shaped
    /// services, whatever the file is called; and the look-alikes that must keep their kind.
    @Test func composeByContent() {
        let service = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"80:80\"]\n"
        let k = kinds([
            "stack.yml": service,
            "stacks/media.yml": "name: media\nservices:\n  radarr:\n    image: radarr:5\n    volumes: [/srv/data:/data]\n  build-only:\n    build: ./app\n",
            "apps/web.compose.yml": "services: {}\n",
            "docker-compose.prod.yaml": "services: {}\n",
            "x-anchors.yml": "x-common: &c {restart: unless-stopped}\nservices:\n  a: {<<: *c, image: a:1}\n",
            // Helm values with a `services:` mapping whose entries are not Compose services.
            "charts/web/values.yaml": "services:\n  web:\n    type: ClusterIP\n    port: 80\n",
            "helm/values.yaml": "replicas: 2\nservices:\n  web:\n    image: nginx:1.27\n",
            "helm/image-map.yaml": "services:\n  web:\n    image: {repository: nginx, tag: \"1.27\"}\n",
            // CI files: GitLab's top-level `services:` is a list; workflows keep theirs under jobs.
            ".gitlab-ci.yml": "services:\n  - docker:dind\ntest:\n  script: [make]\n",
            "ci/woodpecker.yml": "steps:\n  test:\n    image: golang:1.22\nservices:\n  db:\n    image: postgres:16\n",
            ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    services:\n      db: {image: postgres:16}\n",
            "k8s/svc.yaml": "apiVersion: v1\nkind: List\nservices:\n  web: {image: nginx}\n",
            "site.yml": "- hosts: all\n  vars:\n    services:\n      web: {image: nginx}\n",
            "group_vars/all.yml": service,
            "empty-services.yml": "services: {}\n",
        ])
        #expect(k["stack.yml"] == "compose")
        #expect(k["stacks/media.yml"] == "compose")
        #expect(k["apps/web.compose.yml"] == "compose")
        #expect(k["docker-compose.prod.yaml"] == "compose")
        #expect(k["x-anchors.yml"] == "compose")
        #expect(k["charts/web/values.yaml"] == "yaml")
        #expect(k["helm/values.yaml"] == "yaml")
        #expect(k["helm/image-map.yaml"] == "yaml")
        #expect(k[".gitlab-ci.yml"] == "yaml")
        #expect(k["ci/woodpecker.yml"] == "yaml")
        #expect(k[".github/workflows/ci.yml"] == "workflow")
        #expect(k["k8s/svc.yaml"] == "kubernetes")
        #expect(k["site.yml"] == "ansible-playbook")
        #expect(k["group_vars/all.yml"] == "ansible-vars")
        #expect(k["empty-services.yml"] == "yaml")
    }

    /// Kubernetes manifests without an extension (a lab's `ipAddressPool`), and the extensionless
    /// files that stay text.
    @Test func extensionlessManifests() {
        let pool = "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: pool\nspec:\n  addresses: [10.0.0.200-10.0.0.220]\n"
        let k = kinds([
            "metallb/ipAddressPool": pool,
            "metallb/l2Advertisement": "# the pool's advertisement\n---\nkind: L2Advertisement\napiVersion: metallb.io/v1beta1\nmetadata: {name: l2}\n",
            "scripts/apply": "#!/bin/sh\ncat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Namespace\nEOF\n",
            "scripts/noshebang": "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nEOF\n",
            "notes/README": "apiVersion: is a key\nkind: of note\n: broken [\n",
            "docs/indented": "  apiVersion: v1\n  kind: Pod\n",
            "Makefile": "apply:\n\tkubectl apply -f x.yaml\n",
            "pool.txt": pool,
        ])
        #expect(k["metallb/ipAddressPool"] == "kubernetes")
        #expect(k["metallb/l2Advertisement"] == "kubernetes")
        #expect(k["scripts/apply"] == "text")
        #expect(k["scripts/noshebang"] == "text")
        #expect(k["notes/README"] == "text", "sniffed as a manifest but not one: stays text, no parse error")
        #expect(k["docs/indented"] == "text")
        #expect(k["Makefile"] == "text")
        #expect(k["pool.txt"] == "text", "only files without any extension are sniffed")
    }

    @Test func kubernetesIdentity() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            ["a.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: apps\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"],
            under: root)
        let file = Workspace.load(FileWalker().walk([root], displayRoot: root).files[0])
        #expect(file.kubernetesKinds == ["ConfigMap", "Service"])
        let object = try #require(KubernetesObject(file.yaml!.documents[0]))
        #expect(object == KubernetesObject(apiVersion: "v1", kind: "Service", name: "web", namespace: "apps"))
    }
}

@Suite("Walking")
struct FileWalkerTests {
    @Test func skipsGitAndHonoursIgnoreFiles() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                ".git/config": "x", "a.yaml": "a: 1\n", "build/out.yaml": "a: 1\n", "keep/b.yaml": "b: 1\n",
                "keep/skip.log": "x", "keep/important.log": "x", "sub/c.yaml": "c: 1\n", "sub/d.yaml": "d: 1\n",
                ".constitutionignore": "# comment\nbuild/\n*.log\n!keep/important.log\n",
                "sub/.constitutionignore": "/d.yaml\n",
            ], under: root)
        let paths = FileWalker().walk([root], displayRoot: root).files.map(\.path)
        #expect(paths == ["a.yaml", "keep/b.yaml", "keep/important.log", "sub/c.yaml"])
    }

    @Test func symlinkLoopsAndDanglingLinksAreReportedNotFollowedForever() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["dir/a.yaml": "a: 1\n"], under: root)
        symlink(root + "/dir", root + "/dir/loop")
        symlink(root + "/self.yaml", root + "/self.yaml")
        symlink(root + "/nowhere.yaml", root + "/dangling.yaml")
        let files = FileWalker().walk([root], displayRoot: root).files
        let errors = Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.walkError ?? "") })
        #expect(errors["dir/a.yaml"] == "")
        #expect(errors["dir/loop"]?.contains("symlink loop") == true)
        #expect(errors["self.yaml"]?.contains("symlink loop") == true)
        #expect(errors["dangling.yaml"]?.contains("no such file") == true)
        let loaded = Workspace.load(files.first { $0.path == "self.yaml" }!)
        #expect(loaded.error?.location == .start)
    }

    @Test func unreadableFileIsALocatedError() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["secret.yaml": "a: 1\n"], under: root)
        chmod(root + "/secret.yaml", 0)
        let file = FileWalker().walk([root], displayRoot: root).files[0]
        let loaded = Workspace.load(file)
        if geteuid() == 0 {
            // root reads anything; a folder where a file is expected stands in for "unreadable".
            let dirAsFile = WalkedFile(fullPath: root, path: "dir.yaml", inTemplateFolder: false, roleFolder: nil, walkError: nil)
            #expect(Workspace.load(dirAsFile).error?.message == "cannot read: is a folder")
        } else {
            #expect(loaded.error?.message == "cannot read: permission denied")
            #expect(loaded.error?.location == .start)
        }
    }

    @Test func roleFoldersAreFoundWithCharacterSegments() {
        #expect(FileWalker.parentIsRoles("roles/web"))
        #expect(FileWalker.parentIsRoles("x/roles/web"))
        #expect(!FileWalker.parentIsRoles("roles"))
        #expect(!FileWalker.parentIsRoles("xroles/web"))
        #expect(FileWalker.parentIsRoles("é/roles/wéb"))
        // A name starting with a combining mark joins the `/` before it into one Character, so
        // `roles/\u{301}web` is a single segment, as `split(separator: "/")` has always seen it.
        #expect(!FileWalker.parentIsRoles("roles/\u{301}web"))
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        mkdir(root + "/roles", 0o755)  // TestSupport splits by Characters too: `roles/\u{301}web` is one part
        TestSupport.write(
            ["roles/wéb/templates/a.yaml": "a: 1\n", "roles/\u{301}web/templates/b.yaml": "b: 1\n", "tmp/.git/c.yaml": "c: 1\n"],
            under: root)
        let files = FileWalker().walk([root], displayRoot: root).files
        #expect(files.map(\.path) == ["roles/wéb/templates/a.yaml", "roles/\u{301}web/templates/b.yaml"])
        #expect(files.map(\.inTemplateFolder) == [true, false])
        #expect(files.map(\.roleFolder) == ["templates", nil])
    }

    @Test func singleFileInputsAndDisplayPaths() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["roles/web/templates/x.yaml": "{{ x }}", "roles/web/tasks/main.yml": "- name: a\n  shell: ls\n"], under: root)
        let result = FileWalker().walk([root + "/roles/web/templates/x.yaml", root + "/roles/web/tasks/main.yml"], displayRoot: root)
        #expect(result.files.map(\.path) == ["roles/web/tasks/main.yml", "roles/web/templates/x.yaml"])
        #expect(result.files[1].inTemplateFolder)
        #expect(result.files[0].roleFolder == "tasks")
        #expect(FileWalker().walk([root + "/missing"], displayRoot: nil).missing == [root + "/missing"])
    }
}

@Suite("Corpus")
struct CorpusTests {
    @Test(.enabled(if: TestSupport.corpus != nil, "no corpus at ../shared/corpus (set CONSTITUTION_CORPUS)"))
    func everyCorpusFileIsListedAndParsesOrHasALocatedError() throws {
        let corpus = try #require(TestSupport.corpus)
        let walked = FileWalker().walk([corpus], displayRoot: corpus).files
        struct Row: Sendable {
            var path: String
            var kind: FileKind
            var error: Diagnostic?
            var lines: Int
        }
        let rows = Workspace().map(walked) { f in
            Row(path: f.path, kind: f.kind, error: f.error, lines: f.bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count)
        }
        #expect(rows.count == walked.count)
        #expect(rows.count >= 1_888)
        let errors = rows.filter { $0.error != nil }
        #expect(
            errors.map(\.path) == [
                "bridgecrewio__checkov/tests/kubernetes/parser/examples/yaml/helm.yaml",
                "bridgecrewio__checkov/tests/kubernetes/parser/examples/yaml/helm2.yaml",
            ])
        #expect(errors.map { "\($0.error!.location.line):\($0.error!.location.column)" } == ["1:3", "4:2"])
        for row in errors { #expect(row.error!.location.line <= row.lines) }
        // The 12 other files libyaml rejects are chart or role templates.
        let templates = Set(rows.filter { $0.kind == .template }.map(\.path))
        for path in [
            "khuedoan__homelab/platform/zot/templates/admin-secret.yaml",
            "khuedoan__homelab/metal/roles/cilium/templates/ciliumloadbalancerippool.yaml",
            "argoproj__argocd-example-apps/apps/templates/applications.yaml",
            "argoproj__argocd-example-apps/blue-green/templates/rollout.yaml",
        ] {
            #expect(templates.contains(path), "\(path) should be a template")
        }
    }
}

/// The byte-level classifier helpers give the answers of the String-based code they replaced,
/// checked on generated paths and heads full of the awkward cases (combining marks after a
/// prefix, CR/LF, BOMs, long lines, non-ASCII names).
@Suite("Classification by bytes")
struct ClassificationByBytesTests {
    /// A small deterministic generator (no Foundation).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    @Test func cloudConfigMatchesTheCharacterComparison() {
        let pieces: [[UInt8]] = [
            Array("#cloud-config".utf8), Array("## template:".utf8), Array(" jinja".utf8), [0x0A], [0x0D], [0x0D, 0x0A],
            Array("\u{301}".utf8), Array("\u{200D}".utf8), Array("é".utf8), [0xEF, 0xBB, 0xBF], [0xFF], Array("x".utf8),
            Array(repeating: UInt8(ascii: "y"), count: 90), Array("#".utf8),
        ]
        var g = Generator(state: 42)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<g.next(7) { bytes += pieces[g.next(pieces.count)] }
            #expect(
                FileClassifier.isCloudConfig(bytes[...]) == FileClassifier.isCloudConfigByCharacters(bytes[...]),
                "\(bytes)")
        }
        #expect(FileClassifier.isCloudConfig(Array("## template: jinja\r\n#cloud-config\r\n".utf8)[...]))
        #expect(!FileClassifier.isCloudConfig(Array("#cloud-config\u{301}\n".utf8)[...]))
        #expect(FileClassifier.isCloudConfig(Array("#cloud-config é\n".utf8)[...]))
    }

    /// The folder and name rules of ``FileClassifier/kind(of:yaml:)`` as they were written on Strings.
    static func referenceFacts(_ path: String) -> [Bool] {
        let segments = PathText.segments(path)
        let folders = segments.dropLast()
        let lowerName = (segments.last ?? "").lowercased()
        var workflow = false
        var previous: Substring = ""
        for folder in folders {
            if folder == "workflows" && (previous == ".gitea" || previous == ".github" || previous == ".forgejo") { workflow = true }
            previous = folder
        }
        return [
            workflow, folders.contains("group_vars") || folders.contains("host_vars"),
            folders.contains("tasks") || folders.contains("handlers"),
            folders.contains("inventory") || folders.contains("inventories"), FileClassifier.isComposeName(lowerName),
            lowerName.hasPrefix("hosts.") || lowerName.hasPrefix("inventory."),
        ]
    }

    @Test func pathFactsMatchTheStringRules() {
        let pieces = [
            "/", "/", ".github", ".gitea", ".forgejo", "workflows", "group_vars", "host_vars", "tasks", "handlers",
            "inventory", "inventories", "Docker-Compose", "compose", ".", "yaml", "YML", "yml", "hosts", "Inventory",
            "\u{301}", "é", "\u{212A}", "İ", "x", "-", ".j2", "Jinja2", "gotmpl", "TPL",
        ]
        var g = Generator(state: 7)
        for _ in 0..<20_000 {
            var path = ""
            for _ in 0..<g.next(8) { path += pieces[g.next(pieces.count)] }
            let facts = FileClassifier.PathFacts(path)
            let got = [
                facts.inWorkflowFolder, facts.inVarsFolder, facts.inTasksFolder, facts.inInventoryFolder, facts.isComposeName,
                facts.isInventoryName,
            ]
            #expect(got == Self.referenceFacts(path), "\(path)")
            let ext = PathText.fileExtension(path)
            let noExtension = PathText.withBytes(path) { PathText.extensionRange($0) == nil }
            let expected: FileClassifier.ExtensionClass =
                noExtension
                ? .none
                : FileClassifier.yamlExtensions.contains(ext)
                    ? .yaml : FileClassifier.templateExtensions.contains(ext) ? .template : .other
            #expect(FileClassifier.extensionClass(path) == expected, "\(path)")
        }
    }
}
