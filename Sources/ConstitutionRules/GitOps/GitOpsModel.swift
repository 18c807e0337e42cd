import ConstitutionCore
import ConstitutionYAML

/// What one controller deploys from this repository: a file, or a folder (its own files, or
/// everything under it), optionally narrowed by globs.
public struct DeployedPath: Sendable, Hashable, CustomStringConvertible {
    /// The file or folder, relative to the linted root (`""` is the root folder).
    public var path: String
    /// Whether ``path`` is a folder.
    public var isFolder: Bool
    /// For a folder: whether files in its subfolders count too (ArgoCD `directory.recurse`, a
    /// Helm chart, a Flux path without a kustomization file).
    public var recursive: Bool
    /// For a folder: only files matching one of these (relative to the folder) count; empty
    /// means every file (ArgoCD `directory.include`).
    public var include: [Glob]
    /// For a folder: files matching one of these (relative to the folder) do not count (ArgoCD
    /// `directory.exclude`).
    public var exclude: [Glob]
    /// For a recursive folder: subfolders (relative to the linted root) left out, because
    /// something else says what of them is deployed (a subfolder with its own kustomization
    /// file under a Flux path is built as that kustomization).
    public var except: [String]
    /// How it is deployed, from the controller down:
    /// `Application apps (k8s/argocd/apps.yaml:1:1) → k8s/apps/kustomization.yaml resources → web`.
    public var via: String

    /// A deployed file or folder.
    public init(
        path: String, isFolder: Bool, recursive: Bool = false, include: [Glob] = [], exclude: [Glob] = [],
        except: [String] = [], via: String
    ) {
        self.path = path
        self.isFolder = isFolder
        self.recursive = recursive
        self.include = include
        self.exclude = exclude
        self.except = except
        self.via = via
    }

    /// Whether `file` (relative to the linted root) is deployed through this entry.
    public func covers(_ file: String) -> Bool {
        guard isFolder else { return file == path }
        let relative: Substring
        if path.isEmpty {
            relative = Substring(file)
        } else {
            let length = path.utf8.count
            guard file.utf8.count > length + 1, file.hasPrefix(path) else { return false }
            let slash = file.utf8.index(file.utf8.startIndex, offsetBy: length)
            guard file.utf8[slash] == UInt8(ascii: "/") else { return false }
            relative = file[file.utf8.index(after: slash)...]
        }
        if !recursive, relative.contains("/") { return false }
        for folder in except where file.hasPrefix(folder + "/") { return false }
        let text = String(relative)
        if !include.isEmpty, !include.contains(where: { $0.matches(text) }) { return false }
        if exclude.contains(where: { $0.matches(text) }) { return false }
        return true
    }

    /// `path` (with a trailing `/` for a folder, `**` when recursive) and the globs.
    public var description: String {
        var text = isFolder ? (path.isEmpty ? "./" : path + "/") + (recursive ? "**" : "*") : path
        if !include.isEmpty { text += " include " + include.map(\.pattern).joined(separator: ",") }
        if !exclude.isEmpty { text += " exclude " + exclude.map(\.pattern).joined(separator: ",") }
        if !except.isEmpty { text += " except " + except.joined(separator: ",") }
        return text
    }
}

/// A GitOps controller found in the tree that deploys from this repository.
public struct GitOpsController: Sendable, Hashable {
    /// The controller's kind.
    public enum Kind: String, Sendable, Hashable {
        /// An ArgoCD `Application` (a document, or an entry of argocd-apps chart values).
        case application = "Application"
        /// An ArgoCD `ApplicationSet` (a document, or an entry of argocd-apps chart values).
        case applicationSet = "ApplicationSet"
        /// A Flux `Kustomization` (`kustomize.toolkit.fluxcd.io`).
        case fluxKustomization = "Kustomization"
        /// A Flux `HelmRelease` whose chart comes from a `GitRepository`.
        case helmRelease = "HelmRelease"
    }

    /// Its kind.
    public var kind: Kind
    /// `metadata.name`, or the entry's key in argocd-apps values.
    public var name: String
    /// The file that defines it.
    public var file: String
    /// Where it is defined (the document, or the values entry's key).
    public var location: SourceLocation
    /// What it deploys from this repository.
    public var deploys: [DeployedPath]

    /// A controller.
    public init(kind: Kind, name: String, file: String, location: SourceLocation, deploys: [DeployedPath]) {
        self.kind = kind
        self.name = name
        self.file = file
        self.location = location
        self.deploys = deploys
    }

    /// `Application web (k8s/argocd/web.yaml:1:1)`.
    public var label: String { "\(kind.rawValue) \(name) (\(file):\(location.line):\(location.column))" }
}

/// Why a file is deployed: the controller (nil for `deployedElsewhere`) and the entry covering it.
public struct Deployment: Sendable, Hashable {
    /// The controller's label (``GitOpsController/label``); nil when `.constitution.yaml` says
    /// the file is deployed some other way.
    public var controller: String?
    /// The controller's kind; nil for `deployedElsewhere`.
    public var kind: GitOpsController.Kind?
    /// The controller's name; nil for `deployedElsewhere`.
    public var name: String?
    /// The entry that covers the file.
    public var entry: DeployedPath

    /// A deployment.
    public init(controller: String?, kind: GitOpsController.Kind?, name: String?, entry: DeployedPath) {
        self.controller = controller
        self.kind = kind
        self.name = name
        self.entry = entry
    }

    /// `Application web`, or `deployedElsewhere`.
    public var summary: String { kind.map { "\($0.rawValue) \(name ?? "")" } ?? "deployedElsewhere" }

    /// The chain from the controller to the file (``DeployedPath/via``).
    public var via: String { entry.via }
}

/// Something the model could not work out, said rather than guessed (an ApplicationSet template
/// path with a parameter no generator gives, a kustomization entry that is not in the tree).
public struct GitOpsNote: Sendable, Hashable, CustomStringConvertible {
    /// The file the note is about.
    public var file: String
    /// Where in it.
    public var location: SourceLocation
    /// What could not be worked out.
    public var message: String

    /// A note.
    public init(file: String, location: SourceLocation, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String { "\(file):\(location.line):\(location.column): \(message)" }
}

/// Which files of the tree a GitOps controller deploys from this repository.
///
/// Built once per lint from a ``GitOpsInput`` (``build(_:)``); read-only afterwards. See
/// ``GitOpsModelBuilder`` for the semantics of each controller.
public struct GitOpsModel: Sendable {
    /// The controllers that deploy from this repository, ordered by file and position.
    public let controllers: [GitOpsController]
    /// Whether some controller deploys from this repository.
    public let isActive: Bool
    /// Why the model is not active (`no GitOps controller found`, …); nil when it is.
    public let inactiveReason: String?
    /// What could not be worked out, ordered by file and position.
    public let notes: [GitOpsNote]
    /// `deployedElsewhere` from the settings.
    public let deployedElsewhere: [Glob]

    private let exact: [String: [Int32]]
    private let byFolder: [String: [Int32]]
    private let entries: [(controller: Int, entry: DeployedPath)]

    init(controllers: [GitOpsController], isActive: Bool, inactiveReason: String?, notes: [GitOpsNote], deployedElsewhere: [Glob]) {
        self.controllers = controllers
        self.isActive = isActive
        self.inactiveReason = inactiveReason
        self.notes = notes
        self.deployedElsewhere = deployedElsewhere
        var entries: [(controller: Int, entry: DeployedPath)] = []
        var exact: [String: [Int32]] = [:]
        var byFolder: [String: [Int32]] = [:]
        for (c, controller) in controllers.enumerated() {
            for entry in controller.deploys {
                let index = Int32(entries.count)
                entries.append((c, entry))
                if entry.isFolder {
                    byFolder[entry.path, default: []].append(index)
                } else {
                    exact[entry.path, default: []].append(index)
                }
            }
        }
        self.entries = entries
        self.exact = exact
        self.byFolder = byFolder
    }

    /// Builds the model (see ``GitOpsModelBuilder``).
    public static func build(_ input: GitOpsInput) -> GitOpsModel {
        var builder = GitOpsModelBuilder(input)
        return builder.build()
    }

    /// The first controller (in ``controllers`` order) that deploys `path`, with the chain
    /// through which it does; then `deployedElsewhere`; nil when nothing deploys it.
    public func deployer(of path: String) -> Deployment? {
        deployers(of: path, first: true).first
    }

    /// Every controller entry that deploys `path`, in ``controllers`` order, then
    /// `deployedElsewhere`.
    public func deployers(of path: String) -> [Deployment] {
        deployers(of: path, first: false)
    }

    private func deployers(of rawPath: String, first: Bool) -> [Deployment] {
        let path = GitOpsTree.clean(rawPath) ?? rawPath
        var hits: [Int32] = exact[path] ?? []
        var folder = path
        while true {
            folder = folder.isEmpty ? "" : GitOpsTree.parent(of: folder)
            for index in byFolder[folder] ?? [] where entries[Int(index)].entry.covers(path) { hits.append(index) }
            if folder.isEmpty { break }
        }
        hits.sort()
        var out: [Deployment] = []
        for index in hits {
            let (c, entry) = entries[Int(index)]
            out.append(Deployment(controller: controllers[c].label, kind: controllers[c].kind, name: controllers[c].name, entry: entry))
            if first { return out }
        }
        if deployedElsewhere.contains(where: { $0.matches(path) }) {
            out.append(
                Deployment(
                    controller: nil, kind: nil, name: nil,
                    entry: DeployedPath(path: path, isFolder: false, via: "deployed some other way (.constitution.yaml)")))
        }
        return out
    }
}
