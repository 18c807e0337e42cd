/// This repository's own Git URLs: normalisation, so that the spellings of one repository compare
/// equal, and the reader of `.git/config`.
///
/// Two URLs name the same repository when their normalised forms are equal. Normalising drops the
/// scheme (`https://`, `ssh://`, `git://`, `git+ssh://`…), the user (`git@`), the port, a `.git`
/// suffix and trailing `/`, turns the scp-like form `git@host:owner/repo` into `host/owner/repo`,
/// and lowercases the host (paths stay as written: many servers are case-sensitive there).
public enum RepositoryURL {
    /// `url` in its comparable form, e.g. `github.com/owner/repo` for
    /// `git@GitHub.com:owner/repo.git` and `https://github.com/owner/repo/`. Empty when `url` is.
    public static func normalized(_ url: String) -> String {
        var text = Substring(url.gitOpsTrimmed())
        var hadScheme = false
        if let range = text.gitOpsRange(of: "://") {
            text = text[range.upperBound...]
            hadScheme = true
        }
        // user@ before the host
        if let at = text.firstIndex(of: "@"), !text[..<at].contains("/") {
            text = text[text.index(after: at)...]
        }
        var host: Substring
        var rest: Substring
        if let slash = text.firstIndex(of: "/") {
            host = text[..<slash]
            rest = text[text.index(after: slash)...]
        } else {
            host = text
            rest = ""
        }
        if let colon = host.firstIndex(of: ":") {
            let after = host[host.index(after: colon)...]
            if !hadScheme, !after.isEmpty, !after.allSatisfy(\.isNumber) {
                // scp-like `host:owner/repo`
                rest = after + (rest.isEmpty ? "" : "/" + rest)
            }
            host = host[..<colon]
        }
        var path = String(rest)
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix(".git") { path.removeLast(4) }
        while path.hasSuffix("/") { path.removeLast() }
        while path.hasPrefix("/") { path.removeFirst() }
        let lowerHost = host.lowercased()
        return path.isEmpty ? lowerHost : lowerHost + "/" + path
    }

    /// Whether `a` and `b` name the same repository (after ``normalized(_:)``).
    public static func same(_ a: String, _ b: String) -> Bool {
        let na = normalized(a)
        return !na.isEmpty && na == normalized(b)
    }

    /// The `url` (and `pushurl`) values of every `[remote "…"]` section of a `.git/config` text,
    /// in file order, each once. Other sections (`[url "…"] insteadOf`, `[submodule]`) are not
    /// read. A pure function over the file's text.
    public static func remoteURLs(gitConfig text: String) -> [String] {
        var urls: [String] = []
        var inRemote = false
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = String(rawLine).gitOpsTrimmed()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                let header = line.dropFirst().prefix(while: { $0 != "]" })
                let name = header.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\"" }).first ?? ""
                inRemote = name.lowercased() == "remote"
                continue
            }
            guard inRemote, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].gitOpsTrimmed().lowercased()
            guard key == "url" || key == "pushurl" else { continue }
            var value = String(line[line.index(after: equals)...]).gitOpsTrimmed()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if !value.isEmpty, !urls.contains(value) { urls.append(value) }
        }
        return urls
    }
}
