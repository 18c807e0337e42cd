#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionWorkspace

/// `constitution init`: copy the starter constitution into a repository, never overwriting.
public enum Initializer {
    /// What was done.
    public struct Outcome: Sendable {
        /// Files written, relative to the target.
        public var written: [String]
        /// Files that already existed and were left alone.
        public var kept: [String]
    }

    /// The folders copied from the starter constitution.
    public static let folders = ["incidents", "rules", "templates"]

    /// Copies `starter`'s incidents/, rules/ and templates/ into `target`.
    public static func run(starter: String, target: String) -> Result<Outcome, InitError> {
        var written: [String] = []
        var kept: [String] = []
        for folder in folders {
            let walk = FileWalker().walk([starter + "/" + folder], displayRoot: starter)
            for file in walk.files where file.walkError == nil {
                let destination = target + "/" + file.path
                if ConstitutionStore.exists(destination) {
                    kept.append(file.path)
                    continue
                }
                guard case .success(let bytes) = FileReader.read(file.fullPath) else { continue }
                let parent = String(destination.utf8.prefix(upTo: destination.utf8.lastIndex(of: UInt8(ascii: "/"))!))!
                AtomicFile.makeDirectories(parent)
                if let error = AtomicFile.write(destination, String(decoding: bytes, as: UTF8.self)) {
                    return .failure(InitError(message: error))
                }
                written.append(file.path)
            }
        }
        return .success(Outcome(written: written, kept: kept))
    }
}

/// `init` could not write.
public struct InitError: Error, Sendable {
    public var message: String
}
