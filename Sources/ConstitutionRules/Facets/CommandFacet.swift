import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// One command line found by the `command` facet, in the working form other facets reuse
/// (the `setting` facet looks for k3s installs in them).
struct ShellCommand: Sendable {
    /// The logical command line (continuations joined), mapped to the file.
    var text: MappedText
    /// `ansible`, `cloud-init`, `container`, `workflow`, `compose`, `script`, `taskfile` or `make`.
    var source: String
    /// The Ansible module's short name, or empty.
    var module: String
    /// Lines of one script, one literal block or one task share a group (so `export X=…` on
    /// one line can be seen by the next).
    var group: Int
    /// Environment variables the runner sets (an Ansible task's `environment:` mapping).
    var environment: [(name: String, value: MappedText)] = []
    /// Whether the runner sets an environment that cannot be read here (a templated string).
    var environmentUnknown = false
    /// File offsets of text that only looks like shell: a Makefile's `$(VAR)` references. A
    /// command found inside one is not a command.
    var opaque: [Range<Int>] = []

    /// Where the command is reported: the start of its logical line.
    var location: SourceLocation { text.located.lineStarts[0] }
}

/// The `command` facet: every shell command the repo runs (docs/rules.md, "Facets").
///
/// Sources and how each reads:
/// - Ansible `shell`, `command`, `raw`, `script` (any FQCN spelling) in plays, task files,
///   handlers and nested `block`/`rescue`/`always`: the free-form string without the `chdir=`,
///   `creates=`… options, `cmd:`, `argv:` (joined with spaces), `_raw_params`, legacy `args:`;
/// - cloud-init `runcmd` and `bootcmd`: strings, and argv lists (joined; `[sh, -c, SCRIPT]`
///   yields the script's lines);
/// - Kubernetes containers of every workload kind (init and ephemeral too): `command` + `args`,
///   lifecycle hooks and probes' `exec.command`; `sh -c SCRIPT` yields the script's lines;
/// - Compose services' `entrypoint` + `command` and `healthcheck.test`;
/// - workflow `jobs.*.steps[*].run`;
/// - shell scripts (`*.sh`, `*.bash`, or a text file with a `#!…sh` line);
/// - go-task Taskfiles' `cmds:` and Makefile recipe lines (``TaskRunnerCommands``).
///
/// Multi-line scripts give one item per logical line (continuations joined, blank lines,
/// comments and here-document bodies skipped), each at its own line and column.
enum CommandFacet {
    /// The fields of a command item.
    static let fields: [String] = ["command", "name", "source", "module", "piped_from", "via"]

    /// Ansible modules that run commands.
    static let commandModules: Set<String> = ["shell", "command", "raw", "script", "win_shell", "win_command"]

    /// The facet's items for `file`: every command the shell would run (``ShellReader``), nested
    /// ones included, each at its command word.
    static func items(in file: LoadedFile, context: FacetContext, memo: FacetMemo) -> [FacetObject] {
        let lines = commands(in: file, memo: memo)
        var items: [FacetObject] = []
        var k = 0
        while k < lines.count {
            // The lines of one script share a reader: a variable set on one is known on the next.
            var reader = ShellReader()
            let group = lines[k].group
            var first = 0
            while k < lines.count, lines[k].group == group {
                reader.read(line: lines[k].text, depth: 0, via: [])
                let runs = reader.runs
                for index in first..<runs.count where !runs[index].words.isEmpty {
                    if !lines[k].opaque.isEmpty {
                        let at = runs[index].location.offset
                        if lines[k].opaque.contains(where: { $0.lowerBound < at && at < $0.upperBound }) { continue }
                    }
                    items.append(item(runs[index], in: runs, source: lines[k].source, module: lines[k].module))
                }
                first = runs.count
                k += 1
            }
        }
        return items
    }

    /// One run as an item: its text (command word by name), the name, where it came from, the
    /// command whose output it reads, and the wrappers it runs under.
    private static func item(_ run: ShellRun, in runs: [ShellRun], source: String, module: String) -> FacetObject {
        let at = run.location
        var fields: [(String, Value)] = [
            ("command", .text(run.text.located)),
            ("name", .text(LocatedText(run.name, at: at))),
            ("source", .text(LocatedText(source, at: at))),
            ("module", .text(LocatedText(module, at: at))),
        ]
        if let piped = run.pipedFrom, piped < runs.count { fields.append(("piped_from", .text(runs[piped].text.located))) }
        if !run.via.isEmpty { fields.append(("via", .text(LocatedText(run.via.joined(separator: " "), at: at)))) }
        return FacetObject(fields: fields, location: at)
    }

    /// The commands of `file` in document order (made once per file, through `memo`).
    static func commands(in file: LoadedFile, memo: FacetMemo) -> [ShellCommand] {
        FacetMemo.cached(&memo.commands) { collect(in: file, memo: memo) }
    }

    private static func collect(in file: LoadedFile, memo: FacetMemo) -> [ShellCommand] {
        var collector = Collector()
        switch file.kind {
        case .ansiblePlaybook, .ansibleTasks:
            for task in AnsibleTasks.tasks(in: file, memo: memo) where commandModules.contains(task.module) {
                collector.ansible(task)
            }
        case .cloudInit:
            for doc in file.yaml?.documents ?? .empty where doc.kind == .mapping {
                for pair in doc.pairs where pair.key.scalarEquals("bootcmd") || pair.key.scalarEquals("runcmd") {
                    guard pair.value.kind == .sequence else { continue }
                    for item in pair.value.elements { collector.cloudInit(item) }
                }
            }
        case .kubernetes:
            for doc in file.yaml?.documents ?? .empty {
                for container in Workloads.containers(doc) { collector.container(container) }
            }
        case .compose:
            for doc in file.yaml?.documents ?? .empty {
                guard let services = doc["services"], services.kind == .mapping else { continue }
                for service in services.pairs where service.value.kind == .mapping { collector.compose(service.value) }
            }
        case .workflow:
            for doc in file.yaml?.documents ?? .empty {
                guard let jobs = doc["jobs"], jobs.kind == .mapping else { continue }
                for job in jobs.pairs {
                    for step in job.value["steps"]?.elements ?? [] {
                        guard let run = step["run"], let text = MappedText(scalar: run) else { continue }
                        collector.script(text, source: "workflow")
                    }
                }
            }
        case .text:
            if isShellScript(path: file.path, bytes: file.bytes) {
                collector.script(MappedText.file(file.bytes), source: "script")
            } else if TaskRunnerCommands.isMakefile(path: file.path) {
                for recipe in TaskRunnerCommands.makefileRecipes(MappedText.file(file.bytes)) {
                    collector.script(recipe.text, source: "make", opaque: recipe.references)
                }
            }
        case .yaml:
            for doc in file.yaml?.documents ?? .empty where TaskRunnerCommands.isTaskfile(path: file.path, doc: doc) {
                for command in TaskRunnerCommands.taskfileCommands(doc) { collector.script(command, source: "taskfile") }
            }
        default:
            break
        }
        return collector.commands
    }

    /// Whether a text file is a shell script: `.sh`/`.bash`, or a `#!` line naming a shell
    /// (`#!/bin/sh`, `#!/usr/bin/env bash`).
    static func isShellScript(path: String, bytes: [UInt8]) -> Bool {
        let ext = PathText.fileExtension(path)
        if ext == "sh" || ext == "bash" { return true }
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "#"), bytes[1] == UInt8(ascii: "!") else { return false }
        var end = 2
        while end < bytes.count, end < 256, bytes[end] != 0x0A { end += 1 }
        let words = bytes[2..<end].split(whereSeparator: { ShellWords.isSpace($0) })
        guard let interpreter = words.first else { return false }
        var name = ShellWords.basename(interpreter)
        if name == "env" {
            guard let next = words.dropFirst().first(where: { $0.first != UInt8(ascii: "-") }) else { return false }
            name = ShellWords.basename(next)
        }
        return ShellWords.shells.contains(name)
    }

    /// Joins words with single spaces, each keeping its positions.
    static func join(_ words: [MappedText]) -> MappedText? {
        guard let first = words.first else { return nil }
        if words.count == 1 { return first }
        var bytes: [UInt8] = []
        var anchors: [MappedText.Anchor] = []
        var exact = true
        for (k, word) in words.enumerated() {
            if k > 0 { bytes.append(UInt8(ascii: " ")) }
            let base = bytes.count
            for a in word.anchors { anchors.append(.init(offset: base + a.offset, location: a.location)) }
            bytes.append(contentsOf: word.bytes)
            exact = exact && word.exact
        }
        return MappedText(bytes: bytes, anchors: exact ? anchors : [anchors[0]], exact: exact)
    }
}

/// Accumulates commands, numbering script groups.
private struct Collector {
    /// The commands so far.
    var commands: [ShellCommand] = []
    /// The last group number handed out.
    var group = 0

    /// Adds each logical line of a script as a command of one new group.
    mutating func script(
        _ text: MappedText, source: String, module: String = "", environment: [(name: String, value: MappedText)] = [],
        environmentUnknown: Bool = false, opaque: [Range<Int>] = []
    ) {
        group += 1
        for line in ShellWords.logicalLines(text) {
            commands.append(
                ShellCommand(
                    text: line, source: source, module: module, group: group, environment: environment,
                    environmentUnknown: environmentUnknown, opaque: opaque))
        }
    }

    /// Adds an argv list: the script of `sh -c SCRIPT`, else the words joined.
    mutating func argv(_ words: [MappedText], source: String, module: String = "") {
        guard !words.isEmpty else { return }
        if let s = ShellWords.shellScriptIndex(words.map(\.bytes)) {
            script(words[s], source: source, module: module)
            return
        }
        guard let joined = CommandFacet.join(words), !joined.isBlank else { return }
        group += 1
        commands.append(ShellCommand(text: joined, source: source, module: module, group: group))
    }

    /// The words of a YAML value: a sequence's scalars, or a string split like a shell would.
    func words(_ node: YAMLNode) -> [MappedText] {
        switch node.kind {
        case .sequence:
            return node.elements.compactMap { MappedText(scalar: $0) }
        case .scalar where !node.isNull:
            guard let text = MappedText(scalar: node) else { return [] }
            return ShellWords.tokenize(text.bytes).filter { $0.kind == .word }.map { $0.mapped(in: text) }
        default:
            return []
        }
    }

    /// Adds a command-module task: free-form or `cmd:` text line by line, or `argv:` joined.
    mutating func ansible(_ task: AnsibleTask) {
        var environment: [(name: String, value: MappedText)] = []
        var environmentUnknown = false
        if let env = task.environment {
            if env.kind == .mapping {
                for pair in env.pairs {
                    guard let k = pair.key.scalar, let v = MappedText(scalar: pair.value) else { continue }
                    environment.append((k, v))
                }
            } else if !env.isNull {
                environmentUnknown = true
            }
        }
        if let text = task.freeForm ?? task.param("cmd")?.mapped {
            script(text, source: "ansible", module: task.module, environment: environment, environmentUnknown: environmentUnknown)
            return
        }
        if let argv = task.param("argv")?.node, argv.kind == .sequence {
            let words = argv.elements.compactMap { MappedText(scalar: $0) }
            guard let joined = CommandFacet.join(words), !joined.isBlank else { return }
            group += 1
            commands.append(
                ShellCommand(
                    text: joined, source: "ansible", module: task.module, group: group, environment: environment,
                    environmentUnknown: environmentUnknown))
        }
    }

    /// Adds a `runcmd`/`bootcmd` entry: a string script or an argv list.
    mutating func cloudInit(_ item: YAMLNode) {
        switch item.kind {
        case .scalar:
            guard !item.isNull, let text = MappedText(scalar: item) else { return }
            script(text, source: "cloud-init")
        case .sequence:
            argv(item.elements.compactMap { MappedText(scalar: $0) }, source: "cloud-init")
        default:
            break
        }
    }

    /// Adds a container's `command` + `args`, lifecycle hooks and exec probes.
    mutating func container(_ container: YAMLNode) {
        let command = container["command"].map(words) ?? []
        let args = container["args"].map(words) ?? []
        if !command.isEmpty || !args.isEmpty { argv(command + args, source: "container") }
        for hook in ["postStart", "preStop"] {
            if let exec = container["lifecycle"]?[hook]?["exec"]?["command"] { argv(words(exec), source: "container") }
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            if let exec = container[probe]?["exec"]?["command"] { argv(words(exec), source: "container") }
        }
    }

    /// Adds a Compose service's `entrypoint` + `command` and its `healthcheck.test`.
    mutating func compose(_ service: YAMLNode) {
        let entrypoint = service["entrypoint"].map(words) ?? []
        let command = service["command"].map(words) ?? []
        if !entrypoint.isEmpty || !command.isEmpty { argv(entrypoint + command, source: "compose") }
        guard let test = service["healthcheck"]?["test"] else { return }
        if test.kind == .sequence {
            let items = test.elements.compactMap { MappedText(scalar: $0) }
            guard let kind = items.first?.string else { return }
            if kind == "CMD-SHELL", items.count > 1 {
                script(items[1], source: "compose")
            } else if kind == "CMD" {
                argv(Array(items.dropFirst()), source: "compose")
            }
        } else if let text = MappedText(scalar: test), !test.isNull, text.string != "NONE" {
            script(text, source: "compose")
        }
    }
}
