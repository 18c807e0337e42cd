import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// The `image` facet: every container image reference, parsed into registry, name, tag and
/// digest (docs/rules.md, "Facets").
///
/// Sources: Kubernetes containers of every workload kind (init and ephemeral too); Compose
/// `services.*.image`; workflow `jobs.*.container` (string or `.image`),
/// `jobs.*.services.*.image` and `uses: docker://…` steps; Helm values where recognisable:
/// under a Flux `HelmRelease`'s `spec.values` and an Argo CD `Application`'s (or
/// `ApplicationSet` template's) `helm.valuesObject` or `helm.values` string, every
/// `image: "x:y"` and every `image: {registry, repository, tag, digest}` mapping.
///
/// Each item is at the reference's own node; `registry`, `name`, `tag` and `digest` point at
/// their own part of it (a mapping's `tag:` node for the mapping form). Templated references
/// are kept as written and parsed as far as they go.
enum ImageFacet {
    /// The fields of an image item.
    static let fields: [String] = ["image", "registry", "name", "tag", "digest"]

    /// Kinds whose `spec.values` are Helm values.
    static let helmReleaseKinds: Set<String> = ["HelmRelease"]
    /// How deep Helm values are searched.
    static let maxValuesDepth = 40

    /// The facet's items for `file`.
    static func items(in file: LoadedFile, context: FacetContext) -> [FacetObject] {
        guard let yaml = file.yaml else { return [] }
        var out: [FacetObject] = []
        for doc in yaml.documents where doc.kind == .mapping {
            switch file.kind {
            case .kubernetes:
                for container in Workloads.containers(doc) {
                    if let image = container["image"] { add(scalar: image, to: &out) }
                }
                helmValues(doc, file: file, into: &out)
            case .compose:
                guard let services = doc["services"], services.kind == .mapping else { continue }
                for service in services.pairs {
                    if let image = service.value["image"] { add(scalar: image, to: &out) }
                }
            case .workflow:
                guard let jobs = doc["jobs"], jobs.kind == .mapping else { continue }
                for job in jobs.pairs {
                    if let container = job.value["container"] {
                        add(scalar: container.kind == .mapping ? container["image"] : container, to: &out)
                    }
                    if let services = job.value["services"], services.kind == .mapping {
                        for service in services.pairs {
                            add(scalar: service.value.kind == .mapping ? service.value["image"] : service.value, to: &out)
                        }
                    }
                    for step in job.value["steps"]?.elements ?? [] {
                        guard let uses = step["uses"], let text = MappedText(scalar: uses) else { continue }
                        let prefix = Array("docker://".utf8)
                        guard text.bytes.starts(with: prefix) else { continue }
                        add(text: text.slice(prefix.count..<text.bytes.count), at: text.location(at: prefix.count), to: &out)
                    }
                }
            default:
                break
            }
        }
        return out
    }

    // MARK: Items

    /// Adds the reference held by a scalar node.
    static func add(scalar node: YAMLNode?, to out: inout [FacetObject], through outer: MappedText? = nil) {
        guard let node, node.kind == .scalar, !node.isNull, var text = MappedText(scalar: node) else { return }
        var at = node.location
        if let outer {
            text = text.relocated(through: outer)
            at = outer.location(at: node.resolved.location.offset)
        }
        add(text: text, at: at, to: &out)
    }

    /// Adds a reference given as text.
    static func add(text raw: MappedText, at location: SourceLocation, to out: inout [FacetObject]) {
        let text = raw.trimmed()
        guard !text.bytes.isEmpty, !text.bytes.contains(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 }) || text.bytes.contains(UInt8(ascii: "{"))
        else { return }
        let ref = ImageReference(text.string)
        let n = text.bytes.count
        let nameEnd = ref.tag.isEmpty ? (ref.digest.isEmpty ? n : ref.digestStart - 1) : ref.tagStart - 1
        var registry = LocatedText(ref.registry, at: text.location(at: 0))
        if let end = ref.registryEnd {
            let written = text.token(0..<end)
            registry = written.text == ref.registry ? written : LocatedText(ref.registry, at: written.lineStarts[0])
        }
        var name = text.token(ref.nameStart..<max(ref.nameStart, nameEnd))
        if name.text != ref.name { name = LocatedText(ref.name, at: name.lineStarts[0]) }
        let tag = ref.tag.isEmpty ? LocatedText("", at: text.location(at: n)) : text.token(ref.tagStart..<(ref.digest.isEmpty ? n : ref.digestStart - 1))
        let digest = ref.digest.isEmpty ? LocatedText("", at: text.location(at: n)) : text.token(ref.digestStart..<n)
        out.append(
            FacetObject(
                fields: [
                    ("image", text.value), ("registry", .text(registry)), ("name", .text(name)), ("tag", .text(tag)),
                    ("digest", .text(digest)),
                ],
                location: location))
    }

    /// Adds the reference of an `image: {registry, repository, tag, digest}` mapping.
    static func add(mapping image: YAMLNode, to out: inout [FacetObject], through outer: MappedText?) {
        guard let repository = image["repository"] ?? (image["tag"] != nil ? image["name"] : nil),
            let repo = repository.scalar, !repository.isNull, !repo.isEmpty
        else { return }
        func located(_ node: YAMLNode) -> LocatedText {
            let at = outer.map { $0.location(at: node.resolved.location.offset) } ?? node.location
            guard let text = MappedText(scalar: node) else { return LocatedText("", at: at) }
            return (outer.map { text.relocated(through: $0) } ?? text).located
        }
        // A part of the reference at its node: exactly when the node holds just that part.
        func part(_ text: String, _ node: YAMLNode?) -> LocatedText? {
            guard let node, !text.isEmpty else { return nil }
            let whole = located(node)
            if whole.text == text { return whole }
            guard let range = whole.text.utf8.firstRange(of: Array(text.utf8)) else { return nil }
            return LocatedText(text, at: whole.location(ofUTF8: whole.text.utf8.distance(from: whole.text.utf8.startIndex, to: range.lowerBound)))
        }
        func at(_ node: YAMLNode) -> SourceLocation { outer.map { $0.location(at: node.resolved.location.offset) } ?? node.location }
        let registryNode = image["registry"].flatMap { $0.isNull || $0.scalar == "" ? nil : $0 }
        let tagNode = image["tag"].flatMap { $0.isNull || $0.scalar == "" ? nil : $0 }
        let digestNode = image["digest"].flatMap { $0.isNull || $0.scalar == "" ? nil : $0 }
        var reference = ""
        if let r = registryNode?.scalar { reference += r + "/" }
        reference += repo
        if let t = tagNode?.scalar { reference += ":" + t }
        if let d = digestNode?.scalar { reference += "@" + d }
        let ref = ImageReference(reference)
        let repoAt = at(repository)
        out.append(
            FacetObject(
                fields: [
                    ("image", .text(LocatedText(ref.reference, at: repoAt))),
                    ("registry", .text(LocatedText(ref.registry, at: registryNode.map(at) ?? repoAt))),
                    ("name", .text(LocatedText(ref.name, at: repoAt))),
                    ("tag", .text(part(ref.tag, tagNode) ?? LocatedText(ref.tag, at: repoAt))),
                    ("digest", .text(part(ref.digest, digestNode) ?? part(ref.digest, tagNode) ?? LocatedText(ref.digest, at: repoAt))),
                ],
                location: repoAt))
    }

    // MARK: Helm values

    /// Images in a HelmRelease's or Argo CD Application's Helm values.
    static func helmValues(_ doc: YAMLNode, file: LoadedFile, into out: inout [FacetObject]) {
        guard let kind = doc["kind"]?.scalar, let spec = doc["spec"], spec.kind == .mapping else { return }
        if helmReleaseKinds.contains(kind) {
            if let values = spec["values"] { walkValues(values, into: &out, through: nil, depth: 0) }
            return
        }
        let appSpec: YAMLNode?
        switch kind {
        case "Application": appSpec = spec
        case "ApplicationSet": appSpec = spec["template"]?["spec"]
        default: appSpec = nil
        }
        guard let appSpec else { return }
        var sources: [YAMLNode] = []
        if let source = appSpec["source"] { sources.append(source) }
        sources.append(contentsOf: appSpec["sources"]?.elements ?? [])
        for source in sources {
            guard let helm = source["helm"] else { continue }
            if let object = helm["valuesObject"] { walkValues(object, into: &out, through: nil, depth: 0) }
            if let values = helm["values"], values.kind == .scalar, let text = MappedText(scalar: values) {
                let embedded = YAMLParser.parse(path: file.path, source: text.bytes)
                for inner in embedded.documents { walkValues(inner, into: &out, through: text, depth: 0) }
            }
        }
    }

    /// Finds `image:` keys anywhere under `node`.
    static func walkValues(_ node: YAMLNode, into out: inout [FacetObject], through outer: MappedText?, depth: Int) {
        guard depth < maxValuesDepth else { return }
        switch node.kind {
        case .mapping:
            for pair in node.pairs {
                if pair.key.scalarEquals("image") {
                    let value = pair.value
                    if value.kind == .scalar {
                        add(scalar: value, to: &out, through: outer)
                        continue
                    }
                    if value.kind == .mapping, value["repository"] != nil || (value["name"] != nil && value["tag"] != nil) {
                        add(mapping: value, to: &out, through: outer)
                        continue
                    }
                }
                walkValues(pair.value, into: &out, through: outer, depth: depth + 1)
            }
        case .sequence:
            for element in node.elements { walkValues(element, into: &out, through: outer, depth: depth + 1) }
        default:
            break
        }
    }
}
