/// The Ansible modules the `task` facet knows, by collection: data, not code (docs/rules.md,
/// "The task facet").
///
/// The `task` facet resolves a short module name (`zfs`) to its fully qualified name
/// (`community.general.zfs`) with this table: first through the `collections:` a play, block,
/// task or role lists (a listed collection is used when this table says it has the module), then
/// `ansible.builtin`, then the first collection below that has the module, in the order written
/// here. That default order mirrors Ansible's own redirects for names that left ansible-core in
/// 2.10 (`mount` is `ansible.posix.mount`, `k8s` is `kubernetes.core.k8s`, `proxmox_kvm` is
/// `community.general.proxmox_kvm`).
///
/// To teach it a module or a collection, add the name to its collection's list (or add a
/// collection); names are separated by whitespace. A name the table does not know keeps its
/// written form.
enum AnsibleModuleTable {
    /// Collections and their modules, in the order short names are resolved when no
    /// `collections:` keyword decides.
    static let collections: [(collection: String, modules: String)] = [
        (
            "ansible.builtin",
            """
            add_host apt apt_key apt_repository assemble assert async_status blockinfile command copy cron
            deb822_repository debconf debug dnf dnf5 dpkg_selections expect fail fetch file find gather_facts
            get_url getent git group group_by hostname import_playbook import_role import_tasks include
            include_role include_tasks include_vars iptables known_hosts lineinfile meta mount_facts package
            package_facts pause ping pip raw reboot replace rpm_key script service service_facts set_fact
            set_stats setup shell slurp stat subversion systemd systemd_service sysvinit tempfile template
            unarchive uri user validate_argument_spec wait_for wait_for_connection yum yum_repository
            """
        ),
        (
            "ansible.posix",
            """
            acl at authorized_key firewalld firewalld_info mount patch rhel_facts rhel_rpm_ostree
            rpm_ostree_upgrade seboolean selinux synchronize sysctl
            """
        ),
        (
            "community.general",
            """
            alternatives apache2_mod_proxy apache2_module apk archive awall bower btrfs_info btrfs_subvolume capabilities cargo cloudflare_dns
            composer cpanm cronvar crypttab dconf deploy_helper dnf_config_manager dpkg_divert filesize
            filesystem flatpak flatpak_remote gem git_config github_release gitlab_project gitlab_runner
            gunicorn haproxy homebrew homebrew_cask htpasswd ini_file interfaces_file ipify_facts ipinfoio_facts
            iso_create iso_extract java_cert java_keystore jenkins_plugin kernel_blacklist launchd ldap_entry
            listen_ports_facts locale_gen lvg lvg_rename lvm_pv lvol lxc_container lxd_container make mas
            modprobe monit nmcli npm nsupdate open_iscsi openbsd_pkg osx_defaults pacman pacman_key pam_limits
            pamd parted pids pip_package_info pipx pkg5 pkgng pnpm portage proxmox proxmox_backup
            proxmox_disk proxmox_domain_info proxmox_group_info proxmox_kvm proxmox_nic proxmox_node_info
            proxmox_pool proxmox_pool_member proxmox_snap proxmox_storage_contents_info proxmox_storage_info
            proxmox_tasks_info proxmox_template proxmox_user_info proxmox_vm_info puppet python_requirements_info
            redis runit sefcontext seport shutdown snap solaris_zone sudoers supervisorctl svc syslogger
            sysrc systemd_creds_decrypt systemd_creds_encrypt terraform timezone ufw xattr xfconf xfs_quota
            xml yarn zfs zfs_delegate_admin zfs_facts znode zpool zpool_facts zypper zypper_repository
            """
        ),
        (
            "community.proxmox",
            """
            proxmox proxmox_backup proxmox_backup_info proxmox_cluster proxmox_cluster_join_info proxmox_disk
            proxmox_domain_info proxmox_group_info proxmox_kvm proxmox_nic proxmox_node_info proxmox_pool
            proxmox_pool_member proxmox_snap proxmox_storage proxmox_storage_contents_info proxmox_storage_info
            proxmox_tasks_info proxmox_template proxmox_user proxmox_user_info proxmox_vm_info
            """
        ),
        (
            "kubernetes.core",
            """
            helm helm_info helm_plugin helm_plugin_info helm_pull helm_registry_auth helm_repository
            helm_template k8s k8s_cluster_info k8s_cp k8s_drain k8s_exec k8s_info k8s_json_patch k8s_log
            k8s_rollback k8s_scale k8s_service
            """
        ),
        (
            "community.docker",
            """
            current_container_facts docker_compose docker_compose_v2 docker_compose_v2_exec
            docker_compose_v2_pull docker_compose_v2_run docker_config docker_container docker_container_copy_into
            docker_container_exec docker_container_info docker_host_info docker_image docker_image_build
            docker_image_export docker_image_info docker_image_load docker_image_pull docker_image_push
            docker_image_remove docker_image_tag docker_login docker_network docker_network_info docker_node
            docker_node_info docker_plugin docker_prune docker_secret docker_stack docker_stack_info
            docker_stack_task_info docker_swarm docker_swarm_info docker_swarm_service docker_swarm_service_info
            docker_volume docker_volume_info
            """
        ),
        (
            "community.mysql",
            """
            mysql_db mysql_info mysql_query mysql_replication mysql_role mysql_user mysql_variables
            """
        ),
        (
            "community.postgresql",
            """
            postgresql_db postgresql_ext postgresql_info postgresql_privs postgresql_query postgresql_schema
            postgresql_set postgresql_user
            """
        ),
        (
            "community.crypto",
            """
            acme_account acme_certificate get_certificate openssh_cert openssh_keypair openssl_certificate openssl_csr
            openssl_csr_pipe openssl_dhparam openssl_pkcs12 openssl_privatekey openssl_privatekey_pipe
            openssl_publickey x509_certificate x509_certificate_info x509_certificate_pipe x509_crl
            """
        ),
        (
            "ansible.windows",
            """
            win_acl win_certificate_store win_command win_copy win_dns_client win_domain_membership win_dsc
            win_environment win_feature win_file win_find win_get_url win_group win_group_membership
            win_hostname win_optional_feature win_package win_ping win_powershell win_reboot
            win_reg_stat win_regedit win_service win_service_info win_share win_shell win_stat win_tempfile
            win_template win_updates win_uri win_user win_user_right win_wait_for win_whoami
            """
        ),
    ]
}
