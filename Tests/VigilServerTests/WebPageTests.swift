import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilCrypto
import VigilStore
import VigilWeb
@testable import VigilServer

/// A browser's memory for router tests: the cookies it was given and the CSRF token of the last form.
final class TestBrowser: @unchecked Sendable {
    var cookies: [String: String] = [:]
    var csrf: String?
    var acceptLanguage: String?

    var headers: HTTPFields {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let acceptLanguage { headers[.acceptLanguage] = acceptLanguage }
        return headers
    }

    func remember(_ response: TestResponse) {
        for cookie in response.headers[values: .setCookie] {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            cookies[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        let text = String(buffer: response.body)
        if let range = text.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) {
            csrf = String(text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }
    }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: headers)
        remember(response)
        return response
    }

    /// Posts a form with the remembered token unless `csrf` says otherwise.
    func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String], csrf: String?? = .none) async throws -> TestResponse {
        var all = fields
        if let token = csrf ?? self.csrf { all["csrf"] = token }
        var headers = self.headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = all.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }
}

/// The web pages through the real router and middleware, over the fixture's invented people.
@Suite struct WebPageTests {
    @Test func pagesCarryTheSecurityHeadersAndCookieAttributes() async throws {
        let fixture = try await ServerFixture()
        try await Application(router: try fixture.router()).test(.router) { client in
            let browser = TestBrowser()
            let page = try await browser.get(client, "/lookup")
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy] ==
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-store")
            let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("vigil_session=") })
            #expect(cookie.hasSuffix("; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Strict"))
            #expect(page.text.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
            #expect(!page.text.contains("<script") && !page.text.contains(" style="))
            let css = try await client.execute(uri: "/static/vigil.css", method: .get)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8" && css.text.contains("body"))
        }
    }

    @Test func theLanguageFollowsAcceptLanguageAndTheSwitch() async throws {
        let fixture = try await ServerFixture()
        try await Application(router: try fixture.router()).test(.router) { client in
            let browser = TestBrowser()
            browser.acceptLanguage = "es-MX,es;q=0.9,en;q=0.5"
            let spanish = try await browser.get(client, "/register")
            #expect(spanish.text.contains("<html lang=\"es\">"))
            #expect(spanish.text.contains("<title>Registrarse para recibir avisos — Vigil</title>"))
            #expect(spanish.text.contains(#"<a href="?lang=en" hreflang="en" lang="en">English</a>"#), "the visible switch")
            let switched = try await browser.get(client, "/register?lang=en")
            #expect(switched.text.contains("<html lang=\"en\">") && switched.text.contains("Register for notices"))
            #expect(switched.headers[values: .setCookie].contains { $0.hasPrefix("vigil_lang=en;") && $0.contains("SameSite=Strict") })
            // Remembered: the cookie now beats the browser's Spanish preference.
            let again = try await browser.get(client, "/lookup")
            #expect(again.text.contains("<html lang=\"en\">"))
        }
    }

    @Test func aPostWithoutTheSessionsCSRFTokenIsRefused() async throws {
        let fixture = try await ServerFixture()
        try await Application(router: try fixture.router()).test(.router) { client in
            let fields = ["a_number": fixture.aNumber(.adult), "country": "HN"]
            // No session at all.
            let stranger = TestBrowser()
            let none = try await stranger.post(client, "/lookup", fields)
            #expect(none.status == .forbidden)
            #expect(none.text.contains("This form has expired") && !none.text.contains("Northgate"))
            // A session, but a wrong token, or none.
            let browser = TestBrowser()
            _ = try await browser.get(client, "/lookup")
            #expect(try await browser.post(client, "/lookup", fields, csrf: "forged").status == .forbidden)
            #expect(try await browser.post(client, "/lookup", fields, csrf: .some(nil)).status == .forbidden)
            // Another session's token does not fit.
            let other = TestBrowser()
            _ = try await other.get(client, "/lookup")
            #expect(try await browser.post(client, "/lookup", fields, csrf: other.csrf).status == .forbidden)
            for path in ["/register", "/acknowledge", "/manage", "/signin", "/agency/signin", "/signout", "/manage/cancel"] {
                #expect(try await stranger.post(client, path, ["x": "y"]).status == .forbidden, "\(path)")
            }
            // The right token goes through.
            let found = try await browser.post(client, "/lookup", fields)
            #expect(found.status == .ok)
            #expect(found.text.contains("Northgate Processing Center") && found.text.contains("In custody"))
        }
    }

    /// A child, an unknown age, every protection, a malformed and an absent number: one page, byte for byte.
    @Test func hiddenPeopleGetTheAbsentNumbersPageByteForByte() async throws {
        let fixture = try await ServerFixture()
        try await Application(router: try fixture.router()).test(.router) { client in
            let browser = TestBrowser()
            _ = try await browser.get(client, "/lookup")
            func page(_ aNumber: String, _ country: String = "HN") async throws -> TestResponse {
                try await browser.post(client, "/lookup", ["a_number": aNumber, "country": country])
            }
            let absent = try await page("A000000077")
            #expect(absent.status == .ok && absent.text.contains("No information can be shown"))
            #expect(absent.headers[values: .setCookie].isEmpty, "the result sets nothing that could differ")
            let hidden: [ServerFixture.Kind] = [.minorAtBooking, .minorToday, .infant, .unknownBirth, .vawa1367, .tVisa, .uVisa,
                                                .asylumPending, .victimWitness, .courtSealed]
            for kind in hidden {
                #expect(try await page(fixture.aNumber(kind)).fingerprint == absent.fingerprint, "\(kind)")
            }
            #expect(try await page("A12", "??").fingerprint == absent.fingerprint, "malformed")
            #expect(try await page(fixture.aNumber(.adult), "MX").fingerprint == absent.fingerprint, "wrong country")
            let adult = try await page(fixture.aNumber(.adult))
            #expect(adult.fingerprint != absent.fingerprint)
            #expect(!adult.text.contains(fixture.aNumber(.adult)) && !adult.text.contains("Zorvandel"), "no identifier echoed")
        }
        #expect(!fixture.logs.text.contains(fixture.aNumber(.minorToday)) && !fixture.logs.text.contains("98765"))
        #expect(try await fixture.store.alerts(limit: 100).contains { $0.kind == "protected_record_queried" })
    }

    @Test func webLookupsShareTheAPIsRateLimit() async throws {
        let fixture = try await ServerFixture()
        try await Application(router: try fixture.router(publicPerMinute: 2)).test(.router) { client in
            let browser = TestBrowser()
            _ = try await browser.get(client, "/lookup")
            let fields = ["a_number": "A000000077", "country": "HN"]
            #expect(try await browser.post(client, "/lookup", fields).status == .ok)
            #expect(try await client.lookup("A000000077", "HN").status == .ok)
            let limited = try await browser.post(client, "/lookup", fields)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil && limited.text.contains("Too many attempts"))
            #expect(try await client.lookup("A000000077", "HN").status == .tooManyRequests)
        }
    }

    @Test func advocateSignsInRegistersAVictimAndSeesTheCase() async throws {
        let fixture = try await ServerFixture()
        let advocate = try await fixture.store.createAccount(tier: .advocate, name: "Test advocates", source: nil, tokenHash: "x", at: fixture.now)
        try await fixture.store.setPassword(
            accountID: advocate.id, login: "advocate1", passwordHash: try await PasswordHasher.hash("correct horse battery", cost: 4), at: fixture.now)
        let code = OneTimeSecret.caseCode()
        _ = try await fixture.store.issueCase(
            source: "TXA", sourceRecordID: "BK-0", codeHash: OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code)),
            expiresAt: Timestamp(secondsSinceEpoch: fixture.now.secondsSinceEpoch + 3600), at: fixture.now)
        try await Application(router: try fixture.router()).test(.router) { client in
            let browser = TestBrowser()
            #expect(try await browser.get(client, "/advocate").headers[.location] == "/signin", "sign-in first")
            _ = try await browser.get(client, "/signin")
            let wrong = try await browser.post(client, "/signin", ["login": "advocate1", "password": "wrong horse battery"])
            #expect(wrong.status == .unauthorized && wrong.text.contains("The login name or the password is wrong."))
            let unknown = try await browser.post(client, "/signin", ["login": "nobody", "password": "correct horse battery"])
            #expect(unknown.text == wrong.text, "an unknown login reads like a wrong password")
            let before = browser.cookies["vigil_session"]
            let signedIn = try await browser.post(client, "/signin", ["login": "advocate1", "password": "correct horse battery"])
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/advocate")
            #expect(browser.cookies["vigil_session"] != before, "a new session at sign-in")
            #expect(try await browser.get(client, "/oversight").status == .forbidden)

            _ = try await browser.get(client, "/register")
            let bad = try await browser.post(client, "/register", ["case_code": code, "channel": "email", "address": "not an address", "language": "es"])
            #expect(bad.status == .badRequest && bad.text.contains("That is not an email address"))
            let done = try await browser.post(client, "/register", ["case_code": code, "channel": "email", "address": "victim@example.org", "language": "es"])
            #expect(done.status == .ok && done.text.contains("vgr_") && done.text.contains("This registration is now in your case list."))
            let reused = try await browser.post(client, "/register", ["case_code": code, "channel": "email", "address": "victim@example.org", "language": "es"])
            #expect(reused.status == .badRequest && reused.text.contains("The case code is not valid"), "a code works once")

            let list = try await browser.get(client, "/advocate")
            #expect(list.status == .ok)
            for cell in [">Email</td>", ">Spanish</td>", ">Active</td>", ">In custody — Northgate Processing Center</td>"] {
                #expect(list.text.contains(cell), "the case list shows \(cell)")
            }
            let out = try await browser.post(client, "/signout", [:])
            #expect(out.status == .seeOther)
            #expect(try await browser.get(client, "/advocate").status == .seeOther, "signed out")
        }
        #expect(try await fixture.store.advocateCases(accountID: advocate.id).count == 1)
    }

    @Test func aVictimOpensAndCancelsTheirRegistration() async throws {
        let fixture = try await ServerFixture()
        let code = OneTimeSecret.caseCode()
        _ = try await fixture.store.issueCase(
            source: "TXA", sourceRecordID: "BK-0", codeHash: OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code)),
            expiresAt: Timestamp(secondsSinceEpoch: fixture.now.secondsSinceEpoch + 3600), at: fixture.now)
        let token = RegistrationToken.generate()
        _ = try await fixture.store.register(
            codeHash: OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code)), channel: .sms, address: "+15555550100",
            language: .en, tokenHash: AccountToken.hash(token), webhookSecret: nil, at: fixture.now)
        try await Application(router: try fixture.router()).test(.router) { client in
            let browser = TestBrowser()
            _ = try await browser.get(client, "/manage")
            #expect(try await browser.post(client, "/manage", ["token": "vgr_wrong"]).status == .badRequest)
            let opened = try await browser.post(client, "/manage", ["token": token])
            #expect(opened.status == .seeOther && opened.headers[.location] == "/manage")
            let cookie = try #require(opened.headers[values: .setCookie].first { $0.hasPrefix("vigil_session=") })
            #expect(cookie.contains("Max-Age=7200;"), "an opened registration stays open two hours at most")
            let page = try await browser.get(client, "/manage")
            #expect(page.text.contains("Text message (SMS)") && page.text.contains("In custody") && !page.text.contains("+15555550100"))
            let cancelled = try await browser.post(client, "/manage/cancel", [:])
            #expect(cancelled.text.contains("Your registration is cancelled"))
        }
        #expect(try await fixture.store.registration(tokenHash: AccountToken.hash(token))?.status == "cancelled")
    }
}

@Suite struct WebNotFoundTests {
    @Test func aBrowserGetsAPageAndTheAPIKeepsItsProblem() async throws {
        let fixture = try await ServerFixture()
        try await Application(router: try fixture.router()).test(.router) { client in
            let page = try await client.execute(uri: "/no-such-page", method: .get, headers: [.accept: "text/html", .acceptLanguage: "es"])
            #expect(page.status == .notFound && page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("Página no encontrada") && page.headers[.contentSecurityPolicy] != nil)
            let api = try await client.execute(uri: "/api/v1/nothing", method: .get, headers: [.accept: "text/html"])
            #expect(api.status == .notFound && api.headers[.contentType] == "application/problem+json")
            let machine = try await client.execute(uri: "/no-such-page", method: .get)
            #expect(machine.status == .notFound && machine.headers[.contentType] == "application/problem+json")
        }
    }
}

@Suite struct WebUploadLimitTests {
    /// 64 KiB is the limit for everyone; only a signed-in session may send a larger feed file.
    @Test func onlyASignedInSessionMaySendALargeBody() async throws {
        let fixture = try await ServerFixture()
        let agencyKey = try await fixture.token(.agency, source: "TXA")
        try await Application(router: try fixture.router()).test(.router) { client in
            let large = ByteBuffer(repeating: UInt8(ascii: "a"), count: 100 * 1024)
            let stranger = TestBrowser()
            stranger.cookies["vigil_session"] = "v1.forged.cookie"
            let refused = try await client.execute(uri: "/agency/upload", method: .post, headers: stranger.headers, body: large)
            #expect(refused.status == .contentTooLarge)
            let agency = TestBrowser()
            _ = try await agency.get(client, "/agency/signin")
            #expect(try await agency.post(client, "/agency/signin", ["key": agencyKey]).headers[.location] == "/agency")
            var headers = agency.headers
            headers[.contentType] = "multipart/form-data; boundary=B"
            let accepted = try await client.execute(uri: "/agency/upload", method: .post, headers: headers, body: large)
            #expect(accepted.status == .forbidden, "read in full, then refused for its missing CSRF token")
        }
    }
}
