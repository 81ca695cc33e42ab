/// Escaping and number formats shared by the renderers. Formats are fixed (English, `,` for
/// thousands, `.` for decimals) rather than taken from the machine's locale, so that the same
/// release renders to the same bytes everywhere.
enum TextFormat {
    /// Escapes text for HTML and SVG, in element content and in quoted attributes alike.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `43210` → `43,210`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// `0.60123` → `60.1%`; a share under 0.05% is `<0.1%` rather than a misleading `0.0%`.
    static func percent(_ share: Double) -> String {
        if share > 0, share < 0.0005 { return "<0.1%" }
        return fixed(share * 100, decimals: 1) + "%"
    }

    /// A share's predicted standard deviation in percentage points, `0.003`: three decimals,
    /// because on a large population the noise moves shares by thousandths of a point.
    static func percentagePoints(_ value: Double) -> String {
        value * 100 < 0.0005 ? "<0.001" : fixed(value * 100, decimals: 3)
    }

    static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        guard decimals > 0 else { return String(whole) }
        var fraction = String(abs(scaled) % Int(scale))
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        return (scaled < 0 && whole == 0 ? "-" : "") + "\(whole).\(fraction)"
    }
}
