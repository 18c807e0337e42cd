import ConstitutionCore
import Testing

@testable import ConstitutionRules

@Suite("Setting facet: Ansible variables")
struct SettingFacetVariableTests {
    @Test func varsFilesInventoriesAndPlays() {
        let vars = FacetFixture.items(.setting, "group_vars/all.yml", "a_server_args: x\nb: 2\n", kind: .ansibleVars, key: "*_server_args")
        #expect(vars.map { $0.text("key") } == ["a_server_args"])
        #expect(vars.map { $0.text("scope") } == ["vars-file"])
        #expect(vars.map(\.at) == ["1:1"])
        #expect(vars[0]["value"]?.scalarText == "x")

        let inventory = FacetFixture.items(
            .setting, "inventory/hosts.yml",
            """
            all:
              vars:
                a: 1
              hosts:
                h1:
                  b: 2
              children:
                servers:
                  vars:
                    c: 3
                  hosts:
                    s1: {d: 4}
            """, kind: .ansibleInventory, key: nil)
        #expect(inventory.map { $0.text("key") } == ["a", "b", "c", "d"])
        #expect(inventory.map(\.at) == ["3:5", "6:7", "10:9", "12:14"])
        #expect(inventory.allSatisfy { $0.text("scope") == "inventory" })

        let play = FacetFixture.items(
            .setting, "site.yml",
            """
            - hosts: all
              vars:
                k3s_kubeconfig: /etc/rancher/k3s/k3s.yaml
              roles:
                - role: k3s
                  extra_server_args: --disable servicelb
              tasks:
                - ansible.builtin.set_fact:
                    fact_one: 1
            """, kind: .ansiblePlaybook, key: "*")
        #expect(play.map { $0.text("key") } == ["k3s_kubeconfig", "extra_server_args", "fact_one"])
        #expect(play.map { $0.text("scope") } == ["play", "play", "set_fact"])
    }
}

@Suite("Setting facet: k3s.server")
struct SettingFacetK3sTests {
    private func servers(_ path: String, _ text: String, kind: FileKind, key: String = "k3s.server", repo: [String: String] = [:]) -> [FacetObject] {
        FacetFixture.items(.setting, path, text, kind: kind, key: key, repo: repo)
    }

    @Test func serverArgsVariable() {
        let items = servers("ansible/group_vars/k3s_servers.yml", "x: 1\nextra_server_args: --tls-san 10.0.0.5 --disable servicelb\n", kind: .ansibleVars)
        #expect(items.count == 1)
        #expect(items[0].text("role") == "server")
        #expect(items[0].list("disable") == ["servicelb"])
        #expect(items[0].listAt("disable") == ["2:49"])
        #expect(items[0].at == "2:1")
        #expect(items[0].at("disable") == "2:1")
        #expect(items[0].text("source") == "ansible-vars")
        #expect(items[0].text("flags") == "--tls-san 10.0.0.5 --disable servicelb")

        let without = servers("group_vars/all.yml", "extra_server_args: --tls-san 10.0.0.5\n", kind: .ansibleVars)
        #expect(without.count == 1)
        #expect(without[0].list("disable") == [])
        #expect(without[0].at("disable") == "1:1")
    }

    @Test func foldedArgsKeepTokenPositions() {
        let items = servers(
            "group_vars/all.yml",
            """
            extra_server_args: >-
              {{ extra_args }}
              --disable servicelb
              --disable=traefik,local-storage
              --no-deploy metrics-server
            extra_agent_args: >-
              {{ extra_args }}
            """, kind: .ansibleVars)
        #expect(items.count == 1)
        #expect(items[0].list("disable") == ["servicelb", "traefik", "local-storage", "metrics-server"])
        #expect(items[0].listAt("disable") == ["3:13", "4:13", "4:21", "5:15"])
        let agents = servers("group_vars/all.yml", "extra_agent_args: --node-ip 1.2.3.4\n", kind: .ansibleVars, key: "k3s.agent")
        #expect(agents.map { $0.text("role") } == ["agent"])
        #expect(servers("group_vars/all.yml", "extra_agent_args: --node-ip 1.2.3.4\n", kind: .ansibleVars).isEmpty)
    }

    @Test func argumentLists() {
        let items = servers(
            "group_vars/k3s.yml",
            """
            k3s_server_args:
              - --tls-san=k3s.lab
              - --disable=servicelb
              - "--disable traefik"
            install_k3s_exec: server --disable=local-storage
            """, kind: .ansibleVars)
        #expect(items.count == 1)
        #expect(items[0].list("disable") == ["servicelb", "traefik", "local-storage"])
        #expect(items[0].listAt("disable") == ["3:15", "4:16", "5:36"])
    }

    @Test func emptyDefaultsAndForwardingSayNothing() {
        let items = servers(
            "roles/k3s_server/defaults/main.yml",
            """
            extra_server_args: ""
            server_init_args: >-
              {% if x %}--cluster-init{% endif %}
              {{ extra_server_args }}
            k3s_version: v1.30.2+k3s1
            k3s_server_location: /var/lib/rancher/k3s
            kube_apiserver_args: --foo
            nfs_server_args: --bar
            """, kind: .ansibleVars)
        #expect(items.isEmpty)
    }

    @Test func configMappingsInVariables() {
        let items = servers(
            "roles/k3s/defaults/main.yml",
            """
            k3s_server_config:
              tls-san:
                - "{{ control_plane_endpoint }}"
              disable:
                - local-storage
                - servicelb
              flannel-backend: none
            """, kind: .ansibleVars)
        #expect(items.count == 1)
        #expect(items[0].list("disable") == ["local-storage", "servicelb"])
        #expect(items[0].listAt("disable") == ["5:7", "6:7"])
        #expect(items[0].at("disable") == "4:3")
        #expect(items[0].text("flags") == "")
        #expect(items[0]["config"]?.child("flannel-backend").scalarText == "none")
    }

    @Test func embeddedServerConfigYAMLMergesWithArgs() {
        let items = servers(
            "inventory.yml",
            """
            k3s_cluster:
              vars:
                extra_server_args: "--snapshotter=native"
                extra_agent_args: "--snapshotter=native"
                server_config_yaml: |
                  datastore-endpoint: mysql://x
                  disable: "servicelb,traefik"
            """, kind: .ansibleInventory)
        #expect(items.count == 1)
        #expect(items[0].at == "3:5")
        #expect(items[0].list("disable") == ["servicelb", "traefik"])
        #expect(items[0].listAt("disable") == ["7:17", "7:27"])
        #expect(items[0]["config"]?.child("datastore-endpoint").location.description == "6:27")

        // The same inventory classified as plain YAML (its top group is not `all:`).
        let plain = servers(
            "tests/basic.yml",
            """
            k3s_cluster:
              children:
                server:
                  hosts:
                    server-node:
              vars:
                extra_server_args: "--snapshotter=native"
            """, kind: .yaml)
        #expect(plain.map(\.at) == ["7:5"])
        #expect(plain.map { $0.list("disable") } == [[]])
    }

    @Test func configSpellingsOfDisable() {
        let flow = servers("k3s/config.yaml", "# c\nwrite-kubeconfig-mode: \"0644\"\ndisable: [traefik]\n", kind: .yaml)
        #expect(flow.map { $0.list("disable") } == [["traefik"]])
        #expect(flow.map { $0.at("disable") } == ["3:1"])
        #expect(flow.map { $0.listAt("disable") } == [["3:11"]])
        #expect(flow.map { $0.text("source") } == ["k3s-config"])
        let scalar = servers("infra/k3s/config.yml", "disable: servicelb\n", kind: .yaml)
        #expect(scalar.map { $0.list("disable") } == [["servicelb"]])
        let agent = servers("k3s/agent-config.yaml", "server: https://10.0.0.31:6443\ntoken-file: /t\n", kind: .yaml)
        #expect(agent.isEmpty)
        let joinedAgent = servers("k3s/config.yaml", "server: https://10.0.0.31:6443\ntoken: x\n", kind: .yaml)
        #expect(joinedAgent.isEmpty)
        let haServer = servers("k3s/config.yaml", "server: https://10.0.0.31:6443\ntoken: x\ntls-san: [a]\n", kind: .yaml)
        #expect(haServer.count == 1)
        #expect(servers("k3s/registries.yaml", "mirrors: {}\n", kind: .yaml).isEmpty)
        #expect(servers("apps/config.yaml", "disable: [traefik]\n", kind: .yaml).isEmpty)
    }

    /// Under a `k3s/` folder the name is not enough: Helm values kept there are not a server's
    /// config; k3s's own locations still are.
    @Test func k3sConfigByLocationAndContent() {
        let values = "debug: false\nimage:\n  repository: rancher/system-upgrade-controller\nconfig:\n  concurrency: 1\n"
        #expect(servers("k3s/values.yaml", values, kind: .yaml).isEmpty)
        #expect(servers("kubernetes/apps/k3s/helm-values.yaml", "debug: true\nlog: {level: info}\n", kind: .yaml).isEmpty)
        // Flat, but only keys other tools share: not enough to say k3s.
        #expect(servers("k3s/settings.yaml", "debug: true\nconfig: /etc/app.yaml\n", kind: .yaml).isEmpty)
        // A flat mapping with a k3s key, under any name in a k3s folder.
        let server = servers("infra/k3s/server.yaml", "tls-san: [k3s.lab]\nnode-taint: [\"role=server:NoSchedule\"]\n", kind: .yaml)
        #expect(server.count == 1)
        // k3s's own locations: decided by the path, whatever generic keys they hold.
        #expect(servers("files/etc/rancher/k3s/config.yaml", "debug: true\n", kind: .yaml).count == 1)
        #expect(servers("k3s/config.yaml.d/10-debug.yaml", "debug: true\n", kind: .yaml).count == 1)
    }

    @Test func installScriptSpellingsInCloudInit() {
        let items = servers(
            "cloud-init/k3s.yaml",
            """
            #cloud-config
            runcmd:
              - curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="server --disable servicelb" sh -
              - curl -sfL https://get.k3s.io | sh -s - server --cluster-init --disable=traefik
              - [sh, -c, "curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC='server' sh -"]
              - curl -sfL https://get.k3s.io | K3S_URL=https://10.0.0.31:6443 K3S_TOKEN=x sh -
              - curl -sfL https://get.k3s.io | sh -s - agent --server https://x:6443
              - curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="--no-deploy servicelb" sh -
              - curl -sfL https://get.k3s.io | K3S_URL=https://x:6443 INSTALL_K3S_EXEC="server --disable servicelb" sh -
              - echo "héllo" && curl -sfL https://get.k3s.io | sh -s - --disable servicelb
              - curl -sfL https://get.k3s.io | sh -
            """, kind: .cloudInit)
        #expect(items.map(\.at) == ["3:5", "4:5", "5:14", "8:5", "9:5", "10:5", "11:5"])
        #expect(items.map { $0.list("disable") } == [["servicelb"], ["traefik"], [], ["servicelb"], ["servicelb"], ["servicelb"], []])
        #expect(items[0].listAt("disable") == ["3:71"])
        #expect(items[1].listAt("disable") == ["4:76"])
        #expect(items[3].listAt("disable") == ["8:66"])
        #expect(items[5].listAt("disable") == ["10:70"])
        #expect(items.allSatisfy { $0.text("source") == "install-script" && $0.text("role") == "server" })
        let agents = servers("cloud-init/k3s.yaml", "#cloud-config\nruncmd:\n  - curl -sfL https://get.k3s.io | K3S_URL=https://x sh -\n", kind: .cloudInit, key: "k3s.agent")
        #expect(agents.map { $0.text("role") } == ["agent"])
    }

    @Test func installInAnsibleTasksAndScripts() {
        let tasks = servers(
            "roles/k3s/tasks/main.yml",
            """
            - name: Install
              ansible.builtin.shell: curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="server --disable servicelb" sh -
              args:
                creates: /usr/local/bin/k3s
            - name: Install via environment
              ansible.builtin.command: /usr/local/bin/k3s-install.sh
              environment:
                INSTALL_K3S_EXEC: server --disable=traefik
            - name: Templated environment is unknown
              ansible.builtin.command:
                cmd: /usr/local/bin/k3s-install.sh
              environment: "{{ envs }}"
            - name: Forwarded args are checked where they are defined
              ansible.builtin.command:
                cmd: systemd-run --unit=k3s-init k3s server {{ server_init_args }}
            - name: Not an install
              ansible.builtin.command: k3s kubectl get nodes
            - name: Not an install either
              ansible.builtin.command:
                cmd: k3s-uninstall.sh
            - name: Airgap install lays down the binary; the config is written elsewhere
              ansible.builtin.command:
                cmd: /usr/local/bin/k3s-install.sh
              environment:
                INSTALL_K3S_SKIP_ENABLE: "true"
            """, kind: .ansibleTasks)
        #expect(tasks.map(\.at) == ["2:26", "6:28"])
        #expect(tasks.map { $0.list("disable") } == [["servicelb"], ["traefik"]])
        #expect(tasks[0].listAt("disable") == ["2:92"])

        let script = servers(
            "scripts/install-k3s.sh",
            """
            #!/bin/sh
            export INSTALL_K3S_EXEC="server --disable servicelb"
            curl -sfL https://get.k3s.io \\
              | sh -
            /usr/local/bin/k3s server --disable traefik &
            """, kind: .text)
        #expect(script.map(\.at) == ["3:1", "5:1"])
        #expect(script.map { $0.list("disable") } == [["servicelb"], ["traefik"]])
        #expect(script[0].listAt("disable") == ["2:43"])
        #expect(script.map { $0.text("source") } == ["install-script", "k3s-command"])
    }

    @Test func writtenConfigMergesWithTheInstallOfTheSameFile() {
        let template = """
            # {{ ansible_managed }}
            tls-san:
            {% for san in k3s_tls_sans %}
              - {{ san }}
            {% endfor %}
            disable:
              - servicelb
            """
        let items = servers(
            "ansible/roles/k3s_server/tasks/main.yml",
            """
            - name: Render the k3s server config
              ansible.builtin.template:
                src: config.yaml.j2
                dest: /etc/rancher/k3s/config.yaml
            - name: Install k3s
              ansible.builtin.shell: curl -sfL https://get.k3s.io | sh -
            """, kind: .ansibleTasks, repo: ["ansible/roles/k3s_server/templates/config.yaml.j2": template])
        #expect(items.count == 1)
        #expect(items[0].at == "6:26")
        #expect(items[0].list("disable") == ["servicelb"])
        #expect(items[0].listAt("disable") == ["3:10"])

        let cloud = servers(
            "cloud-init/server.yaml",
            """
            #cloud-config
            write_files:
              - path: /etc/rancher/k3s/config.yaml
                content: |
                  disable: [servicelb]
            runcmd:
              - curl -sfL https://get.k3s.io | sh -
            """, kind: .cloudInit)
        #expect(cloud.map(\.at) == ["7:5"])
        #expect(cloud.map { $0.listAt("disable") } == [["5:17"]])

        let forwarded = servers(
            "roles/k3s_server/tasks/main.yml",
            """
            - ansible.builtin.copy:
                content: "{{ k3s_server_config | to_nice_yaml }}"
                dest: /etc/rancher/k3s/config.yaml
            - ansible.builtin.shell: curl -sfL https://get.k3s.io | sh -
            """, kind: .ansibleTasks)
        #expect(forwarded.isEmpty)

        let standalone = servers(
            "roles/k3s_server/tasks/main.yml",
            """
            - ansible.builtin.copy:
                dest: /etc/rancher/k3s/config.yaml
                content: |
                  write-kubeconfig-mode: "0644"
            """, kind: .ansibleTasks)
        #expect(standalone.map(\.at) == ["3:14"])
        #expect(standalone.map { $0.list("disable") } == [[]])
    }

    @Test func unterminatedQuotesDoNotCrash() {
        for line in ["curl -sfL https://get.k3s.io | sh -s - server \"--disable", "k3s server '--disable", "k3s server --disable=\"x"] {
            _ = servers("x.sh", line, kind: .text)
            let tokens = ShellWords.tokenize(Array(line.utf8))
            #expect(tokens.allSatisfy { $0.range.upperBound <= line.utf8.count })
        }
    }

    @Test func variableClassification() {
        #expect(K3s.classify(variable: "extra_server_args")?.role == .server)
        #expect(K3s.classify(variable: "extra_agent_args")?.role == .agent)
        #expect(K3s.classify(variable: "server_config_yaml")?.form == .config)
        #expect(K3s.classify(variable: "k3s_server_config")?.role == .server)
        #expect(K3s.classify(variable: "k3s_exec")?.role == nil)
        #expect(K3s.classify(variable: "k3s_server") != nil)
        #expect(K3s.classify(variable: "extra_args") == nil)
        #expect(K3s.classify(variable: "kube_apiserver_args") == nil)
        #expect(K3s.classify(variable: "k3s_config_file") == nil)
        #expect(K3s.classify(variable: "k3s_server_location") == nil)
        #expect(K3s.classify(variable: "registries_config_yaml") == nil)
        #expect(K3s.classify(variable: "dns_server_config") == nil)
    }
}
