import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// Placeholder until the facet is written.
enum SettingFacet {
    static let fields: [String] = []

    static func items(in file: LoadedFile, key: String?, context: FacetContext) -> [FacetObject] { [] }
}
