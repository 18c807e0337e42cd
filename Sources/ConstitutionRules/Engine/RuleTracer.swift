import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// How one rule sees one file, for `constitution rules trace` and failing rule examples: which
/// subjects it selected and, for each, every condition it tried with the values it read and
/// their verdicts; or, when it selected nothing, why not.
///
/// The subjects are the engine's own (``RuleEngine/subjects``) and the verdicts come from the
/// engine's own evaluation with a trace attached, so a trace cannot disagree with `lint`. Only
/// the reasons a file or document was *not* selected are worked out here, stage by stage.
public struct RuleTracer: Sendable {
    /// One subject the rule selected.
    public struct Subject {
        /// `Deployment web`, `command "kubectl apply -f x"`, `the file`.
        public var name: String
        /// Where the subject is.
        public var location: SourceLocation
        /// The finding the subject produced, if any.
        public var finding: Finding?
        /// What the evaluation tried.
        public var trace: EvalTrace
    }

    /// How the rule saw one file.
    public struct FileTrace {
        /// The file's display path.
        public var path: String
        /// Why the rule selected nothing in the file (nil when it selected something).
        public var notSelected: String?
        /// The subjects, in file order.
        public var subjects: [Subject] = []
        /// Documents or items of the file the rule passed over, each with why (and, for a
        /// `match.where` that does not hold, its trace).
        public var passedOver: [(what: String, why: String, trace: EvalTrace?)] = []
    }

    let engine: RuleEngine

    /// A tracer of `rule` (bound with its parameters).
    public init(rule: BoundRule, facetContext: FacetContext = FacetContext()) {
        engine = RuleEngine(rules: [rule], facetContext: facetContext)
    }

    /// The engine the tracer evaluates with (for building the cross-document index).
    public var indexEngine: RuleEngine { engine }

    /// Traces the rule over `file`; `index` holds the whole tree's join candidates (nil: the
    /// rule has no `some:`, or only this file counts).
    public func trace(_ file: LoadedFile, index: RepoIndex?) -> FileTrace {
        let bound = engine.rules[0]
        let plan = engine.plans[0]
        var out = FileTrace(path: file.path)
        let scratch = FileScratch()
        let subjects = RuleEngine.subjects(plan, in: file, context: engine.facetContext, cache: scratch, params: bound.params)
        let info = FileInfo(path: file.path)
        let joinIndex = index ?? (bound.rule.isCrossDocument ? RuleEngine.index([engine.candidates(file)]) : nil)
        for (value, anchor) in subjects {
            let trace = EvalTrace()
            if let c = plan.condition, plan.each.isEmpty {
                // What selected it: `match.where` holds here (evaluated as selection does).
                var ctx = EvalContext(subject: value, file: info, params: bound.params, index: nil)
                ctx.trace = trace
                _ = trace.section("match.where") { ConditionEvaluator.evaluate(c, value, universal: false, ctx) }
            }
            let finding = RuleEngine.check(bound, subject: value, anchor: anchor, file: info, index: joinIndex, trace: trace)
            out.subjects.append(Subject(name: Self.name(of: value), location: value.location, finding: finding, trace: trace))
        }
        explainPassedOver(file, plan: plan, params: bound.params, scratch: scratch, selected: !subjects.isEmpty, into: &out)
        return out
    }

    /// Fills in why the file, or which of its documents and items, the rule passed over.
    private func explainPassedOver(
        _ file: LoadedFile, plan: SelectionPlan, params: [String: Value], scratch: FileScratch, selected: Bool, into out: inout FileTrace
    ) {
        func whole(_ why: String) {
            if !selected { out.notSelected = why }
        }
        if let e = file.error, file.yaml == nil, file.kind != .text {
            return whole("the file does not parse (\(e.location.line):\(e.location.column): \(e.message))")
        }
        guard plan.selects(kind: file.kind) else {
            return whole("it is a \(file.kind.rawValue) file; the rule looks at \(Self.describeKinds(plan))")
        }
        let parts = Glob.split(file.path)[...]
        if !plan.paths.isEmpty, !plan.paths.contains(where: { $0.matches(segments: parts) }) {
            return whole("its path matches none of match.paths (\(plan.paths.map(\.pattern).joined(separator: ", ")))")
        }
        if let glob = plan.exclude.first(where: { $0.matches(segments: parts) }) {
            return whole("match.exclude has \(glob.pattern)")
        }
        let info = FileInfo(path: file.path)
        func whereTrace(_ v: Value) -> EvalTrace? {
            guard let c = plan.condition else { return nil }
            let trace = EvalTrace()
            var ctx = EvalContext(subject: v, file: info, params: params, index: nil)
            ctx.trace = trace
            let holds = trace.section("match.where") { ConditionEvaluator.evaluate(c, v, universal: false, ctx) }.0
            return holds ? nil : trace
        }
        func expandsToNothing(_ v: Value) -> Bool {
            !plan.each.isEmpty && plan.each.flatMap { $0.evaluateAnchored(v) }.allSatisfy { $0.0.isMissing }
        }
        func consider(_ v: Value, what: String) {
            if let trace = whereTrace(v) {
                out.passedOver.append((what, "match.where does not hold", trace))
            } else if expandsToNothing(v) {
                out.passedOver.append((what, "match.each (\(plan.each.map(\.text).joined(separator: ", "))) finds nothing in it", nil))
            }
        }
        if let facet = plan.facet {
            let items = scratch.facet(facet, key: plan.key) {
                Facets.items(facet, in: file, key: plan.key, context: engine.facetContext, memo: scratch.memo)
            }
            if items.isEmpty { return whole("it has no \(facet.rawValue) items" + (plan.key.map { " for key \($0)" } ?? "")) }
            for item in items { consider(.object(item), what: Self.name(of: .object(item))) }
        } else if file.kind == .text {
            consider(.text(scratch.wholeText(file)), what: "the file")
        } else if let yaml = file.yaml {
            let docs = scratch.documents(of: yaml, kind: file.kind)
            if docs.isEmpty { return whole("it has no documents that can be subjects") }
            for (n, doc) in docs.enumerated() {
                let what = "document \(n + 1) (\(Self.name(of: .node(doc.node, nil))))"
                if !plan.resources.isEmpty, !(doc.kind.map(plan.resources.contains) ?? false) {
                    out.passedOver.append((what, "it is not a \(plan.resources.joined(separator: " or "))", nil))
                    continue
                }
                consider(.node(doc.node, nil), what: what)
            }
        }
        if !selected, out.notSelected == nil {
            var reasons: [String] = []
            for p in out.passedOver where !reasons.contains(p.why) { reasons.append(p.why) }
            let n = out.passedOver.count
            let things = plan.facet == nil ? "documents" : "items"
            if reasons.count == 1 {
                out.notSelected = n == 1 ? reasons[0] : "\(reasons[0]) (all \(n) \(things))"
            } else {
                out.notSelected = "none of its \(n) \(things) is selected: " + reasons.joined(separator: "; ")
            }
        }
    }

    /// The kinds a selection reads, in words.
    static func describeKinds(_ plan: SelectionPlan) -> String {
        if plan.kinds.isEmpty { return plan.facet == nil ? "YAML files" : "any text file" }
        return plan.kinds.map { kind -> String in
            switch kind {
            case .kind(let k): return k.rawValue
            case .ansible: return "ansible"
            case .anyYAML: return "any YAML"
            }
        }.joined(separator: ", ") + " files"
    }

    /// A subject in a few words: `Deployment web at 1:1`, a facet item, `the file`.
    static func name(of v: Value) -> String {
        if case .text = v { return "the file" }
        return EvalTrace.describe(v)
    }
}
