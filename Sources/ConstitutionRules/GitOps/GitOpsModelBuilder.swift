import ConstitutionCore
import ConstitutionYAML

/// Builds a ``GitOpsModel``: which controller deploys which file of this repository.
///
/// **Which controllers.** Every ArgoCD `Application` and `ApplicationSet` and every Flux
/// `Kustomization` and `HelmRelease` found anywhere in the tree counts, wherever it sits and
/// whether or not something deploys it in turn: an app-of-apps root is applied by hand once,
/// a Flux `flux-system` Kustomization by `flux bootstrap`. Entries of argocd-apps chart values
/// count too (``ArgoAppsValues``, only in a folder with a `Chart.yaml`). `controller: argocd`
/// or `flux` keeps only that controller's documents; `none` turns the model off.
///
/// **This repository or another.** A source whose `repoURL` (ArgoCD) or `GitRepository`
/// `spec.url` (Flux) is not one of this repository's URLs (compared with
/// ``RepositoryURL/normalized(_:)``) covers nothing here and does not make the model active.
/// When this repository's URLs are unknown, a source counts when its path exists in this tree
/// (a path that does not exist here cannot be this repository). A Flux `sourceRef` naming a
/// `GitRepository` the tree does not define (`flux-system`, made by `flux bootstrap`) is taken
/// to be this repository when the path exists here. Helm charts from chart repositories (ArgoCD
/// `chart:` without `path:`, a HelmRelease from a `HelmRepository` or an OCI source) never count.
///
/// **ArgoCD sources** (`spec.source`, or `spec.sources[*]` when present), by what the folder at
/// `path` holds, as ArgoCD decides:
/// - a Helm chart (`helm:` given, or a `Chart.yaml`): the folder and everything under it;
///   `helm.valueFiles` written `$ref/…` name a file of the source with that `ref:`;
/// - Kustomize (`kustomize:` given, or a kustomization file): the kustomization's closure
///   (``kustomizeClosure(_:via:depth:visited:into:)``);
/// - a config management plugin (`plugin:`): the folder and everything under it;
/// - otherwise a directory: the folder's own files, or with `directory.recurse: true` every file
///   under it, narrowed by `directory.include` / `directory.exclude` globs relative to the folder
///   (ArgoCD's `{a.yaml,b.yaml}` alternatives are expanded; note that this tool's `*` does not
///   cross `/` where ArgoCD's does).
///
/// **ApplicationSets**: each generator gives parameter sets (``generate(_:context:label:file:)``)
/// and the template (the generator's own `template` over `spec.template`) is filled with each
/// set, then read as an Application. A template path that cannot be filled is a note.
///
/// **Flux**: a `Kustomization` deploys `spec.path` (relative to its source's root, `./`
/// stripped, the root when absent): the kustomization's closure when the folder has a
/// kustomization file, otherwise what Flux generates: every file under the folder, except that a
/// subfolder with its own kustomization file is that kustomization's closure; `spec.components`
/// (relative to the path) add their closures. `postBuild`
/// substitution does not change paths. A `HelmRelease` whose `spec.chart.spec.sourceRef` is a
/// `GitRepository` deploys the chart folder `spec.chart.spec.chart` and its `valuesFiles`.
///
/// **deployedElsewhere** globs make a file deployed "some other way"; they do not make the model
/// active (no controller is involved).
struct GitOpsModelBuilder {
    private let input: GitOpsInput
    private let tree: GitOpsTree
    private let ownURLs: Set<String>
    private var kustomizations: [String: YAMLNode] = [:]
    private var gitRepositories: [(name: String, namespace: String?, url: String?)] = []
    private var controllers: [GitOpsController] = []
    private var notes: [GitOpsNote] = []
    private var noteKeys: Set<String> = []
    private var found: [String: Int] = [:]
    private var foreign: [String] = []
    private var onlyArgoFound = true

    /// How deep kustomizations may include each other.
    static let maxKustomizeDepth = 32

    init(_ input: GitOpsInput) {
        self.input = input
        self.tree = GitOpsTree(files: input.files, partial: input.partialTree)
        self.ownURLs = Set(input.repositoryURLs.map(RepositoryURL.normalized).filter { !$0.isEmpty })
    }

    mutating func build() -> GitOpsModel {
        let settings = input.settings
        if settings.controller == .none {
            return GitOpsModel(
                controllers: [], isActive: false, inactiveReason: "GitOps is turned off in .constitution.yaml", notes: [],
                deployedElsewhere: settings.deployedElsewhere)
        }
        let documents = input.documents.sorted {
            $0.path != $1.path ? PathText.less($0.path, $1.path) : $0.node.location.offset < $1.node.location.offset
        }
        var kinds: [(GitOpsDocument, GitOpsInput.DocumentKind)] = []
        var values: [GitOpsDocument] = []
        for document in documents {
            let path = GitOpsTree.clean(document.path) ?? document.path
            if GitOpsInput.isKustomizationFile(path) {
                if kustomizations[path] == nil { kustomizations[path] = document.node }
                continue
            }
            if let apiVersion = document.node["apiVersion"]?.scalar, let kind = document.node["kind"]?.scalar {
                if let k = GitOpsInput.documentKind(apiVersion: apiVersion, kind: kind) {
                    kinds.append((GitOpsDocument(path: path, node: document.node), k))
                }
            } else if GitOpsInput.isChartValuesFile(path) {
                values.append(GitOpsDocument(path: path, node: document.node))
            }
        }
        for (document, kind) in kinds where kind == .gitRepository {
            let metadata = document.node["metadata"]
            guard let name = metadata?["name"]?.scalar else { continue }
            gitRepositories.append((name, metadata?["namespace"]?.scalar, document.node["spec"]?["url"]?.scalar))
        }
        let argo = settings.controller != .flux
        let flux = settings.controller != .argocd
        for (document, kind) in kinds {
            switch kind {
            case .application where argo: application(document)
            case .applicationSet where argo: applicationSet(document)
            case .fluxKustomization where flux: fluxKustomization(document)
            case .helmRelease where flux: helmRelease(document)
            default: break
            }
        }
        if argo { argoAppsValues(values) }

        let active = !controllers.isEmpty
        var reason: String?
        if !active {
            if found.isEmpty {
                switch settings.controller {
                case .argocd: reason = "no ArgoCD Application or ApplicationSet found (controller: argocd in .constitution.yaml)"
                case .flux: reason = "no Flux Kustomization or HelmRelease found (controller: flux in .constitution.yaml)"
                default: reason = "no GitOps controller found"
                }
            } else {
                let order = ["ArgoCD Application", "ArgoCD ApplicationSet", "Flux Kustomization", "Flux HelmRelease"]
                let counts = order.compactMap { name in found[name].map { "\($0) \(name)\($0 == 1 ? "" : "s")" } }
                let what = counts.count > 1 ? counts.dropLast().joined(separator: ", ") + " and " + counts.last! : counts[0]
                let total = found.values.reduce(0, +)
                let foreign = foreign.sorted()
                var listed = Array(foreign.prefix(5))
                if foreign.count > 5 { listed.append("… \(foreign.count - 5) more") }
                let sources = listed.isEmpty ? "" : " (\(total == 1 ? "its" : "their") \(onlyArgoFound ? "repoURL" : "source")\(foreign.count == 1 ? "" : "s"): \(listed.joined(separator: ", ")))"
                reason = "\(what) found, \(total == 1 ? "it does not deploy" : "none deploys") from this repository\(sources)"
            }
        }
        let sortedNotes = notes.sorted {
            $0.file != $1.file ? PathText.less($0.file, $1.file) : $0.location.offset < $1.location.offset
        }
        return GitOpsModel(
            controllers: controllers, isActive: active, inactiveReason: reason, notes: sortedNotes,
            deployedElsewhere: settings.deployedElsewhere)
    }

    // MARK: Bookkeeping

    /// What reading one controller's sources found.
    private struct Sources {
        var entries: [DeployedPath] = []
        var fromThisRepository = false
        var foreign: [String] = []
        var visited: Set<String> = []
    }

    private mutating func note(_ file: String, _ location: SourceLocation, _ message: String) {
        let note = GitOpsNote(file: file, location: location, message: message)
        if noteKeys.insert(note.description).inserted { notes.append(note) }
    }

    private mutating func record(
        _ kind: GitOpsController.Kind, family: String, name: String, file: String, location: SourceLocation, _ sources: Sources
    ) {
        found["\(family) \(kind.rawValue)", default: 0] += 1
        if family != "ArgoCD" { onlyArgoFound = false }
        if sources.fromThisRepository {
            var seen = Set<DeployedPath>()
            let entries = sources.entries.filter { seen.insert($0).inserted }
            controllers.append(GitOpsController(kind: kind, name: name, file: file, location: location, deploys: entries))
        } else {
            for source in sources.foreign where !foreign.contains(source) { foreign.append(source) }
        }
    }

    private static func label(_ kind: GitOpsController.Kind, _ name: String, _ file: String, _ location: SourceLocation) -> String {
        "\(kind.rawValue) \(name) (\(file):\(location.line):\(location.column))"
    }

    private static func shown(_ folder: String) -> String { folder.isEmpty ? "./" : folder + "/" }

    // MARK: ArgoCD

    private mutating func application(_ document: GitOpsDocument) {
        let name = document.node["metadata"]?["name"]?.scalar ?? "(unnamed)"
        let location = document.node.location
        let label = Self.label(.application, name, document.path, location)
        var sources = Sources()
        if let spec = document.node["spec"] {
            argoSources(NodeStack(spec), label: label, file: document.path, params: nil, into: &sources)
        }
        record(.application, family: "ArgoCD", name: name, file: document.path, location: location, sources)
    }

    private mutating func applicationSet(_ document: GitOpsDocument) {
        let name = document.node["metadata"]?["name"]?.scalar ?? "(unnamed)"
        let location = document.node.location
        var sources = Sources()
        if let spec = document.node["spec"] {
            applicationSetSpec(NodeStack(spec), label: Self.label(.applicationSet, name, document.path, location), file: document.path, into: &sources)
        }
        record(.applicationSet, family: "ArgoCD", name: name, file: document.path, location: location, sources)
    }

    private mutating func argoAppsValues(_ documents: [GitOpsDocument]) {
        var base: [String: YAMLNode] = [:]
        func key(_ folder: String, _ entry: ArgoAppsValues.Entry) -> String { "\(folder)\n\(entry.scope)\n\(entry.kind)\n\(entry.name)" }
        for document in documents where ["values.yaml", "values.yml"].contains(GitOpsTree.basename(document.path)) {
            let folder = GitOpsTree.parent(of: document.path)
            for entry in ArgoAppsValues.entries(in: document.node) where base[key(folder, entry)] == nil {
                base[key(folder, entry)] = entry.node
            }
        }
        var skipped: Set<String> = []
        for document in documents {
            let folder = GitOpsTree.parent(of: document.path)
            guard tree.isChart(folder) else { continue }
            let isBase = ["values.yaml", "values.yml"].contains(GitOpsTree.basename(document.path))
            for entry in ArgoAppsValues.entries(in: document.node) {
                var layers = [entry.node]
                if !isBase, let under = base[key(folder, entry)] { layers.append(under) }
                guard let stack = NodeStack(layers) else { continue }
                let group = entry.kind == .application ? "applications" : "applicationsets"
                let label = Self.label(entry.kind, entry.name, document.path, entry.location)
                var sources = Sources()
                switch entry.kind {
                case .application:
                    guard stack["source"] != nil || stack["sources"] != nil else {
                        if skipped.insert("\(document.path) \(group)").inserted {
                            note(document.path, entry.location, "\(group) entry \(entry.name) has no source or sources (not the argocd-apps chart's values): this file's \(group) are not read")
                        }
                        continue
                    }
                    argoSources(stack, label: label, file: document.path, params: nil, into: &sources)
                default:
                    guard stack["generators"] != nil else {
                        if skipped.insert("\(document.path) \(group)").inserted {
                            note(document.path, entry.location, "\(group) entry \(entry.name) has no generators (not the argocd-apps chart's values): this file's \(group) are not read")
                        }
                        continue
                    }
                    applicationSetSpec(stack, label: label, file: document.path, into: &sources)
                }
                record(entry.kind, family: "ArgoCD", name: entry.name, file: document.path, location: entry.location, sources)
            }
        }
    }

    /// An Application's `spec` (or an ApplicationSet template's, filled with `params`).
    private mutating func argoSources(_ spec: NodeStack, label: String, file: String, params: ApplicationSetParameters.Params?, into sources: inout Sources) {
        var list: [NodeStack] = []
        if let many = spec["sources"], many.top.kind == .sequence, many.top.count > 0 {
            list = many.elements
        } else if let one = spec["source"] {
            list = [one]
        }
        // multi-source `ref:` sources, for `$ref/…` value files
        var refs: [String: String?] = [:]
        for source in list {
            guard let ref = source.string("ref") else { continue }
            refs[ref] = fill(source.string("repoURL"), params, label: label, file: file, at: source.location, what: "repoURL")
        }
        for source in list { argoSource(source, label: label, file: file, params: params, refs: refs, into: &sources) }
    }

    /// `text` filled with an ApplicationSet's parameters (as is for an Application); nil, with a
    /// note, when it cannot be.
    private mutating func fill(
        _ text: String?, _ params: ApplicationSetParameters.Params?, label: String, file: String, at location: SourceLocation, what: String
    ) -> String? {
        guard let text else { return nil }
        guard let params else { return text }
        if let filled = ApplicationSetParameters.substitute(text, params) { return filled }
        let known = params.keys.sorted().prefix(8).joined(separator: ", ")
        note(file, location, "\(label): template \(what) '\(text)' cannot be resolved with its generators' parameters (\(known.isEmpty ? "none" : known)): not guessed")
        return nil
    }

    private func isOwn(_ url: String?) -> Bool {
        guard let url else { return false }
        return ownURLs.contains(RepositoryURL.normalized(url))
    }

    private mutating func argoSource(
        _ source: NodeStack, label: String, file: String, params: ApplicationSetParameters.Params?, refs: [String: String?],
        into sources: inout Sources
    ) {
        let repoURL = fill(source.string("repoURL"), params, label: label, file: file, at: source.location, what: "repoURL")
        let shownURL = repoURL ?? source.string("repoURL") ?? "(no repoURL)"
        let rawPath = source.string("path")
        if rawPath == nil {
            if let chart = source.string("chart") {
                // a chart from a chart repository; its `$ref/…` value files may be this repository's
                let before = sources.entries.count
                for valueFile in source["helm"]?["valueFiles"]?.elements.compactMap(\.scalar) ?? [] where valueFile.hasPrefix("$") {
                    helmValueFile(valueFile, chart: "", refs: refs, head: "\(label) → chart \(chart)", into: &sources)
                }
                if sources.entries.count > before {
                    sources.fromThisRepository = true
                } else {
                    sources.foreign.append("\(shownURL) (chart \(chart))")
                }
            } else if source.string("ref") == nil {
                sources.foreign.append(shownURL)
            }
            return
        }
        guard let filled = fill(rawPath, params, label: label, file: file, at: source["path"]?.location ?? source.location, what: "path") else {
            return
        }
        guard let path = GitOpsTree.clean(filled) else {
            note(file, source.location, "\(label): path '\(filled)' climbs above the repository root")
            return
        }
        let isFolder = tree.hasFolder(path)
        let exists = isFolder || tree.hasFile(path)
        if !ownURLs.isEmpty {
            guard isOwn(repoURL) else {
                sources.foreign.append(shownURL)
                return
            }
            sources.fromThisRepository = true
            guard exists else {
                note(file, source["path"]?.location ?? source.location, "\(label): path \(Self.shown(path)) does not exist in this repository")
                return
            }
        } else {
            guard exists else {
                sources.foreign.append("\(shownURL) (path \(path) is not in this tree)")
                return
            }
            sources.fromThisRepository = true
        }
        guard isFolder else {
            sources.entries.append(DeployedPath(path: path, isFolder: false, via: "\(label) → \(path)"))
            return
        }
        let head = "\(label) → \(Self.shown(path))"
        if source["helm"] != nil || tree.isChart(path) {
            sources.entries.append(DeployedPath(path: path, isFolder: true, recursive: true, via: head + " (Helm chart)"))
            for valueFile in source["helm"]?["valueFiles"]?.elements.compactMap(\.scalar) ?? [] {
                helmValueFile(valueFile, chart: path, refs: refs, head: head, into: &sources)
            }
        } else if source["kustomize"] != nil || tree.kustomizationFile(in: path) != nil {
            if tree.kustomizationFile(in: path) != nil {
                kustomizeClosure(path, via: label, depth: 0, visited: &sources.visited, into: &sources.entries)
            } else {
                sources.entries.append(DeployedPath(path: path, isFolder: true, via: head + " (kustomize: without a kustomization file)"))
            }
        } else if source["plugin"] != nil {
            sources.entries.append(DeployedPath(path: path, isFolder: true, recursive: true, via: head + " (plugin)"))
        } else {
            let directory = source["directory"]
            let recurse = directory?["recurse"]?.scalar.flatMap(YAMLBool.read) ?? false  // YAML 1.1, as ArgoCD reads it
            let include = Self.globs(directory?["include"]?.scalar)
            let exclude = Self.globs(directory?["exclude"]?.scalar)
            sources.entries.append(
                DeployedPath(
                    path: path, isFolder: true, recursive: recurse, include: include, exclude: exclude,
                    via: head + (recurse ? " (directory, recurse)" : " (directory)")))
        }
    }

    private mutating func helmValueFile(_ valueFile: String, chart: String, refs: [String: String?], head: String, into sources: inout Sources) {
        if valueFile.hasPrefix("$") {
            let name = String(valueFile.dropFirst().prefix(while: { $0 != "/" }))
            guard let url = refs[name] else { return }
            let rest = String(valueFile.dropFirst(name.count + 1))
            guard let path = GitOpsTree.clean(rest), tree.hasFile(path) else { return }
            if !ownURLs.isEmpty, !isOwn(url) { return }
            sources.entries.append(DeployedPath(path: path, isFolder: false, via: head + " valueFiles → \(valueFile)"))
        } else if let path = GitOpsTree.resolve(valueFile, from: chart), tree.hasFile(path) {
            sources.entries.append(DeployedPath(path: path, isFolder: false, via: head + " valueFiles → \(valueFile)"))
        }
    }

    /// ArgoCD `include`/`exclude`: one glob, or `{a,b}` alternatives.
    private static func globs(_ text: String?) -> [Glob] {
        guard let text, !text.isEmpty else { return [] }
        return ApplicationSetParameters.expandBraces(text).filter { !$0.isEmpty }.map { Glob($0) }
    }

    private mutating func applicationSetSpec(_ spec: NodeStack, label: String, file: String, into sources: inout Sources) {
        let template = spec["template"]
        let generators = spec["generators"]?.elements ?? []
        if generators.isEmpty { note(file, spec.location, "\(label): no generators") }
        for generator in generators {
            guard let sets = generate(generator, context: [:], label: label, file: file, sources: &sources) else { continue }
            if sets.isEmpty {
                note(file, generator.location, "\(label): this generator gives no Application in this tree")
            }
            var layers: [YAMLNode] = []
            for kind in Self.generatorKinds {
                if let own = generator[kind]?["template"] { layers += own.layers }
            }
            if let template { layers += template.layers }
            guard let filledTemplate = NodeStack(layers), let templateSpec = filledTemplate["spec"] else {
                note(file, generator.location, "\(label): no template")
                continue
            }
            for params in sets {
                argoSources(templateSpec, label: label, file: file, params: params, into: &sources)
            }
        }
    }

    private static let generatorKinds = [
        "git", "list", "matrix", "merge", "clusters", "scmProvider", "pullRequest", "clusterDecisionResource", "plugin",
    ]

    /// The parameter sets of one generator, `context` being an enclosing matrix's parameters
    /// (a matrix's second generator may use the first's, `path: '{{path}}/overlays'`):
    /// - `git.directories`: every folder of the tree (hidden ones aside) matching a `path:` glob
    ///   (anchored at the root, `*` within one segment) and no `exclude: true` entry;
    /// - `git.files`: every file matching, with its folder as `path`;
    /// - `list.elements`: each element's scalars;
    /// - `matrix` of two generators: the cross product, the second evaluated with each of the
    ///   first's sets;
    /// - others (`clusters`, `merge`, `scmProvider`…): one empty set, so a template path that
    ///   needs their parameters is reported as unresolvable.
    /// Nil when the generator reads another repository (noted as foreign).
    private mutating func generate(
        _ generator: NodeStack, context: ApplicationSetParameters.Params, label: String, file: String, sources: inout Sources, depth: Int = 0
    ) -> [ApplicationSetParameters.Params]? {
        if let git = generator["git"] {
            let url = fill(git.string("repoURL"), context, label: label, file: file, at: git.location, what: "generator repoURL")
            if !ownURLs.isEmpty, !isOwn(url) {
                sources.foreign.append(url ?? git.string("repoURL") ?? "(no repoURL)")
                return nil
            }
            let prefix = git.string("pathParamPrefix")
            var includes: [Glob] = [], excludes: [Glob] = []
            let isFiles = git["files"] != nil
            for item in (git["directories"] ?? git["files"])?.elements ?? [] {
                guard let raw = item.string("path"),
                    let pattern = fill(raw, context, label: label, file: file, at: item.location, what: "generator path")
                else { continue }
                let glob = Glob("/" + (GitOpsTree.clean(pattern) ?? pattern))
                if item.string("exclude") == "true" { excludes.append(glob) } else { includes.append(glob) }
            }
            var sets: [ApplicationSetParameters.Params] = []
            for candidate in isFiles ? tree.sortedFiles : tree.sortedFolders {
                guard !GitOpsTree.hasHiddenSegment(candidate),
                    includes.contains(where: { $0.matches(candidate) }), !excludes.contains(where: { $0.matches(candidate) })
                else { continue }
                let folder = isFiles ? GitOpsTree.parent(of: candidate) : candidate
                sets.append(ApplicationSetParameters.pathParams(folder: folder, file: isFiles ? candidate : nil, prefix: prefix))
            }
            return sets
        }
        if let list = generator["list"] {
            return (list["elements"]?.elements ?? []).map { element in
                var params: ApplicationSetParameters.Params = [:]
                ApplicationSetParameters.flatten(element.top, into: &params)
                return params
            }
        }
        if let matrix = generator["matrix"] {
            let children = matrix["generators"]?.elements ?? []
            guard children.count == 2, depth < 4 else {
                note(file, matrix.location, "\(label): a matrix generator needs exactly two generators")
                return nil
            }
            guard let first = generate(children[0], context: context, label: label, file: file, sources: &sources, depth: depth + 1) else {
                return nil
            }
            var out: [ApplicationSetParameters.Params] = []
            for one in first {
                let inner = context.merging(one) { $1 }
                guard let second = generate(children[1], context: inner, label: label, file: file, sources: &sources, depth: depth + 1) else {
                    continue
                }
                for two in second { out.append(one.merging(two) { $1 }) }
            }
            return out
        }
        return [[:]]
    }

    // MARK: Kustomize

    /// The closure of the kustomization in `folder`, appended to `out`: the kustomization file
    /// itself; its `resources`, `components`, `bases`, `crds`, `generators`, `transformers` and
    /// `validators` (a file; a folder with a kustomization file → that kustomization's closure; a
    /// folder without one, which Kustomize rejects, → its own YAML files); the files of
    /// `patches` / `patchesStrategicMerge` / `patchesJson6902`, `replacements`,
    /// `configMapGenerator` / `secretGenerator` (`files`, `envs`, `env`) and `helmCharts`
    /// (`valuesFile`, and the local chart `charts/<name>`). Remote entries (URLs,
    /// `github.com/…`, `?ref=`) are skipped; a folder already expanded for this controller is not
    /// expanded again (cycles), and nesting stops at ``maxKustomizeDepth``.
    private mutating func kustomizeClosure(_ folder: String, via: String, depth: Int, visited: inout Set<String>, into out: inout [DeployedPath]) {
        guard let kfile = tree.kustomizationFile(in: folder) else { return }
        guard visited.insert(folder).inserted else { return }
        let here = "\(via) → \(kfile)"
        out.append(DeployedPath(path: kfile, isFolder: false, via: here))
        guard depth < Self.maxKustomizeDepth else {
            note(kfile, SourceLocation(line: 1, column: 1, offset: 0), "kustomizations nest deeper than \(Self.maxKustomizeDepth): not followed further")
            return
        }
        guard let document = kustomizations[kfile], document.kind == .mapping else { return }

        func entry(_ raw: String, key: String, at location: SourceLocation, folders: Bool, out: inout [DeployedPath], visited: inout Set<String>) {
            let text = raw.gitOpsTrimmed()
            guard !text.isEmpty, !text.contains("\n") else { return }  // an inline patch
            let step = "\(here) \(key) → \(text)"
            let resolved = GitOpsTree.resolve(text, from: folder)
            if let path = resolved, tree.hasFile(path) {
                out.append(DeployedPath(path: path, isFolder: false, via: step))
                return
            }
            if folders, let path = resolved, tree.hasFolder(path) {
                if tree.kustomizationFile(in: path) != nil {
                    kustomizeClosure(path, via: step, depth: depth + 1, visited: &visited, into: &out)
                } else {
                    for file in tree.files(in: path) where ["yaml", "yml", "json"].contains(PathText.fileExtension(file)) {
                        out.append(DeployedPath(path: file, isFolder: false, via: step + " (no kustomization file: its own YAML files)"))
                    }
                }
                return
            }
            if Self.isRemote(text) { return }
            note(kfile, location, "\(key) entry '\(text)' is not in this tree")
        }

        for key in ["resources", "components", "bases", "crds", "generators", "transformers", "validators"] {
            for element in document[key]?.elements ?? [] {
                guard let text = element.scalar else { continue }
                entry(text, key: key, at: element.location, folders: key != "crds", out: &out, visited: &visited)
            }
        }
        for key in ["patches", "patchesStrategicMerge", "patchesJson6902", "replacements"] {
            for element in document[key]?.elements ?? [] {
                let node = element.kind == .mapping ? element["path"] : element
                guard let text = node?.scalar else { continue }
                entry(text, key: key, at: node!.location, folders: false, out: &out, visited: &visited)
            }
        }
        for key in ["configMapGenerator", "secretGenerator"] {
            for generator in document[key]?.elements ?? [] {
                var named: [YAMLNode] = (generator["files"]?.elements ?? []) + (generator["envs"]?.elements ?? [])
                if let env = generator["env"] { named.append(env) }
                for node in named {
                    guard var text = node.scalar else { continue }
                    if let equals = text.firstIndex(of: "=") { text = String(text[text.index(after: equals)...]) }
                    entry(text, key: key, at: node.location, folders: false, out: &out, visited: &visited)
                }
            }
        }
        let chartHome = document["helmGlobals"]?["chartHome"]?.scalar ?? "charts"
        for chart in document["helmCharts"]?.elements ?? [] {
            if let values = chart["valuesFile"], let text = values.scalar {
                entry(text, key: "helmCharts valuesFile", at: values.location, folders: false, out: &out, visited: &visited)
            }
            for extra in chart["additionalValuesFiles"]?.elements ?? [] {
                if let text = extra.scalar { entry(text, key: "helmCharts additionalValuesFiles", at: extra.location, folders: false, out: &out, visited: &visited) }
            }
            if let name = chart["name"]?.scalar, let path = GitOpsTree.resolve(chartHome + "/" + name, from: folder), tree.hasFolder(path) {
                out.append(DeployedPath(path: path, isFolder: true, recursive: true, via: "\(here) helmCharts → \(name) (local chart)"))
            }
        }
    }

    /// Whether a kustomization entry names something outside the repository (a URL, an SSH
    /// remote, `github.com/owner/repo//path?ref=…`).
    static func isRemote(_ text: String) -> Bool {
        if text.contains("://") || text.hasPrefix("git@") || text.contains("?ref=") || text.contains("?version=") || text.contains(".git//") {
            return true
        }
        let first = text.split(separator: "/").first ?? ""
        return first.contains(".") && first != "." && first != ".." && text.contains("/")
    }

    // MARK: Flux

    /// Whether the Flux source `GitRepository` named `name` is this repository, for `path`;
    /// the foreign description when it is not.
    private func fluxSource(name: String, namespace: String?, path: String) -> (own: Bool, foreign: String) {
        let exists = tree.hasFolder(path) || tree.hasFile(path)
        let repository = gitRepositories.first {
            $0.name == name && (namespace == nil || $0.namespace == nil || $0.namespace == namespace)
        }
        if let repository, let url = repository.url {
            if !ownURLs.isEmpty { return (isOwn(url), "GitRepository \(name) (\(url))") }
            return (exists, "GitRepository \(name) (\(url), path \(path) is not in this tree)")
        }
        return (exists, "GitRepository \(name) (not in this tree; path \(path) is not in this tree)")
    }

    private mutating func fluxKustomization(_ document: GitOpsDocument) {
        let metadata = document.node["metadata"]
        let name = metadata?["name"]?.scalar ?? "(unnamed)"
        let location = document.node.location
        let label = Self.label(.fluxKustomization, name, document.path, location)
        let spec = document.node["spec"]
        var sources = Sources()
        let reference = spec?["sourceRef"]
        let kind = reference?["kind"]?.scalar ?? "GitRepository"
        let sourceName = reference?["name"]?.scalar ?? "(unnamed)"
        let rawPath = spec?["path"]?.scalar ?? ""
        if kind != "GitRepository" {
            sources.foreign.append("\(kind) \(sourceName)")
        } else if let path = GitOpsTree.clean(rawPath) {
            let source = fluxSource(name: sourceName, namespace: reference?["namespace"]?.scalar ?? metadata?["namespace"]?.scalar, path: path)
            if source.own {
                sources.fromThisRepository = true
                if tree.hasFolder(path) {
                    fluxPath(path, label: label, into: &sources)
                    for component in spec?["components"]?.elements ?? [] {
                        guard let text = component.scalar else { continue }
                        fluxComponent(text, from: path, label: label, file: document.path, at: component.location, into: &sources)
                    }
                } else {
                    note(document.path, spec?["path"]?.location ?? location, "\(label): path \(Self.shown(path)) does not exist in this repository")
                }
            } else {
                sources.foreign.append(source.foreign)
            }
        } else {
            note(document.path, spec?["path"]?.location ?? location, "\(label): path '\(rawPath)' climbs above the repository root")
        }
        record(.fluxKustomization, family: "Flux", name: name, file: document.path, location: location, sources)
    }

    /// What Flux applies from `path`: its kustomization's closure, or the kustomization Flux
    /// generates (every file under it; a subfolder with its own kustomization file is built as
    /// that kustomization and not walked further).
    private mutating func fluxPath(_ path: String, label: String, into sources: inout Sources) {
        if tree.kustomizationFile(in: path) != nil {
            kustomizeClosure(path, via: label, depth: 0, visited: &sources.visited, into: &sources.entries)
            return
        }
        let head = "\(label) → \(Self.shown(path)) (no kustomization file: every manifest under it)"
        var except: [String] = []
        var pending = tree.folders(in: path)
        while !pending.isEmpty {
            let folder = pending.removeFirst()
            if tree.kustomizationFile(in: folder) != nil {
                except.append(folder)
                kustomizeClosure(folder, via: head + " → \(Self.shown(folder))", depth: 1, visited: &sources.visited, into: &sources.entries)
            } else {
                pending.append(contentsOf: tree.folders(in: folder))
            }
        }
        sources.entries.insert(DeployedPath(path: path, isFolder: true, recursive: true, except: except.sorted(by: PathText.less), via: head), at: 0)
    }

    /// A Flux Kustomization's `spec.components` entry: a Kustomize component folder, relative
    /// to `spec.path`, added to the build.
    private mutating func fluxComponent(_ text: String, from path: String, label: String, file: String, at location: SourceLocation, into sources: inout Sources) {
        guard let folder = GitOpsTree.resolve(text, from: path), tree.kustomizationFile(in: folder) != nil else {
            if !Self.isRemote(text) { note(file, location, "\(label): component '\(text)' is not a kustomization in this tree") }
            return
        }
        kustomizeClosure(folder, via: "\(label) components → \(text)", depth: 1, visited: &sources.visited, into: &sources.entries)
    }

    private mutating func helmRelease(_ document: GitOpsDocument) {
        let metadata = document.node["metadata"]
        let name = metadata?["name"]?.scalar ?? "(unnamed)"
        let location = document.node.location
        let label = Self.label(.helmRelease, name, document.path, location)
        var sources = Sources()
        let spec = document.node["spec"]
        if let chartSpec = spec?["chart"]?["spec"] {
            let chart = chartSpec["chart"]?.scalar ?? "(no chart)"
            let reference = chartSpec["sourceRef"]
            let kind = reference?["kind"]?.scalar ?? "HelmRepository"
            let sourceName = reference?["name"]?.scalar ?? "(unnamed)"
            if kind == "GitRepository", let path = GitOpsTree.clean(chart) {
                let source = fluxSource(name: sourceName, namespace: reference?["namespace"]?.scalar ?? metadata?["namespace"]?.scalar, path: path)
                if source.own {
                    sources.fromThisRepository = true
                    if tree.hasFolder(path) {
                        let head = "\(label) → \(Self.shown(path))"
                        sources.entries.append(DeployedPath(path: path, isFolder: true, recursive: true, via: head + " (Helm chart)"))
                        for valuesFile in chartSpec["valuesFiles"]?.elements.compactMap(\.scalar) ?? [] {
                            if let file = GitOpsTree.clean(valuesFile), tree.hasFile(file) {
                                sources.entries.append(DeployedPath(path: file, isFolder: false, via: head + " valuesFiles → \(valuesFile)"))
                            }
                        }
                    } else {
                        note(document.path, chartSpec["chart"]?.location ?? location, "\(label): chart \(Self.shown(path)) does not exist in this repository")
                    }
                } else {
                    sources.foreign.append(source.foreign)
                }
            } else {
                sources.foreign.append("\(kind) \(sourceName) (chart \(chart))")
            }
        } else if let reference = spec?["chartRef"] {
            sources.foreign.append("\(reference["kind"]?.scalar ?? "chartRef") \(reference["name"]?.scalar ?? "(unnamed)")")
        }
        record(.helmRelease, family: "Flux", name: name, file: document.path, location: location, sources)
    }
}
