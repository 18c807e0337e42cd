import ConstitutionCore
import ConstitutionYAML

/// A value read through layers of YAML, the first layer winning: how Helm merges a
/// `values-seed.yaml` over the chart's `values.yaml` (mappings merge key by key, anything else
/// replaces), and how an ApplicationSet generator's own `template` overrides the spec's. A plain
/// document is a stack of one.
struct NodeStack {
    /// The layers, the winning one first; never empty.
    let layers: [YAMLNode]

    init(_ node: YAMLNode) { layers = [node] }

    init?(_ layers: [YAMLNode]) {
        guard !layers.isEmpty else { return nil }
        self.layers = layers
    }

    /// The value of `key`: the first layer's; when it is a mapping, merged with the mappings the
    /// later layers hold there (down to the first non-mapping).
    subscript(key: String) -> NodeStack? {
        var found: [YAMLNode] = []
        for layer in layers {
            guard let value = layer[key] else { continue }
            if !found.isEmpty, value.kind != .mapping { break }
            found.append(value)
            if value.kind != .mapping { break }
        }
        return NodeStack(found)
    }

    /// The first layer.
    var top: YAMLNode { layers[0] }
    /// The first layer's scalar.
    var scalar: String? { top.scalar }
    /// The first layer's location.
    var location: SourceLocation { top.location }
    /// The first layer's sequence elements (sequences replace, they do not merge).
    var elements: [NodeStack] { top.elements.map(NodeStack.init) }
    /// Whether the first layer is a mapping.
    var isMapping: Bool { top.kind == .mapping }

    /// The scalar at `path` (`["spec", "source", "path"]`), when there is one.
    func string(_ path: String...) -> String? {
        var node: NodeStack? = self
        for key in path { node = node?[key] }
        return node?.scalar
    }
}
