import ConstitutionCore
import ConstitutionYAML

/// ApplicationSet generators evaluated against this tree, and template strings filled with their
/// parameters.
///
/// Parameters are kept flat, under the names the fasttemplate syntax uses (`path`,
/// `path.basename`, `path.basenameNormalized`, `path.filename`, `path[0]`, a list element's
/// `cluster`, its nested `values.env`); the go-template spellings are mapped onto them
/// (`{{.path.path}}` → `path`, `{{.path.basename}}` → `path.basename`,
/// `{{index .path.segments 1}}` → `path[1]`, `{{.cluster}}` → `cluster`). A placeholder that
/// names no parameter, or uses a template function (`{{.x | lower}}`), makes the string
/// unresolvable: the caller reports it instead of guessing.
enum ApplicationSetParameters {
    typealias Params = [String: String]

    /// `text` with every `{{…}}` replaced from `params`; nil when one cannot be.
    static func substitute(_ text: String, _ params: Params) -> String? {
        guard text.contains("{{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.gitOpsRange(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].gitOpsRange(of: "}}") else { return nil }
            var expression = rest[open.upperBound..<close.lowerBound].gitOpsTrimmed()
            // `{{- .x -}}` trims whitespace in go templates
            if expression.hasPrefix("-") { expression = String(expression.dropFirst()).gitOpsTrimmed() }
            if expression.hasSuffix("-") { expression = String(expression.dropLast()).gitOpsTrimmed() }
            guard let key = parameterName(expression), let value = params[key] else { return nil }
            out += value
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// The flat parameter a placeholder's expression names, nil for anything else.
    static func parameterName(_ expression: String) -> String? {
        var words = expression.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if words.count == 3, words[0] == "index" {
            // {{index .path.segments N}}
            guard let n = Int(words[2]) else { return nil }
            var base = words[1]
            if base.hasPrefix(".") { base.removeFirst() }
            guard base.hasSuffix(".segments") else { return nil }
            return String(base.dropLast(".segments".count)) + "[\(n)]"
        }
        guard words.count == 1 else { return nil }
        var name = words.removeFirst()
        if name.hasPrefix(".") { name.removeFirst() }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "._-[]".contains($0) }) else { return nil }
        if name.hasSuffix(".path") {
            // go template: .path.path is the folder itself (also under a pathParamPrefix)
            let prefix = String(name.dropLast(".path".count))
            if prefix == "path" || prefix.hasSuffix(".path") { return prefix }
        }
        return name
    }

    /// The parameters of a git generator's folder (directories) or file (files), with an optional
    /// `pathParamPrefix`.
    static func pathParams(folder: String, file: String?, prefix: String?) -> Params {
        let key = (prefix.map { $0.isEmpty ? "" : $0 + "." } ?? "") + "path"
        var params: Params = [:]
        params[key] = folder
        let basename = GitOpsTree.basename(folder)
        params[key + ".basename"] = basename
        params[key + ".basenameNormalized"] = normalized(basename)
        let segments = folder.split(separator: "/").map(String.init)
        for (i, segment) in segments.enumerated() { params["\(key)[\(i)]"] = segment }
        if let file {
            let name = GitOpsTree.basename(file)
            params[key + ".filename"] = name
            params[key + ".filenameNormalized"] = normalized(name)
        }
        return params
    }

    /// ArgoCD's `basenameNormalized`: lowercase, characters outside `[a-z0-9-.]` become `-`.
    static func normalized(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "." ? $0 : "-" })
    }

    /// A list element's scalars, nested mappings flattened with `.` (`values.env`).
    static func flatten(_ node: YAMLNode, prefix: String = "", into params: inout Params, depth: Int = 0) {
        guard depth < 8 else { return }
        for pair in node.pairs {
            guard let key = pair.key.scalar else { continue }
            let name = prefix.isEmpty ? key : prefix + "." + key
            if let value = pair.value.scalar {
                params[name] = value
            } else if pair.value.kind == .mapping {
                flatten(pair.value, prefix: name, into: &params, depth: depth + 1)
            }
        }
    }

    /// Expands ArgoCD's brace alternatives: `{a.yaml,b/*}` → `a.yaml`, `b/*` (nested braces too).
    static func expandBraces(_ pattern: String, depth: Int = 0) -> [String] {
        guard depth < 8, let open = pattern.firstIndex(of: "{") else { return [pattern] }
        var level = 0
        var close: String.Index?
        var commas: [String.Index] = []
        var i = open
        while i < pattern.endIndex {
            let c = pattern[i]
            if c == "{" { level += 1 }
            if c == "}" {
                level -= 1
                if level == 0 { close = i; break }
            }
            if c == ",", level == 1 { commas.append(i) }
            i = pattern.index(after: i)
        }
        guard let close else { return [pattern] }
        let head = pattern[..<open]
        let tail = String(pattern[pattern.index(after: close)...])
        var bounds = [pattern.index(after: open)]
        for comma in commas { bounds.append(pattern.index(after: comma)) }
        var out: [String] = []
        for (n, start) in bounds.enumerated() {
            let end = n + 1 < bounds.count ? pattern.index(before: bounds[n + 1]) : close
            for expanded in expandBraces(head + pattern[start..<end] + tail, depth: depth + 1) { out.append(expanded) }
        }
        return out
    }
}
