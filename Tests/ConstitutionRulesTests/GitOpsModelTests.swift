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
