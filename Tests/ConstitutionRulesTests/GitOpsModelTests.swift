import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML
import TestSupport
import Testing

@testable import ConstitutionRules

/// A lab on disk, read the way the engine will: every file listed, the relevant documents parsed.
struct GitOpsLab {
    let root: String
    let files: [String]
    let documents: [GitOpsDocument]

    init(_ root: String) {
        self.root = root
        let walked = FileWalker(gitignore: false).walk([root], displayRoot: root).files
        var files: [String] = []
        var documents: [GitOpsDocument] = []
        for file in walked {
            files.append(file.path)
            guard ["yaml", "yml"].contains(PathText.fileExtension(file.path)) || GitOpsInput.isKustomizationFile(file.path),
                let bytes = TestSupport.readBytes(file.fullPath), GitOpsInput.mayBeRelevant(path: file.path, bytes: bytes)
            else { continue }
            let yaml = YAMLParser.parse(path: file.path, text: String(decoding: bytes, as: UTF8.self))
            for document in yaml.documents where GitOpsInput.isRelevant(path: file.path, document: document) {
                documents.append(GitOpsDocument(path: file.path, node: document))
            }
        }
        self.files = files
        self.documents = documents
    }

    /// A fixture lab under `Tests/Fixtures/gitops`.
    static func fixture(_ name: String) -> GitOpsLab {
        GitOpsLab(TestSupport.packageRoot + "/Tests/Fixtures/gitops/" + name)
    }

    func model(urls: [String] = [], settings: GitOpsSettings = GitOpsSettings()) -> GitOpsModel {
        GitOpsModel.build(GitOpsInput(documents: documents, files: files, repositoryURLs: urls, settings: settings))
    }

    /// Every file of the lab that is deployed, with `Kind name` of its first deployer.
    func deployed(_ model: GitOpsModel) -> [String: String] {
        var out: [String: String] = [:]
        for file in files { if let d = model.deployer(of: file) { out[file] = d.summary } }
        return out
    }
}

@Suite struct GitOpsModelTests {
    @Test func applicationSetGitDirectoriesListAndUnresolvable() {
        let lab = GitOpsLab.fixture("argocd-applicationset")
        let model = lab.model()
        #expect(model.isActive)
        #expect(model.controllers.map(\.name) == ["apps", "environments"])
        #expect(
            lab.deployed(model) == [
                "k8s/apps/db/statefulset.yaml": "ApplicationSet apps",
                "k8s/apps/web/deployment.yaml": "ApplicationSet apps",
                "k8s/apps/web/service.yaml": "ApplicationSet apps",
                "k8s/environments/production/config.yaml": "ApplicationSet environments",
                "k8s/environments/staging/config.yaml": "ApplicationSet environments",
            ])
        #expect(model.deployer(of: "k8s/apps/legacy/deployment.yaml") == nil)
        #expect(model.deployer(of: "k8s/scratch/debug-pod.yaml") == nil)
        #expect(
            model.deployer(of: "k8s/apps/web/service.yaml")?.via
                == "ApplicationSet apps (argocd/apps.yaml:1:1) → k8s/apps/web/ (directory)")
        // the clusters generator gives no `name`: reported, not guessed
        #expect(model.notes.contains { $0.file == "argocd/clusters.yaml" && $0.message.contains("'k8s/clusters/{{name}}' cannot be resolved") })
    }

    @Test func applicationSetWithKnownURLsOfAnotherRepository() {
        let model = GitOpsLab.fixture("argocd-applicationset").model(urls: ["git@github.com:someone/else.git"])
        #expect(!model.isActive)
        #expect(
            model.inactiveReason
                == "3 ArgoCD ApplicationSets found, none deploys from this repository (their repoURL: https://github.com/example/homelab.git)")
    }

    @Test func appOfAppsWithKustomize() {
        let lab = GitOpsLab.fixture("argocd-app-of-apps-kustomize")
        let model = lab.model()
        #expect(model.isActive)
        #expect(model.controllers.map(\.label) == [
            "Application apps (k8s/argocd/apps.yaml:1:1)", "Application monitoring (k8s/argocd/monitoring.yaml:1:1)",
            "Application root (k8s/bootstrap/root.yaml:1:1)",
        ])
        #expect(
            lab.deployed(model) == [
                "k8s/apps/kustomization.yaml": "Application apps",
                "k8s/apps/namespace.yaml": "Application apps",
                "k8s/apps/web/kustomization.yaml": "Application apps",
                "k8s/apps/web/deploy.yaml": "Application apps",
                "k8s/apps/web/service.yaml": "Application apps",
                "k8s/apps/web/patch-replicas.yaml": "Application apps",
                "k8s/apps/web/config/nginx.conf": "Application apps",
                "k8s/components/labels/kustomization.yaml": "Application apps",
                "k8s/argocd/apps.yaml": "Application root",
                "k8s/argocd/monitoring.yaml": "Application root",
                "k8s/monitoring/Chart.yaml": "Application monitoring",
                "k8s/monitoring/values.yaml": "Application monitoring",
                "k8s/monitoring/templates/deployment.yaml": "Application monitoring",
            ])
        #expect(model.deployer(of: "k8s/apps/stray/x.yaml") == nil)
        #expect(model.deployer(of: "k8s/apps/web/unused.yaml") == nil)
        #expect(model.deployer(of: "k8s/bootstrap/root.yaml") == nil)  // applied by hand
        #expect(
            model.deployer(of: "k8s/apps/web/deploy.yaml")?.via
                == "Application apps (k8s/argocd/apps.yaml:1:1) → k8s/apps/kustomization.yaml resources → web"
                + " → k8s/apps/web/kustomization.yaml resources → deploy.yaml")
        #expect(model.notes.isEmpty, "\(model.notes)")  // the remote resource is skipped silently
    }

    @Test func appOfAppsWithThisRepositorysURL() {
        let model = GitOpsLab.fixture("argocd-app-of-apps-kustomize").model(urls: ["https://GitHub.com/example/lab/"])
        #expect(model.controllers.count == 3)
        #expect(model.deployer(of: "k8s/apps/web/deploy.yaml") != nil)
    }

    @Test func flux() {
        let lab = GitOpsLab.fixture("flux")
        let model = lab.model()
        #expect(model.isActive)
        #expect(model.controllers.map(\.name) == ["apps", "flux-system", "homepage", "infrastructure"])
        #expect(
            lab.deployed(model) == [
                "apps/production/kustomization.yaml": "Kustomization apps",
                "apps/base/podinfo/kustomization.yaml": "Kustomization apps",
                "apps/base/podinfo/repository.yaml": "Kustomization apps",
                "apps/base/podinfo/release.yaml": "Kustomization apps",
                "clusters/home/apps.yaml": "Kustomization flux-system",
                "clusters/home/homepage.yaml": "Kustomization flux-system",
                "clusters/home/infrastructure.yaml": "Kustomization flux-system",
                "clusters/home/flux-system/kustomization.yaml": "Kustomization flux-system",
                "clusters/home/flux-system/gotk-sync.yaml": "Kustomization flux-system",
                "infrastructure/cert-manager/cluster-issuer.yaml": "Kustomization infrastructure",
                "infrastructure/metallb/kustomization.yaml": "Kustomization infrastructure",
                "infrastructure/metallb/ipaddresspool.yaml": "Kustomization infrastructure",
                "charts/homepage/Chart.yaml": "HelmRelease homepage",
                "charts/homepage/values.yaml": "HelmRelease homepage",
                "charts/homepage/values-home.yaml": "HelmRelease homepage",
                "charts/homepage/templates/deployment.yaml": "HelmRelease homepage",
            ])
        #expect(model.deployer(of: "infrastructure/metallb/old-pool.yaml") == nil)
        #expect(model.deployer(of: "apps/staging/podinfo-values.yaml") == nil)
        #expect(
            model.deployer(of: "infrastructure/metallb/ipaddresspool.yaml")?.via
                == "Kustomization infrastructure (clusters/home/infrastructure.yaml:1:1) → infrastructure/ (no kustomization file: every manifest under it)"
                + " → infrastructure/metallb/ → infrastructure/metallb/kustomization.yaml resources → ipaddresspool.yaml")
        // the GitRepository's URL decides once this repository's URLs are known
        #expect(lab.model(urls: ["git@github.com:example/home-ops.git"]).controllers.count == 4)
        let elsewhere = lab.model(urls: ["https://github.com/example/other"])
        #expect(!elsewhere.isActive)
        #expect(
            elsewhere.inactiveReason
                == "3 Flux Kustomizations and 2 Flux HelmReleases found, none deploys from this repository (their sources:"
                + " GitRepository flux-system (ssh://git@github.com/example/home-ops), HelmRepository podinfo (chart podinfo))")
    }

    @Test func otherRepositoriesOnly() {
        let lab = GitOpsLab.fixture("argocd-other-repo")
        let model = lab.model()
        #expect(!model.isActive)
        #expect(model.controllers.isEmpty)
        #expect(
            model.inactiveReason
                == "3 ArgoCD Applications found, none deploys from this repository (their repoURLs: https://charts.jetstack.io (chart cert-manager),"
                + " https://github.com/argoproj/argocd-example-apps.git (path guestbook is not in this tree),"
                + " https://kubernetes.github.io/ingress-nginx (chart ingress-nginx))")
        #expect(lab.deployed(model).isEmpty)
        let known = lab.model(urls: ["git@github.com:me/lab.git"])
        #expect(
            known.inactiveReason
                == "3 ArgoCD Applications found, none deploys from this repository (their repoURLs: https://charts.jetstack.io (chart cert-manager),"
                + " https://github.com/argoproj/argocd-example-apps.git, https://kubernetes.github.io/ingress-nginx (chart ingress-nginx))")
    }

    @Test func multiSourceAndRecurse() {
        let lab = GitOpsLab.fixture("argocd-multisource-recurse")
        let model = lab.model()
        #expect(
            lab.deployed(model) == [
                "platform/monitoring/values.yaml": "Application platform",
                "platform/manifests/namespace.yaml": "Application platform",
                "platform/manifests/storage/nfs-class.yml": "Application platform",
                "tools/toolbox.yaml": "Application tools",
            ])
        #expect(model.deployer(of: "platform/manifests/drafts/test-pod.yaml") == nil)  // exclude
        #expect(model.deployer(of: "platform/manifests/README.md") == nil)  // include
        #expect(model.deployer(of: "tools/archive/old-toolbox.yaml") == nil)  // no recurse
        #expect(
            model.deployer(of: "platform/monitoring/values.yaml")?.via
                == "Application platform (argocd/platform.yaml:1:1) → chart kube-prometheus-stack valueFiles → $values/platform/monitoring/values.yaml")
        let entry = model.controllers.first { $0.name == "platform" }?.deploys.first { $0.isFolder }
        #expect(entry?.description == "platform/manifests/** include *.yaml,*.yml exclude drafts/*")
    }

    @Test func argoAppsChartValues() {
        let lab = GitOpsLab.fixture("argocd-apps-values")
        let model = lab.model()
        #expect(model.isActive)
        #expect(model.controllers.map(\.label) == [
            "ApplicationSet root (bootstrap/argocd/values-seed.yaml:3:5)", "Application infra (bootstrap/argocd/values.yaml:7:5)",
            "ApplicationSet root (bootstrap/argocd/values.yaml:20:5)",
        ])
        #expect(
            lab.deployed(model) == [
                "apps/blog/deployment.yaml": "ApplicationSet root",
                "system/ingress-nginx/Chart.yaml": "ApplicationSet root",
                "system/ingress-nginx/values.yaml": "ApplicationSet root",
                "infra/storage/nfs-class.yaml": "Application infra",
            ])
        #expect(model.deployer(of: "scratch/test-pod.yaml") == nil)
        #expect(model.notes.isEmpty, "\(model.notes)")
        // the seed values take the template's path from values.yaml; with the GitHub URL known,
        // only the seed's ApplicationSet reads this repository
        let known = lab.model(urls: ["https://github.com/example/lab.git"])
        #expect(known.controllers.map(\.label) == ["ApplicationSet root (bootstrap/argocd/values-seed.yaml:3:5)"])
        #expect(known.deployer(of: "infra/storage/nfs-class.yaml") == nil)
    }

    @Test func settings() {
        let lab = GitOpsLab.fixture("flux")
        let off = lab.model(settings: GitOpsSettings(controller: .none))
        #expect(!off.isActive)
        #expect(off.inactiveReason == "GitOps is turned off in .constitution.yaml")
        let argo = lab.model(settings: GitOpsSettings(controller: .argocd))
        #expect(argo.inactiveReason == "no ArgoCD Application or ApplicationSet found (controller: argocd in .constitution.yaml)")
        let elsewhere = lab.model(settings: GitOpsSettings(deployedElsewhere: [Glob("apps/staging/**")]))
        #expect(elsewhere.deployer(of: "apps/staging/podinfo-values.yaml")?.via == "deployed some other way (.constitution.yaml)")
        #expect(elsewhere.deployer(of: "apps/staging/podinfo-values.yaml")?.controller == nil)
        #expect(GitOpsLab.fixture("argocd-applicationset").model(settings: GitOpsSettings(controller: .flux)).isActive == false)
    }
}

/// In-memory trees for the edge cases.
private func model(
    _ files: [String: String], others: [String] = [], urls: [String] = [], settings: GitOpsSettings = GitOpsSettings()
) -> GitOpsModel {
    var documents: [GitOpsDocument] = []
    for (path, text) in files.sorted(by: { $0.key < $1.key }) {
        for document in YAMLParser.parse(path: path, text: text).documents where GitOpsInput.isRelevant(path: path, document: document) {
            documents.append(GitOpsDocument(path: path, node: document))
        }
    }
    return GitOpsModel.build(GitOpsInput(documents: documents, files: Array(files.keys) + others, repositoryURLs: urls, settings: settings))
}

@Suite struct GitOpsPartsTests {
    @Test(arguments: [
        ("https://github.com/Owner/Repo.git", "github.com/Owner/Repo"),
        ("git@GitHub.com:Owner/Repo.git", "github.com/Owner/Repo"),
        ("ssh://git@github.com:22/Owner/Repo/", "github.com/Owner/Repo"),
        ("git+ssh://git@github.com/Owner/Repo", "github.com/Owner/Repo"),
        ("http://gitea-http.gitea:3000/ops/homelab", "gitea-http.gitea/ops/homelab"),
        (" https://HOST.example/a/b// ", "host.example/a/b"),
        ("", ""),
    ])
    func urlNormalisation(url: String, expected: String) {
        #expect(RepositoryURL.normalized(url) == expected)
    }

    @Test func gitConfigRemotes() {
        let config = """
            [core]
            \trepositoryformatversion = 0
            \turl = not-a-remote
            [remote "origin"]
            \turl = git@github.com:example/lab.git
            \tfetch = +refs/heads/*:refs/remotes/origin/*
            [branch "main"]
            \tremote = origin
            [remote "mirror"]
            \turl = "https://gitea.home.example/ops/lab.git"
            \tpushurl = https://gitea.home.example/ops/lab.git
            [url "git@github.com:"]
            \tinsteadOf = https://github.com/
            """
        #expect(RepositoryURL.remoteURLs(gitConfig: config) == ["git@github.com:example/lab.git", "https://gitea.home.example/ops/lab.git"])
        #expect(RepositoryURL.remoteURLs(gitConfig: "") == [])
    }

    @Test(arguments: [
        ("{{path}}", "k8s/apps/web"), ("{{.path.path}}", "k8s/apps/web"), ("{{ .path.basename }}", "web"),
        ("{{path.basename}}", "web"), ("x/{{path[1]}}/y", "x/apps/y"), ("{{index .path.segments 0}}", "k8s"),
        ("{{-.path.basename-}}", "web"), ("plain/path", "plain/path"),
    ])
    func templateSubstitution(template: String, expected: String) {
        let params = ApplicationSetParameters.pathParams(folder: "k8s/apps/web", file: nil, prefix: nil)
        #expect(ApplicationSetParameters.substitute(template, params) == expected)
    }

    @Test func unresolvableTemplates() {
        let params = ApplicationSetParameters.pathParams(folder: "k8s/apps/web", file: nil, prefix: nil)
        #expect(ApplicationSetParameters.substitute("{{name}}", params) == nil)
        #expect(ApplicationSetParameters.substitute("{{.path.basename | upper}}", params) == nil)
        #expect(ApplicationSetParameters.substitute("{{path", params) == nil)
    }

    @Test func braces() {
        #expect(ApplicationSetParameters.expandBraces("{a.yaml,b/*}") == ["a.yaml", "b/*"])
        #expect(ApplicationSetParameters.expandBraces("x-{1,2}-{a,b}") == ["x-1-a", "x-1-b", "x-2-a", "x-2-b"])
        #expect(ApplicationSetParameters.expandBraces("*.yaml") == ["*.yaml"])
        #expect(ApplicationSetParameters.expandBraces("{unclosed") == ["{unclosed"])
    }

    @Test func relevance() {
        let app = YAMLParser.parse(path: "a.yaml", text: "apiVersion: argoproj.io/v1alpha1\nkind: Application\n").documents[0]
        let deploy = YAMLParser.parse(path: "d.yaml", text: "apiVersion: apps/v1\nkind: Deployment\n").documents[0]
        let values = YAMLParser.parse(path: "values.yaml", text: "argocd-apps:\n  applications:\n    x:\n      source: {}\n").documents[0]
        let kustomization = YAMLParser.parse(path: "k/kustomization.yaml", text: "resources: [a.yaml]\n").documents[0]
        #expect(GitOpsInput.isRelevant(path: "a.yaml", document: app))
        #expect(!GitOpsInput.isRelevant(path: "d.yaml", document: deploy))
        #expect(GitOpsInput.isRelevant(path: "chart/values.yaml", document: values))
        #expect(!GitOpsInput.isRelevant(path: "chart/other.yaml", document: values))
        #expect(GitOpsInput.isRelevant(path: "k/kustomization.yaml", document: kustomization))
        #expect(GitOpsInput.mayBeRelevant(path: "k/Kustomization", bytes: []))
        #expect(!GitOpsInput.mayBeRelevant(path: "d.yaml", bytes: Array("apiVersion: apps/v1\nkind: Deployment\n".utf8)))
        #expect(GitOpsInput.mayBeRelevant(path: "f.yaml", bytes: Array("apiVersion: kustomize.toolkit.fluxcd.io/v1\n".utf8)))
    }

    @Test func matrixOfGitAndList() {
        let m = model(
            [
                "appset.yaml": """
                apiVersion: argoproj.io/v1alpha1
                kind: ApplicationSet
                metadata: {name: matrix}
                spec:
                  goTemplate: true
                  generators:
                    - matrix:
                        generators:
                          - git:
                              repoURL: https://github.com/example/lab
                              directories: [{path: apps/*}]
                          - list:
                              elements: [{env: prod}, {env: dev}]
                  template:
                    spec:
                      source:
                        repoURL: https://github.com/example/lab
                        path: '{{.path.path}}/overlays/{{.env}}'
                """
            ], others: ["apps/web/overlays/prod/a.yaml", "apps/web/overlays/dev/a.yaml", "apps/web/overlays/test/a.yaml", "apps/db/overlays/prod/a.yaml"])
        #expect(m.deployer(of: "apps/web/overlays/prod/a.yaml")?.name == "matrix")
        #expect(m.deployer(of: "apps/web/overlays/dev/a.yaml") != nil)
        #expect(m.deployer(of: "apps/db/overlays/prod/a.yaml") != nil)
        #expect(m.deployer(of: "apps/web/overlays/test/a.yaml") == nil)
        // apps/db/overlays/dev does not exist: this repository's URLs are unknown, so it is foreign, not a note
        #expect(m.notes.isEmpty, "\(m.notes)")
    }

    @Test func gitFilesGenerator() {
        let m = model(
            [
                "appset.yaml": """
                apiVersion: argoproj.io/v1alpha1
                kind: ApplicationSet
                metadata: {name: clusters}
                spec:
                  generators:
                    - git:
                        repoURL: https://github.com/example/lab
                        files:
                          - path: clusters/**/config.json
                          - path: clusters/old/config.json
                            exclude: true
                  template:
                    spec:
                      source:
                        repoURL: https://github.com/example/lab
                        path: '{{path}}/manifests'
                """
            ],
            others: [
                "clusters/home/config.json", "clusters/home/manifests/a.yaml", "clusters/old/config.json", "clusters/old/manifests/a.yaml",
            ])
        #expect(m.deployer(of: "clusters/home/manifests/a.yaml") != nil)
        #expect(m.deployer(of: "clusters/old/manifests/a.yaml") == nil)
    }

    @Test func kustomizeCyclesAndMissingEntries() {
        let m = model(
            [
                "app.yaml": """
                apiVersion: argoproj.io/v1alpha1
                kind: Application
                metadata: {name: loop}
                spec:
                  source: {repoURL: https://github.com/example/lab, path: a}
                """,
                "a/kustomization.yaml": "resources: [../b, missing.yaml, github.com/example/base?ref=v1]\n",
                "b/kustomization.yaml": "resources: [../a, b.yaml]\n",
                "b/b.yaml": "kind: ConfigMap\n",
            ])
        #expect(m.deployer(of: "b/b.yaml")?.name == "loop")
        #expect(m.notes.map(\.description) == ["a/kustomization.yaml:1:19: resources entry 'missing.yaml' is not in this tree"])
    }

    @Test func fluxSourcesNotInTheTree() {
        let ks = """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: flux-system}
            spec:
              path: ./kubernetes/apps
              sourceRef: {kind: GitRepository, name: flux-system}
            ---
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: oci, namespace: flux-system}
            spec:
              path: ./
              sourceRef: {kind: OCIRepository, name: manifests}
            """
        let m = model(["ks.yaml": ks], others: ["kubernetes/apps/a/deploy.yaml"])
        #expect(m.controllers.map(\.name) == ["apps"])
        #expect(m.deployer(of: "kubernetes/apps/a/deploy.yaml")?.name == "apps")
        // a flux-system GitRepository made by `flux bootstrap` is this repository, known URLs or not
        #expect(model(["ks.yaml": ks], others: ["kubernetes/apps/a/deploy.yaml"], urls: ["https://github.com/x/y"]).isActive)
    }

    @Test func coincidentPathNeedsTheURL() {
        let app = """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: podinfo}
            spec:
              source: {repoURL: https://github.com/stefanprodan/podinfo, path: kustomize}
            """
        // unknown URLs: a path that exists here counts; known URLs decide
        #expect(model(["app.yaml": app], others: ["kustomize/deploy.yaml"]).isActive)
        let known = model(["app.yaml": app], others: ["kustomize/deploy.yaml"], urls: ["git@github.com:me/lab"])
        #expect(known.inactiveReason == "1 ArgoCD Application found, it does not deploy from this repository (its repoURL: https://github.com/stefanprodan/podinfo)")
    }

    @Test func coverage() {
        let folder = DeployedPath(path: "k8s/äpps", isFolder: true, via: "x")
        #expect(folder.covers("k8s/äpps/a.yaml"))
        #expect(!folder.covers("k8s/äpps/sub/a.yaml"))
        #expect(!folder.covers("k8s/äppsx/a.yaml"))
        #expect(!folder.covers("k8s/äpps"))
        let tree = DeployedPath(path: "", isFolder: true, recursive: true, except: ["b"], via: "x")
        #expect(tree.covers("a/x.yaml"))
        #expect(!tree.covers("b/x.yaml"))
        #expect(tree.description == "./** except b")
    }

    @Test func noControllerAtAll() {
        let m = model(["deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\n"])
        #expect(!m.isActive)
        #expect(m.inactiveReason == "no GitOps controller found")
        #expect(m.deployer(of: "deploy.yaml") == nil)
    }
}

/// The three public labs of `../shared/corpus`, when present.
@Suite struct GitOpsCorpusTests {
    static let corpus = TestSupport.corpus
    static func lab(_ name: String) -> GitOpsLab? {
        guard let corpus else { return nil }
        return GitOpsLab(corpus + "/" + name)
    }
    static let hasOnedr0p = corpus.map { TestSupport.readBytes($0 + "/onedr0p__home-ops/kubernetes/flux/cluster/ks.yaml") != nil } ?? false
    static let hasKhuedoan = corpus.map { TestSupport.readBytes($0 + "/khuedoan__homelab/system/argocd/values.yaml") != nil } ?? false
    static let hasExampleApps = corpus.map { TestSupport.readBytes($0 + "/argoproj__argocd-example-apps/apps/values.yaml") != nil } ?? false

    static func manifests(_ lab: GitOpsLab, under prefix: String) -> [String] {
        lab.files.filter { $0.hasPrefix(prefix) && ["yaml", "yml"].contains(PathText.fileExtension($0)) }
    }

    @Test(.enabled(if: hasOnedr0p, "no ../shared/corpus/onedr0p__home-ops"))
    func onedr0pIsFlux() throws {
        let lab = try #require(Self.lab("onedr0p__home-ops"))
        let model = lab.model()
        #expect(model.isActive)
        #expect(model.controllers.allSatisfy { $0.kind == .fluxKustomization || $0.kind == .helmRelease })
        #expect(model.controllers.count > 50)
        // every app manifest, but a runner set whose entry is commented out in its kustomization
        let apps = Self.manifests(lab, under: "kubernetes/apps/")
        let notDeployed = apps.filter { model.deployer(of: $0) == nil }
        #expect(apps.count > 300)
        #expect(notDeployed.allSatisfy { $0.contains("/runners/home-operations/") }, "\(notDeployed)")
        // components, from kustomizations and from Flux Kustomizations' spec.components
        #expect(model.deployer(of: "kubernetes/components/alerts/alertmanager/alert.yaml") != nil)
        #expect(model.deployer(of: "kubernetes/components/zeroscaler/horizontalpodautoscaler.yaml")?.via.contains("components → ../../../../components/zeroscaler") == true)
        // applied by hand or by the Flux operator, not by a controller
        #expect(model.deployer(of: "kubernetes/flux/cluster/ks.yaml") == nil)
        #expect(model.deployer(of: ".github/workflows/tag.yaml") == nil)
        #expect(model.deployer(of: "bootstrap/helmfile/apps.yaml") == nil)
    }

    @Test(.enabled(if: hasKhuedoan, "no ../shared/corpus/khuedoan__homelab"))
    func khuedoanIsAnApplicationSetInChartValues() throws {
        let lab = try #require(Self.lab("khuedoan__homelab"))
        let model = lab.model()
        #expect(model.isActive)
        #expect(model.controllers.map(\.kind) == [.applicationSet, .applicationSet])  // values-seed.yaml and values.yaml
        #expect(model.notes.isEmpty, "\(model.notes)")
        // every file of every system/*, platform/* and apps/* folder (each a Helm chart)
        let charted = lab.files.filter { path in
            ["system/", "platform/", "apps/"].contains { path.hasPrefix($0) } && path.split(separator: "/").count > 2
        }
        #expect(charted.count > 60)
        #expect(charted.allSatisfy { model.deployer(of: $0) != nil }, "\(charted.filter { model.deployer(of: $0) == nil })")
        #expect(model.deployer(of: "system/bootstrap.yml") == nil)
        #expect(model.deployer(of: "metal/cluster.yml") == nil)
        #expect(model.deployer(of: "external/namespaces.yml") == nil)
    }

    @Test(.enabled(if: hasExampleApps, "no ../shared/corpus/argoproj__argocd-example-apps"))
    func exampleAppsHasOnlyTemplatedApplications() throws {
        let lab = try #require(Self.lab("argoproj__argocd-example-apps"))
        let model = lab.model()
        // its Applications are Helm templates (apps/templates), and its values are not argocd-apps'
        #expect(!model.isActive)
        #expect(model.inactiveReason == "no GitOps controller found")
        #expect(model.notes.contains { $0.file == "apps/values.yaml" })
    }
}
