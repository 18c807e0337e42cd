import ConstitutionCore
import Testing

@testable import ConstitutionRules

@Suite("File facet")
struct FileFacetTests {
    @Test func copyContentBlockMapsLineByLine() {
        let items = FacetFixture.items(
            .file, "roles/docker/tasks/main.yml",
            """
            - name: Configure the Docker daemon
              ansible.builtin.copy:
                dest: /etc/docker/daemon.json
                content: |
                  {
                    "log-driver": "json-file"
                  }
                mode: "0644"
            """, kind: .ansibleTasks)
        #expect(items.count == 1)
        #expect(items[0].text("dest") == "/etc/docker/daemon.json")
        #expect(items[0].text("content") == "{\n  \"log-driver\": \"json-file\"\n}\n")
        #expect(items[0].text("source") == "copy")
        #expect(items[0].at == "4:14")
        #expect(items[0].at("dest") == "3:11")
        #expect(items[0]["content"]?.at("log-driver") == "6:10")
    }

    @Test func freeFormCopyUnquotesAndDecodesEscapes() {
        let items = FacetFixture.items(
            .file, "roles/dnsmasq/tasks/main.yml",
            """
            - name: wildcard
              copy: dest=/etc/dnsmasq.d/10-wildcard.conf content="address=/.lab/10.0.0.10\\n" owner=root mode=0644
            """, kind: .ansibleTasks)
        #expect(items.count == 1)
        #expect(items[0].text("dest") == "/etc/dnsmasq.d/10-wildcard.conf")
        #expect(items[0].text("content") == "address=/.lab/10.0.0.10\n")
        #expect(items[0].at("dest") == "2:14")
        #expect(items[0].at == "2:55")
        #expect(items[0]["content"]?.at("/.lab") == "2:63")
    }

    @Test func templateContentComesFromTheRoleAndIsReportedAtSrc() {
        let template = "disable:\n  - servicelb\n"
        let items = FacetFixture.items(
            .file, "ansible/roles/k3s_server/tasks/main.yml",
            """
            - name: Render the k3s server config
              ansible.builtin.template:
                src: config.yaml.j2
                dest: /etc/rancher/k3s/config.yaml
            - name: Missing template
              template: src=nowhere.j2 dest=/etc/x
            """, kind: .ansibleTasks, repo: ["ansible/roles/k3s_server/templates/config.yaml.j2": template])
        #expect(items.count == 1)
        #expect(items[0].text("content") == template)
        #expect(items[0].text("source") == "template")
        #expect(items[0].at == "3:10")
        #expect(items[0]["content"]?.at("servicelb") == "3:10")
    }

    @Test func candidatePathsFollowAnsibleSearchOrder() {
        #expect(
            FileFacet.candidatePaths(src: "a.j2", folder: "templates", filePath: "x/roles/r/tasks/main.yml") == [
                "x/roles/r/templates/a.j2", "x/roles/r/a.j2", "x/roles/r/tasks/templates/a.j2", "x/roles/r/tasks/a.j2",
            ])
        #expect(FileFacet.candidatePaths(src: "../t/a.j2", folder: "templates", filePath: "site.yml") == ["t/a.j2"])
        #expect(FileFacet.candidatePaths(src: "{{ x }}", folder: "templates", filePath: "site.yml") == [])
        #expect(FileFacet.candidatePaths(src: "a.j2", folder: "templates", filePath: "pb/site.yml") == ["pb/templates/a.j2", "pb/a.j2"])
    }

    @Test func loopEntriesResolveItemArguments() {
        let items = FacetFixture.items(
            .file, "roles/k3s/tasks/main.yml",
            """
            - name: Copy k3s config files
              ansible.builtin.template:
                src: "{{ item.src }}"
                dest: "{{ item.dest }}"
              loop:
                - src: config.yaml.j2
                  dest: /etc/rancher/k3s/config.yaml
                - src: k3s.service.j2
                  dest: /etc/systemd/system/k3s.service
            """, kind: .ansibleTasks,
            repo: ["roles/k3s/templates/config.yaml.j2": "a: 1\n", "roles/k3s/templates/k3s.service.j2": "[Unit]\n"])
        #expect(items.map { $0.text("dest") } == ["/etc/rancher/k3s/config.yaml", "/etc/systemd/system/k3s.service"])
        #expect(items.map { $0.text("content") } == ["a: 1\n", "[Unit]\n"])
        #expect(items.map(\.at) == ["6:12", "8:12"])
    }

    @Test func lineinfileAndBlockinfile() {
        let items = FacetFixture.items(
            .file, "roles/x/tasks/main.yml",
            """
            - lineinfile:
                path: /etc/dnsmasq.d/20-hosts.conf
                line: host-record=nas.lab,10.0.0.20
            - ansible.builtin.lineinfile:
                path: /etc/hosts
                regexp: old
                state: absent
            - ansible.builtin.blockinfile:
                dest: /etc/exports
                block: |
                  /tank 10.0.0.0/24(rw)
            """, kind: .ansibleTasks)
        #expect(items.map { $0.text("source") } == ["lineinfile", "blockinfile"])
        #expect(items.map { $0.text("dest") } == ["/etc/dnsmasq.d/20-hosts.conf", "/etc/exports"])
        #expect(items.map { $0.text("content") } == ["host-record=nas.lab,10.0.0.20", "/tank 10.0.0.0/24(rw)"])
        #expect(items.map(\.at) == ["3:11", "10:12"])
    }

    @Test func cloudInitWriteFilesDecodesBase64AndSkipsGzip() {
        let items = FacetFixture.items(
            .file, "cloud-init/dns.yaml",
            """
            #cloud-config
            write_files:
              - path: /etc/dnsmasq.d/20-hosts.conf
                content: |
                  host-record=dns-1.lab,10.0.0.53
                  address=/gitea.lab/10.0.0.10
              - path: /etc/b64
                encoding: b64
                content: aGVsbG8gd29ybGQ=
              - path: /etc/gz
                encoding: gzip
                content: !!binary H4sI
              - path: /etc/empty
              - path: /etc/bin
                content: !!binary aGk=
            """, kind: .cloudInit)
        #expect(items.map { $0.text("dest") } == ["/etc/dnsmasq.d/20-hosts.conf", "/etc/b64", "/etc/empty", "/etc/bin"])
        #expect(items.map { $0.text("content") } == ["host-record=dns-1.lab,10.0.0.53\naddress=/gitea.lab/10.0.0.10\n", "hello world", "", "hi"])
        #expect(items.map(\.at) == ["4:14", "9:14", "13:5", "15:14"])
        #expect(items[0]["content"]?.at("address") == "6:7")
        #expect(items.allSatisfy { $0.text("source") == "write_files" })
    }

    @Test func configMapDataKeysAreDestinations() {
        let items = FacetFixture.items(
            .file, "k8s/dns.yaml",
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: lab-dns-zone
            data:
              30-wildcard.conf: |
                address=/lab/10.0.0.10
              other: plain
            """, kind: .kubernetes)
        #expect(items.map { $0.text("dest") } == ["30-wildcard.conf", "other"])
        #expect(items.map(\.at) == ["6:21", "8:10"])
        #expect(items.map { $0.at("dest") } == ["6:3", "8:3"])
        #expect(items[0]["content"]?.at("address") == "7:5")
        #expect(items.allSatisfy { $0.text("source") == "configmap" })
    }

    @Test func textFilesAreRepoFilesWithExactLines() {
        let items = FacetFixture.items(.file, "dnsmasq.d/lab.conf", "# lab\ndomain=lab\naddress=/lab/10.0.0.10\n", kind: .text)
        #expect(items.count == 1)
        #expect(items[0].text("dest") == "dnsmasq.d/lab.conf")
        #expect(items[0].text("source") == "repo-file")
        #expect(items[0].at == "1:1")
        #expect(items[0]["content"]?.at("address=/lab") == "3:1")
        #expect(items[0]["content"]?.at("10.0.0.10") == "3:14")
    }

    @Test func base64() {
        #expect(Base64.decode("aGVsbG8=") == Array("hello".utf8))
        #expect(Base64.decode("aGVs\nbG8gd29y bGQ=") == Array("hello world".utf8))
        #expect(Base64.decode("not base64!") == nil)
    }
}
