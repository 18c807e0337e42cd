import ArgumentParser
import ConstitutionCLI
import ConstitutionApp
import ConstitutionCore
import ConstitutionWorkspace

/// Output formats of `files`.
enum FilesFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct FilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Show what the tool sees: every file's kind, documents and parse errors.",
        discussion: """
            Walks each PATH (default: the current folder), skipping .git/ and anything a \
            .constitutionignore (gitignore syntax) excludes. Kinds: kubernetes, ansible-playbook, \
            ansible-tasks, ansible-vars, ansible-inventory, cloud-init, compose, workflow, \
            template (Helm chart or Ansible role templates/: listed, never parsed), yaml, text, binary.

            Paths are shown relative to PATH when one folder is given. Columns count Unicode \
            scalars, as libyaml does. The listing is written as it is produced (a big tree \
            never sits in memory); text columns are aligned on the first 4,096 rows.

            Files over --max-file-size (default: max_file_size in the listed folder's \
            .constitution.yaml, else 16MiB), YAML nested deeper than 256 levels, FIFOs, sockets, \
            devices, symlinks leaving the tree and UTF-16 or UTF-32 text are errors, not read.

            Exit codes: 0 every file parsed; 4 some file could not be read or parsed (all \
            others are still listed); 5 no files matched; 2 usage error; 3 a bad \
            .constitution.yaml.
            """
    )

    @Argument(help: "Files or folders to list (default: .).")
    var paths: [String] = []

    @Option(name: .long, help: "Output format: text or json.")
    var format: FilesFormat = .text

    @OptionGroup var size: FileSizeOptions

    @Flag(name: .long, help: "Also check what Git ignores (.gitignore, .git/info/exclude, ~/.config/git/ignore); .constitutionignore still applies.")
    var noIgnore = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let inputs = paths.isEmpty ? ["."] : paths
        // One folder given: paths are shown relative to it; files are shown as given.
        let root: String? = inputs.count == 1 && ConstitutionStore.isDirectory(inputs[0]) ? inputs[0] : nil
        var limits = LoadLimits.standard
        if let bytes = size.maxFileSize {
            limits.maxFileSize = bytes
        } else {
            // The same limit lint applies: the listed folder's .constitution.yaml.
            switch Result(catching: { () throws(ConstitutionProblem) in try LintConfig.load(explicit: nil, folders: [root ?? "."]) }) {
            case .success(let config): limits.maxFileSize = config.maxFileSize ?? limits.maxFileSize
            case .failure(let problem): reportConstitutionProblem(problem, style: global.style)
            }
        }
        do {
            let output = StandardOutput()
            let status = try FilesListing.run(
                inputs: inputs, displayRoot: root, workers: global.jobs ?? Workspace.defaultWorkers,
                format: format == .json ? .json : .text(global.style), limits: limits, gitignore: !noIgnore, sink: output.write)
            if status == .noInput { printError("constitution: no files matched \(inputs.joined(separator: " "))") }
            throw ExitCode(status.rawValue)
        } catch let error as InputError {
            printError("constitution: error: \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}
