import Testing

@testable import ConstitutionRender

/// Templates are the user's: whatever would crash swift-mustache (recursion per section, per
/// transform, per partial) is refused first, located at the tag.
@Suite("Template limits")
struct TemplateLimitsTests {
    func failure(_ templates: [String: String]) -> String? {
        do {
            _ = try TemplateRenderer(templates: templates)
            return nil
        } catch {
            return error.message
        }
    }

    func nested(_ depth: Int, open: String = "{{#a}}", close: String = "{{/a}}") -> String {
        String(repeating: open, count: depth) + "x" + String(repeating: close, count: depth)
    }

    @Test func nestingUpToTheLimitIsFineOneMoreIsRefusedAtItsTag() throws {
        #expect(failure(["CLAUDE.md": nested(TemplateRenderer.maxDepth)]) == nil)
        #expect(
            failure(["CLAUDE.md": "a\n" + nested(TemplateRenderer.maxDepth + 1)])
                == "templates/CLAUDE.md.mustache:2:385: sections are nested more than 64 deep (the limit: deeper templates would crash the renderer)")
        // Inverted sections, blocks and mixes count alike.
        #expect(failure(["CLAUDE.md": nested(65, open: "{{^a}}")])?.contains("nested more than 64") == true)
        #expect(failure(["CLAUDE.md": nested(65, open: "{{$a}}")])?.contains("nested more than 64") == true)
        // What once crashed (stack overflow in the parser) is a failure now.
        #expect(failure(["CLAUDE.md": nested(50_000)])?.contains(":1:385: sections are nested") == true)
    }

    @Test func changedDelimitersDoNotHideTheNesting() {
        let text = "{{=<% %>=}}\n" + nested(65, open: "<%#a%>", close: "<%/a%>")
        #expect(failure(["CLAUDE.md": text]) == "templates/CLAUDE.md.mustache:2:385: sections are nested more than 64 deep (the limit: deeper templates would crash the renderer)")
        // Tags inside comments and old-style delimiters after a change are not tags.
        #expect(failure(["CLAUDE.md": "{{! " + String(repeating: "{{#a", count: 100) + " }}" + "{{=<% %>=}}" + String(repeating: "{{#a}}", count: 100)]) == nil)
    }

    @Test func longTransformChainsAreRefused() {
        let tag = "{{" + String(repeating: "f(", count: 65) + "a" + String(repeating: ")", count: 65) + "}}"
        #expect(failure(["CLAUDE.md": tag]) == "templates/CLAUDE.md.mustache:1:1: more than 64 nested transforms in one tag")
    }

    @Test func partialsCountTowardTheDepthAndMayNotIncludeThemselves() {
        // 40 + 1 (the partial) + 40 > 64.
        let deep = ["CLAUDE.md": String(repeating: "{{#a}}", count: 40) + "{{> p}}" + String(repeating: "{{/a}}", count: 40), "p": nested(40)]
        #expect(failure(deep) == "templates/CLAUDE.md.mustache:1:241: with partial 'p', sections are nested 81 deep, over the limit of 64")
        #expect(failure(["CLAUDE.md": "{{> p}}", "p": "{{> q}}", "q": "\n {{#a}}{{> p}}{{/a}}"]) == "templates/q.mustache:2:8: partial 'p' includes itself (p → q → p): it would never end")
        #expect(failure(["CLAUDE.md": "{{<CLAUDE.md}}{{/CLAUDE.md}}"])?.contains("partial 'CLAUDE.md' includes itself") == true)
        #expect(failure(["CLAUDE.md": "{{>*name}}"]) == "templates/CLAUDE.md.mustache:1:1: dynamic partials ('{{>*…') are not supported: name the partial")
        // Overrides of an inherited partial render inside its sections: 1 + 31 + 42 > 64.
        let inherited = [
            "CLAUDE.md": "{{<p}}{{$b}}" + String(repeating: "{{#a}}", count: 40) + String(repeating: "{{/a}}", count: 40) + "{{/b}}{{/p}}",
            "p": String(repeating: "{{#a}}", count: 30) + "{{$b}}{{/b}}" + String(repeating: "{{/a}}", count: 30),
        ]
        #expect(failure(inherited) == "templates/CLAUDE.md.mustache:1:1: with partial 'p', sections are nested 74 deep, over the limit of 64")
        // A missing partial renders as nothing, as before.
        #expect(failure(["CLAUDE.md": "{{> missing}}"]) == nil)
    }

    @Test func syntaxErrorsAreLocatedAtTheTag() {
        let cases: [(String, String)] = [
            ("ok\n{{#a}}\n{{/b}}\n", "3:1: 'b' closes section 'a', which is still open"),
            ("{{/a}}", "1:1: 'a' closes a section that was never opened"),
            ("x\n\n   {{#a}}", "3:4: section 'a' is never closed"),
            ("é {{name", "1:3: unfinished tag: expected '}}' after 'name' (names are letters, digits and . - _ ? *)"),
            ("{{{name}}", "1:1: unfinished tag: expected '}}}' after 'name'"),
            ("{{! never closed", "1:1: the comment is never closed (no '}}')"),
            ("{{=<%>=}}", "1:1: invalid delimiter change (expected '{{=<start> <end>=}}')"),
            ("a\r\nb\r\n{{#a}}\r\n{{/b}}", "4:1: 'b' closes section 'a', which is still open"),
        ]
        for (text, expected) in cases {
            #expect(failure(["CLAUDE.md": text]) == "templates/CLAUDE.md.mustache:" + expected, "\(text.debugDescription)")
        }
        // Left to swift-mustache (a malformed transform), still located and described.
        #expect(failure(["CLAUDE.md": "line\n{{f(a}}"]) == "templates/CLAUDE.md.mustache:2:8: unfinished tag: a name must be followed by the closing delimiter (transforms as `f(name)`)")
    }

    @Test func sizeAndEncodingAreCheckedOnTheBytes() throws {
        #expect(throws: TemplateRenderer.Failure.self) { try TemplateRenderer.decode([UInt8](repeating: 0x78, count: (1 << 20) + 1), path: "t") }
        #expect(try TemplateRenderer.decode([UInt8](repeating: 0x78, count: 1 << 20), path: "t").utf8.count == 1 << 20)
        do {
            _ = try TemplateRenderer.decode(Array("ok\nnaïve ".utf8) + [0xE9, 0x0A], path: "t.mustache")
            Issue.record("Latin-1 must be refused")
        } catch {
            #expect(error.message == "t.mustache:2:7: is not UTF-8 (byte 0xE9)")
        }
    }

    @Test func theStarterTemplatesPass() throws {
        let renderer = try TemplateRenderer(templates: ["CLAUDE.md": "{{#groups}}- {{{title}}}\n{{/groups}}", "MEMORY.md": "{{count}}"])
        #expect(try renderer.block("CLAUDE.md", context: ["groups": [["title": "T"]]]).contains("\n- T\n"))
    }
}
