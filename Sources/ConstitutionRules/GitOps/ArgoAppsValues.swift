import ConstitutionCore
import ConstitutionYAML

/// The values of the argocd-apps Helm chart: `applications:` and `applicationsets:` maps (name →
/// the object's `spec` fields, written flat: `source`, `generators`, `template`…), or lists of
/// entries with a `name:` (the chart's 1.x shape), at the top of a `values*.yaml` or under one
/// top-level key (the chart used as a dependency: `argocd-apps: {applicationsets: …}`).
///
/// A `values*.yaml` other than `values.yaml` is read over the chart's `values.yaml` in the same
/// folder, as Helm merges them (`helm template -f values-seed.yaml`): an entry of the same name
/// takes the fields it lacks from there.
enum ArgoAppsValues {
    /// One `applications`/`applicationsets` entry.
    struct Entry {
        /// `.application` or `.applicationSet`.
        var kind: GitOpsController.Kind
        /// The entry's key (or `name:`).
        var name: String
        /// The entry's mapping.
        var node: YAMLNode
        /// Where the entry is written (its key, or its list item).
        var location: SourceLocation
        /// The top-level key it is nested under (`argocd-apps`), `""` at the top.
        var scope: String
    }

    /// The entries of a values document, in source order.
    static func entries(in document: YAMLNode) -> [Entry] {
        guard document.kind == .mapping else { return [] }
        var out = entries(in: document, scope: "")
        for pair in document.pairs where pair.value.kind == .mapping {
            guard let key = pair.key.scalar, key != "applications", key != "applicationsets" else { continue }
            out += entries(in: pair.value, scope: key)
        }
        return out
    }

    private static func entries(in mapping: YAMLNode, scope: String) -> [Entry] {
        var out: [Entry] = []
        for (key, kind) in [("applications", GitOpsController.Kind.application), ("applicationsets", .applicationSet)] {
            guard let group = mapping[key] else { continue }
            switch group.kind {
            case .mapping:
                for pair in group.pairs where pair.value.kind == .mapping {
                    guard let name = pair.key.scalar else { continue }
                    out.append(Entry(kind: kind, name: name, node: pair.value, location: pair.key.location, scope: scope))
                }
            case .sequence:
                for element in group.elements where element.kind == .mapping {
                    guard let name = element["name"]?.scalar else { continue }
                    out.append(Entry(kind: kind, name: name, node: element, location: element.location, scope: scope))
                }
            default:
                break
            }
        }
        return out
    }
}
