import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// Placeholder until the facet is written.
enum FileFacet {
    static let fields: [String] = []

    static func items(in file: LoadedFile, context: FacetContext) -> [FacetObject] { [] }
}
