import TestSupport
import Testing

/// `gitops-manifests-deployed` on labs built the common ways (issue 14 §1): the real binary over
/// the fixture labs of Tests/Fixtures/gitops, each with exactly the manifests nothing deploys;
/// a lab with no controller deploying from it has the rule inactive, and `coverage` says so.
@Suite("GitOps labs (real binary)")
struct GitOpsLabTests {
    let bin = TestSupport.binary
    static let fixtures = TestSupport.packageRoot + "/Tests/Fixtures/gitops/"

    /// The `gitops-manifests-deployed` findings of linting `lab` (a folder), as `path:line:col`.
    func undeployed(_ lab: String, _ extra: [String] = []) -> [String] {
        let r = TestSupport.run(bin, ["lint", lab] + extra)
        return TestSupport.findings(r.stdout).filter { $0.hasSuffix(" gitops-manifests-deployed") }.map { String($0.split(separator: " ")[0]) }
    }

    @Test func argoApplicationSetWithGitDirectoriesAndAnExclude() {
        #expect(
            undeployed(Self.fixtures + "argocd-applicationset") == [
                "k8s/apps/legacy/deployment.yaml:1:1", "k8s/environments/dev/config.yaml:1:1", "k8s/scratch/debug-pod.yaml:1:1",
            ])
    }

    @Test func appOfAppsWithKustomizeResources() {
        // k8s/apps/web/deploy.yaml is deployed through k8s/apps/kustomization.yaml's `resources: [web]`;
        // what no kustomization lists is not.
        #expect(undeployed(Self.fixtures + "argocd-app-of-apps-kustomize") == ["k8s/apps/stray/x.yaml:1:1", "k8s/apps/web/unused.yaml:1:1"])
    }

    @Test func fluxKustomizationsAndAHelmReleaseFromTheRepository() {
        #expect(undeployed(Self.fixtures + "flux") == ["apps/staging/podinfo-values.yaml:1:1", "infrastructure/metallb/old-pool.yaml:1:1"])
        // Folders deployed some other way are named in .constitution.yaml.
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        _ = TestSupport.run("/bin/cp", ["-R", Self.fixtures + "flux", root + "/lab"])
        TestSupport.write(["lab/.constitution.yaml": "schema: 1\ngitops: {deployed_elsewhere: [\"apps/staging/**\"]}\n"], under: root)
        #expect(undeployed(root + "/lab") == ["infrastructure/metallb/old-pool.yaml:1:1"])
    }

    @Test func multiSourceRecurseIncludeExcludeAndArgoAppsChartValues() {
        #expect(
            undeployed(Self.fixtures + "argocd-multisource-recurse") == [
                "platform/manifests/drafts/test-pod.yaml:1:1", "platform/monitoring/dashboard.yaml:1:1", "tools/archive/old-toolbox.yaml:1:1",
            ])
        #expect(undeployed(Self.fixtures + "argocd-apps-values") == ["scratch/test-pod.yaml:1:1"])
    }

    @Test func applicationsOfOtherRepositoriesLeaveTheRuleInactive() {
        let lab = Self.fixtures + "argocd-other-repo"
        #expect(undeployed(lab).isEmpty)
        let coverage = TestSupport.run(bin, ["coverage", lab])
        #expect(coverage.stdout.contains("\n  gitops-manifests-deployed: 3 ArgoCD Applications found, none deploys from this repository"), "\(coverage.stdout)")
        #expect(coverage.stdout.contains("gitops-manifests-deployed             inactive         1         0"), "\(coverage.stdout)")
        let json = TestSupport.run(bin, ["coverage", lab, "--format", "json"])
        #expect(json.stdout.contains("\"state\": \"inactive\""))
    }

    @Test func theRepositoryURLDecidesWhatIsThisRepository() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                "k8s/argocd/web.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec:\n  source: {repoURL: \"https://git.lab/ops/homelab.git\", path: k8s/apps/web}\n",
                "k8s/apps/web/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
                "k8s/apps/stray/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: stray}\n",
                ".git/HEAD": "ref: refs/heads/main\n",
                ".git/config": "[remote \"origin\"]\n\turl = git@git.lab:ops/homelab.git\n",
            ], under: root)
        // .git/config names this repository (ssh form of the same URL): the Application deploys from it.
        #expect(undeployed(root) == ["k8s/apps/stray/pod.yaml:1:1"])
        // Another remote: the Application deploys from elsewhere, so nothing here is GitOps-deployed
        // and the rule does not apply.
        TestSupport.write([".git/config": "[remote \"origin\"]\n\turl = https://github.com/someone/else.git\n"], under: root)
        #expect(undeployed(root).isEmpty)
        // .constitution.yaml can name the repository's URLs, and turn GitOps off.
        TestSupport.write([".constitution.yaml": "schema: 1\ngitops: {repositories: [\"https://git.lab/ops/homelab\"]}\n"], under: root)
        #expect(undeployed(root) == ["k8s/apps/stray/pod.yaml:1:1"])
        TestSupport.write([".constitution.yaml": "schema: 1\ngitops: {controller: none}\n"], under: root)
        #expect(undeployed(root).isEmpty)
        let coverage = TestSupport.run(bin, ["coverage", "."], directory: root)
        #expect(coverage.stdout.contains("gitops-manifests-deployed: GitOps is turned off in .constitution.yaml"), "\(coverage.stdout)")
        // A misspelt controller is a located error.
        TestSupport.write([".constitution.yaml": "schema: 1\ngitops: {controller: argo}\n"], under: root)
        let bad = TestSupport.run(bin, ["lint", "."], directory: root)
        #expect(bad.status == 3)
        #expect(bad.stderr.contains(".constitution.yaml:2:22: error: gitops.controller must be auto, argocd, flux, none, found 'argo'"), "\(bad.stderr)")
    }

    @Test func traceNamesTheControllerThatDeploysAFile() {
        let r = TestSupport.run(bin, ["rules", "trace", "gitops-manifests-deployed", "k8s/apps/web/deploy.yaml", "--root", "."], directory: Self.fixtures + "argocd-app-of-apps-kustomize")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("✓ Deployment web at 1:1 deployed by a GitOps controller"), "\(r.stdout)")
        #expect(r.stdout.contains("· k8s/apps/web/deploy.yaml is deployed: Application"), "\(r.stdout)")
    }
}
