/// Escaping for hand-written XML 1.0 (the JUnit reporter): every string that reaches an XML
/// document goes through ``text(_:)`` or ``attribute(_:)``.
///
/// - `&`, `<`, `>`, `"` and `'` become entity references, in text and attributes alike, so the
///   result is safe in either place and in either kind of quotes.
/// - Characters XML 1.0 forbids (C0 controls other than tab, line feed and carriage return, and
///   U+FFFE, U+FFFF) cannot be written even as character references; they become U+FFFD, so
///   the reader still sees that something was there.
/// - A carriage return is written `&#13;` everywhere, because parsers turn a literal one into a
///   line feed. In attributes a line feed is written `&#10;` and a tab `&#9;`, because attribute
///   value normalisation turns literal ones into spaces.
/// - Everything else, emoji included, is written as itself (the document is UTF-8).
public enum XMLEscaping {
    /// What XML 1.0 cannot carry is replaced by this character.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    /// `s` escaped for element content.
    public static func text(_ s: String) -> String { escape(s, inAttribute: false) }

    /// `s` escaped for an attribute value (in double or single quotes).
    public static func attribute(_ s: String) -> String { escape(s, inAttribute: true) }

    /// Whether XML 1.0 allows `scalar` in a document (the `Char` production). Swift strings never
    /// hold surrogates, so only the C0 controls and U+FFFE/U+FFFF are excluded.
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: true
        case 0x0..<0x20: false
        case 0xFFFE, 0xFFFF: false
        default: true
        }
    }

    private static func escape(_ s: String, inAttribute: Bool) -> String {
        // Fast path: most paths, rule ids and messages need nothing.
        if !s.unicodeScalars.contains(where: needsWork) { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&apos;".unicodeScalars)
            case "\r": out.append(contentsOf: "&#13;".unicodeScalars)
            case "\n" where inAttribute: out.append(contentsOf: "&#10;".unicodeScalars)
            case "\t" where inAttribute: out.append(contentsOf: "&#9;".unicodeScalars)
            default: out.append(isAllowed(scalar) ? scalar : replacement)
            }
        }
        return String(out)
    }

    private static func needsWork(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "&", "<", ">", "\"", "'", "\r", "\n", "\t": true
        default: !isAllowed(scalar)
        }
    }
}
