import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// Runs a rule's own examples: every `fail` snippet must yield a finding of the rule, every
/// `pass` snippet none. Each snippet is also checked under two mutations that catch position
/// bugs (docs/rules.md, "Examples"): a multi-byte comment line before it, and (for YAML kinds) the snippet
/// as the second document of a `---` stream. The findings must move exactly with the text.
public enum ExampleRunner {
    /// A mutation of an example's text.
    struct Mutation {
        var name: String
        var prefix: String
        var lines: Int
    }

    static let multiByteLine = Mutation(name: "a multi-byte line before it", prefix: "# ✓ ünïcødé 🚀 mutation line\n", lines: 1)
    static let secondDocument = Mutation(name: "as the second document of a stream", prefix: "---\n# mutation: an empty first document\n---\n", lines: 3)

    /// Problems with `rule`'s examples, located at each example in the rule's (or incident's)
    /// file. Fail and pass examples are numbered separately; a snippet position is given with
    /// its line in the file; a failure ends with the trace of the rule over the snippet.
    public static func check(_ rule: Rule, facetContext: FacetContext = FacetContext()) -> [Diagnostic] {
        let bound: BoundRule
        do {
            bound = try BoundRule(rule)
        } catch {
            return [Diagnostic(path: rule.file, location: rule.location, severity: .error, message: "rule '\(rule.id)': invalid regular expression in a parameter: \(error.message)")]
        }
        let engine = RuleEngine(rules: [bound], facetContext: facetContext)
        var out: [Diagnostic] = []
        for example in rule.examples {
            let base = findings(engine, example, prefix: "")
            func fail(_ message: String, at location: SourceLocation? = nil, trace: Bool = true) {
                var notes: [String] = []
                if trace, base.error == nil {
                    notes.append("how the rule saw the snippet (positions are the snippet's):")
                    notes += traceLines(bound, example, facetContext: facetContext)
                }
                out.append(
                    Diagnostic(
                        path: rule.file, location: location ?? example.location, severity: .error,
                        message: "rule '\(rule.id)', \(example.expectation.rawValue) example \(example.number): \(message)", notes: notes))
            }
            if let parseError = base.error {
                fail("the snippet does not parse: \(parseError)", trace: false)
                continue
            }
            let markers = Marker.find(in: example.text)
            if !markers.problems.isEmpty {
                for p in markers.problems { fail(p.message, at: example.fileLocation(line: p.line, column: 1), trace: false) }
                continue
            }
            switch example.expectation {
            case .fail where base.findings.isEmpty:
                fail("expected a finding, got none")
                continue
            case .fail where !markers.expected.isEmpty:
                let missed = markers.expected.filter { m in !base.findings.contains { m.matches($0.location) } }
                let unmarked = base.findings.filter { f in !markers.expected.contains { $0.matches(f.location) } }
                if !missed.isEmpty || !unmarked.isEmpty {
                    var parts: [String] = []
                    if !missed.isEmpty { parts.append("no finding where marked at \(missed.map { describe($0, example) }.joined(separator: ", "))") }
                    if !unmarked.isEmpty { parts.append("unmarked finding at \(unmarked.map { describe($0.location, example) }.joined(separator: ", "))") }
                    fail(parts.joined(separator: "; "), at: missed.first.flatMap { example.fileLocation(line: $0.line, column: $0.column ?? 1) })
                    continue
                }
            case .pass where !markers.expected.isEmpty:
                fail("a pass example has no finding to mark; move the `^ finding` marker to a fail example", trace: false)
                continue
            case .pass where !base.findings.isEmpty:
                let f = base.findings[0]
                fail("expected no finding, got one at \(describe(f.location, example)) (\(f.message))", at: example.fileLocation(line: f.location.line, column: f.location.column))
                continue
            default:
                break
            }
            var mutations = [multiByteLine]
            if example.kind.isYAML { mutations.append(secondDocument) }
            for m in mutations {
                let mutated = findings(engine, example, prefix: m.prefix)
                let expected = base.findings.map { "\($0.location.line + m.lines):\($0.location.column)" }
                let got = mutated.findings.map { "\($0.location.line):\($0.location.column)" }
                if expected != got {
                    fail("with \(m.name), findings at [\(got.joined(separator: ", "))], expected [\(expected.joined(separator: ", "))]", trace: false)
                }
            }
        }
        return out
    }

    /// `3:7 of the snippet (line 25:13 of the file)`, the file part when the snippet maps exactly.
    static func describe(_ l: SourceLocation, _ example: RuleExample) -> String {
        let inFile = example.fileLocation(line: l.line, column: l.column).map { " (\($0.line):\($0.column) in the file)" } ?? ""
        return "\(l.line):\(l.column) of the snippet" + inFile
    }

    static func describe(_ m: Marker, _ example: RuleExample) -> String {
        guard let column = m.column else {
            let inFile = example.fileLocation(line: m.line, column: 1).map { " (line \($0.line) in the file)" } ?? ""
            return "line \(m.line) of the snippet" + inFile
        }
        return describe(SourceLocation(line: m.line, column: column, offset: 0), example)
    }

    /// The rule's trace over the example snippet, as indented lines.
    static func traceLines(_ bound: BoundRule, _ example: RuleExample, facetContext: FacetContext) -> [String] {
        let file = LoadedFile.inMemory(path: example.path, text: example.text, kind: example.kind)
        let t = RuleTracer(rule: bound, facetContext: facetContext).trace(file, index: nil)
        if let why = t.notSelected { return ["  not selected: \(why)"] + t.passedOver.flatMap { p in p.trace?.lines(indent: "    ") ?? [] } }
        var lines: [String] = []
        for s in t.subjects {
            lines.append("  \(s.name): " + (s.finding.map { "finding at \($0.location.line):\($0.location.column)" } ?? "no finding"))
            lines += s.trace.lines(indent: "    ")
        }
        for p in t.passedOver {
            lines.append("  passed over \(p.what): \(p.why)")
            if let trace = p.trace { lines += trace.lines(indent: "    ") }
        }
        return lines
    }

    /// Where a `fail` example says its finding must be: a comment line `#   ^ finding` under the
    /// offending line (the caret's column is the finding's), or `# <- finding` at the end of
    /// the offending line (any column). `//` and `;` comments work as `#` does.
    struct Marker: Equatable {
        /// The snippet line the finding must be on.
        var line: Int
        /// Its column, when a caret gives one.
        var column: Int?

        func matches(_ l: SourceLocation) -> Bool { l.line == line && (column == nil || column == l.column) }

        /// The markers of a snippet, and misplaced ones.
        static func find(in text: String) -> (expected: [Marker], problems: [(line: Int, message: String)]) {
            var expected: [Marker] = []
            var problems: [(Int, String)] = []
            var n = 0
            for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
                n += 1
                let line = Array(raw.unicodeScalars)
                if let caret = caretColumn(line) {
                    if n == 1 {
                        problems.append((n, "a `^ finding` marker points at the line above it, and it is the first line"))
                    } else {
                        expected.append(Marker(line: n - 1, column: caret))
                    }
                } else if endsWithArrow(line) {
                    expected.append(Marker(line: n, column: nil))
                }
            }
            return (expected, problems)
        }

        static let commentSigns: [[Unicode.Scalar]] = [["#"], ["/", "/"], [";"]]

        /// `<blanks><comment sign><blanks>^<blanks>finding<blanks>`: the caret's column.
        static func caretColumn(_ line: [Unicode.Scalar]) -> Int? {
            var i = 0
            while i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
            guard let sign = commentSigns.first(where: { Array(line[i...].prefix($0.count)) == $0 }) else { return nil }
            i += sign.count
            while i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
            guard i < line.count, line[i] == "^" else { return nil }
            let column = i + 1
            let rest = String(String.UnicodeScalarView(line[(i + 1)...]))
            return rest.trimmingSpaces == "finding" ? column : nil
        }

        /// `… <comment sign> <- finding` at the end of a line with something before it.
        static func endsWithArrow(_ line: [Unicode.Scalar]) -> Bool {
            var end = line.count
            while end > 0, line[end - 1] == " " || line[end - 1] == "\t" { end -= 1 }
            let arrow = Array("<- finding".unicodeScalars)
            guard end >= arrow.count, Array(line[(end - arrow.count)..<end]) == arrow else { return false }
            var i = end - arrow.count
            while i > 0, line[i - 1] == " " || line[i - 1] == "\t" { i -= 1 }
            guard let sign = commentSigns.first(where: { i >= $0.count && Array(line[(i - $0.count)..<i]) == $0 }) else { return false }
            i -= sign.count
            return line[..<i].contains { $0 != " " && $0 != "\t" }
        }
    }

    /// The findings of the engine's rule on the example text with `prefix` before it.
    static func findings(_ engine: RuleEngine, _ example: RuleExample, prefix: String) -> (findings: [Finding], error: String?) {
        let file = LoadedFile.inMemory(path: example.path, text: prefix + example.text, kind: example.kind)
        if let e = file.error { return ([], "\(e.location.line):\(e.location.column): \(e.message)") }
        return (engine.lint([file]), nil)
    }
}
