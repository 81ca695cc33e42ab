import Crypto
import Foundation

/// A browser session, carried whole in a signed cookie: no session table to store, replicate or
/// purge, and a stolen database holds no live sessions. The cookie is
/// `v1.<base64url JSON>.<base64url HMAC-SHA256>`, signed with a key derived from the keyring;
/// anything else (bad MAC, expired, malformed) is treated as no session at all.
///
/// Every visitor gets one, anonymous until sign-in, because the CSRF token is bound to it.
public struct WebSession: Sendable, Equatable, Codable {
    /// 128 random bits; renewed at sign-in and sign-out, so a session fixed before sign-in is worthless after.
    public var id: String
    /// Unix seconds after which the cookie is refused.
    public var expires: Int64
    /// The signed-in account (advocate, oversight or agency), if any.
    public var account: Int64?
    /// A victim who opened their registration: the SHA-256 of its token (never the token itself).
    public var registration: String?
    /// The account's web-session generation at sign-in. Signing out (or an operator ending the
    /// account's sessions) moves the account's generation on, so a copy of this cookie, replayed after
    /// sign-out, no longer matches and is refused: the cookie alone is not enough to stay signed in.
    public var generation: Int64?

    enum CodingKeys: String, CodingKey {
        case id = "sid", expires = "exp", account = "acc", registration = "reg", generation = "gen"
    }

    public static let cookieName = "vigil_session"
    /// Anonymous sessions last a day; a signed-in one two hours from sign-in.
    public static let anonymousLifetime: Int64 = 86_400
    public static let signedInLifetime: Int64 = 7_200

    public static func anonymous(now: Int64) -> WebSession {
        WebSession(id: randomID(), expires: now + anonymousLifetime)
    }

    public static func signedIn(account: Int64, generation: Int64 = 0, now: Int64) -> WebSession {
        WebSession(id: randomID(), expires: now + signedInLifetime, account: account, generation: generation)
    }

    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

/// Signs and checks session cookies and derives CSRF tokens from them.
///
/// CSRF: the synchroniser-token pattern without server state. A form's token is
/// `HMAC(key, "csrf" ‖ session id)`; a POST is accepted only when the body's token equals the one
/// derived from the request's own signed session cookie (constant-time). Another site can neither
/// read the token nor send the cookie (SameSite=Strict), and a token from one session does not fit another.
public struct SessionCodec: Sendable {
    let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    public func encode(_ session: WebSession) -> String {
        let json = (try? JSONEncoder().encode(session)) ?? Data()
        let payload = "v1." + Base64URL.encode(Array(json))
        return payload + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)))
    }

    /// The session in a cookie value, or nil when it is forged, damaged or expired.
    public func decode(_ cookie: String?, now: Int64) -> WebSession? {
        guard let cookie, cookie.count < 2048 else { return nil }
        let parts = cookie.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let mac = Base64URL.decode(String(parts[2])),
              let json = Base64URL.decode(String(parts[1]))
        else { return nil }
        let payload = Data("v1.\(parts[1])".utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key),
              let session = try? JSONDecoder().decode(WebSession.self, from: Data(json)), session.expires > now
        else { return nil }
        return session
    }

    public func csrfToken(for session: WebSession) -> String {
        Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Data("csrf\u{0}\(session.id)".utf8), using: key)))
    }

    /// Whether `token` is the CSRF token of `session`, compared in constant time.
    public func checkCSRF(_ token: String?, session: WebSession?) -> Bool {
        guard let token, let session else { return false }
        let expected = Array(csrfToken(for: session).utf8), given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
