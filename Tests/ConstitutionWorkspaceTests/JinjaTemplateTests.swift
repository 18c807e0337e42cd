import ConstitutionCore
import ConstitutionYAML
import Testing

@testable import ConstitutionWorkspace

/// Reading Jinja templates as the YAML they render to (`JinjaTemplate`).
@Suite("Jinja templates read as YAML")
struct JinjaTemplateTests {
    private func read(_ text: String) -> JinjaTemplate.Reading { JinjaTemplate.parse(path: "t.yml", bytes: Array(text.utf8)) }

    private func yaml(_ text: String) throws -> YAMLFile {
        guard case .yaml(let y) = read(text) else {
            Issue.record("unreadable: \(read(text))")
            throw CancellationError()
        }
        return y
    }

    private func reason(_ text: String) -> String? {
        if case .unreadable(let reason, let at) = read(text) { return "\(at.line):\(at.column) \(reason)" }
        return nil
    }

    @Test func valuesKeepTheirTextAndEverythingKeepsItsPlace() throws {
        let y = try yaml("image: {{ repo }}:{{ tag }}\nports: [{{ a }}, \"80:80\"]\nenv: {TZ: {{ tz }}, B: b}\n")
        let doc = y.documents[0]
        #expect(doc["image"]?.scalar == "{{ repo }}:{{ tag }}")
        #expect(doc["ports"]?.elements.map { $0.scalar } == ["{{ a }}", "80:80"])
        // The element after a templated one is where it is written.
        #expect(doc["ports"]?.elements[1].location.column == 18)
        #expect(doc["env"]?["B"]?.location.column == 24)
        #expect(y.source == Array("image: {{ repo }}:{{ tag }}\nports: [{{ a }}, \"80:80\"]\nenv: {TZ: {{ tz }}, B: b}\n".utf8))
    }

    @Test func multiByteExpressionsKeepColumns() throws {
        let y = try yaml("a: {{ \"é\" }} # c\nb: [{{ 'ü' }}, x]\n")
        #expect(y.documents[0]["a"]?.scalar == "{{ \"é\" }}")
        #expect(y.documents[0]["b"]?.elements[1].location.column == 16)
    }

    @Test func wholeLineIfAndSetAreBlanked() throws {
        let y = try yaml("{% set x = 1 %}\nservices:\n{% if x %}\n  web:\n    image: nginx:1.27\n{%- endif %}\n{# note #}\n")
        #expect(y.documents[0]["services"]?["web"]?["image"]?.location.line == 5)
    }

    @Test func aLoopOverListItemsIsReadOnce() throws {
        let y = try yaml("spec:\n  blocks:\n    {% for c in cidrs %}\n    - cidr: {{ c }}\n    {% endfor %}\n")
        #expect(y.documents[0]["spec"]?["blocks"]?.elements.count == 1)
    }

    @Test func whatChangesTheStructureIsUnreadable() {
        #expect(reason("services:\n{% for a in apps %}\n  {{ a }}:\n    image: x\n{% endfor %}\n") == "2:1 {% for %} changes the structure")
        #expect(reason("a: 1\n{% if x %}\nb: 2\n{% else %}\nb: 3\n{% endif %}\n") == "4:1 {% else %} changes the structure")
        #expect(reason("a: {% if x %}1{% endif %}\n") == "1:4 a {% … %} tag inside a line")
        #expect(reason("{{ key }}: 1\n") == "1:1 Jinja inside a key")
        #expect(reason("env:\n  {{ env | to_nice_yaml }}\n") == "2:3 a {{ … }} stands where whole lines go")
        #expect(reason("a: {{ b\n  }}\n") == "1:4 a {{ … }} expression runs over several lines")
        #expect(reason("a: [{{ b }}\n") != nil)
    }

    @Test func sequenceItemsAndBlockTextMayStartWithAnExpression() throws {
        let y = try yaml("- {{ a }}\n- b: |\n    {{ c }} d\n")
        #expect(y.documents[0].elements[0].scalar == "{{ a }}")
        #expect(y.documents[0].elements[1]["b"]?.scalar == "{{ c }} d\n")
    }
}
