import ConstitutionCore
import ConstitutionYAML

/// Pod specs and containers of Kubernetes documents, for the facets: the same table as the
/// `pod_spec`, `pod_metadata` and `containers` path concepts
/// (``PathExpression/podTemplatePaths``), read straight off the nodes.
enum Workloads {
    /// The container lists of a pod spec, in the order the facets report them.
    static let containerKeys = ["initContainers", "containers", "ephemeralContainers"]

    /// The pod specs of a document: workload kinds (and `PodTemplate`) by
    /// ``PathExpression/podSpecPaths``, and the items of a `List`.
    static func podSpecs(_ doc: YAMLNode, depth: Int = 0) -> [YAMLNode] {
        guard doc.kind == .mapping, depth < 4, let kind = doc["kind"]?.scalar else { return [] }
        if kind == "List" || kind.hasSuffix("List") {
            return (doc["items"]?.elements ?? []).flatMap { podSpecs($0, depth: depth + 1) }
        }
        guard let path = PathExpression.podSpecPaths[kind] else { return [] }
        var current: YAMLNode? = doc
        for key in path { current = current?[key] }
        guard let spec = current, spec.kind == .mapping else { return [] }
        return [spec]
    }

    /// Every container (init, regular, ephemeral) of a document's pod specs.
    static func containers(_ doc: YAMLNode) -> [YAMLNode] {
        var out: [YAMLNode] = []
        for spec in podSpecs(doc) {
            for key in containerKeys {
                guard let list = spec[key], list.kind == .sequence else { continue }
                out.append(contentsOf: list.elements.filter { $0.kind == .mapping })
            }
        }
        return out
    }
}
