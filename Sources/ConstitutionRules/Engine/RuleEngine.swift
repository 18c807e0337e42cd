import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// A rule with its parameters bound: `{param: x}` operands replaced by values, parameter regexes
/// compiled and parameter globs resolved. Built once per run.
public final class BoundRule: Sendable {
    /// The rule as written.
    public let rule: Rule
    /// Parameter values (defaults, then overrides).
    public let params: [String: Value]
    let selection: Selection
    let when: Condition?
    let require: Condition?
    let forbid: Condition?
    /// For a cross-document rule whose joins read the subject only through `{self: …}`
    /// operands: those paths. Its subjects are then projected onto them after phase 1, so the
    /// file's tree is not kept until the joins run (memory stays flat as the tree grows).
    let projection: [PathExpression]?
    /// Whether `when` has no join, so phase 1 evaluates it and only matching subjects wait
    /// for the joins.
    let whenInPhase1: Bool

    /// Binds `rule` with `overrides` (parameter name → value) on top of its defaults.
    public init(_ rule: Rule, overrides: [String: Value] = [:]) throws(RegexError) {
        self.rule = rule
        var params: [String: Value] = [:]
        for (name, value) in rule.params { params[name] = value }
        for (name, value) in overrides { params[name] = value }
        self.params = params
        selection = try Self.bind(rule.selection, params)
        when = try rule.when.map { c throws(RegexError) in try Self.bind(c, params) }
        require = try rule.require.map { c throws(RegexError) in try Self.bind(c, params) }
        forbid = try rule.forbid.map { c throws(RegexError) in try Self.bind(c, params) }
        let whenLocal = !(when?.isCrossDocument ?? false)
        let parts = [whenLocal ? nil : when, require, forbid].compactMap { $0 }
        whenInPhase1 = rule.isCrossDocument && whenLocal && when != nil
        projection = rule.isCrossDocument && parts.allSatisfy(\.isPureJoin) ? parts.flatMap(\.joinSubjectPaths) : nil
    }

    static func bind(_ s: Selection, _ params: [String: Value]) throws(RegexError) -> Selection {
        var s = s
        for name in s.pathParams { s.paths += ConditionEvaluator.texts(params[name] ?? .missing(.start)).map(Glob.init) }
        for name in s.excludeParams { s.exclude += ConditionEvaluator.texts(params[name] ?? .missing(.start)).map(Glob.init) }
        s.pathParams = []
        s.excludeParams = []
        if let c = s.condition { s.condition = try bind(c, params) }
        return s
    }

    static func bind(_ o: Operand, _ params: [String: Value]) -> Operand {
        switch o {
        case .param(let name): return .texts(params[name].map(ConditionEvaluator.texts) ?? [])
        case .literal(let v): return .texts(ConditionEvaluator.texts(v))
        default: return o
        }
    }

    static func bind(_ c: Condition, _ params: [String: Value]) throws(RegexError) -> Condition {
        switch c {
        case .always, .matches, .exists, .empty, .isBool, .deployed: return c
        case .capture(let r, let g, let inner): return .capture(r, group: g, try bind(inner, params))
        case .all(let cs): return .all(try cs.map { c throws(RegexError) in try bind(c, params) })
        case .any(let cs): return .any(try cs.map { c throws(RegexError) in try bind(c, params) })
        case .none(let cs): return .none(try cs.map { c throws(RegexError) in try bind(c, params) })
        case .not(let inner): return .not(try bind(inner, params))
        case .path(let p, let q, let inner):
            let bound = Condition.path(p, q, try bind(inner, params))
            // `$params.x: <condition>` is the same for every subject: decided once, here.
            if p.steps.first == .key("$params"), inner.readsOnlyItsValue {
                let probe = Value.missing(.start)
                let ctx = EvalContext(subject: probe, file: FileInfo(path: ""), params: params, index: nil)
                // Both default quantifiers must agree (they differ only for a list parameter).
                let some = ConditionEvaluator.evaluate(bound, probe, universal: false, ctx).0
                if some == ConditionEvaluator.evaluate(bound, probe, universal: true, ctx).0 { return some ? .always : .not(.always) }
            }
            return bound
        case .equals(let o): return .equals(bind(o, params))
        case .isIn(let o): return .isIn(bind(o, params))
        case .contains(let o): return .contains(bind(o, params))
        case .startsWith(let o): return .startsWith(bind(o, params))
        case .endsWith(let o): return .endsWith(bind(o, params))
        case .covers(let o): return .covers(bind(o, params))
        // Label mappings stay values (binding makes operands texts).
        case .selects: return c
        case .domainCovers(let o): return .domainCovers(bind(o, params))
        case .compare(let d, let op, let o): return .compare(d, op, bind(o, params))
        case .matchesParam(let name, let ignoreCase):
            let patterns = ConditionEvaluator.texts(params[name] ?? .missing(.start))
            // A list parameter of patterns means "any of them".
            let compiled = try patterns.map { p throws(RegexError) in try CompiledRegex(p, ignoreCase: ignoreCase) }
            if compiled.count == 1 { return .matches(compiled[0]) }
            return .any(compiled.map { .matches($0) })
        case .some(var q):
            q.selection = try bind(q.selection, params)
            q.condition = try bind(q.condition, params)
            return .some(q)
        }
    }
}

/// A subject waiting for the cross-document phase.
public struct PendingSubject: Sendable {
    let rule: Int
    /// The subject, or for projected rules a placeholder at its location.
    let subject: Value
    let anchor: SourceLocation
    let file: FileInfo
    /// Projected rules: the subject's values at the rule's `{self: …}` paths (scalars with
    /// their positions, no tree), and where `when` matched in phase 1.
    var projected: [String: [Value]]? = nil
    var trigger: SourceLocation? = nil
}

/// What evaluating one file produced.
public struct FileEvaluation: Sendable {
    /// Findings of rules that need only this file.
    public var findings: [Finding] = []
    /// Subjects of cross-document rules, evaluated once the index is complete.
    public var pending: [PendingSubject] = []
    /// Candidates this file contributes to `some:` queries.
    public var candidates: [(Int, RepoIndex.Candidate)] = []
    /// The file's documents the GitOps model reads (only when a rule uses `deployed:`).
    public var gitops: [GitOpsDocument] = []
    /// Documents embedded in this file that could not be read (an Ansible template whose
    /// Jinja changes the structure, …), for `lint --verbose`.
    public var notes: [Diagnostic] = []
    /// Subjects each rule selected in this file (by rule index), for `coverage`.
    /// Sparse: only rules that selected something here, so a 60k-file tree does not keep a
    /// counter per rule per file.
    public var subjectCounts: [(rule: Int, count: Int)] = []

    /// An empty evaluation.
    public init() {}
}

/// Evaluates a constitution's rules over files: per file in parallel, then the cross-document
/// rules once every file has contributed to the index.
public struct RuleEngine: Sendable {
    /// The bound rules, in constitution order.
    public let rules: [BoundRule]
    /// Every `some:` query of every rule (bound), by id.
    let queries: [SomeQuery]
    /// Facet extraction context.
    public let facetContext: FacetContext
    /// The rules' selections, then the queries', prepared for reading on every file.
    let plans: [SelectionPlan]
    /// Whether some rule reads the GitOps model (`deployed:`): then every file's ArgoCD, Flux
    /// and Kustomize documents are collected for it.
    public let usesGitOps: Bool
    /// Whether some rule or query reads text files other than through the `file` and
    /// `setting` facets: only then are embedded text documents made.
    let wantsEmbeddedText: Bool

    /// Creates an engine over bound rules.
    public init(rules: [BoundRule], facetContext: FacetContext = FacetContext()) {
        self.rules = rules
        self.facetContext = facetContext
        var queries: [SomeQuery] = []
        var seen: Set<Int> = []
        for r in rules {
            for c in [r.when, r.require, r.forbid, r.selection.condition].compactMap({ $0 }) {
                // A query shared by several rules (a provider's join) is collected once.
                queries.append(contentsOf: c.someQueries.filter { seen.insert($0.id).inserted })
            }
        }
        self.queries = queries
        plans = (rules.map(\.selection) + queries.map(\.selection)).map(SelectionPlan.init)
        usesGitOps = rules.contains { $0.rule.usesGitOps }
        wantsEmbeddedText = plans.contains { $0.selects(kind: .text) && $0.facet != .file && $0.facet != .setting }
    }

    /// The documents of `file` the GitOps model reads (none unless a rule uses `deployed:`).
    public func gitOpsDocuments(_ file: LoadedFile) -> [GitOpsDocument] {
        guard usesGitOps, let yaml = file.yaml else { return [] }
        return yaml.documents.filter { GitOpsInput.isRelevant(path: file.path, document: $0) }.map { GitOpsDocument(path: file.path, node: $0) }
    }

    /// Rules that read the GitOps model and do not apply because `model` is inactive (no
    /// controller deploys from this repository), by rule index, with the reason.
    public func inactiveRules(_ model: GitOpsModel?) -> [(rule: Int, reason: String)] {
        guard usesGitOps, !(model?.isActive ?? false) else { return [] }
        let reason = model?.inactiveReason ?? "no GitOps controller found"
        return rules.indices.filter { rules[$0].rule.usesGitOps }.map { ($0, reason) }
    }

    /// Rules whose `when:` only asks whether something exists in the tree (joins that read
    /// nothing of the subject or its file, e.g. "the lab deploys another ingress controller")
    /// and finds nothing: they do not apply here, which `coverage` reports as inactive rather
    /// than as a pass. By rule index, with the reason.
    public func unmetPreconditions(_ index: RepoIndex) -> [(rule: Int, reason: String)] {
        var out: [(rule: Int, reason: String)] = []
        for (i, bound) in rules.enumerated() {
            guard let when = bound.when, when.isCrossDocument, when.isPureJoin, when.joinSubjectPaths.isEmpty, !when.readsSubjectFile
            else { continue }
            let ctx = EvalContext(subject: .missing(.start), file: FileInfo(path: ""), params: bound.params, index: index)
            let (holds, _) = ConditionEvaluator.evaluate(when, .missing(.start), universal: false, ctx)
            if !holds { out.append((i, "its when: looks across the tree and nothing there meets it")) }
        }
        return out
    }

    /// Phase 1: everything that needs only `file`, and the documents embedded in it
    /// (``EmbeddedFiles``), each evaluated as a file of its own kind with its findings at
    /// their place in `file`.
    public func evaluate(_ file: LoadedFile) -> FileEvaluation {
        var out = FileEvaluation()
        out.gitops = gitOpsDocuments(file)
        let facetCache = FileScratch()
        evaluate(file, info: FileInfo(path: file.path), cache: facetCache, into: &out)
        let embedded = EmbeddedFiles.extract(from: file, context: facetContext, memo: facetCache.memo, wantsText: wantsEmbeddedText)
        out.notes = embedded.notes
        for e in embedded.files {
            // A controller written by cloud-init or Ansible (a root Application in k3s's
            // auto-deploy folder) is a controller too.
            out.gitops += gitOpsDocuments(e.file)
            evaluate(e.file, info: FileInfo(path: e.file.path, origin: e.origin), cache: FileScratch(), into: &out)
        }
        return out
    }

    /// Phase 1 for one file or embedded document (`info.origin`), added to `out`.
    private func evaluate(_ file: LoadedFile, info: FileInfo, cache facetCache: FileScratch, into out: inout FileEvaluation) {
        let outer = info.origin?.outerPath
        for (index, bound) in rules.enumerated() {
            let subjects = Self.subjects(
                plans[index], in: file, context: facetContext, cache: facetCache, params: bound.params, embeddedIn: outer)
            guard !subjects.isEmpty else { continue }
            out.subjectCounts.append((index, subjects.count))
            if bound.rule.isCrossDocument {
                for (s, a) in subjects {
                    var trigger: SourceLocation?
                    if bound.whenInPhase1, let when = bound.when {
                        let ctx = EvalContext(subject: s, subjectAnchor: a, file: info, params: bound.params, index: nil)
                        let (holds, witness) = ConditionEvaluator.evaluate(when, s, universal: false, ctx)
                        if !holds { continue }
                        trigger = witness
                    }
                    guard let paths = bound.projection else {
                        out.pending.append(PendingSubject(rule: index, subject: s, anchor: a, file: info, trigger: trigger))
                        continue
                    }
                    var projected: [String: [Value]] = [:]
                    for path in paths {
                        projected[path.text] = path.evaluate(s).compactMap { v in
                            guard !v.isMissing else { return nil }
                            // A mapping (the labels `selects` reads) is kept as it is.
                            guard let text = v.scalarText else { return v }
                            return .text(LocatedText(text, at: v.location))
                        }
                    }
                    out.pending.append(
                        PendingSubject(rule: index, subject: .missing(s.location), anchor: a, file: info, projected: projected, trigger: trigger))
                }
                continue
            }
            for (s, a) in subjects {
                if let f = Self.check(bound, subject: s, anchor: a, file: info, index: nil) { out.findings.append(f) }
            }
        }
        for (i, q) in queries.enumerated() {
            let subjects = Self.subjects(
                plans[rules.count + i], in: file, context: facetContext, cache: facetCache, params: [:], embeddedIn: outer)
            for (s, _) in subjects { out.candidates.append((q.id, RepoIndex.Candidate(value: s, file: info))) }
        }
    }

    /// Byte strings one of which a file must contain to be a candidate of any `some:` query
    /// (the resource kinds the joins look for); nil when some query has no such filter, so
    /// every file must be parsed. Lets a pre-commit run skip most of the tree.
    public var indexNeedles: [[UInt8]]? {
        var out: [[UInt8]] = usesGitOps ? GitOpsInput.needles : []
        for q in queries {
            guard !q.selection.resources.isEmpty, q.selection.facet == nil else { return nil }
            out += q.selection.resources.map { Array($0.utf8) }
        }
        return out
    }

    /// Only the candidates `file` contributes to `some:` queries (for files outside a
    /// pre-commit run's changed set).
    public func candidates(_ file: LoadedFile) -> [(Int, RepoIndex.Candidate)] {
        guard !queries.isEmpty else { return [] }
        let cache = FileScratch()
        var out: [(Int, RepoIndex.Candidate)] = []
        func add(_ file: LoadedFile, _ info: FileInfo, _ cache: FileScratch) {
            for (i, q) in queries.enumerated() {
                let subjects = Self.subjects(
                    plans[rules.count + i], in: file, context: facetContext, cache: cache, params: [:], embeddedIn: info.origin?.outerPath)
                for (s, _) in subjects { out.append((q.id, RepoIndex.Candidate(value: s, file: info))) }
            }
        }
        add(file, FileInfo(path: file.path), cache)
        for e in EmbeddedFiles.extract(from: file, context: facetContext, memo: cache.memo, wantsText: wantsEmbeddedText).files {
            add(e.file, FileInfo(path: e.file.path, origin: e.origin), FileScratch())
        }
        return out
    }

    /// Phase 2: cross-document rules over the pending subjects.
    public func evaluate(pending: [PendingSubject], index: RepoIndex) -> [Finding] {
        var store = PendingStore()
        store.append(contentsOf: pending)
        return evaluate(pending: store, index: index)
    }

    /// Phase 2 over a whole tree's pending subjects.
    public func evaluate(pending: PendingStore, index: RepoIndex) -> [Finding] {
        let cache = SomeCache()
        var out: [Finding] = []
        let inactive = Set(inactiveRules(index.gitops).map(\.rule))
        pending.forEach { p in
            if !inactive.isEmpty, inactive.contains(p.rule) { return }
            if let f = Self.check(
                rules[p.rule], subject: p.subject, anchor: p.anchor, file: p.file, index: index, someCache: cache,
                projected: p.projected, phase1Trigger: p.trigger)
            {
                out.append(f)
            }
        }
        return out
    }

    /// Builds the index from phase-1 results.
    public static func index(_ evaluations: [[(Int, RepoIndex.Candidate)]]) -> RepoIndex {
        var index = RepoIndex()
        for list in evaluations {
            for (id, c) in list { index.candidates[id, default: []].append(c) }
        }
        return index
    }

    /// Lints in-memory files completely (both phases): rule examples, `guard` edits, tests.
    public func lint(_ files: [LoadedFile]) -> [Finding] {
        let results = files.map(evaluate)
        var index = Self.index(results.map(\.candidates))
        if usesGitOps {
            // In-memory files are not a whole tree: the paths sources name count as there.
            index.gitops = GitOpsModel.build(GitOpsInput(documents: results.flatMap(\.gitops), files: files.map(\.path), partialTree: true))
        }
        var findings = results.flatMap(\.findings) + evaluate(pending: results.flatMap(\.pending), index: index)
        findings.sort(by: Finding.sortKey)
        return Self.unique(findings)
    }

    /// Drops duplicates (the same rule at the same line and column of the same file) from a
    /// sorted list. A document embedded in another is read both in place (the `file` facet,
    /// `|yaml` paths) and as a file of its own; when both ways find the same thing, it is
    /// reported once. Byte offsets are not compared: the two ways may count them differently.
    public static func unique(_ sorted: [Finding]) -> [Finding] {
        var out: [Finding] = []
        out.reserveCapacity(sorted.count)
        for f in sorted {
            if let last = out.last, last.rule == f.rule, last.location.line == f.location.line,
                last.location.column == f.location.column, last.path == f.path, last.message == f.message
            {
                continue
            }
            out.append(f)
        }
        return out
    }

    /// One subject against one rule: a finding or nil.
    static func check(
        _ bound: BoundRule, subject: Value, anchor: SourceLocation, file: FileInfo, index: RepoIndex?, someCache: SomeCache? = nil,
        projected: [String: [Value]]? = nil, phase1Trigger: SourceLocation? = nil, trace: EvalTrace? = nil
    ) -> Finding? {
        var ctx = EvalContext(subject: subject, subjectAnchor: anchor, file: file, params: bound.params, index: index, someCache: someCache)
        ctx.projection = projected
        ctx.trace = trace
        func evaluate(_ section: String, _ c: Condition, universal: Bool) -> (Bool, SourceLocation) {
            guard let trace else { return ConditionEvaluator.evaluate(c, subject, universal: universal, ctx) }
            return trace.section(section) { ConditionEvaluator.evaluate(c, subject, universal: universal, ctx) }
        }
        var trigger: SourceLocation? = phase1Trigger
        // `index != nil` is phase 2, where a join-free `when` has already been checked (a trace
        // evaluates everything in one go).
        if let when = bound.when, trace != nil || !(index != nil && bound.whenInPhase1) {
            let (holds, witness) = evaluate("when", when, universal: false)
            if !holds { return nil }
            trigger = witness
        }
        var at: SourceLocation?
        if let require = bound.require {
            let (holds, witness) = evaluate("require", require, universal: true)
            // A missing cross-document match can only point at the whole subject: it is
            // reported where the `when` condition matched, the more specific node.
            if !holds { at = witness == subject.location && require.isCrossDocument ? (trigger ?? witness) : witness }
        }
        if at == nil, let forbid = bound.forbid {
            let (holds, witness) = evaluate("forbid", forbid, universal: false)
            if holds { at = witness }
        }
        guard let at else { return nil }
        let rule = bound.rule
        return Finding(
            path: file.reportPath, location: file.reported(at), rule: rule.id, severity: rule.severity, message: rule.message,
            incident: rule.source.incidentID)
    }

    /// The subjects `selection` picks in `file`.
    ///
    /// For a document embedded in the file at `outer`, `paths` select it when they match that
    /// file's path or the document's destination, and `exclude` drops it when it matches
    /// either. The `setting` facet does not read embedded documents, nor the `file` facet
    /// embedded text: the outer file's items already hold them (a written k3s `config.yaml` is
    /// merged with the install that reads it; a written file's text is a `file` item).
    static func subjects(
        _ selection: SelectionPlan, in file: LoadedFile, context: FacetContext, cache: FileScratch,
        params: [String: Value], embeddedIn outer: String? = nil
    ) -> [(Value, SourceLocation)] {
        guard file.error == nil || file.yaml != nil || file.kind == .text else { return [] }
        guard selection.selects(kind: file.kind) else { return [] }
        if outer != nil, let facet = selection.facet, facet == .setting || (facet == .file && file.kind == .text) { return [] }
        if !selection.paths.isEmpty || !selection.exclude.isEmpty {
            let parts = Glob.split(file.path)[...]
            let outerParts = outer.map { Glob.split($0)[...] }
            func matches(_ glob: Glob) -> Bool {
                glob.matches(segments: parts) || (outerParts.map { glob.matches(segments: $0) } ?? false)
            }
            if !selection.paths.isEmpty, !selection.paths.contains(where: matches) { return [] }
            if selection.exclude.contains(where: matches) { return [] }
        }
        let info = FileInfo(path: file.path)
        let condition = selection.condition, each = selection.each
        func passes(_ v: Value) -> Bool {
            guard let c = condition else { return true }
            let ctx = EvalContext(subject: v, file: info, params: params, index: nil)
            return ConditionEvaluator.evaluate(c, v, universal: false, ctx).0
        }
        func expand(_ v: Value) -> [(Value, SourceLocation)] {
            guard !each.isEmpty else { return [(v, v.location)] }
            return each.flatMap { $0.evaluateAnchored(v) }.filter { !$0.0.isMissing }
        }
        if let facet = selection.facet {
            let items = cache.facet(facet, key: selection.key) { Facets.items(facet, in: file, key: selection.key, context: context, memo: cache.memo) }
            var out: [(Value, SourceLocation)] = []
            for item in items {
                let v = Value.object(item)
                if passes(v) { out.append(contentsOf: expand(v)) }
            }
            return out
        }
        if file.kind == .text {
            let v = Value.text(cache.wholeText(file))
            return passes(v) ? expand(v) : []
        }
        guard let yaml = file.yaml else { return [] }
        var out: [(Value, SourceLocation)] = []
        for doc in cache.documents(of: yaml, kind: file.kind) {
            if !selection.resources.isEmpty {
                guard let kind = doc.kind, selection.resources.contains(kind) else { continue }
            }
            let v = Value.node(doc.node, nil)
            if passes(v) { out.append(contentsOf: expand(v)) }
        }
        return out
    }
}

/// A selection laid out for reading on every file: a class whose fields are read one at a
/// time (a `Selection` struct fetched from a rule is copied, each of its arrays retained, on
/// every use, which showed in profiles at 21 rules times every file).
final class SelectionPlan: Sendable {
    let kinds: [TargetKind]
    let resources: [String]
    let paths: [Glob]
    let exclude: [Glob]
    let condition: Condition?
    let each: [PathExpression]
    let facet: FacetName?
    let key: String?

    init(_ s: Selection) {
        kinds = s.kinds
        resources = s.resources
        paths = s.paths
        exclude = s.exclude
        condition = s.condition
        each = s.each
        facet = s.facet
        key = s.key
    }

    func selects(kind: FileKind) -> Bool { Selection.selects(kind: kind, kinds: kinds, facet: facet) }
}

/// Per-file work shared by every rule: facet items and the documents that can be subjects.
final class FileScratch {
    /// Facet items by facet and key (a handful per file: a list beats hashing a key).
    private var facets: [(facet: FacetName, key: String?, items: [FacetObject])] = []
    /// What the facets share.
    let memo = FacetMemo()
    private var docs: [(node: YAMLNode, kind: String?)]?

    private var text: LocatedText?

    /// A text file's whole text, every line mapped (made once per file, however many text
    /// rules look at it).
    func wholeText(_ file: LoadedFile) -> LocatedText {
        if let text { return text }
        let made = LocatedText(fileBytes: file.bytes)
        text = made
        return made
    }

    /// The items of `facet` (narrowed by `key`), made by `make` on first use.
    func facet(_ facet: FacetName, key: String?, _ make: () -> [FacetObject]) -> [FacetObject] {
        for entry in facets where entry.facet == facet && entry.key == key { return entry.items }
        let items = make()
        facets.append((facet, key, items))
        return items
    }

    /// The file's documents that can be subjects, with their Kubernetes `kind`: empty documents
    /// never are, and in a Kubernetes file only Kubernetes objects are (a stray `{}` or a
    /// comment-only document is not a resource).
    func documents(of yaml: YAMLFile, kind: FileKind) -> [(node: YAMLNode, kind: String?)] {
        if let docs { return docs }
        var out: [(node: YAMLNode, kind: String?)] = []
        for doc in yaml.documents where !doc.isNull {
            let isK8s = KubernetesObject.isKubernetes(doc)
            if kind == .kubernetes, !isK8s { continue }
            out.append((doc, isK8s ? doc["kind"]?.scalar : nil))
        }
        docs = out
        return out
    }
}

extension LocatedText {
    /// A whole file, every line mapped exactly (a BOM is skipped).
    public init(fileBytes bytes: [UInt8]) {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var starts = [SourceLocation(line: 1, column: 1, offset: start)]
        var line = 1
        var i = start
        while i < bytes.count {
            if bytes[i] == 0x0A {
                line += 1
                starts.append(SourceLocation(line: line, column: 1, offset: i + 1))
            }
            i += 1
        }
        let text = String(decoding: bytes[start...], as: UTF8.self)
        self.init(text: text, lineStarts: starts, exact: true)
    }
}
