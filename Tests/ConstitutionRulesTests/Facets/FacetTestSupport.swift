import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

@testable import ConstitutionRules

/// Builds in-memory files of a given kind for facet tests.
enum FacetFixture {
    /// A loaded file of `kind` at display path `path`.
    static func file(_ path: String, _ text: String, kind: FileKind) -> LoadedFile {
        let yaml = kind.isYAML ? YAMLParser.parse(path: path, text: text) : nil
        let walked = WalkedFile(fullPath: path, path: path, inTemplateFolder: false, roleFolder: nil, walkError: nil)
        return LoadedFile(walked: walked, kind: kind, yaml: yaml, bytes: Array(text.utf8), error: nil, warnings: [])
    }

    /// A context whose tree holds `files` (display path → text).
    static func context(_ files: [String: String] = [:]) -> FacetContext {
        FacetContext(readRepoFile: { path in files[path].map { Array($0.utf8) } })
    }

    /// The items of `facet` for a file built from `text`.
    static func items(
        _ facet: FacetName, _ path: String, _ text: String, kind: FileKind, key: String? = nil, repo: [String: String] = [:]
    ) -> [FacetObject] {
        Facets.items(facet, in: file(path, text, kind: kind), key: key, context: context(repo))
    }
}

extension FacetObject {
    /// A field's scalar text ("" when absent).
    func text(_ field: String) -> String { self[field]?.scalarText ?? "" }

    /// Where a field's value is, as `line:column`.
    func at(_ field: String) -> String { (self[field]?.location).map(\.description) ?? "-" }

    /// Where the item is, as `line:column`.
    var at: String { location.description }

    /// A list field's item texts.
    func list(_ field: String) -> [String] { (self[field]?.elements ?? []).map { $0.scalarText ?? "?" } }

    /// A list field's item locations.
    func listAt(_ field: String) -> [String] { (self[field]?.elements ?? []).map(\.location.description) }
}

extension Value {
    /// Where the UTF-8 offset of `needle` inside a text value maps to, as `line:column`.
    func at(_ needle: String) -> String {
        guard let text = locatedText, let range = text.text.utf8.firstRange(of: Array(needle.utf8)) else { return "-" }
        let offset = text.text.utf8.distance(from: text.text.utf8.startIndex, to: range.lowerBound)
        return text.location(ofUTF8: offset).description
    }
}
