import ConstitutionCore
import Testing

@testable import ConstitutionRules

@Suite("Command facet")
struct CommandFacetTests {
    private func commands(_ text: String, kind: FileKind, path: String = "roles/x/tasks/main.yml") -> [FacetObject] {
        FacetFixture.items(.command, path, text, kind: kind)
    }

    @Test func fqcnAndDictSpellingsGiveTheSameCommand() {
        let items = commands(
            """
            - name: a
              ansible.builtin.shell: echo hi
            - name: b
              shell: {cmd: echo hi}
            - name: c
              ansible.legacy.shell:
                cmd: echo hi
            """, kind: .ansibleTasks)
        #expect(items.map { $0.text("command") } == ["echo hi", "echo hi", "echo hi"])
        #expect(items.map { $0.text("module") } == ["shell", "shell", "shell"])
        #expect(items.map { $0.text("source") } == ["ansible", "ansible", "ansible"])
        #expect(items.map(\.at) == ["2:26", "4:16", "7:10"])
        #expect(items.map { $0.at("command") } == ["2:26", "4:16", "7:10"])
    }

    @Test func freeFormOptionsAreTakenOutOfTheCommand() {
        let items = commands(
            """
            - command: echo hi chdir=/tmp creates=/x
            - ansible.builtin.command: chdir=/tmp echo there
            - command: foo=bar echo kept
            - command: echo args
              args:
                chdir: /tmp
            """, kind: .ansibleTasks)
        // An assignment before the command word sets the command's environment: not the command.
        #expect(items.map { $0.text("command") } == ["echo hi", "echo there", "echo kept", "echo args"])
        #expect(items.map(\.at) == ["1:12", "2:39", "3:20", "4:12"])
        #expect(items[1]["command"]?.at("there") == "2:44")
    }

    @Test func argvIsJoinedWithSpaces() {
        let items = commands(
            """
            - ansible.builtin.command:
                argv:
                  - qm
                  - create
                  - "{{ item.vmid }}"
                  - --cpu
                  - host
            """, kind: .ansibleTasks)
        #expect(items.map { $0.text("command") } == ["qm create {{ item.vmid }} --cpu host"])
        #expect(items.map(\.at) == ["3:9"])
    }

    @Test func blocksRescueAlwaysAtAnyDepthAndPlaybookSections() {
        let tasks = commands(
            """
            - block:
                - name: x
                  command: one
                - block:
                    - command: two
                  rescue:
                    - command: three
              always:
                - command: four
            """, kind: .ansibleTasks)
        #expect(tasks.map { $0.text("command") } == ["one", "two", "three", "four"])
        #expect(tasks.map(\.at) == ["3:16", "5:20", "7:20", "9:16"])

        let play = commands(
            """
            - hosts: all
              pre_tasks:
                - raw: one
              tasks:
                - ansible.builtin.script: two.sh --flag
              post_tasks:
                - command: three
              handlers:
                - name: h
                  shell: four
            """, kind: .ansiblePlaybook, path: "site.yml")
        #expect(play.map { $0.text("command") } == ["one", "two.sh --flag", "three", "four"])
        #expect(play.map { $0.text("module") } == ["raw", "script", "command", "shell"])
    }

    @Test func literalBlockGivesOneItemPerLogicalLine() {
        let items = commands(
            """
            - name: multi
              shell: |
                set -e
                # a comment

                curl -sfL https://x \\
                  | sh -
                echo done  # trailing
            """, kind: .ansibleTasks)
        // One item per command the shell runs: both sides of a pipe, each at its command word.
        #expect(items.map { $0.text("command") } == ["set -e", "curl -sfL https://x", "sh -", "echo done"])
        #expect(items.map(\.at) == ["3:5", "6:5", "7:9", "8:5"])
        #expect(items[0]["command"]?.at("-e") == "3:9")
        #expect(items[3]["command"]?.at("done") == "8:10")
        #expect(items.map { $0.text("name") } == ["set", "curl", "sh", "echo"])
        #expect(items[2].text("piped_from") == "curl -sfL https://x")
        #expect(items[2]["piped_from"] != nil && items[1]["piped_from"] == nil)
    }

    @Test func foldedCommandIsReportedAtItsCommandWord() {
        let items = commands(
            """
            - name: fold
              ansible.builtin.command: >-
                qm create 9000 --name t
                --net0 virtio
            """, kind: .ansibleTasks)
        #expect(items.map { $0.text("command") } == ["qm create 9000 --name t --net0 virtio"])
        #expect(items.map(\.at) == ["3:5"])
    }

    @Test func cloudInitStringsAndArgvLists() {
        let items = commands(
            """
            #cloud-config
            bootcmd:
              - echo boot
            runcmd:
              - [systemctl, enable, --now, qemu-guest-agent]
              - [sh, -c, "curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC='server --disable servicelb' sh -"]
              - echo one
              - |
                echo two
                echo three
            """, kind: .cloudInit, path: "cloud-init/x.yaml")
        #expect(
            items.map { $0.text("command") } == [
                "echo boot", "systemctl enable --now qemu-guest-agent",
                "curl -sfL https://get.k3s.io", "sh -", "echo one", "echo two", "echo three",
            ])
        #expect(items.map(\.at) == ["3:5", "5:6", "6:14", "6:14", "7:5", "9:5", "10:5"])
        #expect(items.allSatisfy { $0.text("source") == "cloud-init" && $0.text("module") == "" })
    }

    @Test func workflowRunSteps() {
        let items = commands(
            """
            on: push
            jobs:
              deploy:
                runs-on: x
                steps:
                  - uses: actions/checkout@v4
                  - run: |
                      mkdir -p ~/.kube
                      echo "${{ secrets.K }}" > ~/.kube/config
                  - run: kubectl apply -f k8s/
            """, kind: .workflow, path: ".gitea/workflows/deploy.yaml")
        #expect(
            items.map { $0.text("command") } == ["mkdir -p ~/.kube", "echo ${{ secrets.K }}", "kubectl apply -f k8s/"])
        #expect(items.map(\.at) == ["8:11", "9:11", "10:14"])
        #expect(items[2]["command"]?.at("apply") == "10:22")
    }

    @Test func scriptFileLines() {
        let text = """
            #!/usr/bin/env bash
            # comment
            set -euo pipefail

            zpool destroy tank
            wipefs -a /dev/sdb \\
              /dev/sdc
            cat > /etc/x <<EOF
            not a command
            EOF
            ssh host <<'EOF'
            remote command
            EOF
            echo "a # not a comment" # a comment
            """
        let items = commands(text, kind: .text, path: "scripts/wipe")
        #expect(
            items.map { $0.text("command") } == [
                "set -euo pipefail", "zpool destroy tank", "wipefs -a /dev/sdb /dev/sdc", "cat", "ssh host", "remote command",
                "echo a # not a comment",
            ])
        #expect(items.map(\.at) == ["3:1", "5:1", "6:1", "8:1", "11:1", "12:1", "14:1"])
        #expect(items.allSatisfy { $0.text("source") == "script" })
        #expect(commands("echo hi\n", kind: .text, path: "notes.txt").isEmpty)
        #expect(commands("echo hi\n", kind: .text, path: "x.sh").count == 1)
    }

    @Test func containerCommandsOfEveryWorkloadKind() {
        let items = commands(
            """
            apiVersion: apps/v1
            kind: Deployment
            spec:
              template:
                spec:
                  initContainers:
                    - name: init
                      command: ["sh", "-c"]
                      args:
                        - |
                          echo one
                          wget http://localhost:8080/
                  containers:
                    - name: app
                      command: [/app, --port, "8080"]
                      livenessProbe:
                        exec:
                          command: [cat, /tmp/healthy]
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
                          args: [restic, backup, /data]
            """, kind: .kubernetes, path: "k8s/app.yaml")
        #expect(
            items.map { $0.text("command") } == [
                "echo one", "wget http://localhost:8080/", "app --port 8080", "cat /tmp/healthy", "restic backup /data",
            ])
        #expect(items.map(\.at) == ["11:15", "12:15", "15:21", "18:25", "29:22"])
        #expect(items.allSatisfy { $0.text("source") == "container" })
    }

    @Test func composeCommandsAndEntrypoints() {
        let items = commands(
            """
            services:
              a:
                image: x
                command: sh -c "apk add curl && curl http://localhost:5054"
              b:
                image: y
                entrypoint: ["/bin/sh", "-c"]
                command: ["echo hi"]
              c:
                image: z
                command: ["npm", "start"]
                healthcheck:
                  test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]
            """, kind: .compose, path: "compose.yaml")
        #expect(
            items.map { $0.text("command") } == [
                "apk add curl", "curl http://localhost:5054", "echo hi", "npm start", "curl -f http://localhost/", "exit 1",
            ])
        #expect(items.map(\.at) == ["4:21", "4:37", "8:16", "11:16", "13:28", "13:57"])
        #expect(items[1]["command"]?.at("localhost") == "4:49")
    }

    @Test func logicalLinesKeepQuotedLineBreaksAndSkipJinjaComments() {
        let text = MappedText.file(Array("echo 'a\nb' {# x #}\nls\n".utf8))
        let lines = ShellWords.logicalLines(text)
        #expect(lines.map(\.string) == ["echo 'a\nb' {# x #}", "ls"])
        #expect(lines.map { $0.located.lineStarts.map(\.description) } == [["1:1", "2:1"], ["3:1"]])
        // An unterminated quote does not swallow the rest of the script.
        let stray = ShellWords.logicalLines(MappedText.file(Array("echo it's here\nls -l\n".utf8)))
        #expect(stray.map(\.string) == ["echo it's here", "ls -l"])
        #expect(stray.map { $0.located.lineStarts[0].description } == ["1:1", "2:1"])
    }

    @Test func taskfileCommandsInEverySpelling() {
        let items = commands(
            """
            version: "3"
            vars:
              NS: flux-system
            tasks:
              bootstrap:
                deps: [check]
                cmds:
                  - kubectl apply --server-side -k bootstrap/flux
                  - cmd: kubectl -n {{.NS}} wait --for=condition=ready pod --all
                  - task: check
                  - defer: rm -f /tmp/lock
                  - |
                    flux check \\
                      --pre
              check:
                cmd: kubectl get nodes
              short: echo short
              listed: [echo one, echo two]
            """, kind: .yaml, path: "Taskfile.yml")
        #expect(
            items.map { $0.text("command") } == [
                "kubectl apply --server-side -k bootstrap/flux", "kubectl -n {{.NS}} wait --for=condition=ready pod --all",
                "rm -f /tmp/lock", "flux check --pre", "kubectl get nodes", "echo short", "echo one", "echo two",
            ])
        #expect(Set(items.map { $0.text("source") }) == ["taskfile"])
        #expect(items.map(\.at) == ["8:9", "9:14", "11:16", "13:9", "16:10", "17:10", "18:12", "18:22"])
    }

    @Test func taskfilesByNameOrShapeOnly() {
        let tasks = "tasks:\n  a:\n    cmds: [kubectl apply -f x]\n"
        #expect(commands(tasks, kind: .yaml, path: "taskfile.dist.yaml").count == 1)
        #expect(commands("version: '3'\n" + tasks, kind: .yaml, path: ".taskfiles/flux.yaml").count == 1)
        // A `tasks:` mapping in some other YAML file is not a Taskfile.
        #expect(commands(tasks, kind: .yaml, path: "config/tasks.yaml").isEmpty)
    }

    @Test func makefileRecipeLines() {
        let text = [
            "POOL ?= tank",
            "SRCS = a \\",
            "\tb",
            "# a comment",
            ".PHONY: wipe",
            "wipe: status",
            "\t@echo \"destroying $(POOL) as $$USER\"",
            "",
            "\t-zpool destroy \\",
            "\t\t-f $(POOL)",
            "ifeq ($(FORCE),1)",
            "\t+@ wipefs -a /dev/sdb",
            "endif",
            "VAR := x",
            "\tnot a recipe",
            "define HELP",
            "\tzfs destroy tank/in-a-define",
            "endef",
            "status: ; @zpool status",
            "\tzpool list",
        ].joined(separator: "\n") + "\n"
        let items = commands(text, kind: .text, path: "Makefile")
        #expect(
            items.map { $0.text("command") } == [
                "echo destroying $(POOL) as $USER", "zpool destroy -f $(POOL)", "wipefs -a /dev/sdb", "zpool list",
            ])
        #expect(items.map(\.at) == ["7:3", "9:3", "12:5", "20:2"])
        #expect(Set(items.map { $0.text("source") }) == ["make"])
        #expect(commands(text, kind: .text, path: "mk/storage.mk").count == 4)
        #expect(commands(text, kind: .text, path: "Makefile.txt").isEmpty)
    }
}
