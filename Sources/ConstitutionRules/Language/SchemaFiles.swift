/// The JSON Schemas of our own files (`schemas/` of the starter constitution), and the
/// yaml-language-server modelines that point editors at them.
///
/// `init` copies `schemas/` into the new constitution, so the modelines of the files it writes
/// (`incidents/…` → `../schemas/incident.schema.json`) resolve there; `incident new` copies
/// them when they are missing; `compile` writes the rule modeline into every generated rule.
public enum SchemaFiles {
    /// The folder, beside `incidents/` and `rules/`.
    public static let folder = "schemas"
    /// The schema of `incidents/*.yaml`.
    public static let incident = "incident.schema.json"
    /// The schema of `rules/*.yaml`.
    public static let rule = "rule.schema.json"
    /// The schema of `providers/<family>/*.yaml`.
    public static let provider = "provider.schema.json"
    /// The schema of `waivers.yaml`.
    public static let waivers = "waivers.schema.json"
    /// The schema of `.constitution.yaml`.
    public static let config = "config.schema.json"

    /// The modeline for a file whose schema is `relativePath` (from the file's folder).
    public static func modeline(_ relativePath: String) -> String {
        "# yaml-language-server: $schema=\(relativePath)"
    }

    /// The modeline of a file in `incidents/`.
    public static let incidentModeline = modeline("../\(folder)/\(incident)")
    /// The modeline of a file in `rules/`.
    public static let ruleModeline = modeline("../\(folder)/\(rule)")
    /// The modeline of a file in `providers/<family>/`.
    public static let providerModeline = modeline("../../\(folder)/\(provider)")
}
