import Crypto
import Foundation
import Testing
import VigilCrypto
@testable import VigilWeb

/// Signed session cookies, CSRF tokens and cookie attributes, without a server.
@Suite struct SessionTests {
    let codec = SessionCodec(key: Keyring.generate().derivedKey(label: "web session cookie v1"))
    let now: Int64 = 1_800_000_000

    @Test func aSessionSurvivesTheRoundTrip() {
        var session = WebSession.signedIn(account: 7, now: now)
        session.registration = "abc"
        #expect(codec.decode(codec.encode(session), now: now + 60) == session)
    }

    @Test func aForgedOrDamagedCookieIsNoSession() {
        let cookie = codec.encode(.signedIn(account: 7, now: now))
        let parts = cookie.split(separator: ".").map(String.init)
        // Claim another account with the old MAC.
        let forgedPayload = Base64URL.encode(Array(#"{"sid":"x","exp":1900000000,"acc":1}"#.utf8))
        #expect(codec.decode("v1.\(forgedPayload).\(parts[2])", now: now) == nil)
        #expect(codec.decode(String(cookie.dropLast(2)) + "AA", now: now) == nil)
        #expect(codec.decode("garbage", now: now) == nil)
        #expect(codec.decode(nil, now: now) == nil)
        // Another installation's key does not verify it.
        let other = SessionCodec(key: Keyring.generate().derivedKey(label: "web session cookie v1"))
        #expect(other.decode(cookie, now: now) == nil)
    }

    @Test func anExpiredCookieIsNoSession() {
        let session = WebSession.signedIn(account: 7, now: now)
        #expect(codec.decode(codec.encode(session), now: now + WebSession.signedInLifetime) == nil)
    }

    @Test func theCSRFTokenBelongsToOneSession() {
        let a = WebSession.anonymous(now: now), b = WebSession.anonymous(now: now)
        let token = codec.csrfToken(for: a)
        #expect(codec.checkCSRF(token, session: a))
        #expect(!codec.checkCSRF(token, session: b), "a token from another session")
        #expect(!codec.checkCSRF(nil, session: a), "no token")
        #expect(!codec.checkCSRF(token, session: nil), "no session")
        #expect(!codec.checkCSRF(String(token.dropLast()) + "x", session: a), "a wrong token")
    }

    @Test func cookiesAreHttpOnlySecureAndStrict() {
        let cookie = WebHeaders.cookie("vigil_session", "v", maxAge: 60)
        #expect(cookie == "vigil_session=v; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Strict")
    }

    @Test func theDerivedKeyIsStableAndSeparate() {
        let keyring = Keyring.generate()
        let a = keyring.derivedKey(label: "web session cookie v1"), b = keyring.derivedKey(label: "web session cookie v1")
        let c = keyring.derivedKey(label: "something else")
        #expect(a == b)
        #expect(a != c)
    }
}

@Suite struct LanguageTests {
    @Test(arguments: [
        (nil, WebLanguage.en), ("", .en), ("es", .es), ("es-MX,es;q=0.9,en;q=0.8", .es), ("en-US,en;q=0.9,es;q=0.8", .en),
        ("fr-FR,es;q=0.5,en;q=0.4", .es), ("fr, de", .en), ("en;q=0.2, es;q=0.9", .es), ("es;q=0, en", .en), ("*", .en),
        ("ES", .es),
    ] as [(String?, WebLanguage)])
    func acceptLanguageIsNegotiated(header: String?, expected: WebLanguage) {
        #expect(WebLanguage.negotiate(header) == expected)
    }

    @Test func theSwitchWinsThenTheCookieThenTheBrowser() {
        #expect(WebLanguage.choose(query: "es", cookie: "en", acceptLanguage: "en") == .es)
        #expect(WebLanguage.choose(query: nil, cookie: "es", acceptLanguage: "en") == .es)
        #expect(WebLanguage.choose(query: "xx", cookie: nil, acceptLanguage: "es") == .es)
        #expect(WebLanguage.choose(query: nil, cookie: "en", acceptLanguage: "es-MX") == .en)
    }
}

@Suite struct FormParsingTests {
    @Test func urlencodedBodies() {
        let form = FormBody(Array("a_number=A+123%2D45&country=M%C3%A9xico&empty=&a_number=second".utf8))
        #expect(form["a_number"] == "A 123-45")
        #expect(form["country"] == "México")
        #expect(form.text("empty") == nil)
        #expect(form["missing"] == nil)
    }

    @Test func multipartBodiesGiveFieldsAndTheFile() throws {
        let body = [
            "--XyZ", "Content-Disposition: form-data; name=\"csrf\"", "", "token123",
            "--XyZ", "Content-Disposition: form-data; name=\"feed\"; filename=\"feed.csv\"", "Content-Type: text/csv", "",
            "a,b\r\n1,2", "--XyZ--", "",
        ].joined(separator: "\r\n")
        let form = try #require(MultipartForm(body: Array(body.utf8), contentType: "multipart/form-data; boundary=XyZ"))
        #expect(form.field("csrf") == "token123")
        let file = try #require(form.file("feed"))
        #expect(file.filename == "feed.csv")
        #expect(String(decoding: file.content, as: UTF8.self) == "a,b\r\n1,2")
        #expect(MultipartForm(body: Array(body.utf8), contentType: "application/x-www-form-urlencoded") == nil)
    }
}
