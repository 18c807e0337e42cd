import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// What a facet extractor may use besides the file itself.
public struct FacetContext: Sendable {
    /// Reads another file of the linted tree by its display path (relative to the linted root),
    /// e.g. an Ansible role's template for the `file` facet. Returns nil when absent.
    public var readRepoFile: @Sendable (String) -> [UInt8]?

    /// Creates a context.
    public init(readRepoFile: @escaping @Sendable (String) -> [UInt8]? = { _ in nil }) {
        self.readRepoFile = readRepoFile
    }
}

/// What the facets derive from one file and share: built on first use, kept while that file
/// is evaluated (one thread, one file).
final class FacetMemo {
    var tasks: [AnsibleTask]?
    var commands: [ShellCommand]?
    var variables: [AnsibleVariable]?
    var k3sNodes: [K3sNode]?

    init() {}

    /// `value` if computed before, else `make()` stored there.
    static func cached<T>(_ slot: inout T?, _ make: () -> T) -> T {
        if let value = slot { return value }
        let value = make()
        slot = value
        return value
    }
}

/// The facets (docs/rules.md, "Facets"): the same concept across formats, each item a ``FacetObject``
/// located at its own node. Built lazily, only for files a rule with that facet selects.
public enum Facets {
    /// The items of `facet` in `file`. `key` narrows the `setting` facet (`k3s.server`, or a glob
    /// over Ansible variable names such as `*_server_args`).
    public static func items(_ facet: FacetName, in file: LoadedFile, key: String?, context: FacetContext) -> [FacetObject] {
        items(facet, in: file, key: key, context: context, memo: FacetMemo())
    }

    /// The items of `facet` in `file`, sharing what several facets derive from the same file
    /// (its Ansible tasks, its commands, its variables) through `memo`, which belongs to `file`.
    static func items(_ facet: FacetName, in file: LoadedFile, key: String?, context: FacetContext, memo: FacetMemo) -> [FacetObject] {
        switch facet {
        case .command: return CommandFacet.items(in: file, context: context, memo: memo)
        case .file: return FileFacet.items(in: file, context: context, memo: memo)
        case .image: return ImageFacet.items(in: file, context: context)
        case .setting: return SettingFacet.items(in: file, key: key, context: context, memo: memo)
        case .task: return TaskFacet.items(in: file, context: context, memo: memo)
        }
    }

    /// The field names each facet's items carry (for validating rules' paths and for docs).
    public static func fields(of facet: FacetName) -> [String] {
        switch facet {
        case .command: return CommandFacet.fields
        case .file: return FileFacet.fields
        case .image: return ImageFacet.fields
        case .setting: return SettingFacet.fields
        case .task: return TaskFacet.fields
        }
    }
}
