import ConstitutionCore
import ConstitutionWorkspace
import Testing
import TestSupport

@testable import ConstitutionRules

/// Runs every facet over real trees: the shared corpus (when present) and the example repo.
@Suite("Facets on real trees")
struct FacetCorpusTests {
    /// Loads every file under `root` and returns them with a context reading the same tree.
    private func load(_ root: String) -> ([LoadedFile], FacetContext) {
        let walked = FileWalker().walk([root], displayRoot: root).files
        let files = walked.map(Workspace.load)
        let context = FacetContext(readRepoFile: { path in
            guard case .success(let bytes) = FileReader.read(root + "/" + path) else { return nil }
            return bytes
        })
        return (files, context)
    }

    /// Every location a value carries, nested.
    private func locations(_ value: Value) -> [ConstitutionCore.SourceLocation] {
        switch value {
        case .text(let t): return t.lineStarts
        case .list(let items, let at): return [at] + items.flatMap(locations)
        case .object(let o): return [o.location] + o.fields.flatMap { locations($0.1) }
        case .node, .missing: return [value.location]
        }
    }

    /// Whether this checkout has the example lab (the test is skipped, not passed, without it).
    static var hasExampleLab: Bool {
        let root = TestSupport.packageRoot + "/examples/homelab"
        return !FileWalker().walk([root], displayRoot: root).files.isEmpty
    }

    private func lineCount(_ bytes: [UInt8]) -> Int {
        bytes.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    @Test(.enabled(if: TestSupport.corpus != nil, "no corpus at ../shared/corpus (set CONSTITUTION_CORPUS)"))
    func everyFacetRunsOverTheCorpusWithValidPositions() throws {
        let corpus = try #require(TestSupport.corpus)
        let (files, context) = load(corpus)
        var counts: [String: Int] = [:]
        var bad: [String] = []
        var servers: [String: [[String]]] = [:]
        var tasksPerLab: [String: Int] = [:]
        for file in files {
            let lines = lineCount(file.bytes)
            let runs: [(String, FacetName, String?)] = [
                ("command", .command, nil), ("file", .file, nil), ("image", .image, nil), ("setting", .setting, nil),
                ("k3s.server", .setting, "k3s.server"), ("k3s.agent", .setting, "k3s.agent"), ("task", .task, nil),
            ]
            for (label, facet, key) in runs {
                let items = Facets.items(facet, in: file, key: key, context: context)
                counts[label, default: 0] += items.count
                for item in items {
                    for l in locations(.object(item)) where l.line < 1 || l.column < 1 || l.line > lines {
                        bad.append("\(file.path):\(l) (\(label))")
                    }
                }
                if label == "k3s.server", !items.isEmpty { servers[file.path] = items.map { $0.list("disable") } }
                if label == "task" { tasksPerLab[String(file.path.split(separator: "/")[0]), default: 0] += items.count }
            }
        }
        print("facet items over the corpus:", counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        for (path, disables) in servers.sorted(by: { $0.key < $1.key }) { print("k3s.server", path, disables) }
        #expect(bad.isEmpty, "\(bad.prefix(20))")
        #expect(counts["command", default: 0] > 0 && counts["image", default: 0] > 0 && counts["file", default: 0] > 0)
        // Every task of the Ansible labs, counted independently (PyYAML over plays, task files and
        // blocks; the included files outside tasks/ folders added by hand).
        #expect(tasksPerLab["geerlingguy__ansible-for-devops"] == 264)
        #expect(tasksPerLab["k3s-io__k3s-ansible"] == 168)
        #expect(tasksPerLab["techno-tim__k3s-ansible"] == 197)
        #expect(tasksPerLab["khuedoan__homelab"] == 34)
        #expect(tasksPerLab["onedr0p__home-ops", default: 0] == 0)

        // The known truth: techno-tim and khuedoan disable servicelb on their servers; k3s-io's
        // test inventories install servers without disabling it.
        for (path, disables) in servers {
            if path.hasPrefix("techno-tim__k3s-ansible/") || path.hasPrefix("khuedoan__homelab/") {
                #expect(disables.allSatisfy { $0.contains("servicelb") }, "\(path): \(disables)")
            }
            if path.hasPrefix("k3s-io__k3s-ansible/tests/") {
                #expect(disables.allSatisfy { !$0.contains("servicelb") }, "\(path): \(disables)")
            }
        }
        #expect(servers["techno-tim__k3s-ansible/inventory/sample/group_vars/all.yml"] != nil)
        #expect(servers["khuedoan__homelab/metal/roles/k3s/defaults/main.yml"] != nil)
        #expect(servers.keys.filter { $0.hasPrefix("k3s-io__k3s-ansible/tests/") }.count == 5)
    }

    @Test(.enabled(if: Self.hasExampleLab, "no examples/homelab"))
    func exampleHomelabPlantsAndCleanFiles() throws {
        let root = TestSupport.packageRoot + "/examples/homelab"
        let (files, context) = load(root)
        try #require(!files.isEmpty)
        func items(_ facet: FacetName, _ path: String, key: String? = nil) -> [FacetObject] {
            guard let file = files.first(where: { $0.path == path }) else { return [] }
            return Facets.items(facet, in: file, key: key, context: context)
        }
        // Row 1-4 of the README's planted violations, and the clean k3s files.
        let vars = items(.setting, "ansible/group_vars/k3s_servers.yml", key: "k3s.server")
        #expect(vars.map(\.at) == ["5:1"])
        #expect(vars.map { $0.list("disable") } == [["traefik"]])
        let config = items(.setting, "k3s/config.yaml", key: "k3s.server")
        #expect(config.map { $0.at("disable") } == ["9:1"])
        #expect(config.map { $0.list("disable") } == [["traefik"]])
        let runcmd = items(.setting, "cloud-init/k3s-server.yaml", key: "k3s.server")
        #expect(runcmd.map(\.at) == ["20:5"])
        #expect(runcmd.map { $0.list("disable") } == [[]])
        let argv = items(.setting, "cloud-init/k3s-test.yaml", key: "k3s.server")
        #expect(argv.map { $0.location.line } == [10])
        #expect(argv.map { $0.list("disable") } == [[]])
        let clean = items(.setting, "ansible/roles/k3s_server/tasks/main.yml", key: "k3s.server")
        #expect(clean.count == 1)
        #expect(clean.allSatisfy { $0.list("disable").contains("servicelb") })
        #expect(items(.setting, "k3s/agent-config.yaml", key: "k3s.server").isEmpty)
        #expect(items(.setting, "cloud-init/k3s-agent.yaml", key: "k3s.server").isEmpty)
        #expect(items(.setting, "cloud-init/k3s-agent.yaml", key: "k3s.agent").count == 1)

        // Commands the README plants.
        func commandLines(_ path: String, matching needle: String) -> [Int] {
            items(.command, path).filter { $0.text("command").contains(needle) }.map(\.location.line)
        }
        #expect(commandLines("ansible/roles/proxmox/tasks/vm-template.yml", matching: "qm create") == [10])
        #expect(commandLines("ansible/roles/storage/tasks/main.yml", matching: "zfs destroy") == [16])
        #expect(commandLines("scripts/wipe-disk.sh", matching: "zpool destroy") == [5])
        #expect(commandLines("scripts/wipe-disk.sh", matching: "wipefs -a") == [6, 7])
        #expect(commandLines("ansible/roles/k3s_server/tasks/addons.yml", matching: "kubectl apply") == [10])
        #expect(commandLines(".gitea/workflows/deploy.yaml", matching: "kubectl apply") == [27])
        #expect(commandLines("cloud-init/tools.yaml", matching: "helm install") == [10])
        #expect(commandLines("ansible/roles/proxmox/tasks/k3s-vms.yml", matching: "--cpu host").count == 1)

        // Files the README plants.
        let dnsmasq = items(.file, "ansible/roles/dnsmasq/tasks/main.yml")
        #expect(dnsmasq.map { $0.text("source") } == ["copy", "lineinfile"])
        #expect(dnsmasq.first?["content"]?.at("address=/.lab/").hasPrefix("9:") == true)
        let wildcard = items(.file, "k8s/apps/lab-dns/wildcard.yaml")
        #expect(wildcard.first?["content"]?.at("address=/lab/") == "9:5")
        let lab = items(.file, "dnsmasq.d/lab.conf")
        #expect(lab.first?["content"]?.at("address=/lab/").hasPrefix("7:") == true)
        let docker = items(.file, "ansible/roles/docker/tasks/main.yml")
        #expect(docker.map(\.location.line) == [21])

        // Images the README plants.
        #expect(items(.image, "k8s/apps/scylla/statefulset.yaml").contains { $0.text("name") == "scylladb/scylla" && $0.location.line == 33 })
        #expect(items(.image, "k8s/apps/minio/statefulset.yaml").contains { $0.text("tag").hasPrefix("RELEASE.2024") && $0.location.line == 31 })
    }
}
