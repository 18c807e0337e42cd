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
        "equals", "in", "matches", "contains", "starts_with", "ends_with", "covers", "exists", "absent", "empty",
        "gt", "gte", "lt", "lte", "quantity_gt", "quantity_gte", "quantity_lt", "quantity_lte", "version_gt",
        "version_gte", "version_lt", "version_lte", "not", "all", "any", "none", "some", "path", "capture",
    ]

    /// The reader collecting diagnostics.
    public var reader: SchemaReader
    private var nextQueryID: Int

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
                }
            } else {
                reader.error("'params' must be a mapping of names to default values", at: p.location)
            }
        }
        let paramNames = params.map(\.0)
        var selection = Selection()
        if let m = node["match"] {
            selection = decodeSelection(m, params: paramNames)
        } else {
            reader.error("rule '\(id)' needs 'match:' (what it looks at)", at: node.location)
        }
        let when = node["when"].map { decodeCondition($0, params: paramNames) }
        let require = node["require"].map { decodeCondition($0, params: paramNames) }
        let forbid = node["forbid"].map { decodeCondition($0, params: paramNames) }
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

    mutating func decodeSelection(_ node: YAMLNode, params: [String]) -> Selection {
        var s = Selection()
        guard reader.checkKeys(node, known: Self.matchKeys, what: "match") else { return s }
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
        if let w = node["where"] { s.condition = decodeCondition(w, params: params) }
        if let e = node["each"] {
            let list = e.kind == .sequence ? e.elements : [e]
            for item in list {
                if let p = decodePath(item) { s.each.append(p) }
            }
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

    /// Decodes a condition mapping.
    public mutating func decodeCondition(_ node: YAMLNode, params: [String]) -> Condition {
        guard node.kind == .mapping else {
            reader.error("a condition must be a mapping such as {equals: x} or {spec.replicas: {gte: 2}}", at: node.location)
            return .always
        }
        var parts: [Condition] = []
        for pair in node.pairs {
            guard let key = pair.key.scalar else { continue }
            if let c = decodeEntry(key: key, keyNode: pair.key, value: pair.value, params: params) { parts.append(c) }
        }
        if parts.isEmpty { return .always }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func decodeEntry(key: String, keyNode: YAMLNode, value v: YAMLNode, params: [String]) -> Condition? {
        switch key {
        case "equals": return .equals(operand(v, params: params))
        case "in": return .isIn(operand(v, params: params))
        case "contains": return .contains(operand(v, params: params))
        case "starts_with": return .startsWith(operand(v, params: params))
        case "ends_with": return .endsWith(operand(v, params: params))
        case "covers": return .covers(operand(v, params: params))
        case "matches": return decodeMatches(v, params: params)
        case "exists": return reader.optionalBoolValue(v).map { .exists($0) }
        case "absent": return reader.optionalBoolValue(v).map { .exists(!$0) }
        case "empty": return reader.optionalBoolValue(v).map { .empty($0) }
        case "gt", "gte", "lt", "lte":
            return .compare(.number, Comparison(rawValue: key)!, operand(v, params: params))
        case "quantity_gt", "quantity_gte", "quantity_lt", "quantity_lte":
            return .compare(.quantity, Comparison(rawValue: String(key.dropFirst(9)))!, operand(v, params: params))
        case "version_gt", "version_gte", "version_lt", "version_lte":
            return .compare(.version, Comparison(rawValue: String(key.dropFirst(8)))!, operand(v, params: params))
        case "not": return .not(decodeCondition(v, params: params))
        case "all", "any", "none":
            if v.kind == .sequence {
                let items = v.elements.map { decodeCondition($0, params: params) }
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
            let rest = decodeCondition(v, params: params, skipping: "path")
            return .path(path, Quantifier(rawValue: key)!, rest)
        case "some": return decodeSome(v, params: params)
        case "capture": return decodeCapture(v, params: params)
        case "path":
            reader.error("'path' belongs inside all/any/none: {path: …, <condition>}", at: keyNode.location)
            return nil
        default:
            if !key.contains("."), !key.contains("["), let sug = SchemaReader.suggest(key, from: Self.operatorKeys),
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
            return .path(path, nil, decodeCondition(v, params: params))
        }
    }

    private mutating func decodeCondition(_ node: YAMLNode, params: [String], skipping: String) -> Condition {
        var parts: [Condition] = []
        for pair in node.pairs {
            guard let key = pair.key.scalar, key != skipping else { continue }
            if let c = decodeEntry(key: key, keyNode: pair.key, value: pair.value, params: params) { parts.append(c) }
        }
        if parts.isEmpty { return .exists(true) }
        return parts.count == 1 ? parts[0] : .all(parts)
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
            reader.checkKeys(v, known: ["pattern", "ignore_case", "param"], what: "matches")
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
        guard reader.checkKeys(v, known: ["pattern", "group", "where"], what: "capture") else { return nil }
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
        guard reader.checkKeys(v, known: ["match", "where"], what: "some") else { return nil }
        guard let m = v["match"] else {
            reader.error("'some' needs 'match:' (which documents to look for)", at: v.location)
            return nil
        }
        let selection = decodeSelection(m, params: params)
        let condition = v["where"].map { decodeCondition($0, params: params) } ?? .always
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
        if v.count == 1, let f = v["file"], let name = f.scalar {
            if let prop = Operand.FileProperty(rawValue: name) { return .file(prop) }
            reader.error("unknown file property '\(name)'; use path, dir or name", at: f.location)
            return .literal(.missing(v.location))
        }
        reader.error("an operand is a value, a list, {param: name}, {self: path, extract: regex?} or {file: path|dir|name}", at: v.location)
        return .literal(.missing(v.location))
    }

    // MARK: Examples

    private mutating func decodeExamples(_ node: YAMLNode, ruleID: String) -> [RuleExample] {
        guard let ex = node["examples"] else {
            reader.error("rule '\(ruleID)' needs 'examples:' with at least one 'fail' and one 'pass' snippet", at: node.location)
            return []
        }
        guard reader.checkKeys(ex, known: ["fail", "pass"], what: "examples") else { return [] }
        var out: [RuleExample] = []
        for expectation in [RuleExample.Expectation.fail, .pass] {
            guard let list = ex[expectation.rawValue], list.kind == .sequence, !list.elements.isEmpty else {
                reader.error("rule '\(ruleID)' needs at least one '\(expectation.rawValue)' example", at: ex.location)
                continue
            }
            for item in list.elements {
                guard reader.checkKeys(item, known: ["kind", "path", "text"], what: "an example") else { continue }
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
    mutating func optionalBoolValue(_ node: YAMLNode) -> Bool? {
        if node.scalarEquals("true") { return true }
        if node.scalarEquals("false") { return false }
        error("expected true or false (only these two are booleans here)", at: node.location)
        return nil
    }
}
