/// Writes YAML in one canonical block style: used for the normalised rules `compile` generates.
///
/// Scalars are plain when that is unambiguous, double-quoted otherwise, and literal blocks (`|`,
/// `|-`, `|+`) when they span lines. Mappings keep the order given.
public struct YAMLEmitter {
    /// The text written so far.
    public private(set) var output = ""

    /// Creates an emitter.
    public init() {}

    /// Emits a mapping's pairs at `indent`.
    public mutating func emitPairs(_ pairs: [(String, YAMLNode)], indent: Int) {
        for (key, value) in pairs { emitPair(key, value, indent: indent) }
    }

    /// Emits `key: value` at `indent`.
    public mutating func emitPair(_ key: String, _ value: YAMLNode, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        output += pad + Self.scalarText(key) + ":"
        emitValue(value, indent: indent)
    }

    /// Emits `key: scalar` for a plain string.
    public mutating func emitScalarPair(_ key: String, _ value: String, indent: Int) {
        output += String(repeating: " ", count: indent) + Self.scalarText(key) + ":"
        emitScalar(value, indent: indent)
    }

    private mutating func emitValue(_ value: YAMLNode, indent: Int) {
        switch value.kind {
        case .scalar:
            if value.isNull && value.scalarStyle == .plain {
                output += " null\n"
            } else {
                emitScalar(value.scalar ?? "", indent: indent, forceQuote: value.scalarStyle.isQuotedOrBlock && Self.looksTyped(value.scalar ?? ""))
            }
        case .mapping:
            let pairs = value.pairs
            if pairs.isEmpty {
                output += " {}\n"
                return
            }
            output += "\n"
            for pair in pairs { emitPair(pair.key.scalar ?? "", pair.value, indent: indent + 2) }
        case .sequence:
            let items = value.elements
            if items.isEmpty {
                output += " []\n"
                return
            }
            if items.allSatisfy({ $0.kind == .scalar && !($0.scalar ?? "").contains("\n") }) && items.count <= 8 {
                let texts = items.map { item -> String in
                    let s = item.scalar ?? ""
                    return Self.isPlainSafe(s, inFlow: true) && !(item.scalarStyle.isQuotedOrBlock && Self.looksTyped(s)) ? s : Self.doubleQuoted(s)
                }
                let line = "[" + texts.joined(separator: ", ") + "]"
                if line.count + indent < 100 {
                    output += " " + line + "\n"
                    return
                }
            }
            output += "\n"
            let pad = String(repeating: " ", count: indent + 2)
            for item in items {
                switch item.kind {
                case .mapping where !item.pairs.isEmpty:
                    let pairs = item.pairs
                    output += pad + "- "
                    var first = true
                    for pair in pairs {
                        if first {
                            var sub = YAMLEmitter()
                            sub.emitPair(pair.key.scalar ?? "", pair.value, indent: indent + 4)
                            output += String(sub.output.dropFirst(indent + 4))
                            first = false
                        } else {
                            emitPair(pair.key.scalar ?? "", pair.value, indent: indent + 4)
                        }
                    }
                default:
                    output += pad + "-"
                    emitValue(item, indent: indent + 2)
                }
            }
        case .alias:
            output += " null\n"
        }
    }

    private mutating func emitScalar(_ s: String, indent: Int, forceQuote: Bool = false) {
        if s.contains("\n"), Self.canBeLiteral(s) {
            var body = s
            var indicator = "|"
            if !s.hasSuffix("\n") {
                indicator = "|-"
            } else if s.hasSuffix("\n\n") {
                indicator = "|+"
            }
            if indicator == "|" || indicator == "|+" { body.removeLast() }
            output += " " + indicator + "\n"
            let pad = String(repeating: " ", count: indent + 2)
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                output += line.isEmpty ? "\n" : pad + line + "\n"
            }
            return
        }
        if !forceQuote, Self.isPlainSafe(s, inFlow: false) {
            output += " " + s + "\n"
        } else {
            output += " " + Self.doubleQuoted(s) + "\n"
        }
    }

    /// A key or scalar as it should be written.
    static func scalarText(_ s: String) -> String { isPlainSafe(s, inFlow: false) ? s : doubleQuoted(s) }

    static func canBeLiteral(_ s: String) -> Bool {
        guard let first = s.split(separator: "\n", omittingEmptySubsequences: true).first else { return false }
        if first.hasPrefix(" ") || s.hasPrefix("\n") { return false }
        return !s.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0.value == 0x7F } && !s.contains("\r")
    }

    /// Texts another YAML reader might take for a number, a bool or a null.
    static func looksTyped(_ s: String) -> Bool {
        let lower = s.lowercased()
        if ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(lower) { return true }
        return Double(s) != nil || s.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" } && !s.isEmpty
    }

    static func isPlainSafe(_ s: String, inFlow: Bool) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        if " \t".unicodeScalars.contains(first) || " \t".unicodeScalars.contains(last) { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) {
            // `-x` and `:x` style starts are fine only when followed by a non-space; keep it simple.
            if !(first == "-" && s.count > 1 && !s.hasPrefix("- ") && !s.hasPrefix("--- ")) { return false }
        }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return false }
        if inFlow, s.contains(where: { ",[]{}".contains($0) }) { return false }
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return false }
        if looksTyped(s) { return true }
        return true
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16)
                    out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
