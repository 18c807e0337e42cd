import ConstitutionCore
import ConstitutionRules
import Mustache

/// Renders the managed blocks from the templates in a `templates/` folder.
///
/// Templates are the user's, so they are checked before swift-mustache sees them: each at most
/// ``maxBytes`` bytes of UTF-8, sections (with the partials they include) nested at most
/// ``maxDepth`` deep, no partial that includes itself, no dynamic partials. Whatever breaks
/// these, or does not parse, is a located ``Failure`` (`path:line:column`), never a crash.
public struct TemplateRenderer {
    /// The deepest section nesting a template may have, counting the sections of the partials
    /// it includes (swift-mustache recurses once per level; the starter templates use 2).
    public static let maxDepth = 64
    /// The largest template, in bytes (1 MiB).
    public static let maxBytes = 1 << 20

    /// A template that cannot be used, located in its file.
    public struct Failure: Error, Sendable {
        /// Where, and what (`message` names no file: `diagnostic.path` does).
        public var diagnostic: Diagnostic
        /// `path:line:column: message`.
        public var message: String {
            "\(diagnostic.path):\(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.message)"
        }

        /// A failure at `location` of `path`.
        public init(path: String, location: SourceLocation, message: String) {
            diagnostic = Diagnostic(path: path, location: location, severity: .error, message: message)
        }
    }

    private let library: MustacheLibrary
    private let paths: [String: String]

    /// Loads `CLAUDE.md.mustache`, `MEMORY.md.mustache` and any other `*.mustache` partials
    /// (name → text). `paths` gives each template's file for messages (default
    /// `templates/<name>.mustache`).
    public init(templates: [String: String], paths: [String: String] = [:]) throws(Failure) {
        var library = MustacheLibrary()
        var shapes: [String: (chars: [Character], shape: TemplateCheck.Shape)] = [:]
        func path(_ name: String) -> String { paths[name] ?? "templates/\(name).mustache" }
        for (name, text) in templates.sorted(by: { $0.key < $1.key }) {
            try Self.checkSize(text.utf8.count, path: path(name))
            let chars = Array(text)
            do {
                shapes[name] = (chars, try TemplateCheck.scan(chars, maxDepth: Self.maxDepth))
            } catch {
                throw Failure(path: path(name), location: Self.location(chars, error.at), message: error.message)
            }
            do {
                try library.register(text, named: name)
            } catch let error as MustacheTemplate.ParserError {
                throw Failure(path: path(name), location: Self.location(chars, error.context), message: Self.describe(error.error))
            } catch {
                throw Failure(path: path(name), location: .start, message: "does not parse: \(error)")
            }
        }
        // Partials: no cycles, and no nesting past the limit through them.
        var total: [String: Int] = [:]
        var visiting: [String] = []
        func visit(_ name: String) throws(Failure) -> Int {
            if let known = total[name] { return known }
            guard let (chars, shape) = shapes[name] else { return 0 }
            visiting.append(name)
            var deepest = shape.depth
            for reference in shape.references where shapes[reference.name] != nil {
                if let loop = visiting.firstIndex(of: reference.name) {
                    let chain = (visiting[loop...] + [reference.name]).joined(separator: " → ")
                    throw Failure(
                        path: path(name), location: Self.location(chars, reference.at),
                        message: "partial '\(reference.name)' includes itself (\(chain)): it would never end")
                }
                // Overrides of an inherited partial render inside its sections: counted at most
                // as deep as this template's deepest nesting.
                let depth = reference.depth + 1 + (try visit(reference.name)) + (reference.inherits ? shape.depth : 0)
                if depth > Self.maxDepth {
                    throw Failure(
                        path: path(name), location: Self.location(chars, reference.at),
                        message: "with partial '\(reference.name)', sections are nested \(depth) deep, over the limit of \(Self.maxDepth)")
                }
                deepest = max(deepest, depth)
            }
            visiting.removeLast()
            total[name] = deepest
            return deepest
        }
        for name in shapes.keys.sorted() { _ = try visit(name) }
        self.library = library
        self.paths = paths
    }

    /// A template file's text: refused when over ``maxBytes`` or not UTF-8 (located at the
    /// first bad byte).
    public static func decode(_ bytes: [UInt8], path: String) throws(Failure) -> String {
        try checkSize(bytes.count, path: path)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return String(decoding: bytes, as: UTF8.self)
            case .error:
                throw Failure(
                    path: path, location: SourceText.location(ofByte: offset, in: bytes),
                    message: "is not UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)))")
            }
        }
    }

    static func checkSize(_ count: Int, path: String) throws(Failure) {
        if count > maxBytes {
            throw Failure(path: path, location: .start, message: "the template is over the size limit of \(maxBytes) bytes (1 MiB)")
        }
    }

    /// The managed block for `template` with `context`, markers included.
    public func block(_ template: String, context: [String: Any]) throws(Failure) -> String {
        guard let body = library.render(context, withTemplate: template) else {
            throw Failure(path: paths[template] ?? "templates/\(template).mustache", location: .start, message: "the template is missing")
        }
        var text = body
        while text.hasSuffix("\n\n") { text.removeLast() }
        if !text.hasSuffix("\n") { text += "\n" }
        return ManagedBlock.beginPrefix + " generated by `constitution render` from incidents/ and rules/: edit those, not this block -->\n"
            + text + ManagedBlock.end + "\n"
    }

    /// The location of `Character` index `index` of `chars` (lines and columns as everywhere
    /// else: ``SourceText/location(ofByte:in:)`` on the template's bytes).
    static func location(_ chars: [Character], _ index: Int) -> SourceLocation {
        var offset = 0
        for ch in chars[..<min(index, chars.count)] { offset += ch.utf8.count }
        return SourceText.location(ofByte: offset, in: Array(String(chars).utf8))
    }

    /// Where swift-mustache's parser stopped. It counts lines at every newline `Character`
    /// (`\r\n`, U+2028…) and columns in `Character`s back to the last `\n` itself (so across
    /// CRLF lines); this finds that position again and gives our line and column.
    static func location(_ chars: [Character], _ context: MustacheParserContext) -> SourceLocation {
        var lineStart = 0, seen = 1
        while seen < context.lineNumber, lineStart < chars.count {
            if chars[lineStart].isNewline { seen += 1 }
            lineStart += 1
        }
        let afterLF = (chars[..<lineStart].lastIndex(of: "\n") ?? -1) + 1
        return location(chars, min(chars.count, afterLF + max(0, context.columnNumber - 1)))
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "does not parse: \(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "the closing tag does not match the open section"
        case .unfinishedName: return "unfinished tag: a name must be followed by the closing delimiter (transforms as `f(name)`)"
        case .expectedSectionEnd: return "a section is never closed"
        case .invalidSetDelimiter: return "invalid delimiter change (expected `{{=<start> <end>=}}`)"
        case .transformAppliedToInheritanceSection: return "a transform cannot apply to an inherited section"
        case .illegalTokenInsideInheritSection: return "only `{{$name}}` blocks may appear inside a `{{<partial}}` section"
        case .textInsideInheritSection: return "text cannot appear inside a `{{<partial}}` section"
        case .invalidConfigVariableSyntax: return "invalid config tag (expected `{{% NAME: value}}`)"
        case .unrecognisedConfigVariable: return "unknown config variable (only CONTENT_TYPE is known)"
        }
    }
}
