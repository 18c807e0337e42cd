import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// Where an embedded document lives: the file it is written in, and how positions in its text
/// map back to that file.
public final class EmbeddedOrigin: Sendable, Hashable {
    /// The display path of the file the document is written in.
    public let outerPath: String
    /// How it is written: `copy`, `write_files`, `configmap` or `template`.
    public let source: String
    /// The document's text, each offset mapped to the outer file.
    let text: MappedText

    init(outerPath: String, source: String, text: MappedText) {
        self.outerPath = outerPath
        self.source = source
        self.text = text
    }

    /// A location in the document's text (its byte offset is what counts) in the outer file.
    /// Block scalars map line by line; folded and quoted ones that cannot map exactly map to
    /// the scalar's start.
    public func map(_ location: SourceLocation) -> SourceLocation { text.location(at: location.offset) }

    public static func == (a: EmbeddedOrigin, b: EmbeddedOrigin) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// A document inside another file, loaded as a file of its own: classified by its destination
/// (the `dest:` of an Ansible `copy`, the `path:` of a cloud-init `write_files` entry, the key of
/// a ConfigMap's `data`, the name of an Ansible template without `.j2`) and its content.
struct EmbeddedFile {
    /// The document as a file: its path is the destination, its bytes the embedded text.
    var file: LoadedFile
    var origin: EmbeddedOrigin
}

/// Finds the documents written inside a file (docs/architecture.md, "The pipeline of
/// `constitution lint`"; README, "Where lint looks"). Reuses the `file` facet's extraction.
///
/// - Ansible `copy: content:` (its Jinja read as ``JinjaTemplate`` reads it), cloud-init
///   `write_files` and ConfigMap `data` whose destination is YAML (`.yaml`, `.yml`, a Compose
///   name) become a file of the kind the destination and content say (`compose`, `kubernetes`,
///   `yaml`, `cloud-init`; Ansible kinds are not made this way); other destinations become
///   `text` when some rule reads text.
/// - An Ansible template (`templates/*.j2`) becomes a file named without `.j2`: the YAML it
///   renders to when its Jinja sits only in values, else a note saying why it is not checked.
///
/// `copy: src:` and `template:` writes are not extracted: their files are in the tree and are
/// linted where they are. Embedded documents are not searched for documents of their own.
enum EmbeddedFiles {
    /// The documents embedded in `file`, and notes on those that cannot be read (for
    /// `lint --verbose`). `wantsText`: whether text documents are worth making.
    static func extract(
        from file: LoadedFile, context: FacetContext, memo: FacetMemo, wantsText: Bool, maxDepth: Int = YAMLParser.defaultMaxDepth
    ) -> (files: [EmbeddedFile], notes: [Diagnostic]) {
        var files: [EmbeddedFile] = []
        var notes: [Diagnostic] = []
        switch file.kind {
        case .template:
            guard !file.bytes.isEmpty else { break }
            let dest = FileClassifier.renderedPath(file.path)
            let text = MappedText.file(file.bytes)
            let origin = EmbeddedOrigin(outerPath: file.path, source: "template", text: text)
            guard isYAMLDestination(dest, content: text.bytes) else {
                if wantsText { files.append(EmbeddedFile(file: textFile(dest, text.bytes), origin: origin)) }
                break
            }
            switch JinjaTemplate.parse(path: dest, bytes: text.bytes, maxDepth: maxDepth) {
            case .yaml(let yaml):
                if let loaded = yamlFile(dest, yaml) { files.append(EmbeddedFile(file: loaded, origin: origin)) }
            case .unreadable(let reason, let at):
                notes.append(note(file.path, origin.map(at), "\(PathText.lastSegment(dest)) is not checked: \(reason)"))
            }
        case .ansiblePlaybook, .ansibleTasks, .cloudInit, .kubernetes:
            let needle = file.kind == .cloudInit ? "write_files" : file.kind == .kubernetes ? "ConfigMap" : "content"
            guard ByteSearch.contains(file.bytes, Array(needle.utf8)) else { break }
            for write in FileFacet.writes(in: file, context: context, contentOnly: true, memo: memo) {
                guard let content = write.content, !content.isBlank else { continue }
                let dest = write.dest.string
                let origin = EmbeddedOrigin(outerPath: file.path, source: write.source, text: content)
                guard isYAMLDestination(dest, content: content.bytes) else {
                    if wantsText { files.append(EmbeddedFile(file: textFile(dest, content.bytes), origin: origin)) }
                    continue
                }
                // Ansible templates its module arguments; cloud-init and Kubernetes do not.
                let reading: JinjaTemplate.Reading
                if write.source == "copy" {
                    reading = JinjaTemplate.parse(path: dest, bytes: content.bytes, maxDepth: maxDepth)
                } else {
                    let yaml = YAMLParser.parse(path: dest, source: content.bytes, maxDepth: maxDepth)
                    reading = yaml.error.map { .unreadable(reason: "it does not parse: \($0.message)", at: $0.location) } ?? .yaml(yaml)
                }
                switch reading {
                case .yaml(let yaml):
                    if let loaded = yamlFile(dest, yaml) { files.append(EmbeddedFile(file: loaded, origin: origin)) }
                case .unreadable(let reason, let at):
                    notes.append(note(file.path, origin.map(at), "the file written to \(dest) is not checked: \(reason)"))
                }
            }
        default:
            break
        }
        return (files, notes)
    }

    /// Whether a destination holds YAML: a `.yaml`/`.yml` name (Compose names are), or
    /// `#cloud-config` content.
    static func isYAMLDestination(_ dest: String, content: [UInt8]) -> Bool {
        let ext = FileClassifier.fileExtension(dest)
        return ext == "yaml" || ext == "yml" || FileClassifier.isCloudConfig(content.prefix(512))
    }

    /// A YAML document as a file of the kind its destination and content say; nil for the
    /// Ansible kinds (a role's files are not applied as Ansible).
    static func yamlFile(_ dest: String, _ yaml: YAMLFile) -> LoadedFile? {
        let kind = FileClassifier.kind(ofPath: dest, yaml: yaml)
        guard !kind.isAnsible, yaml.documents.contains(where: { !$0.isNull }) else { return nil }
        return LoadedFile(walked: walked(dest), kind: kind, yaml: yaml, bytes: yaml.source, error: nil, warnings: [])
    }

    static func textFile(_ dest: String, _ bytes: [UInt8]) -> LoadedFile {
        LoadedFile(walked: walked(dest), kind: .text, yaml: nil, bytes: bytes, error: nil, warnings: [])
    }

    static func walked(_ dest: String) -> WalkedFile {
        WalkedFile(fullPath: dest, path: dest, inTemplateFolder: false, roleFolder: nil, walkError: nil)
    }

    static func note(_ path: String, _ at: SourceLocation, _ message: String) -> Diagnostic {
        Diagnostic(path: path, location: at, severity: .info, message: message)
    }
}
