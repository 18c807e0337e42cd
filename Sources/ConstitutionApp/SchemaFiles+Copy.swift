import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace

extension SchemaFiles {
    /// Copies the schemas `starter` has and `directory` lacks into `directory/schemas/`;
    /// returns the paths written (relative to `directory`). Nothing to copy, or a starter
    /// without schemas, writes nothing.
    public static func copyMissing(from starter: String, into directory: String) -> [String] {
        var written: [String] = []
        for name in [incident, rule, waivers, config] {
            let path = folder + "/" + name
            guard !ConstitutionStore.exists(directory + "/" + path),
                case .success(let bytes) = FileReader.read(starter + "/" + path)
            else { continue }
            AtomicFile.makeDirectories(directory + "/" + folder)
            if AtomicFile.write(directory + "/" + path, bytes) == nil { written.append(path) }
        }
        return written
    }
}
