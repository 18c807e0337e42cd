/// File sizes as people write them: `16777216`, `512KiB`, `32MiB`, `1 GiB`, `20MB`.
///
/// Units: `B`; `K`, `KiB`, `M`, `MiB`, `G`, `GiB` are powers of 1024; `KB`, `MB`, `GB` are
/// powers of 1000. Case does not matter and a space may separate the number from the unit.
public enum ByteSize {
    /// The largest size accepted (1 GiB): positions are kept as 32-bit byte offsets, and a
    /// configuration file is not the place to switch the limit off.
    public static let maximum = 1 << 30

    /// The number of bytes `text` names, or a message saying what is wrong with it.
    public static func parse(_ text: String) -> Result<Int, SizeError> {
        let trimmed = text.trimmingSpaces
        var digits = ""
        var rest = Substring(trimmed)
        while let c = rest.first, c.isASCII, c.isNumber {
            digits.append(c)
            rest = rest.dropFirst()
        }
        let unit = String(rest).trimmingSpaces.lowercased()
        guard !digits.isEmpty, digits.count <= 12, let number = Int(digits) else {
            return .failure(SizeError(message: "expected a size such as 16MiB, 512KiB or a number of bytes, found '\(text)'"))
        }
        let multiplier: Int
        switch unit {
        case "", "b": multiplier = 1
        case "k", "kib": multiplier = 1 << 10
        case "m", "mib": multiplier = 1 << 20
        case "g", "gib": multiplier = 1 << 30
        case "kb": multiplier = 1_000
        case "mb": multiplier = 1_000_000
        case "gb": multiplier = 1_000_000_000
        default:
            return .failure(SizeError(message: "unknown size unit '\(unit)' in '\(text)'; units: B, KiB, MiB, GiB (or K, M, G), KB, MB, GB"))
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow, bytes <= maximum else {
            return .failure(SizeError(message: "size '\(text)' is over the largest accepted, \(describe(maximum))"))
        }
        guard bytes > 0 else { return .failure(SizeError(message: "size must be at least 1 byte, found '\(text)'")) }
        return .success(bytes)
    }

    /// Why a size could not be read.
    public struct SizeError: Error, Sendable, Hashable {
        /// The message, e.g. `unknown size unit 'mbit' in '32mbit'; …`.
        public var message: String
    }

    /// `16 MiB`, `47.7 MiB`, `512 KiB`, `100 bytes`: exact in the largest binary unit that fits,
    /// else with one decimal (rounded down, so a size just over a limit never reads as equal).
    public static func describe(_ bytes: Int) -> String {
        let units: [(Int, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (size, name) in units where bytes >= size {
            if bytes % size == 0 { return "\(bytes / size) \(name)" }
            let tenths = bytes * 10 / size
            return "\(tenths / 10).\(tenths % 10) \(name)"
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
