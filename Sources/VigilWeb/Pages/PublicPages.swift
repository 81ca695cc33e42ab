import Foundation
import Hummingbird
import VigilCore
import VigilCrypto
import VigilStore

/// The home page and the public lookup.
extension WebPages {
    func home(_ visit: inout Visit) async throws -> Response {
        render(visit, "home")
    }

    func lookupForm(_ visit: inout Visit) async throws -> Response {
        render(visit, "lookup")
    }

    /// The public lookup through the API's own path: the same limiter, the same `LookupService`, the
    /// same policy. The result page holds no form and no token, and the identifiers are not echoed,
    /// so a child, a protected person, a malformed number and an absent one give the same bytes.
    func lookup(_ visit: inout Visit) async throws -> Response {
        let fields = try await form(visit)
        try await admit(visit)
        let answer = try await gateway.publicLookup(
            aNumber: fields["a_number"] ?? "", countryOfBirth: fields["country"] ?? "", client: visit.client)
        return render(visit, "lookup-result", answerValues(answer, visit))
    }
}

/// Registration with a case code, acknowledgement of a notice, and a victim's own registration.
extension WebPages {
    /// Channels offered on the page; the file channel is the demo's alone.
    static let channels: [NotificationChannel] = [.email, .sms, .webhook]

    func registerPage(_ visit: inout Visit, error: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let channels = Self.channels.map { ["value": $0.rawValue, "label": text("channel_\($0.rawValue)", visit)] }
        let languages = NoticeLanguage.allCases.map { language -> [String: Any] in
            ["value": language.rawValue, "label": text("language_\(language.rawValue)", visit), "selected": language.rawValue == visit.language.rawValue]
        }
        var values: [String: Any] = ["channels": channels, "languages": languages]
        if let error { values["error"] = text(error, visit) }
        return render(visit, "register", status: status, values)
    }

    func registerForm(_ visit: inout Visit) async throws -> Response { registerPage(&visit) }

    func register(_ visit: inout Visit) async throws -> Response {
        let fields = try await form(visit)
        try await admit(visit)
        guard let code = fields.text("case_code"), let address = fields.text("address"),
              let channel = fields.text("channel").flatMap(NotificationChannel.init(rawValue:)), Self.channels.contains(channel)
        else { return registerPage(&visit, error: "error_required", status: .badRequest) }
        if await gateway.addressIsInvalid(address, channel: channel) {
            return registerPage(&visit, error: "error_address_\(channel.rawValue)", status: .badRequest)
        }
        let language = fields.text("language").flatMap(NoticeLanguage.init(rawValue:)) ?? (visit.language == .es ? .es : .en)
        let token = RegistrationToken.generate()
        let secret = channel == .webhook ? WebhookSecret.generate().encoded : nil
        let outcome = try await store.register(
            codeHash: OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code)), channel: channel, address: address,
            language: language, tokenHash: AccountToken.hash(token), webhookSecret: secret, at: clock())
        guard case .registered(let id) = outcome else {
            return registerPage(&visit, error: "error_invalid_code", status: .badRequest)
        }
        // An advocate registering for a victim they serve: the case joins their list.
        var advocate = false
        if let account = visit.account, account.tier == .advocate {
            try await store.linkRegistration(id: id, advocateAccountID: account.id, at: clock())
            advocate = true
        }
        var values: [String: Any] = ["token": token, "advocate": advocate]
        if let secret { values["secret"] = secret }
        return render(visit, "register-done", values)
    }

    /// `?message=msg_…` fills in the message number, so a notice can carry a link; the PIN is typed,
    /// and nothing is acknowledged by a GET (a link preview must not confirm a notice).
    func acknowledgeForm(_ visit: inout Visit) async throws -> Response {
        acknowledgePage(&visit, error: nil, status: .ok)
    }

    func acknowledgePage(_ visit: inout Visit, error: String?, status: HTTPResponse.Status) -> Response {
        var values: [String: Any] = [:]
        if let message = visit.request.uri.queryParameters["message"].map(String.init), Self.isMessageID(message) {
            values["message_id"] = message
        }
        if let error { values["error"] = text(error, visit) }
        return render(visit, "acknowledge", status: status, values)
    }

    func acknowledge(_ visit: inout Visit) async throws -> Response {
        let fields = try await form(visit)
        try await admit(visit)
        guard let messageID = fields.text("message_id"), let pin = fields.text("pin") else {
            return acknowledgePage(&visit, error: "error_required", status: .badRequest)
        }
        guard try await store.acknowledge(messageID: messageID, pin: pin, at: clock()) else {
            return acknowledgePage(&visit, error: "error_ack", status: .badRequest)
        }
        return message(visit, heading: "ack_done_title", text: "ack_done")
    }

    static func isMessageID(_ text: String) -> Bool {
        text.hasPrefix("msg_") && text.count <= 80 && text.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The registration the session opened, or the form asking for its code.
    func manage(_ visit: inout Visit) async throws -> Response {
        guard let hash = visit.incoming?.registration, let registration = try await store.registration(tokenHash: hash), registration.isLive else {
            return render(visit, "manage")
        }
        let answer = try await gateway.followedStatus(
            personID: registration.personID, registrationID: registration.id, requester: Requester(tier: .victim))
        var values = answerValues(answer, visit)
        values["status"] = text("reg_status_\(registration.status)", visit)
        values["channel"] = text("channel_\(registration.channel.rawValue)", visit)
        values["language"] = text("language_\(registration.language.rawValue)", visit)
        values["active"] = registration.status == "active"
        return render(visit, "manage", ["registration": values])
    }

    /// The registration token opens the registration for this session only: the session keeps its
    /// hash, so the token is typed once and never travels in a URL.
    func openRegistration(_ visit: inout Visit) async throws -> Response {
        let fields = try await form(visit)
        try await admit(visit)
        guard let token = fields.text("token"), try await store.registration(tokenHash: AccountToken.hash(token))?.isLive == true else {
            return render(visit, "manage", status: .badRequest, ["error": text("error_token", visit)])
        }
        visit.session.registration = AccountToken.hash(token)
        // Opened on a shared computer, it should not stay open all day: two hours at most.
        visit.session.expires = min(visit.session.expires, visit.now + WebSession.signedInLifetime)
        visit.saveSession(codec)
        return redirect(visit, to: "/manage")
    }

    func cancelRegistration(_ visit: inout Visit) async throws -> Response {
        _ = try await form(visit)
        guard let hash = visit.incoming?.registration, let registration = try await store.registration(tokenHash: hash), registration.isLive else {
            return render(visit, "manage", status: .badRequest, ["error": text("error_token", visit)])
        }
        try await store.cancelRegistration(id: registration.id, at: clock())
        visit.session.registration = nil
        visit.saveSession(codec)
        return message(visit, heading: "manage_cancelled_title", text: "manage_cancelled")
    }
}
