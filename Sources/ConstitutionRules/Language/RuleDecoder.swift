import ConstitutionCore
import ConstitutionYAML

/// Decodes rules from YAML (a `rules/*.yaml` file or an incident's `constraints:` entry) with
/// located errors and did-you-mean warnings.
public struct RuleDecoder {
    /// Keys a rule may have.
    public static let ruleKeys = [
        "schema", "id", "severity", "message", "source", "rationale", "guidance", "agent", "params", "match", "when",
        "require", "forbid", "examples", "category",
    ]
    /// Keys of `match:`.
    public static let matchKeys = ["kind", "resource", "paths", "exclude", "where", "each", "facet", "key"]
    /// Operator keys of a condition.
    public static let operatorKeys = [
        "equals", "in", "matches", "contains", "starts_with", "ends_with", "covers", "domain_covers", "exists", "absent",
        "empty", "gt", "gte", "lt", "lte", "quantity_gt", "quantity_gte", "quantity_lt", "quantity_lte", "version_gt",
        "version_gte", "version_lt", "version_lte", "is", "deployed", "not", "all", "any", "none", "some", "path", "capture",
        "selects", "provided_by",
    ]

    /// Words operator names are made of, here and in other policy languages (Kyverno's
    /// `AnyNotIn`, `GreaterThanOrEquals`; JSON Schema's `anyOf`): a key made only of these is
    /// an operator the author expected, read as a path.
    static let operatorWords: Set<String> = [
        "equals", "equal", "eq", "ne", "neq", "in", "not", "no", "non", "is", "empty", "exists", "exist", "absent",
        "present", "matches", "match", "regex", "contains", "contain", "starts", "start", "ends", "end", "with",
        "gt", "gte", "lt", "lte", "ge", "le", "greater", "less", "than", "or", "and", "any", "all", "none", "one", "of",
        "quantity", "version", "covers", "some", "duration", "true", "false", "null", "nil", "has", "one",
    ]
    /// Keys of `matches:` written as a mapping.
    public static let matchesKeys = ["pattern", "ignore_case", "param"]
    /// Keys of `capture:`.
    public static let captureKeys = ["pattern", "group", "where"]
    /// Keys of `some:`.
    public static let someKeys = ["match", "where"]
    /// Keys of `examples:`.
    public static let examplesKeys = ["fail", "pass"]
    /// Keys of one example.
    public static let exampleKeys = ["kind", "path", "text"]

    /// The reader collecting diagnostics.
    public var reader: SchemaReader
    /// The providers `provided_by:` expands to (docs/rules.md, "Providers").
    public var providers = ProviderTable()
    /// How many `some:` the condition being decoded is inside (`{outer: …}` needs two).
    private var someDepth = 0
    private var nextQueryID: Int
    /// The current rule's parameters and their defaults (to check operands that name them).
    private var paramDefaults: [String: YAMLNode] = [:]
    /// Whether the current rule's subjects are whole Kubernetes documents, and which resources
    /// it selects (for the warnings about paths that cannot reach anything in them).
    private var kubernetesSubject: (resources: [String], yes: Bool) = ([], false)

    /// Creates a decoder for a file; `firstQueryID` numbers `some:` queries across files.
    public init(path: String, firstQueryID: Int = 0) {
        reader = SchemaReader(path: path)
        nextQueryID = firstQueryID
    }

    /// The next unused `some:` query id.
    public var queryCount: Int { nextQueryID }

    /// Decodes one rule mapping. `source` is the incident id for constraints (then `source:` in
    /// the mapping is not expected).
    public mutating func decodeRule(_ node: YAMLNode, incident: String?) -> Rule? {
        guard reader.checkKeys(node, known: Self.ruleKeys, what: "a rule") else { return nil }
        let before = reader.diagnostics.filter { $0.severity == .error }.count
        let id = reader.requiredString(node, "id", what: "a rule") ?? ""
        if !id.isEmpty, !Self.isKebabCase(id), let n = node["id"] {
            reader.error("rule id '\(id)' must be kebab-case (lowercase letters, digits and '-')", at: n.location)
        }
        var severity = Severity.error
        if let text = reader.requiredString(node, "severity", what: "rule '\(id)'") {
            if let s = Severity(rawValue: text) {
                severity = s
            } else {
                reader.error("severity must be error, warning or info, found '\(text)'", at: node["severity"]!.location)
            }
        }
        let message = reader.requiredString(node, "message", what: "rule '\(id)'") ?? ""
        let guidance = reader.requiredString(node, "guidance", what: "rule '\(id)'") ?? ""
        var source: RuleSource = .rationale("")
        if let incident {
            source = .incident(incident)
        } else if let s = reader.optionalString(node, "source") {
            source = .incident(s)
        } else if let r = reader.optionalString(node, "rationale") {
            source = .rationale(r)
        } else {
            reader.error("rule '\(id)' needs 'source: INC-…' (an incident id) or 'rationale: …'", at: node.location)
        }
        let agent = reader.stringList(node, "agent")
        let category = reader.optionalString(node, "category") ?? "general"
        var params: [(String, Value)] = []
        if let p = node["params"], !p.isNull {
            if p.kind == .mapping {
                for pair in p.pairs {
                    guard let name = pair.key.scalar else { continue }
                    params.append((name, .node(pair.value, nil)))
                    paramDefaults[name] = pair.value
                }
            } else {
                reader.error("'params' must be a mapping of names to default values", at: p.location)
            }
        }
        let paramNames = params.map(\.0)
        var selection = Selection()
        if let m = node["match"] {
            selection = decodeSelection(m, params: paramNames)
            kubernetesSubject = Self.kubernetesDocuments(selection)
        } else {
            reader.error("rule '\(id)' needs 'match:' (what it looks at)", at: node.location)
        }
        let when = node["when"].map { decodeCondition($0, params: paramNames, atSubject: true) }
        let require = node["require"].map { decodeCondition($0, params: paramNames, atSubject: true) }
        let forbid = node["forbid"].map { decodeCondition($0, params: paramNames, atSubject: true) }
        paramDefaults = [:]
        kubernetesSubject = ([], false)
        if require == nil && forbid == nil {
            reader.error("rule '\(id)' needs 'require:' or 'forbid:'", at: node.location)
        }
        let examples = decodeExamples(node, ruleID: id)
        let after = reader.diagnostics.filter { $0.severity == .error }.count
        guard after == before else { return nil }
        return Rule(
            id: id, severity: severity, message: message, source: source, guidance: guidance, agent: agent, category: category,
            params: params, selection: selection, when: when, require: require, forbid: forbid, examples: examples,
            file: reader.path, location: node.location, node: node)
    }

    static func isKebabCase(_ s: String) -> Bool {
        !s.isEmpty && s.first != "-" && s.last != "-"
            && s.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" }
    }

    // MARK: Selection

    /// Whether a selection's subjects are whole Kubernetes documents (no `each`, no facet).
    static func kubernetesDocuments(_ s: Selection) -> (resources: [String], yes: Bool) {
        (s.resources, s.each.isEmpty && s.facet == nil && (s.kinds.contains(.kind(.kubernetes)) || (s.kinds.isEmpty && !s.resources.isEmpty)))
    }

    mutating func decodeSelection(_ node: YAMLNode, params: [String]) -> Selection {
        var s = Selection()
        // An unknown key here is an error, not a warning: a mistyped selector (`resources:`)
        // would silently widen the rule to every document.
        guard reader.checkKeys(node, known: Self.matchKeys, what: "match", unknownIs: .error, why: "a mistyped selector would widen the rule")
        else { return s }
        for name in stringsOrParam(node, "kind", params: params).literals {
            if let k = TargetKind(name) {
                s.kinds.append(k)
            } else {
                var message = "unknown target kind '\(name)'"
                if let sug = SchemaReader.suggest(name, from: TargetKind.names) { message += " (did you mean '\(sug)'?)" }
                reader.error(message, at: node["kind"]!.location)
            }
        }
        s.resources = reader.stringList(node, "resource")
        let paths = stringsOrParam(node, "paths", params: params)
        s.paths = paths.literals.map(Glob.init)
        s.pathParams = paths.params
        let exclude = stringsOrParam(node, "exclude", params: params)
        s.exclude = exclude.literals.map(Glob.init)
        s.excludeParams = exclude.params
        if let e = node["each"] {
            let list = e.kind == .sequence ? e.elements : [e]
            for item in list {
                if let p = decodePath(item) { s.each.append(p) }
            }
        }
        if let w = node["where"] {
            // `where` tests the document (or facet item), before `each`.
            var documents = s
            documents.each = []
            let saved = kubernetesSubject
            kubernetesSubject = Self.kubernetesDocuments(documents)
            s.condition = decodeCondition(w, params: params, atSubject: true)
            kubernetesSubject = saved
        }
        if let f = node["facet"], let name = reader.string(f, key: "facet") {
            if let facet = FacetName(rawValue: name) {
                s.facet = facet
            } else {
                var message = "unknown facet '\(name)'"
                if let sug = SchemaReader.suggest(name, from: FacetName.allCases.map(\.rawValue)) { message += " (did you mean '\(sug)'?)" }
                reader.error(message + "; facets: " + FacetName.allCases.map(\.rawValue).joined(separator: ", "), at: f.location)
            }
        }
        s.key = reader.optionalString(node, "key")
        if s.key != nil && s.facet != .setting, let k = node["key"] {
            reader.error("'key' only applies to 'facet: setting'", at: k.location)
        }
        return s
    }

    /// A list of strings, or `{param: name}` naming a list parameter.
    mutating func stringsOrParam(_ node: YAMLNode, _ key: String, params: [String]) -> (literals: [String], params: [String]) {
        guard let v = node[key], !v.isNull else { return ([], []) }
        if v.kind == .mapping {
            if let p = paramReference(v, params: params) { return ([], [p]) }
            return ([], [])
        }
        return (reader.stringList(node, key), [])
    }

    mutating func paramReference(_ node: YAMLNode, params: [String]) -> String? {
        guard node.kind == .mapping, node.count == 1, let name = node["param"]?.scalar else {
            reader.error("expected a value or {param: name}", at: node.location)
            return nil
        }
        if !params.contains(name) {
            var message = "unknown parameter '\(name)'"
            if let sug = SchemaReader.suggest(name, from: params) { message += " (did you mean '\(sug)'?)" }
            reader.error(message + "; declare it under 'params:'", at: node["param"]!.location)
        }
        return name
    }

    mutating func decodePath(_ node: YAMLNode) -> PathExpression? {
        guard let text = reader.string(node, key: "path") else { return nil }
        do {
            return try PathExpression(text)
        } catch {
            var loc = node.location
            if node.scalarStyle == .singleQuoted || node.scalarStyle == .doubleQuoted {
                loc = SourceLocation(line: loc.line, column: loc.column + 1, offset: loc.offset + 1)
            }
            reader.error(
                "bad path '\(text)': \(error.message)",
                at: SourceLocation(line: loc.line, column: loc.column + error.offset, offset: loc.offset + error.offset))
            return nil
        }
    }

    // MARK: Conditions

    /// Decodes a condition mapping. `atSubject`: the condition tests the rule's subject itself
    /// (not a value a path reached), so its paths start at the subject.
    public mutating func decodeCondition(_ node: YAMLNode, params: [String], atSubject: Bool = false) -> Condition {
        guard node.kind == .mapping else {
            reader.error("a condition must be a mapping such as {equals: x} or {spec.replicas: {gte: 2}}", at: node.location)
            return .always
        }
        var parts: [Condition] = []
        for pair in node.pairs {
            guard let key = pair.key.scalar else { continue }
            if let c = decodeEntry(key: key, keyNode: pair.key, value: pair.value, params: params, atSubject: atSubject) { parts.append(c) }
        }
        if parts.isEmpty { return .always }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func decodeEntry(key: String, keyNode: YAMLNode, value v: YAMLNode, params: [String], atSubject: Bool) -> Condition? {
        switch key {
        case "equals":
            if v.kind == .sequence {
                reader.error("'equals' takes one value; for any of several write in: [\(Self.flowList(v))]", at: v.location)
                return nil
            }
            return .equals(operand(v, params: params))
        case "in": return listOperand(v, params: params).map { .isIn($0) }
        case "is":
            guard v.scalarEquals("true") || v.scalarEquals("false") else {
                let text = v.scalar ?? "…"
                let fix = YAMLBool.read(text).map { "write is: \($0)" } ?? "to compare text write equals: \(text)"
                reader.error("'is' takes true or false (only these two are booleans in rules; the value it tests may be spelled yes, on, True…); \(fix)", at: v.location)
                return nil
            }
            return .isBool(v.scalarEquals("true"))
        case "contains": return .contains(operand(v, params: params))
        case "starts_with": return .startsWith(operand(v, params: params))
        case "ends_with": return .endsWith(operand(v, params: params))
        case "covers": return .covers(operand(v, params: params))
        case "domain_covers": return .domainCovers(operand(v, params: params))
        case "matches": return decodeMatches(v, params: params)
        case "exists": return reader.optionalBoolValue(v, key: key).map { .exists($0) }
        case "deployed": return reader.optionalBoolValue(v, key: key).map { .deployed($0) }
        case "absent": return reader.optionalBoolValue(v, key: key).map { .exists(!$0) }
        case "empty": return reader.optionalBoolValue(v, key: key).map { .empty($0) }
        case "gt", "gte", "lt", "lte":
            return comparisonOperand(v, key: key, domain: .number, params: params).map { .compare(.number, Comparison(rawValue: key)!, $0) }
        case "quantity_gt", "quantity_gte", "quantity_lt", "quantity_lte":
            return comparisonOperand(v, key: key, domain: .quantity, params: params).map {
                .compare(.quantity, Comparison(rawValue: String(key.dropFirst(9)))!, $0)
            }
        case "version_gt", "version_gte", "version_lt", "version_lte":
            return comparisonOperand(v, key: key, domain: .version, params: params).map {
                .compare(.version, Comparison(rawValue: String(key.dropFirst(8)))!, $0)
            }
        case "not": return .not(decodeCondition(v, params: params, atSubject: atSubject))
        case "all", "any", "none":
            if v.kind == .sequence {
                let items = v.elements.map { decodeCondition($0, params: params, atSubject: atSubject) }
                switch key {
                case "all": return .all(items)
                case "any": return .any(items)
                default: return .none(items)
                }
            }
            // {path: P, …}: quantify over the values at P.
            guard v.kind == .mapping, let pathNode = v["path"], let path = decodePath(pathNode) else {
                reader.error("'\(key)' takes a list of conditions, or a mapping with 'path:' and a condition", at: v.location)
                return nil
            }
            if atSubject { checkReachable(path, at: pathNode.location) }
            let rest = decodeCondition(v, params: params, skipping: "path")
            return .path(path, Quantifier(rawValue: key)!, rest)
        case "some": return decodeSome(v, params: params)
        case "capture": return decodeCapture(v, params: params)
        case "selects":
            // A literal mapping is the labels themselves.
            let special = ["self", "param", "file", "outer"]
            let o = v.kind == .mapping && !v.pairs.contains { special.contains($0.key.scalar ?? "") } ? .literal(.node(v, nil)) : operand(v, params: params)
            if case .param = o {
                reader.error("'selects' takes labels: {self: metadata.labels}, {outer: metadata.labels} or a mapping of labels", at: v.location)
                return nil
            }
            return .selects(o)
        case "provided_by": return decodeProvidedBy(v)
        case "path":
            reader.error("'path' belongs inside all/any/none: {path: …, <condition>}", at: keyNode.location)
            return nil
        default:
            if let hint = Self.operatorLookalike(key) {
                reader.warning("'\(key)' is read as a path (a key named '\(key)'); \(hint)", at: keyNode.location)
            } else if key.count >= 3, !key.contains("."), !key.contains("["), let sug = SchemaReader.suggest(key, from: Self.operatorKeys),
                SchemaReader.editDistance(key, sug) <= (key.count >= 6 ? 2 : 1)
            {
                reader.warning("'\(key)' is read as a path; did you mean the operator '\(sug)'?", at: keyNode.location)
            }
            let path: PathExpression
            do {
                path = try PathExpression(key)
            } catch {
                reader.error("bad path '\(key)': \(error.message)", at: keyNode.location)
                return nil
            }
            if atSubject { checkReachable(path, at: keyNode.location) }
            return .path(path, nil, decodeCondition(v, params: params))
        }
    }

    private mutating func decodeCondition(_ node: YAMLNode, params: [String], skipping: String) -> Condition {
        var parts: [Condition] = []
        for pair in node.pairs {
            guard let key = pair.key.scalar, key != skipping else { continue }
            if let c = decodeEntry(key: key, keyNode: pair.key, value: pair.value, params: params, atSubject: false) { parts.append(c) }
        }
        if parts.isEmpty { return .exists(true) }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    // MARK: Operands that must mean something

    /// `in`'s operand: a list, or a parameter whose default is a list.
    private mutating func listOperand(_ v: YAMLNode, params: [String]) -> Operand? {
        if v.kind == .scalar {
            var message = "'in' needs a list such as [a, b] or {param: name} naming a list; for one value write equals: \(v.scalar ?? "")"
            let text = v.scalar ?? ""
            for separator in ["|", ","] where text.contains(separator) {
                let items = text.split(separator: Character(separator)).map { String(String($0).trimmingSpaces) }.filter { !$0.isEmpty }
                message = "'in' needs a list, not the text '\(text)': write in: [\(items.joined(separator: ", "))]"
                break
            }
            reader.error(message, at: v.location)
            return nil
        }
        let o = operand(v, params: params)
        if case .param(let name) = o, let def = paramDefaults[name], def.kind != .sequence, let p = v["param"] {
            reader.error("'in' needs a list, and parameter '\(name)' defaults to a single value; make its default a list ([\(def.scalar ?? "…")])", at: p.location)
            return nil
        }
        return o
    }

    /// The operand of a comparison: one number, quantity or version (a literal, or a parameter
    /// whose default is one); `{self: …}` and `{file: …}` are checked when the rule runs.
    private mutating func comparisonOperand(_ v: YAMLNode, key: String, domain: ComparisonDomain, params: [String]) -> Operand? {
        let expected: String
        switch domain {
        case .number: expected = "a number such as 5000 or 2.5"
        case .quantity: expected = "a Kubernetes quantity such as 512Mi, 1.5Gi or 250m"
        case .version: expected = "a version such as 1.28 or v1.30.2 (numbers separated by dots, an optional leading v; only the numbers are compared)"
        }
        if v.kind == .sequence {
            reader.error("'\(key)' takes one value, \(expected), not a list", at: v.location)
            return nil
        }
        let o = operand(v, params: params)
        switch o {
        case .literal:
            guard let text = v.scalar, Self.parses(text, domain) else {
                reader.error("'\(key)' needs \(expected), found '\(v.scalar ?? "")'", at: v.location)
                return nil
            }
        case .param(let name):
            if let def = paramDefaults[name], let p = v["param"], !(def.scalar.map { Self.parses($0, domain) } ?? false) {
                reader.error("'\(key)' needs \(expected), and parameter '\(name)' defaults to '\(def.scalar ?? "a collection")'", at: p.location)
                return nil
            }
        default:
            break
        }
        return o
    }

    /// Whether an operand's text is a value of the domain.
    static func parses(_ text: String, _ domain: ComparisonDomain) -> Bool {
        switch domain {
        case .number:
            return Double(text.trimmingSpaces).map(\.isFinite) ?? false
        case .quantity:
            return Quantity.parse(text).map(\.isFinite) ?? false
        case .version:
            // Strict for operands: the comparison reads only the numbers, so nothing else may
            // be written (`1.28-rc1` would silently compare as 1.28).
            var s = Substring(text)
            if s.first == "v" || s.first == "V" { s = s.dropFirst() }
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            return !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        }
    }

    /// A sequence node's items as a flow list's contents (`a, b`).
    static func flowList(_ node: YAMLNode) -> String {
        node.elements.map { $0.scalar ?? "…" }.joined(separator: ", ")
    }

    /// A hint when `key` is made only of operator words (`not_in`, `AnyNotIn`, `is_empty`,
    /// `greater_than`, `anyOf`): it is read as a path, which the author did not mean.
    static func operatorLookalike(_ key: String) -> String? {
        guard !key.contains("."), !key.contains("["), !key.contains("\""), !operatorKeys.contains(key) else { return nil }
        let words = splitWords(key)
        guard words.count >= 2, words.allSatisfy(operatorWords.contains) else { return nil }
        let negated = words.contains { $0 == "not" || $0 == "no" || $0 == "non" || $0 == "ne" || $0 == "neq" }
        var rest = words.filter { !["not", "no", "non", "is", "any", "all", "of", "one", "has"].contains($0) }
        if rest.isEmpty, words.contains("ne") || words.contains("neq") { rest = ["equals"] }
        var op: String?
        switch rest.joined(separator: " ") {
        case "equals", "equal", "eq", "ne", "neq": op = "equals: …"
        case "in": op = "in: [...]"
        case "empty": op = "empty: true"
        case "exists", "exist", "present": op = "exists: true"
        case "absent": op = "absent: true"
        case "matches", "match", "regex": op = "matches: …"
        case "contains", "contain": op = "contains: …"
        case "starts with", "start with", "starts": op = "starts_with: …"
        case "ends with", "end with", "ends": op = "ends_with: …"
        case "greater than", "gt": op = "gt: …"
        case "greater than or equals", "greater than or equal", "gte", "ge": op = "gte: …"
        case "less than", "lt": op = "lt: …"
        case "less than or equals", "less than or equal", "lte", "le": op = "lte: …"
        case "true": op = "is: true"
        case "false": op = "is: false"
        default: op = nil
        }
        if words == ["any", "of"] || words == ["one", "of"] { return "write any: [{…}, {…}]" }
        if words == ["all", "of"] { return "write all: [{…}, {…}]" }
        if words == ["none", "of"] { return "write none: [{…}, {…}]" }
        guard let op else { return "write it with the operators of docs/rules.md (not, in, equals, gt…), e.g. {not: {in: [...]}}" }
        return negated ? "write {not: {\(op)}}" : "write {\(op)}"
    }

    /// Lowercased words of a snake_case, kebab-case or camelCase key.
    static func splitWords(_ key: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousLower = false
        for ch in key {
            if ch == "_" || ch == "-" {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousLower = false
                continue
            }
            if ch.isUppercase, previousLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(Character(ch.lowercased()))
            previousLower = ch.isLowercase || ch.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Warns about a path at the top of a Kubernetes document that reads a literal key where
    /// the author most likely meant a concept: `containers[*]` (no document has a top-level
    /// `containers`) and `spec.containers` in rules that also select non-Pod workloads.
    private mutating func checkReachable(_ path: PathExpression, at location: SourceLocation) {
        guard kubernetesSubject.yes, let first = path.steps.first else { return }
        let lists = ["containers", "initContainers", "ephemeralContainers"]
        if case .key(let k) = first, lists.contains(k) {
            reader.warning(
                "'\(path.text)' reads a top-level key '\(k)', which a Kubernetes document does not have; write 'containers' (every container of any workload: init, regular and ephemeral) or 'pod_spec.\(k)[*]'",
                at: location)
            return
        }
        guard path.steps.count >= 2, first == .key("spec"), case .key(let k) = path.steps[1], lists.contains(k) else { return }
        let resources = kubernetesSubject.resources
        if resources.isEmpty || resources.contains(where: { $0 != "Pod" }) {
            reader.warning(
                "'spec.\(k)' is only a Pod's list (a Deployment's is under spec.template.spec, a CronJob's deeper); write 'containers' (every container of any workload) or 'pod_spec.\(k)', or select resource: Pod",
                at: location)
        }
    }

    private mutating func decodeMatches(_ v: YAMLNode, params: [String]) -> Condition? {
        var pattern: String?
        var ignoreCase = false
        var patternNode = v
        if v.kind == .mapping {
            if v["param"] != nil, v.count == 1 {
                guard let name = paramReference(v, params: params) else { return nil }
                return .matchesParam(name, ignoreCase: false)
            }
            reader.checkKeys(v, known: Self.matchesKeys, what: "matches")
            ignoreCase = reader.optionalBool(v, "ignore_case") ?? false
            if let p = v["param"] {
                guard let name = p.scalar else { return nil }
                _ = paramReference(v.pairs.count == 1 ? v : p, params: params)
                return .matchesParam(name, ignoreCase: ignoreCase)
            }
            guard let p = v["pattern"] else {
                reader.error("'matches' needs a pattern", at: v.location)
                return nil
            }
            patternNode = p
        }
        pattern = reader.string(patternNode, key: "matches")
        guard let pattern else { return nil }
        do {
            return .matches(try CompiledRegex(pattern, ignoreCase: ignoreCase))
        } catch {
            reader.error("invalid regular expression '\(pattern)': \(error.message)", at: patternNode.location)
            return nil
        }
    }

    private mutating func decodeCapture(_ v: YAMLNode, params: [String]) -> Condition? {
        guard reader.checkKeys(v, known: Self.captureKeys, what: "capture") else { return nil }
        guard let p = v["pattern"], let pattern = reader.string(p, key: "pattern") else {
            reader.error("'capture' needs 'pattern:'", at: v.location)
            return nil
        }
        var group = 1
        if let g = v["group"] {
            guard let text = g.scalar, let n = Int(text), (0...9).contains(n) else {
                reader.error("'group' must be a number from 0 to 9", at: g.location)
                return nil
            }
            group = n
        }
        do {
            let regex = try CompiledRegex(pattern)
            return .capture(regex, group: group, v["where"].map { decodeCondition($0, params: params) } ?? .always)
        } catch {
            reader.error("invalid regular expression '\(pattern)': \(error.message)", at: p.location)
            return nil
        }
    }

    private mutating func decodeSome(_ v: YAMLNode, params: [String]) -> Condition? {
        guard reader.checkKeys(v, known: Self.someKeys, what: "some") else { return nil }
        guard let m = v["match"] else {
            reader.error("'some' needs 'match:' (which documents to look for)", at: v.location)
            return nil
        }
        let selection = decodeSelection(m, params: params)
        someDepth += 1
        let condition = v["where"].map { decodeCondition($0, params: params) } ?? .always
        someDepth -= 1
        let id = nextQueryID
        nextQueryID += 1
        return .some(SomeQuery(selection: selection, condition: condition, anchor: condition.firstSubjectPath, id: id))
    }

    private mutating func operand(_ v: YAMLNode, params: [String]) -> Operand {
        guard v.kind == .mapping else { return .literal(.node(v, nil)) }
        if v.count == 1, let p = v["param"] {
            _ = p
            return .param(paramReference(v, params: params) ?? "")
        }
        if let s = v["self"], v.count == 1 || (v.count == 2 && v["extract"] != nil) {
            var extract: CompiledRegex?
            if let e = v["extract"], let pattern = reader.string(e, key: "extract") {
                do {
                    extract = try CompiledRegex(pattern)
                } catch {
                    reader.error("invalid regular expression '\(pattern)': \(error.message)", at: e.location)
                }
            }
            return decodePath(s).map { Operand.subject($0, extract: extract) } ?? .literal(.missing(v.location))
        }
        if v.count == 1, let o = v["outer"] {
            if someDepth < 2 {
                reader.error("{outer: …} reads the candidate of the enclosing 'some:', so it belongs in the 'where:' of a 'some:' inside another one", at: v.location)
            }
            return decodePath(o).map { Operand.outer($0) } ?? .literal(.missing(v.location))
        }
        if v.count == 1, let f = v["file"], let name = f.scalar {
            if let prop = Operand.FileProperty(rawValue: name) { return .file(prop) }
            reader.error("unknown file property '\(name)'; use path, dir or name", at: f.location)
            return .literal(.missing(v.location))
        }
        reader.error("an operand is a value, a list, {param: name}, {self: path, extract: regex?}, {outer: path} or {file: path|dir|name}", at: v.location)
        return .literal(.missing(v.location))
    }

    /// `provided_by: <family>`: any provider of the family covers the subject. Each provider's
    /// `covers:` is decoded here, as if written in place (its `some:` queries get their own
    /// ids); its problems were reported at the provider's own file when it was loaded.
    private mutating func decodeProvidedBy(_ v: YAMLNode) -> Condition? {
        guard let family = reader.string(v, key: "provided_by") else { return nil }
        guard let members = providers.families[family] else {
            let known = providers.families.keys.sorted()
            var message = "unknown provider family '\(family)'"
            if let sug = SchemaReader.suggest(family, from: known) { message += " (did you mean '\(sug)'?)" }
            message += known.isEmpty ? "; there is no providers/ folder beside rules/" : "; families in providers/: " + known.joined(separator: ", ")
            reader.error(message, at: v.location)
            return nil
        }
        // Each provider's `covers:` was decoded once, with the constitution's own query ids,
        // when its file was read (it is its example rule's `require:`): every `provided_by:`
        // shares it, and the engine collects a shared join's candidates once.
        return .any(members.map { $0.exampleRule.require ?? .always })
    }

    // MARK: Examples

    mutating func decodeExamples(_ node: YAMLNode, ruleID: String) -> [RuleExample] {
        guard let ex = node["examples"] else {
            reader.error("rule '\(ruleID)' needs 'examples:' with at least one 'fail' and one 'pass' snippet", at: node.location)
            return []
        }
        guard reader.checkKeys(ex, known: Self.examplesKeys, what: "examples") else { return [] }
        var out: [RuleExample] = []
        for expectation in [RuleExample.Expectation.fail, .pass] {
            guard let list = ex[expectation.rawValue], list.kind == .sequence, !list.elements.isEmpty else {
                reader.error("rule '\(ruleID)' needs at least one '\(expectation.rawValue)' example", at: ex.location)
                continue
            }
            for item in list.elements {
                guard reader.checkKeys(item, known: Self.exampleKeys, what: "an example") else { continue }
                guard let kindName = reader.requiredString(item, "kind", what: "an example"),
                    let text = reader.requiredString(item, "text", what: "an example")
                else { continue }
                guard let kind = FileKind(rawValue: kindName) else {
                    var message = "unknown example kind '\(kindName)'"
                    if let sug = SchemaReader.suggest(kindName, from: FileKind.allCases.map(\.rawValue)) { message += " (did you mean '\(sug)'?)" }
                    reader.error(message, at: item["kind"]!.location)
                    continue
                }
                let path = reader.optionalString(item, "path") ?? Self.defaultExamplePath(kind)
                var example = RuleExample(expectation: expectation, kind: kind, path: path, text: text, location: item.location)
                example.textLines = item["text"].flatMap(LocatedText.init(scalar:))
                example.number = out.filter { $0.expectation == expectation }.count + 1
                out.append(example)
            }
        }
        return out
    }

    /// A plausible file name for an example of `kind`.
    public static func defaultExamplePath(_ kind: FileKind) -> String {
        switch kind {
        case .kubernetes: "example/manifest.yaml"
        case .ansiblePlaybook: "example/playbook.yml"
        case .ansibleTasks: "example/roles/example/tasks/main.yml"
        case .ansibleVars: "example/group_vars/all.yml"
        case .ansibleInventory: "example/inventory/hosts.yml"
        case .cloudInit: "example/cloud-init/user-data.yaml"
        case .compose: "example/compose.yaml"
        case .workflow: "example/.gitea/workflows/ci.yaml"
        case .template: "example/templates/example.j2"
        case .yaml: "example/config.yaml"
        case .text: "example/script.sh"
        case .binary: "example/blob.bin"
        }
    }
}

extension SchemaReader {
    /// `true`/`false` only.
    mutating func optionalBoolValue(_ node: YAMLNode, key: String) -> Bool? {
        if node.scalarEquals("true") { return true }
        if node.scalarEquals("false") { return false }
        let found = node.scalar.map { ", found '\($0)'" } ?? ""
        error("'\(key)' takes true or false (only these two are booleans in rules)\(found)", at: node.location)
        return nil
    }
}
