/// The languages of the web pages. Chosen by `?lang=` (the visible switch, remembered in a
/// cookie), then by that cookie, then by `Accept-Language`; English when nothing says otherwise.
public enum WebLanguage: String, CaseIterable, Sendable {
    case en, es

    public static let cookieName = "vigil_lang"

    /// The other language, for the switch link.
    public var other: WebLanguage { self == .en ? .es : .en }

    /// Picks the language: an explicit choice wins, then the remembered one, then the browser's preference.
    public static func choose(query: String?, cookie: String?, acceptLanguage: String?) -> WebLanguage {
        if let query, let chosen = WebLanguage(rawValue: query.lowercased()) { return chosen }
        if let cookie, let chosen = WebLanguage(rawValue: cookie.lowercased()) { return chosen }
        return negotiate(acceptLanguage)
    }

    /// RFC 9110 `Accept-Language`: the supported language with the highest q-value; ties go to the
    /// one listed first. `es-MX` counts as `es`; `*` counts as English; q=0 means "not this one".
    public static func negotiate(_ header: String?) -> WebLanguage {
        guard let header, !header.isEmpty else { return .en }
        var best: (language: WebLanguage, q: Double)?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            let language: WebLanguage? = primary == "*" ? .en : WebLanguage(rawValue: primary)
            guard let language, q > 0 else { continue }
            if best == nil || q > best!.q { best = (language, q) }
        }
        return best?.language ?? .en
    }
}
