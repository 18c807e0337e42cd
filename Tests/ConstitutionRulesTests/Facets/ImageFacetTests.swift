import ConstitutionCore
import Testing

@testable import ConstitutionRules

@Suite("Image facet")
struct ImageFacetTests {
    static let references: [(String, String, String, String, String)] = [
        // reference, registry, name, tag, digest
        ("nginx", "docker.io", "nginx", "", ""),
        ("nginx:1.27", "docker.io", "nginx", "1.27", ""),
        ("library/nginx:1.27", "docker.io", "nginx", "1.27", ""),
        ("docker.io/library/nginx:1.27", "docker.io", "nginx", "1.27", ""),
        ("index.docker.io/minio/minio", "docker.io", "minio/minio", "", ""),
        ("scylladb/scylla:5.4", "docker.io", "scylladb/scylla", "5.4", ""),
        ("quay.io/minio/minio:RELEASE.2024-01-01T00-00-00Z", "quay.io", "minio/minio", "RELEASE.2024-01-01T00-00-00Z", ""),
        ("localhost:5000/a/b:1@sha256:abc123", "localhost:5000", "a/b", "1", "sha256:abc123"),
        ("localhost/app", "localhost", "app", "", ""),
        ("registry:5000/app", "registry:5000", "app", "", ""),
        ("ghcr.io/org/app@sha256:0123", "ghcr.io", "org/app", "", "sha256:0123"),
        ("ghcr.io/org/app:v1.2.3", "ghcr.io", "org/app", "v1.2.3", ""),
        ("{{ .Values.image.repository }}:{{ .Values.image.tag }}", "docker.io", "{{ .Values.image.repository }}", "{{ .Values.image.tag }}", ""),
        ("ghcr.io/org/app:{{ version | default('a:b') }}", "ghcr.io", "org/app", "{{ version | default('a:b') }}", ""),
        ("${REGISTRY}/app:${TAG}", "docker.io", "${REGISTRY}/app", "${TAG}", ""),
        ("", "docker.io", "", "", ""),
    ]

    @Test(arguments: references)
    func referenceParsing(_ row: (String, String, String, String, String)) {
        let ref = ImageReference(row.0)
        #expect(ref.registry == row.1, "\(row.0)")
        #expect(ref.name == row.2, "\(row.0)")
        #expect(ref.tag == row.3, "\(row.0)")
        #expect(ref.digest == row.4, "\(row.0)")
    }

    @Test func kubernetesContainersOfEveryKind() {
        let items = FacetFixture.items(
            .image, "k8s/apps.yaml",
            """
            apiVersion: apps/v1
            kind: StatefulSet
            spec:
              template:
                spec:
                  initContainers:
                    - name: init
                      image: busybox
                  containers:
                    - name: scylla
                      image: scylladb/scylla:5.4
            ---
            apiVersion: batch/v1
            kind: CronJob
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                        - name: backup
                          image: quay.io/minio/minio:RELEASE.2024-01-01T00-00-00Z
            ---
            apiVersion: v1
            kind: Service
            spec:
              image: not-a-pod
            """, kind: .kubernetes)
        #expect(items.map { $0.text("image") } == ["busybox", "scylladb/scylla:5.4", "quay.io/minio/minio:RELEASE.2024-01-01T00-00-00Z"])
        #expect(items.map { $0.text("name") } == ["busybox", "scylladb/scylla", "minio/minio"])
        #expect(items.map(\.at) == ["8:18", "11:18", "22:22"])
        #expect(items[1].at("tag") == "11:34")
        #expect(items[2].at("registry") == "22:22")
        #expect(items[2].at("name") == "22:30")
        #expect(items[2].at("tag") == "22:42")
    }

    @Test func composeAndWorkflowImages() {
        let compose = FacetFixture.items(
            .image, "compose.yaml",
            """
            services:
              glance:
                image: docker.io/glanceapp/glance:v0.7.3
              built:
                build: .
            """, kind: .compose)
        #expect(compose.map { $0.text("name") } == ["glanceapp/glance"])
        #expect(compose.map(\.at) == ["3:12"])

        let workflow = FacetFixture.items(
            .image, ".gitea/workflows/ci.yaml",
            """
            on: push
            jobs:
              a:
                container: node:20
                services:
                  db:
                    image: postgres:16
                steps:
                  - uses: docker://alpine:3.20
                  - uses: actions/checkout@v4
              b:
                container:
                  image: ghcr.io/org/ci@sha256:abc
            """, kind: .workflow)
        #expect(workflow.map { $0.text("image") } == ["node:20", "postgres:16", "alpine:3.20", "ghcr.io/org/ci@sha256:abc"])
        #expect(workflow.map(\.at) == ["4:16", "7:16", "9:24", "13:14"])
        #expect(workflow[3].text("digest") == "sha256:abc")
        #expect(workflow[3].at("digest") == "13:29")
    }

    @Test func helmReleaseAndArgoValues() {
        let items = FacetFixture.items(
            .image, "k8s/releases.yaml",
            """
            apiVersion: helm.toolkit.fluxcd.io/v2
            kind: HelmRelease
            spec:
              values:
                controllers:
                  app:
                    containers:
                      app:
                        image:
                          repository: ghcr.io/home-operations/sonarr
                          tag: 4.0.14@sha256:abc
                sidecar:
                  image: "busybox:1.36"
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            spec:
              source:
                helm:
                  valuesObject:
                    image: {registry: quay.io, repository: minio/minio, tag: RELEASE.2024-01-01T00-00-00Z}
                  values: |
                    server:
                      image: nginx:1.27
            """, kind: .kubernetes)
        #expect(
            items.map { $0.text("image") } == [
                "ghcr.io/home-operations/sonarr:4.0.14@sha256:abc", "busybox:1.36",
                "quay.io/minio/minio:RELEASE.2024-01-01T00-00-00Z", "nginx:1.27",
            ])
        #expect(items.map { $0.text("registry") } == ["ghcr.io", "docker.io", "quay.io", "docker.io"])
        #expect(items.map { $0.text("name") } == ["home-operations/sonarr", "busybox", "minio/minio", "nginx"])
        #expect(items.map { $0.text("tag") } == ["4.0.14", "1.36", "RELEASE.2024-01-01T00-00-00Z", "1.27"])
        #expect(items.map(\.at) == ["10:27", "13:14", "21:48", "24:18"])
        #expect(items[0].at("tag") == "11:20")
        #expect(items[2].at("registry") == "21:27")
        #expect(items[3].at("tag") == "24:24")
    }
}
