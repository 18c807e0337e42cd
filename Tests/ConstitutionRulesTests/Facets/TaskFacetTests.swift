import ConstitutionCore
import Testing

@testable import ConstitutionRules

@Suite("Task facet")
struct TaskFacetTests {
    /// The items of a task file at `path`.
    private func tasks(_ path: String, _ text: String, repo: [String: String] = [:]) -> [FacetObject] {
        FacetFixture.items(.task, path, text, kind: .ansibleTasks, repo: repo)
    }

    /// The items of a playbook.
    private func playbook(_ text: String, path: String = "site.yml") -> [FacetObject] {
        FacetFixture.items(.task, path, text, kind: .ansiblePlaybook)
    }

    /// An item's `args` as sorted `name=value` texts (collections as `[…]`).
    private func args(_ item: FacetObject) -> [String] {
        guard case .object(let o)? = item["args"] else { return [] }
        return o.fields.map { "\($0.0)=\($0.1.scalarText ?? "[…]")" }.sorted()
    }

    @Test func everyPlaySectionAndNestedBlockIsFound() {
        let items = playbook(
            """
            - hosts: web
              pre_tasks:
                - name: p
                  apt: name=curl
              tasks:
                - name: t
                  debug: msg=hi
                - name: outer
                  block:
                    - name: b
                      ping:
                    - block:
                        - name: bb
                          ping:
                      rescue:
                        - name: br
                          ping:
                      always:
                        - name: ba
                          ping:
              post_tasks:
                - name: post
                  ping:
              handlers:
                - name: h
                  ping:
                - block:
                    - name: hb
                      ping:
              roles: [common]
            - import_playbook: other.yml
            """)
        #expect(items.map { $0.text("name") } == ["p", "t", "b", "bb", "br", "ba", "post", "h", "hb"])
        #expect(items.map { $0.text("section") } == ["pre_tasks", "tasks", "block", "block", "rescue", "always", "post_tasks", "handlers", "block"])
        #expect(items[4].list("sections") == ["tasks", "block", "rescue"])
        #expect(items[8].list("sections") == ["handlers", "block"])
        // Each section at its key; the item at its task.
        #expect(items[0].at("section") == "2:3")
        #expect(items[4].at("section") == "15:11")
        #expect(items[4].listAt("sections") == ["5:3", "9:7", "15:11"])
        #expect(items[4].at == "16:15")
    }

    @Test func taskFilesOfRolesHandlersAndIncludes() {
        let role = tasks(
            "roles/web/tasks/main.yml",
            """
            - name: install
              apt: {name: nginx}
            - name: more
              ansible.builtin.include_tasks: extra.yml
            - import_tasks:
                file: other.yml
            """)
        #expect(role.map { $0.text("module") } == ["ansible.builtin.apt", "ansible.builtin.include_tasks", "ansible.builtin.import_tasks"])
        #expect(role.map { $0.text("section") } == ["tasks", "tasks", "tasks"])
        #expect(args(role[1]) == ["_raw_params=extra.yml"])
        #expect(args(role[2]) == ["file=other.yml"])
        let handlers = tasks("roles/web/handlers/main.yml", "- name: restart nginx\n  service: name=nginx state=restarted\n")
        #expect(handlers.map { $0.text("section") } == ["handlers"])
        #expect(handlers[0].list("sections") == ["handlers"])
        // A file a play includes is a task file of its own.
        let included = tasks("playbooks/tasks/extra.yml", "- ping:\n- block:\n    - command: uptime\n")
        #expect(included.map { $0.text("module") } == ["ansible.builtin.ping", "ansible.builtin.command"])
        #expect(included[1].list("sections") == ["tasks", "block"])
        // A block is not a task; a mapping that names no module is not one either.
        #expect(tasks("tasks/x.yml", "- block: []\n- name: nothing\n  when: x\n").isEmpty)
    }

    @Test func blocksAreFollowedToABoundedDepth() {
        var text = ""
        for depth in 0..<70 {
            // Each block holds a task and the next block.
            text += String(repeating: "  ", count: depth) + "- block:\n"
            text += String(repeating: "  ", count: depth + 1) + "- name: at \(depth)\n"
            text += String(repeating: "  ", count: depth + 2) + "ping:\n"
        }
        let items = tasks("tasks/deep.yml", text)
        // maxDepth task lists: the file's own and 63 nested blocks.
        #expect(items.count == AnsibleTasks.maxDepth - 1)
        #expect(items.last?.list("sections").count == AnsibleTasks.maxDepth)
        #expect(items.last?.text("name") == "at \(AnsibleTasks.maxDepth - 2)")
    }

    @Test func modulesResolveToTheirFullNames() {
        let items = tasks(
            "tasks/main.yml",
            """
            - apt: name=a
            - ansible.legacy.apt: name=a
            - ansible.builtin.apt: name=a
            - ansible.legacy.my_module: {}
            - zfs: name=tank/a state=absent
            - mount: {path: /mnt, state: mounted}
            - k8s: {kind: Pod, name: x, state: absent}
            - proxmox_kvm: {vmid: 1}
            - docker_container: {name: x}
            - community.general.parted: {device: /dev/sdb}
            - my.collection.thing: {}
            - aptt: name=a
            - action: zfs name=tank/a
            - local_action:
                module: lvol
                vg: data
            """)
        #expect(
            items.map { $0.text("module") } == [
                "ansible.builtin.apt", "ansible.builtin.apt", "ansible.builtin.apt", "ansible.legacy.my_module",
                "community.general.zfs", "ansible.posix.mount", "kubernetes.core.k8s", "community.general.proxmox_kvm",
                "community.docker.docker_container", "community.general.parted", "my.collection.thing", "aptt",
                "community.general.zfs", "community.general.lvol",
            ])
        #expect(items.map { $0.text("module_as_written") }.prefix(4) == ["apt", "ansible.legacy.apt", "ansible.builtin.apt", "ansible.legacy.my_module"])
        #expect(items[12].text("module_as_written") == "zfs")
    }

    @Test func collectionsKeywordDecidesShortNames() {
        let items = playbook(
            """
            - hosts: pve
              collections: [community.proxmox, community.general]
              tasks:
                - proxmox_kvm: {vmid: 1}
                - zfs: {name: tank}
                - copy: {dest: /x, content: y}
                - block:
                    - proxmox_kvm: {vmid: 2}
                  collections: [community.general]
                - proxmox_kvm: {vmid: 3}
                  collections: [ansible.builtin]
                - frobnicate: {}
            - hosts: other
              tasks:
                - proxmox_kvm: {vmid: 4}
            """)
        #expect(
            items.map { $0.text("module") } == [
                "community.proxmox.proxmox_kvm", "community.general.zfs", "ansible.builtin.copy",
                "community.general.proxmox_kvm", "community.general.proxmox_kvm", "frobnicate",
                "community.general.proxmox_kvm",
            ])
    }

    @Test func aRoleReadsItsCollectionsFromMeta() {
        let meta = "galaxy_info: {author: me}\ncollections:\n  - community.proxmox\n"
        let text = "- proxmox_kvm: {vmid: 1}\n- block:\n    - proxmox: {vmid: 2}\n"
        let inRole = tasks("ansible/roles/pve/tasks/main.yml", text, repo: ["ansible/roles/pve/meta/main.yml": meta])
        #expect(inRole.map { $0.text("module") } == ["community.proxmox.proxmox_kvm", "community.proxmox.proxmox"])
        let handlers = tasks("ansible/roles/pve/handlers/main.yml", text, repo: ["ansible/roles/pve/meta/main.yml": meta])
        #expect(handlers[0].text("module") == "community.proxmox.proxmox_kvm")
        let otherRole = tasks("ansible/roles/other/tasks/main.yml", text, repo: ["ansible/roles/pve/meta/main.yml": meta])
        #expect(otherRole[0].text("module") == "community.general.proxmox_kvm")
    }

    @Test func argumentsReadTheSameHoweverWritten() {
        let items = tasks(
            "tasks/main.yml",
            """
            - community.general.zfs: name=tank/old state=absent
            - community.general.zfs: "name='tank/old' state=\\"absent\\""
            - community.general.zfs: {name: tank/old, state: absent}
            - community.general.zfs:
                name: tank/old
              args:
                state: absent
            - community.general.zfs:
              args: {name: tank/old, state: absent}
            - action: community.general.zfs name=tank/old state=absent
            - action:
                module: community.general.zfs
                name: tank/old
                state: absent
            """)
        #expect(items.count == 7)
        for item in items { #expect(args(item) == ["name=tank/old", "state=absent"], "\(item.at)") }
        // Free-form text stays whole under `_raw_params`; a command keeps only its own options out.
        let command = tasks("tasks/c.yml", "- shell: echo a=b chdir=/tmp\n- meta: flush_handlers\n- ping:\n")
        #expect(args(command[0]) == ["_raw_params=echo a=b", "chdir=/tmp"])
        #expect(args(command[1]) == ["_raw_params=flush_handlers"])
        #expect(args(command[2]).isEmpty)
        #expect(command[2]["args"]?.isEmpty == true)
    }

    @Test func everyFieldIsAtItsOwnPosition() {
        let items = playbook(
            """
            - hosts: all
              become: yes
              tasks:
                - name: install
                  apt: name=nginx=1.24* state=present
                  when: ansible_os_family == "Debian"
                  loop: [a, b]
                - name: dict
                  become: false
                  ansible.builtin.apt:
                    name: [a=1, b]
                  with_items: "{{ x }}"
                - block:
                    - name: in block
                      command: uptime
                  become: "{{ want_root }}"
            """)
        let freeForm = items[0]
        #expect(freeForm.at == "4:7")
        #expect(freeForm.at("module") == "5:7")
        #expect(freeForm.at("name") == "4:13")
        #expect(freeForm.at("args") == "5:12")
        #expect(freeForm["args"]?.child("name").location.description == "5:17")
        #expect(freeForm["args"]?.child("name").scalarText == "nginx=1.24*")
        #expect(freeForm["args"]?.child("state").location.description == "5:35")
        #expect(freeForm.text("become") == "yes")
        #expect(freeForm.at("become") == "2:11")
        #expect(freeForm.text("when") == "ansible_os_family == \"Debian\"")
        #expect(freeForm.at("when") == "6:13")
        #expect(freeForm.list("loop") == ["a", "b"])
        #expect(freeForm.at("loop") == "7:13")
        #expect(freeForm.text("section") == "tasks")
        #expect(freeForm["task"]?.child("when").location.description == "6:13")

        let dict = items[1]
        #expect(dict.text("become") == "false")
        #expect(dict.at("become") == "9:15")
        #expect(dict.at("args") == "11:9")
        #expect(dict["args"]?.child("name").elements.map { $0.location.description } == ["11:16", "11:21"])
        #expect(dict.text("loop") == "{{ x }}")
        #expect(dict.at("loop") == "12:19")
        #expect(dict["when"] == nil)

        let inBlock = items[2]
        #expect(inBlock.text("become") == "{{ want_root }}")
        #expect(inBlock.at("become") == "16:15")
        #expect(inBlock.at("section") == "13:7")
    }

    @Test func theFacetIsKnownToRules() {
        #expect(FacetName(rawValue: "task") == .task)
        #expect(Facets.fields(of: .task).contains("module"))
        #expect(FacetFixture.items(.task, "group_vars/all.yml", "apt: x\n", kind: .ansibleVars).isEmpty)
    }
}
