import Foundation
import Hummingbird
import VigilCore
import VigilStore

/// One request as the pages see it: the language, the signed session and who is signed in, the
/// cookies to set, and the body of a POST already checked for its CSRF token.
struct Visit {
    var language: WebLanguage
    /// The session the browser sent, when it is genuine and current.
    var incoming: WebSession?
    /// The session this response leaves the browser with.
    var session: WebSession
    var account: Account?
    let client: String
    let request: Request
    var setCookies: [String] = []
    let now: Int64

    static func start(_ request: Request, client: String, pages: WebPages) async throws -> Visit {
        let now = pages.clock().secondsSinceEpoch
        let cookies = request.cookies
        let query = request.uri.queryParameters["lang"].map(String.init)
        let language = WebLanguage.choose(
            query: query, cookie: cookies[WebLanguage.cookieName]?.value, acceptLanguage: request.headers[.acceptLanguage])
        let incoming = pages.codec.decode(cookies[WebSession.cookieName]?.value, now: now)
        var visit = Visit(
            language: language, incoming: incoming, session: incoming ?? .anonymous(now: now), account: nil,
            client: client, request: request, now: now)
        if let query, WebLanguage(rawValue: query.lowercased()) != nil {
            visit.setCookies.append(WebHeaders.cookie(WebLanguage.cookieName, language.rawValue, maxAge: 365 * 86_400))
        }
        if incoming == nil { visit.saveSession(pages.codec) }
        // The account must still be enabled, and the session of its current generation (not signed out since).
        if let id = incoming?.account, let account = try await pages.store.account(id: id), !account.disabled,
           try await pages.store.webSessionGeneration(accountID: id) == (incoming?.generation ?? 0) {
            visit.account = account
        }
        return visit
    }

    /// Sends the (new or changed) session back to the browser.
    mutating func saveSession(_ codec: SessionCodec) {
        setCookies.removeAll { $0.hasPrefix(WebSession.cookieName + "=") }
        setCookies.append(WebHeaders.cookie(WebSession.cookieName, codec.encode(session), maxAge: session.expires - now))
    }

    /// The signed-in account, which must be of `tier`; otherwise a sign-in page or a refusal.
    func require(_ tier: AccessTier) throws(Refusal) -> Account {
        guard let account else { throw .signInRequired(tier == .agency ? "/agency/signin" : "/signin") }
        guard account.tier == tier else { throw .forbidden }
        return account
    }
}

/// A request the pages refuse, with the page that says why.
enum Refusal: Error {
    case csrf
    case rateLimited(retryAfter: Int)
    case signInRequired(String)
    case forbidden

    func response(_ visit: Visit, _ pages: WebPages) -> Response {
        switch self {
        case .csrf:
            return pages.message(visit, status: .forbidden, heading: "error_csrf_title", text: "error_csrf", alert: true)
        case .rateLimited(let seconds):
            var response = pages.message(visit, status: .tooManyRequests, heading: "error_rate_title", text: "error_rate", alert: true)
            response.headers[.retryAfter] = String(seconds)
            return response
        case .signInRequired(let path):
            return pages.redirect(visit, to: path)
        case .forbidden:
            return pages.message(visit, status: .forbidden, heading: "error_title", text: "error_forbidden", alert: true)
        }
    }
}
