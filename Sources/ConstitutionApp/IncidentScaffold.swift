#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace

/// `constitution incident new`: a new incident record with the next free id, today's date,
/// every field present with a short comment, and a commented constraint skeleton. It loads and
/// compiles as written.
public enum IncidentScaffold {
    /// Why no record was written.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The severities a record may have.
    public static let severities = IncidentDecoder.severities

    /// Writes `incidents/INC-NNNN-<slug>.yaml` in `directory`; returns its path.
    public static func create(title: String, severity: String, systems: [String], directory: String, date: String) throws(Failure) -> String {
        let trimmed = title.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
        guard !trimmed.isEmpty else { throw Failure(description: "the title is empty: say in a few words what happened") }
        guard severities.contains(severity) else { throw Failure(description: "severity must be one of \(severities.joined(separator: ", ")), not '\(severity)'") }
        let folder = directory + "/incidents"
        AtomicFile.makeDirectories(folder)
        let number = String(nextNumber(in: folder))
        let id = String(repeating: "0", count: max(0, 4 - number.count)) + number
        let name = "INC-\(id)-\(slug(trimmed)).yaml"
        let path = folder + "/" + name
        guard !ConstitutionStore.exists(path) else { throw Failure(description: "\(path) already exists") }
        if let error = AtomicFile.write(path, text(id: "INC-" + id, title: trimmed, severity: severity, systems: systems, date: date)) {
            throw Failure(description: error)
        }
        // The record's modeline points at ../schemas/: a constitution made before init copied
        // them gets them now (when the starter is installed), so the editor finds them.
        if let starter = ConstitutionStore.starter(), FileWalker.normalize(starter) != FileWalker.normalize(directory) {
            _ = SchemaFiles.copyMissing(from: starter, into: directory)
        }
        return path
    }

    /// One more than the highest `INC-NNNN` among the records' file names and `id:` lines.
    static func nextNumber(in folder: String) -> Int {
        var highest = 0
        for f in FileWalker().walk([folder], displayRoot: folder).files where !f.path.contains("/") {
            var candidates = [f.path]
            if case .success(let bytes) = FileReader.read(f.fullPath, limit: 4096) {
                candidates += String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("id:") }.map(String.init)
            }
            for text in candidates {
                guard let range = text.firstRange(of: "INC-") else { continue }
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let n = Int(digits) { highest = max(highest, n) }
            }
        }
        return highest + 1
    }

    /// `Pool destroyed by a script!` → `pool-destroyed-by-a-script` (at most 48 characters).
    static func slug(_ title: String) -> String {
        var out = ""
        var dash = false
        for c in title.lowercased().unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "0" && c <= "9") {
                if dash && !out.isEmpty { out += "-" }
                out.unicodeScalars.append(c)
                dash = false
            } else {
                dash = true
            }
            if out.count >= 48 { break }
        }
        return out.isEmpty ? "incident" : out
    }

    /// Today's date in UTC, `YYYY-MM-DD`.
    public static func today() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingBytes("\\", "\\\\").replacingBytes("\"", "\\\"") + "\""
    }

    static func text(id: String, title: String, severity: String, systems: [String], date: String) -> String {
        let systemList = systems.map(quoted).joined(separator: ", ")
        return """
            \(SchemaFiles.incidentModeline)
            # An incident record (docs/incidents.md). Fill in what happened, then the constraints it
            # taught; `constitution compile` turns each constraint into a rule that lint and guard enforce.
            schema: 1
            id: \(id)
            kind: incident                # incident, or decision for a choice that was not an incident
            title: \(quoted(title))
            date: \(date)              # YYYY-MM-DD
            severity: \(severity)                # sev1 (worst) .. sev4
            status: open                  # open | mitigated | resolved | accepted | superseded
            systems: [\(systemList)]      # the components involved
            summary: >-                   # what happened, two sentences at most
              TODO: what happened, in two sentences.
            symptoms:                     # what was seen first
              - TODO
            root_cause: >-                # why it happened
              TODO
            impact: TODO                  # what it cost
            resolution: TODO              # what fixed it
            lessons:                      # one line each: they reach CLAUDE.md and MEMORY.md
              - "TODO: the lesson, as one line the agent can follow"
            references: []                # links: postmortem, issue, documentation
            # constraints:                # the rules this incident taught (docs/rules.md); uncomment and edit
            #   - id: my-rule-id            # kebab-case, unique
            #     severity: error           # error | warning | info
            #     message: what is wrong, said of the offending file
            #     guidance: "The one line CLAUDE.md gets: what to do instead."
            #     agent: ["some command*"]  # commands the agent must never run (optional)
            #     match: {facet: command}   # or {kind: kubernetes, resource: StorageClass}…
            #     forbid: {command: {matches: '^some command'}}
            #     examples:                 # the rule proves itself on these
            #       fail:
            #         - kind: text
            #           path: scripts/x.sh
            #           text: |
            #             #!/bin/sh
            #             some command --now
            #       pass:
            #         - kind: text
            #           path: scripts/x.sh
            #           text: |
            #             #!/bin/sh
            #             echo some command

            """
    }
}

extension String {

    /// Every occurrence of `target` replaced (no Foundation).
    func replacingBytes(_ target: String, _ replacement: String) -> String {
        Guard.replace(in: self, target, replacement, all: true) ?? self
    }
}
