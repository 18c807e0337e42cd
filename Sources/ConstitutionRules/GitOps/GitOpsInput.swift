import ConstitutionCore
import ConstitutionYAML

/// One document the GitOps model reads, with the display path of its file.
public struct GitOpsDocument: Sendable {
    /// The file's path relative to the linted root (`k8s/argocd/web.yaml`).
    public var path: String
    /// The document's root node.
    public var node: YAMLNode

    /// Pairs a document with its file's display path.
    public init(path: String, node: YAMLNode) {
        self.path = path
        self.node = node
    }
}

/// What `.constitution.yaml` says about GitOps.
public struct GitOpsSettings: Sendable, Hashable {
    /// Which controller deploys the repository.
    public enum Controller: String, Sendable, Hashable, CaseIterable {
        /// Whatever is found: ArgoCD and Flux together.
        case auto
        /// Only ArgoCD `Application`s and `ApplicationSet`s (and argocd-apps chart values) count.
        case argocd
        /// Only Flux `Kustomization`s and `HelmRelease`s count.
        case flux
        /// GitOps is turned off: the model is inactive.
        case none
    }

    /// `controller:`; `.auto` by default.
    public var controller: Controller
    /// `deployedElsewhere:`: files deployed some other way (a CI job, a hand-run script).
    public var deployedElsewhere: [Glob]

    /// Settings; the defaults read the whole tree and add nothing.
    public init(controller: Controller = .auto, deployedElsewhere: [Glob] = []) {
        self.controller = controller
        self.deployedElsewhere = deployedElsewhere
    }
}

/// Everything the GitOps model is built from: the relevant documents of the whole tree (those
/// ``isRelevant(path:document:)`` accepts), every file path of the tree, this repository's
/// own URLs and the settings.
public struct GitOpsInput: Sendable {
    /// ArgoCD, Flux and Kustomize documents and argocd-apps chart values, in any order.
    public var documents: [GitOpsDocument]
    /// Every file of the tree, relative to the linted root (not only YAML: a Helm chart folder
    /// is recognised by its `Chart.yaml`, a git files generator may match `config.json`).
    public var files: [String]
    /// This repository's URLs (from `.git/config`, ``RepositoryURL/remoteURLs(gitConfig:)``);
    /// empty when unknown.
    public var repositoryURLs: [String]
    /// The `.constitution.yaml` settings.
    public var settings: GitOpsSettings
    /// Whether ``files`` is only part of the tree (a rule example, a guarded edit): a path a
    /// source names counts as there (a folder unless its name has an extension).
    public var partialTree: Bool

    /// Bundles the model's input.
    public init(
        documents: [GitOpsDocument], files: [String], repositoryURLs: [String] = [], settings: GitOpsSettings = GitOpsSettings(),
        partialTree: Bool = false
    ) {
        self.documents = documents
        self.files = files
        self.repositoryURLs = repositoryURLs
        self.settings = settings
        self.partialTree = partialTree
    }

    /// Byte strings of which a relevant file holds at least one (`argoproj.io`, `fluxcd.io`,
    /// `applications`): a file holding none of them, and not named like a kustomization
    /// (``mayBeRelevant(path:bytes:)``), can be skipped without parsing.
    public static let needles: [[UInt8]] = ["argoproj.io", "fluxcd.io", "applications"].map { Array($0.utf8) }

    /// Whether a file may hold a relevant document: a kustomization file by name, or any file
    /// holding one of ``needles``.
    public static func mayBeRelevant(path: String, bytes: [UInt8]) -> Bool {
        if isKustomizationFile(path) { return true }
        return needles.contains { ByteSearch.contains(bytes, $0) }
    }

    /// Whether `path` is named like a kustomization file (`kustomization.yaml`,
    /// `kustomization.yml`, `Kustomization`).
    public static func isKustomizationFile(_ path: String) -> Bool {
        // Asked of every file of the tree: compared by bytes, no String made.
        let bytes = path.utf8
        let start = bytes.lastIndex(of: UInt8(ascii: "/")).map(bytes.index(after:)) ?? bytes.startIndex
        let name = bytes[start...]
        return kustomizationNameBytes.contains { name.elementsEqual($0) }
    }

    private static let kustomizationNameBytes: [[UInt8]] = GitOpsTree.kustomizationNames.map { Array($0.utf8) }

    /// Whether `document` (of the file at `path`) is one the model reads: an ArgoCD
    /// `Application`/`ApplicationSet` (`argoproj.io`), a Flux `Kustomization`
    /// (`kustomize.toolkit.fluxcd.io`), `GitRepository` (`source.toolkit.fluxcd.io`) or
    /// `HelmRelease` (`helm.toolkit.fluxcd.io`), a kustomization file (by name), or a
    /// `values*.yaml` whose mapping holds `applications:` or `applicationsets:` at its top or one
    /// level down (argocd-apps used as a dependency: `argocd-apps: {applicationsets: …}`).
    /// Cheap: a few key look-ups, no walking.
    public static func isRelevant(path: String, document: YAMLNode) -> Bool {
        guard document.kind == .mapping else { return false }
        if isKustomizationFile(path) { return true }
        if let apiVersion = document["apiVersion"]?.scalar, let kind = document["kind"]?.scalar {
            return documentKind(apiVersion: apiVersion, kind: kind) != nil
        }
        return isChartValuesFile(path) && !ArgoAppsValues.entries(in: document).isEmpty
    }

    /// Whether `path` is named like Helm chart values (`values.yaml`, `values-prod.yml`, …).
    static func isChartValuesFile(_ path: String) -> Bool {
        let name = GitOpsTree.basename(path)
        return name.hasPrefix("values") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }

    /// The kinds of Kubernetes documents the model reads.
    enum DocumentKind {
        case application, applicationSet, fluxKustomization, gitRepository, helmRelease
    }

    static func documentKind(apiVersion: String, kind: String) -> DocumentKind? {
        let group = apiVersion.split(separator: "/").first.map(String.init) ?? ""
        switch (group, kind) {
        case ("argoproj.io", "Application"): return .application
        case ("argoproj.io", "ApplicationSet"): return .applicationSet
        case ("kustomize.toolkit.fluxcd.io", "Kustomization"): return .fluxKustomization
        case ("source.toolkit.fluxcd.io", "GitRepository"): return .gitRepository
        case ("helm.toolkit.fluxcd.io", "HelmRelease"): return .helmRelease
        default: return nil
        }
    }
}
