import Foundation
import HTTPTypes
import Hummingbird
import VigilCore
import VigilStore

/// How every page is answered: one layout, the visit's language, the security headers, its cookies.
extension WebPages {
    func render(_ visit: Visit, _ template: String, status: HTTPResponse.Status = .ok, _ values: [String: Any] = [:]) -> Response {
        var context: [String: Any] = [
            "lang": visit.language.rawValue,
            "other_lang": visit.language.other.rawValue,
            "t": catalog[visit.language],
            "csrf": codec.csrfToken(for: visit.session),
        ]
        if let account = visit.account {
            context["account"] = ["name": account.name, "home": Self.home(of: account.tier)]
        }
        context.merge(values) { $1 }
        var headers = WebHeaders.page()
        for cookie in visit.setCookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: renderer.render(template, context))))
    }

    /// A page that only says something: a confirmation or an error.
    func message(
        _ visit: Visit, status: HTTPResponse.Status = .ok, heading: String, text: String, alert: Bool = false,
        back: String = "/", backLabel: String = "back_home"
    ) -> Response {
        let t = catalog[visit.language]
        return render(visit, "message", status: status, [
            "heading": t[heading] ?? heading, "text": t[text] ?? text, "alert": alert, "back": back, "back_label": t[backLabel] ?? backLabel,
        ])
    }

    /// 303 See Other: after a successful POST, so that reloading does not send it again.
    func redirect(_ visit: Visit, to path: String) -> Response {
        var headers = WebHeaders.page()
        headers[.location] = path
        for cookie in visit.setCookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    func text(_ key: String, _ visit: Visit) -> String { catalog.text(key, visit.language) }

    /// The urlencoded body of a POST, accepted only with its session's CSRF token.
    func form(_ visit: Visit) async throws -> FormBody {
        var request = visit.request
        let body = try await request.collectBody(upTo: 64 * 1024)
        let form = FormBody(Array(buffer: body))
        guard codec.checkCSRF(form["csrf"], session: visit.incoming) else { throw Refusal.csrf }
        return form
    }

    /// One request from the API's limiter (per account when signed in, else per address).
    func admit(_ visit: Visit) async throws {
        if let retryAfter = await gateway.admit(client: visit.client, accountID: visit.account?.id) {
            throw Refusal.rateLimited(retryAfter: retryAfter)
        }
    }

    static func home(of tier: AccessTier) -> String {
        switch tier {
        case .agency: "/agency"
        case .oversight: "/oversight"
        default: "/advocate"
        }
    }

    /// `2026-03-01 19:05 UTC`: the same in both languages, and unambiguous.
    static func format(_ time: Timestamp) -> String {
        let iso = time.description
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(5) + " UTC"
    }

    /// The template values of a lookup's answer: exactly one of `custody`, `under_review`, `no_match`.
    func answerValues(_ answer: WebAnswer, _ visit: Visit) -> [String: Any] {
        switch answer.disclosure {
        case .noMatch:
            return ["no_match": true]
        case .underReview:
            return ["under_review": true]
        case .match(let custody):
            var values: [String: Any] = [
                "status": text("status_\(custody.status.rawValue)", visit),
                "as_of": Self.format(custody.asOf),
            ]
            if let since = custody.statusDate { values["since"] = Self.format(since) }
            if let reason = custody.releaseReason { values["release_reason"] = text("reason_\(reason.rawValue)", visit) }
            if let facility = answer.facility {
                let place = [facility.address, facility.city, [facility.state, facility.postalCode].filter { !$0.isEmpty }.joined(separator: " ")]
                    .filter { !$0.isEmpty }.joined(separator: ", ")
                values["facility"] = [
                    "name": facility.name, "address": place, "phone": facility.phone, "visiting": facility.visitingInfo,
                ] as [String: Any]
            }
            return ["custody": values]
        }
    }
}
