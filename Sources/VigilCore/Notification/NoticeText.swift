/// The languages notices are written in.
public enum NoticeLanguage: String, CaseIterable, Sendable, Codable {
    case en, es
}

/// The words of a notice. Deliberately thin: no name, no A-number, no facility address. A notice
/// says that something changed and how to see it; the details are behind the victim's token.
public struct NoticeText: Sendable, Equatable {
    public var subject: String
    public var body: String

    /// Event kinds whose notices ask the victim to acknowledge them, and are repeated until they do.
    public static let acknowledgementRequired: Set<CustodyEventKind> = [.released, .escaped, .removed]

    /// `acknowledgeURL`, when given with a PIN, is the web page that confirms the notice (its message
    /// number filled in; the PIN is typed there, never put in the link).
    public static func make(
        kind: CustodyEventKind, language: NoticeLanguage, pin: String?, statusURL: String, acknowledgeURL: String? = nil
    ) -> NoticeText {
        let what: String
        switch (language, kind) {
        case (.en, .booked): what = "has been booked into custody"
        case (.en, .transferred): what = "has been transferred to another facility"
        case (.en, .released): what = "has been released from custody"
        case (.en, .removed): what = "has been removed from the United States"
        case (.en, .deceased): what = "is reported deceased"
        case (.en, .escaped): what = "has escaped from custody"
        case (.en, .returnedToCustody): what = "has been returned to custody"
        case (.en, .corrected): what = "has a corrected custody record: information sent to you earlier was wrong"
        case (.es, .booked): what = "ha sido ingresada bajo custodia"
        case (.es, .transferred): what = "ha sido trasladada a otro centro"
        case (.es, .released): what = "ha sido puesta en libertad"
        case (.es, .removed): what = "ha sido expulsada de los Estados Unidos"
        case (.es, .deceased): what = "figura como fallecida"
        case (.es, .escaped): what = "se ha fugado"
        case (.es, .returnedToCustody): what = "ha vuelto a estar bajo custodia"
        case (.es, .corrected): what = "tiene un registro corregido: la información que le enviamos antes era incorrecta"
        }
        switch language {
        case .en:
            var body = "Vigil: the person linked to your case \(what). See the current status: \(statusURL)"
            if let pin { body += "\nPlease confirm you received this notice with PIN \(pin). We will repeat it until you do." }
            if pin != nil, let acknowledgeURL { body += "\nConfirm it here: \(acknowledgeURL)" }
            if kind == .released || kind == .escaped {
                body += "\nIf you feel unsafe, call 911 or your victim advocate."
            }
            return NoticeText(subject: "Vigil custody notice", body: body)
        case .es:
            var body = "Vigil: la persona vinculada a su caso \(what). Vea el estado actual: \(statusURL)"
            if let pin { body += "\nConfirme que recibió este aviso con el PIN \(pin). Lo repetiremos hasta que lo confirme." }
            if pin != nil, let acknowledgeURL { body += "\nConfírmelo aquí: \(acknowledgeURL)" }
            if kind == .released || kind == .escaped {
                body += "\nSi no se siente segura o seguro, llame al 911 o a su intercesor de víctimas."
            }
            return NoticeText(subject: "Aviso de custodia de Vigil", body: body)
        }
    }
}
