import ConstitutionCore
import ConstitutionReport

/// The outputs of one `lint` run: `--format X --output FILE` pairs in command-line order
/// (`--output -` or none is standard output), else the config's `formats:`, else text.
public struct OutputPlan: Sendable, Equatable {
    /// One output.
    public struct Item: Sendable, Equatable {
        public var format: String
        /// nil: standard output.
        public var output: String?

        public init(format: String, output: String?) {
            self.format = format
            self.output = output
        }
    }

    public var items: [Item]

    /// Pairs every `--output` with the `--format` before it. Throws a usage message when an
    /// `--output` has no `--format` before it or a format is unknown.
    public static func parse(arguments: [String]) throws(InputError) -> [Item] {
        var items: [Item] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            var value: String?
            var flag = a
            if let eq = a.firstIndex(of: "="), a.hasPrefix("--") {
                flag = String(a[..<eq])
                value = String(a[a.index(after: eq)...])
            }
            if flag == "--format" || flag == "--output" {
                if value == nil {
                    i += 1
                    value = i < arguments.count ? arguments[i] : nil
                }
                guard let v = value else { throw .usage("\(flag) needs a value") }
                if flag == "--format" {
                    guard LintConfig.formatNames.contains(v) else {
                        throw .usage("unknown format '\(v)'; formats: \(LintConfig.formatNames.joined(separator: ", "))")
                    }
                    items.append(Item(format: v, output: nil))
                } else {
                    guard let last = items.indices.last, items[last].output == nil else {
                        throw .usage("--output \(v) must follow the --format it belongs to (e.g. --format sarif --output out.sarif)")
                    }
                    items[last].output = v == "-" ? nil : v
                }
            }
            i += 1
        }
        return items
    }
}
