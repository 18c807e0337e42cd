import ConstitutionCore
import ConstitutionYAML

/// One example snippet a rule carries: a file kind and text, and where it is written.
public struct RuleExample: Sendable {
    /// `fail` examples must yield a finding of this rule; `pass` examples must not.
    public enum Expectation: String, Sendable { case fail, pass }

    /// What the example expects.
    public var expectation: Expectation
    /// The kind of file the text is.
    public var kind: FileKind
    /// The path the snippet pretends to have (`example.yaml` by default).
    public var path: String
    /// The snippet.
    public var text: String
    /// Where the example is written in the rule or incident file.
    public var location: SourceLocation
    /// The snippet's own lines mapped to the rule or incident file (nil for examples made in
    /// code): a snippet position is reported at its file line.
    public var textLines: LocatedText? = nil
    /// The example's number among the rule's examples of the same expectation, from 1.
    public var number: Int = 1

    /// Where snippet position `line:column` is in the rule or incident file, when known
    /// exactly (a `|` block maps line by line).
    public func fileLocation(line: Int, column: Int) -> SourceLocation? {
        guard let lines = textLines, lines.exact, line >= 1, line <= lines.lineStarts.count else { return nil }
        let start = lines.lineStarts[line - 1]
        // The byte offset: the snippet line's first column - 1 scalars, in UTF-8.
        let text = lines.lines[line - 1].text
        let bytes = text.unicodeScalars.prefix(max(0, column - 1)).reduce(0) { $0 + String($1).utf8.count }
        return SourceLocation(line: start.line, column: start.column + column - 1, offset: start.offset + bytes)
    }
}

/// Where a rule came from.
public enum RuleSource: Sendable, Hashable {
    /// An incident's constraints; the incident id (`INC-0001`).
    case incident(String)
    /// A hand-written rule's rationale.
    case rationale(String)

    /// The incident id, if any.
    public var incidentID: String? {
        if case .incident(let id) = self { return id }
        return nil
    }
}

/// A rule: data, never Swift (docs/rules.md, "Facets").
public struct Rule: Sendable {
    /// Stable kebab-case id.
    public var id: String
    /// `error`, `warning` or `info`.
    public var severity: Severity
    /// The finding's message.
    public var message: String
    /// The incident or the rationale.
    public var source: RuleSource
    /// The one line CLAUDE.md gets.
    public var guidance: String
    /// Commands the agent must never run (`kubectl apply*`).
    public var agent: [String]
    /// The CLAUDE.md section the rule's guidance goes under (`gitops`, `storage`, …).
    public var category: String
    /// Tunables with their default values (YAML nodes from the rule's file).
    public var params: [(name: String, value: Value)]
    /// What the rule looks at.
    public var selection: Selection
    /// A condition that must hold for the rule to apply.
    public var when: Condition?
    /// What must hold.
    public var require: Condition?
    /// What must not hold.
    public var forbid: Condition?
    /// The rule's own examples.
    public var examples: [RuleExample]
    /// The file the rule was read from, and where its `id` is.
    public var file: String
    /// Where the rule starts in `file`.
    public var location: SourceLocation
    /// The YAML node the rule was decoded from (for `compile`'s normalised output).
    public var node: YAMLNode?

    /// The default value of parameter `name`.
    public func param(_ name: String) -> Value? { params.first { $0.name == name }?.value }

    /// Whether the rule reads the GitOps model (`deployed:`).
    public var usesGitOps: Bool {
        [when, require, forbid, selection.condition].contains { $0?.usesGitOps ?? false }
    }

    /// Whether the rule joins across documents.
    public var isCrossDocument: Bool {
        (require?.isCrossDocument ?? false) || (forbid?.isCrossDocument ?? false) || (when?.isCrossDocument ?? false)
            || (selection.condition?.isCrossDocument ?? false)
    }
}
