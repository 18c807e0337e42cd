import ConstitutionCore

/// A lint report as JUnit XML, for CI test-result views.
///
/// Shape:
/// ```xml
/// <testsuites name="constitution" tests="…" failures="…" errors="…" skipped="…">
///   <testsuite name="RULE-ID" tests="…" failures="…" errors="0" skipped="…">   (one per rule, by id)
///     <properties> severity, incident, incident_path </properties>
///     <testcase name="no findings" classname="constitution.RULE-ID"/>           (when nothing failed)
///     <testcase name="PATH:LINE:COLUMN" classname="constitution.RULE-ID">      (one per finding)
///       <failure message="MESSAGE" type="SEVERITY">message, rule, incident, guidance</failure>
///     </testcase>
///     <testcase name="PATH:LINE:COLUMN" classname="constitution.RULE-ID">      (one per known finding,
///       <system-out>known (baseline FILE)…</system-out>                       with a baseline: passing)
///     </testcase>
///     <testcase name="PATH:LINE:COLUMN" classname="constitution.RULE-ID">      (one per waived finding)
///       <skipped message="waived: REASON"/>
///     </testcase>
///   </testsuite>
///   <testsuite name="parse" …>                                                  (when a file failed to parse)
///     <testcase name="PATH:LINE:COLUMN" classname="constitution.parse"><error …>…</error></testcase>
///   </testsuite>
/// </testsuites>
/// ```
/// Every count equals the number of matching children; a finding below `--severity-threshold`
/// is a passing case with the finding in `<system-out>` (it does not fail the run, so it does
/// not fail here). Every string goes through ``XMLEscaping``. `time` is always `0` (readers
/// that need the attribute get it; a duration would make the same report differ from run to
/// run).
public enum JUnitReporter {
    /// The name of the suite of files that could not be parsed.
    public static let parseSuite = "parse"

    /// The JUnit document.
    public static func render(_ report: LintReport) -> String {
        var suites: [Suite] = []
        for rule in report.reportedRules {
            var suite = Suite(name: rule.id)
            suite.properties.append(("severity", rule.severity.rawValue))
            if let incident = rule.incident { suite.properties.append(("incident", incident)) }
            if let path = rule.incidentPath { suite.properties.append(("incident_path", path)) }
            let findings = report.findings.filter { $0.rule == rule.id }
            let waived = report.waived.filter { $0.finding.rule == rule.id }
            let known = report.known.filter { $0.rule == rule.id }
            if findings.isEmpty && known.isEmpty {
                suite.cases.append(Case(name: "no findings", classname: "constitution." + rule.id, outcome: .passed))
            }
            for f in findings {
                // Only findings at or above the threshold fail, as they fail the run.
                let outcome: Case.Outcome =
                    f.severity >= report.threshold
                    ? .failure(message: f.message, type: f.severity.rawValue, text: failureText(f, rule: rule))
                    : .note(text: failureText(f, rule: rule))
                suite.cases.append(Case(name: position(f.path, f.location), classname: "constitution." + rule.id, outcome: outcome))
            }
            for f in known {
                // Known debt (the baseline lists it): reported, never failed.
                let file = report.baseline?.file ?? ""
                suite.cases.append(
                    Case(
                        name: position(f.path, f.location), classname: "constitution." + rule.id,
                        outcome: .note(text: "known (baseline \(file))\n" + failureText(f, rule: rule))))
            }
            for w in waived {
                suite.cases.append(
                    Case(
                        name: position(w.finding.path, w.finding.location), classname: "constitution." + rule.id,
                        outcome: .skipped(message: "waived: " + w.reason)))
            }
            suites.append(suite)
        }
        if !report.errors.isEmpty {
            var suite = Suite(name: parseSuite)
            for e in report.errors {
                suite.cases.append(
                    Case(
                        name: position(e.path, e.location), classname: "constitution." + parseSuite,
                        outcome: .error(message: e.message, type: "parse", text: "\(position(e.path, e.location)): \(e.message)")))
            }
            suites.append(suite)
        }

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"constitution\"" + counts(suites.flatMap(\.cases)) + ">\n"
        for suite in suites {
            out += "  <testsuite name=\"" + XMLEscaping.attribute(suite.name) + "\"" + counts(suite.cases) + ">\n"
            if !suite.properties.isEmpty {
                out += "    <properties>\n"
                for (name, value) in suite.properties {
                    out += "      <property name=\"" + XMLEscaping.attribute(name) + "\" value=\"" + XMLEscaping.attribute(value) + "\"/>\n"
                }
                out += "    </properties>\n"
            }
            for c in suite.cases {
                let open =
                    "    <testcase name=\"" + XMLEscaping.attribute(c.name) + "\" classname=\"" + XMLEscaping.attribute(c.classname) + "\""
                switch c.outcome {
                case .passed:
                    out += open + "/>\n"
                case .note(let text):
                    out += open + ">\n"
                    out += "      <system-out>" + XMLEscaping.text(text) + "</system-out>\n"
                    out += "    </testcase>\n"
                case .failure(let message, let type, let text), .error(let message, let type, let text):
                    let tag = c.outcome.isFailure ? "failure" : "error"
                    out += open + ">\n"
                    out += "      <\(tag) message=\"" + XMLEscaping.attribute(message) + "\" type=\"" + XMLEscaping.attribute(type) + "\">"
                    out += XMLEscaping.text(text) + "</\(tag)>\n"
                    out += "    </testcase>\n"
                case .skipped(let message):
                    out += open + ">\n"
                    out += "      <skipped message=\"" + XMLEscaping.attribute(message) + "\"/>\n"
                    out += "    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    private struct Suite {
        var name: String
        var properties: [(String, String)] = []
        var cases: [Case] = []
    }

    private struct Case {
        enum Outcome {
            case passed
            /// A finding below the threshold: reported, not failed.
            case note(text: String)
            case failure(message: String, type: String, text: String)
            case error(message: String, type: String, text: String)
            case skipped(message: String)

            var isFailure: Bool {
                if case .failure = self { return true }
                return false
            }
        }

        var name: String
        var classname: String
        var outcome: Outcome
    }

    /// ` tests="…" failures="…" errors="…" skipped="…"` counted from the cases themselves, so the
    /// totals cannot disagree with the children.
    private static func counts(_ cases: [Case]) -> String {
        var failures = 0
        var errors = 0
        var skipped = 0
        for c in cases {
            switch c.outcome {
            case .passed, .note: break
            case .failure: failures += 1
            case .error: errors += 1
            case .skipped: skipped += 1
            }
        }
        return " tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"0\""
    }

    private static func position(_ path: String, _ location: SourceLocation) -> String {
        "\(path):\(location.line):\(location.column)"
    }

    private static func failureText(_ f: Finding, rule: RuleInfo) -> String {
        var lines = [f.message, "rule: \(f.rule) (\(f.severity.rawValue))"]
        if let incident = f.incident ?? rule.incident {
            lines.append("incident: " + incident + (rule.incidentPath.map { " (" + $0 + ")" } ?? ""))
        }
        if !rule.guidance.isEmpty { lines.append("guidance: " + rule.guidance) }
        lines.append("at: " + position(f.path, f.location))
        return lines.joined(separator: "\n")
    }
}
