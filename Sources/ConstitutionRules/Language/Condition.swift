import ConstitutionCore
import ConstitutionYAML

/// A value an operator compares against: a literal, a rule parameter, a value of the rule's
/// subject (`{self: metadata.name}`), or a property of the subject's file (`{file: dir}`).
public indirect enum Operand: Sendable {
    case literal(Value)
    case param(String)
    case subject(PathExpression, extract: CompiledRegex?)
    case file(FileProperty)
    /// A value of the candidate of the enclosing `some:` (`{outer: metadata.name}`), read in the
    /// `where:` of a `some:` nested inside another one.
    case outer(PathExpression)
    /// Constant texts: a literal or a parameter, resolved once when the rule is bound.
    case texts([String])

    /// Properties of the file being checked.
    public enum FileProperty: String, Sendable, CaseIterable {
        /// The path relative to the linted root, e.g. `k8s/apps/web/deploy.yaml`.
        case path
        /// The folder, e.g. `k8s/apps/web` (`.` at the root).
        case dir
        /// The file name, e.g. `deploy.yaml`.
        case name
    }
}

/// How values at a multi-valued path are quantified.
public enum Quantifier: String, Sendable {
    /// Every value must satisfy the condition.
    case all
    /// Some value must.
    case any
    /// No value may.
    case none
}

/// Comparison operators.
public enum Comparison: String, Sendable, CaseIterable {
    case gt, gte, lt, lte

    func test(_ order: Int) -> Bool {
        switch self {
        case .gt: order > 0
        case .gte: order >= 0
        case .lt: order < 0
        case .lte: order <= 0
        }
    }
}

/// How a comparison reads its values.
public enum ComparisonDomain: String, Sendable {
    /// Plain numbers (`3`, `2.5`).
    case number
    /// Kubernetes quantities (`512Mi`, `1.5Gi`, `250m`).
    case quantity
    /// Versions (`5.4.1`, `v1.30.2+k3s1`, image tags).
    case version
}

/// A compiled condition (docs/rules.md, "Conditions").
public indirect enum Condition: Sendable {
    /// Always true (an empty mapping).
    case always
    /// Every condition holds.
    case all([Condition])
    /// Some condition holds.
    case any([Condition])
    /// No condition holds.
    case none([Condition])
    /// The condition does not hold (flips the default quantifier of paths inside it).
    case not(Condition)
    /// Navigate, then test each value. `quantifier == nil` means the context's default:
    /// every value in `require`, some value in `forbid`, `when` and `where`.
    case path(PathExpression, Quantifier?, Condition)
    /// The scalar equals the operand.
    case equals(Operand)
    /// The scalar is one of the operand's items.
    case isIn(Operand)
    /// The scalar matches the regular expression (at the match's own position).
    case matches(CompiledRegex)
    /// The scalar matches a regex held in a parameter (compiled when parameters are bound).
    case matchesParam(String, ignoreCase: Bool)
    /// A string contains the operand, or a list has an item equal to it.
    case contains(Operand)
    /// The scalar starts with the operand.
    case startsWith(Operand)
    /// The scalar ends with the operand.
    case endsWith(Operand)
    /// The scalar is a folder path that is the operand's folder or one of its parents.
    case covers(Operand)
    /// The scalar is a DNS domain that is the operand's domain or one of its parents (`lab`
    /// covers `k3s.lab`; case and a trailing dot do not count).
    case domainCovers(Operand)
    /// The value is present (`true`) or absent (`false`).
    case exists(Bool)
    /// The value is empty (missing, null, "", [], {}) (`true`) or not (`false`).
    case empty(Bool)
    /// The scalar is the boolean, read as YAML 1.1 readers (Kubernetes, Ansible) read it:
    /// `true`/`yes`/`on`/`y`… or `false`/`no`/`off`/`n`… in any of their spellings.
    case isBool(Bool)
    /// The subject's file is (`true`) or is not (`false`) deployed by a GitOps controller from
    /// this repository (the repository's ``GitOpsModel``); needs the whole tree.
    case deployed(Bool)
    /// Numeric, quantity or version comparison.
    case compare(ComparisonDomain, Comparison, Operand)
    /// The regex matches the scalar, and the capture group (the whole match for group 0)
    /// satisfies the inner condition; the captured text is located at its own position.
    case capture(CompiledRegex, group: Int, Condition)
    /// The value is a Kubernetes label selector (`matchLabels`, `matchExpressions`, or a plain
    /// mapping of labels) that selects one of the operand's label mappings.
    case selects(Operand)
    /// Some document or item somewhere in the linted tree is selected by `selection` and
    /// satisfies `where` (a cross-document join; `self` refers to this rule's subject).
    case some(SomeQuery)
}

/// The target of a `some:` condition.
public struct SomeQuery: Sendable {
    /// Which documents or items are candidates.
    public var selection: Selection
    /// What a candidate must satisfy.
    public var condition: Condition
    /// A subject path the join refers to (`{self: metadata.name}`): where a failed join is reported.
    public var anchor: PathExpression?
    /// Index of this query in the constitution (for the cross-document index).
    public var id: Int
}

extension Condition {
    /// Whether this condition (or one inside it) needs the whole tree.
    public var isCrossDocument: Bool {
        switch self {
        case .some, .deployed: return true
        case .all(let cs), .any(let cs), .none(let cs): return cs.contains { $0.isCrossDocument }
        case .not(let c), .path(_, _, let c), .capture(_, _, let c): return c.isCrossDocument
        default: return false
        }
    }

    /// Whether the condition reads nothing but the value it is applied to and literals: no
    /// `self:`/`file:` operands, no joins, no captures. Such a condition over a constant (the
    /// rule's parameters) is constant too.
    var readsOnlyItsValue: Bool {
        func plain(_ o: Operand) -> Bool {
            switch o {
            case .literal, .param, .texts: return true
            case .subject, .file, .outer: return false
            }
        }
        switch self {
        case .some, .capture, .deployed: return false
        case .path(let p, _, _) where p.steps.first == .key("$self") || p.steps.first == .key("$file"): return false
        case .all(let cs), .any(let cs), .none(let cs): return cs.allSatisfy(\.readsOnlyItsValue)
        case .not(let c), .path(_, _, let c): return c.readsOnlyItsValue
        case .equals(let o), .isIn(let o), .contains(let o), .startsWith(let o), .endsWith(let o), .covers(let o), .domainCovers(let o), .compare(_, _, let o),
            .selects(let o):
            return plain(o)
        default: return true
        }
    }

    /// Whether a `{file: …}` operand or a `$file` path is inside (joins included).
    var readsSubjectFile: Bool {
        func reads(_ o: Operand) -> Bool { if case .file = o { return true } else { return false } }
        switch self {
        case .some(let q): return q.condition.readsSubjectFile
        case .all(let cs), .any(let cs), .none(let cs): return cs.contains { $0.readsSubjectFile }
        case .path(let p, _, _) where p.steps.first == .key("$file"): return true
        case .not(let c), .path(_, _, let c), .capture(_, _, let c): return c.readsSubjectFile
        case .equals(let o), .isIn(let o), .contains(let o), .startsWith(let o), .endsWith(let o), .covers(let o), .domainCovers(let o), .compare(_, _, let o),
            .selects(let o):
            return reads(o)
        default: return false
        }
    }

    /// Whether a `deployed:` condition is inside (the rule then needs the GitOps model, and
    /// does not apply when the repository has no GitOps controller).
    public var usesGitOps: Bool {
        switch self {
        case .deployed: return true
        case .some(let q): return q.condition.usesGitOps || (q.selection.condition?.usesGitOps ?? false)
        case .all(let cs), .any(let cs), .none(let cs): return cs.contains { $0.usesGitOps }
        case .not(let c), .path(_, _, let c), .capture(_, _, let c): return c.usesGitOps
        default: return false
        }
    }

    /// Every `some:` query inside.
    public var someQueries: [SomeQuery] {
        switch self {
        case .some(let q): return [q] + q.condition.someQueries
        case .all(let cs), .any(let cs), .none(let cs): return cs.flatMap(\.someQueries)
        case .not(let c), .path(_, _, let c), .capture(_, _, let c): return c.someQueries
        default: return []
        }
    }

    /// Every regex inside (for validation).
    public var regexes: [CompiledRegex] {
        switch self {
        case .matches(let r): return [r]
        case .capture(let r, _, let c): return [r] + c.regexes
        case .all(let cs), .any(let cs), .none(let cs): return cs.flatMap(\.regexes)
        case .not(let c), .path(_, _, let c): return c.regexes
        case .some(let q): return q.condition.regexes
        default: return []
        }
    }

    /// The first `{self: …}` path used by an operator inside.
    var firstSubjectPath: PathExpression? {
        func operand(_ o: Operand) -> PathExpression? {
            if case .subject(let p, _) = o { return p }
            return nil
        }
        switch self {
        case .equals(let o), .isIn(let o), .contains(let o), .startsWith(let o), .endsWith(let o), .covers(let o), .domainCovers(let o),
            .compare(_, _, let o), .selects(let o):
            return operand(o)
        case .all(let cs), .any(let cs), .none(let cs): return cs.lazy.compactMap(\.firstSubjectPath).first
        case .not(let c), .path(_, _, let c), .capture(_, _, let c): return c.firstSubjectPath
        default: return nil
        }
    }
}
