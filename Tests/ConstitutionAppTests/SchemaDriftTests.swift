import ConstitutionApp
import ConstitutionCore
import ConstitutionReport
import ConstitutionRules
import TestSupport
import Testing

/// The JSON Schemas in `schemas/` (what editors check our files against) say exactly what the
/// loaders accept: every object's property names are the loader's own key table, every enum
/// the loader's own closed set. Adding a key on either side without the other fails here.
@Suite("schemas/ match the loaders' key tables")
struct SchemaDriftTests {
    /// A schema file, parsed with the project's own JSON reader.
    func schema(_ name: String) throws -> JSONValue {
        let text = TestSupport.readText(TestSupport.packageRoot + "/schemas/" + name)
        #expect(!text.isEmpty, "schemas/\(name) is missing")
        return try JSONParser.parse(text, rejectingDuplicateKeys: true)
    }

    /// The value at `path` (object keys, separated by `/`).
    func at(_ value: JSONValue, _ path: String) throws -> JSONValue {
        var v = value
        for key in path.split(separator: "/") {
            v = try #require(v[String(key)], "no \(path) (stopped at \(key))")
        }
        return v
    }

    /// The property names of the object schema at `path`, sorted.
    func properties(_ value: JSONValue, _ path: String) throws -> [String] {
        guard case .object(let pairs) = try at(value, path + "/properties") else {
            Issue.record("\(path)/properties is not an object")
            return []
        }
        return pairs.map(\.0).sorted()
    }

    /// The values of the enum at `path` (strings), sorted.
    func enumValues(_ value: JSONValue, _ path: String) throws -> [String] {
        guard case .array(let items) = try at(value, path + "/enum") else {
            Issue.record("\(path)/enum is not a list")
            return []
        }
        return items.compactMap(\.stringValue).sorted()
    }

    /// Every object schema that lists properties says whether others are allowed.
    func expectClosed(_ value: JSONValue, _ path: String) throws {
        #expect(try at(value, path + "/additionalProperties") == .bool(false), "\(path) must reject unknown keys")
    }

    @Test func providerSchema() throws {
        let provider = try schema("provider.schema.json")
        #expect(try properties(provider, "") == ProviderDecoder.keys.sorted())
        try expectClosed(provider, "")
        // The parts shared with rules are the rule schema's own definitions.
        #expect(try at(provider, "properties/covers/$ref") == .string("rule.schema.json#/definitions/condition"))
        #expect(try at(provider, "properties/subject/$ref") == .string("rule.schema.json#/definitions/selection"))
        // Every starter provider carries the modeline that points editors at it.
        let files = ConstitutionStore.providerFiles(TestSupport.packageRoot)
        #expect(files.count >= 12)
        for file in files {
            #expect(String(decoding: file.bytes, as: UTF8.self).hasPrefix(SchemaFiles.providerModeline + "\n"), "\(file.path) lacks the provider modeline")
        }
    }

    @Test func ruleSchema() throws {
        let rule = try schema("rule.schema.json")
        let d = "definitions"
        #expect(try properties(rule, "\(d)/rule") == RuleDecoder.ruleKeys.sorted())
        try expectClosed(rule, "\(d)/rule")
        #expect(try properties(rule, "\(d)/selection") == RuleDecoder.matchKeys.sorted())
        try expectClosed(rule, "\(d)/selection")
        #expect(try properties(rule, "\(d)/condition") == RuleDecoder.operatorKeys.sorted())
        #expect(try properties(rule, "\(d)/condition/properties/some") == RuleDecoder.someKeys.sorted())
        #expect(try properties(rule, "\(d)/condition/properties/capture") == RuleDecoder.captureKeys.sorted())
        #expect(try properties(rule, "\(d)/rule/properties/examples") == RuleDecoder.examplesKeys.sorted())
        #expect(try properties(rule, "\(d)/example") == RuleDecoder.exampleKeys.sorted())
        try expectClosed(rule, "\(d)/example")
        // matches: {pattern, ignore_case, param}: the second form of its anyOf.
        guard case .array(let forms) = try at(rule, "\(d)/condition/properties/matches/anyOf"), forms.count == 2 else {
            Issue.record("matches has a text form and a mapping form")
            return
        }
        #expect(try properties(forms[1], "") == RuleDecoder.matchesKeys.sorted())

        #expect(try enumValues(rule, "\(d)/rule/properties/severity") == Severity.allCases.map(\.rawValue).sorted())
        #expect(try enumValues(rule, "\(d)/example/properties/kind") == FileKind.allCases.map(\.rawValue).sorted())
        #expect(try enumValues(rule, "\(d)/selection/properties/facet") == FacetName.allCases.map(\.rawValue).sorted())
        guard case .array(let kindForms) = try at(rule, "\(d)/selection/properties/kind/anyOf") else {
            Issue.record("match.kind has forms")
            return
        }
        let names = TargetKind.names.sorted()
        #expect(try enumValues(kindForms[0], "") == names)
        #expect(try enumValues(try at(kindForms[1], "items"), "") == names)
        // Operands: {file: …} names the file properties.
        guard case .array(let operandForms) = try at(rule, "\(d)/operand/anyOf") else {
            Issue.record("operands have forms")
            return
        }
        let fileForm = try #require(operandForms.first { $0["properties"]?["file"] != nil })
        #expect(try enumValues(fileForm, "properties/file") == Operand.FileProperty.allCases.map(\.rawValue).sorted())
    }

    @Test func incidentSchema() throws {
        let incident = try schema("incident.schema.json")
        #expect(try properties(incident, "") == IncidentDecoder.keys.sorted())
        try expectClosed(incident, "")
        #expect(try enumValues(incident, "properties/severity") == IncidentDecoder.severities.sorted())
        #expect(try enumValues(incident, "properties/status") == IncidentDecoder.statuses.sorted())
        #expect(try enumValues(incident, "properties/kind") == Incident.Kind.allCases.map(\.rawValue).sorted())
        #expect(try enumValues(incident, "properties/schema").isEmpty, "schema is the number 1")
        #expect(try at(incident, "properties/schema/enum") == .array([.int(IncidentDecoder.schemaVersion)]))
        // The constraints are rules: rule.schema.json's own definition, not a copy of it.
        #expect(try at(incident, "properties/constraints/items") == .object([("$ref", .string("rule.schema.json#/definitions/rule"))]))
        #expect(incident["definitions"] == nil, "no second copy of the rule grammar")
    }

    @Test func waiversSchema() throws {
        let waivers = try schema("waivers.schema.json")
        #expect(try properties(waivers, "") == WaiverReader.fileKeys.sorted())
        try expectClosed(waivers, "")
        #expect(try properties(waivers, "properties/waivers/items") == WaiverReader.keys.sorted())
        try expectClosed(waivers, "properties/waivers/items")
    }

    @Test func configSchema() throws {
        let config = try schema("config.schema.json")
        #expect(try properties(config, "") == LintConfig.keys.sorted())
        try expectClosed(config, "")
        #expect(try properties(config, "properties/formats/items") == LintConfig.formatKeys.sorted())
        #expect(try properties(config, "properties/render") == LintConfig.renderKeys.sorted())
        #expect(try properties(config, "properties/gitops") == LintConfig.gitopsKeys.sorted())
        #expect(try enumValues(config, "properties/gitops/properties/controller") == GitOpsSettings.Controller.allCases.map(\.rawValue).sorted())
        #expect(try enumValues(config, "properties/formats/items/properties/format") == LintConfig.formatNames.sorted())
        #expect(try enumValues(config, "properties/threshold") == Severity.allCases.map(\.rawValue).sorted())
        #expect(
            try enumValues(config, "properties/severity/additionalProperties")
                == (Severity.allCases.map(\.rawValue) + [LintConfig.off]).sorted())
    }

    /// Each schema names its draft and describes every property it lists.
    @Test(arguments: ["incident.schema.json", "rule.schema.json", "waivers.schema.json", "config.schema.json"])
    func everyKeyIsDescribed(name: String) throws {
        let value = try schema(name)
        #expect(value["$schema"]?.stringValue == "http://json-schema.org/draft-07/schema#")
        var missing: [String] = []
        func walk(_ v: JSONValue, _ path: String) {
            switch v {
            case .object(let pairs):
                if case .object(let props)? = v["properties"] {
                    for (key, schema) in props where schema["description"] == nil { missing.append(path + "/properties/" + key) }
                }
                for (key, child) in pairs { walk(child, path + "/" + key) }
            case .array(let items):
                for (i, child) in items.enumerated() { walk(child, path + "/\(i)") }
            default: break
            }
        }
        walk(value, "")
        #expect(missing.isEmpty, "keys without a description: \(missing)")
    }
}
