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

/// Sessions and tokens end on the server: a signed-out cookie replayed, a disabled account's session or
/// token, a rotated-away token are all refused; repeated wrong passwords lock web sign-in and alert oversight.
@Suite struct AccountLifecycleWebTests {
    func advocate(_ fixture: ServerFixture, login: String = "advocate1") async throws -> Account {
        let account = try await fixture.store.createAccount(tier: .advocate, name: "Test advocates", source: nil, tokenHash: "x-\(login)", at: fixture.now)
        try await fixture.store.setPassword(
            accountID: account.id, login: login, passwordHash: try await PasswordHasher.hash("correct horse battery", cost: 4), at: fixture.now)
        return account
    }

    func signIn(_ browser: TestBrowser, _ client: some TestClientProtocol, password: String = "correct horse battery") async throws -> TestResponse {
        _ = try await browser.get(client, "/signin")
        return try await browser.post(client, "/signin", ["login": "advocate1", "password": password])
    }

    @Test func aSignedOutCookieReplayedIsRefused() async throws {
        let fixture = try await ServerFixture()
        _ = try await advocate(fixture)
        try await Application(router: try fixture.router()).test(.router) { client in
            let browser = TestBrowser()
            #expect(try await signIn(browser, client).headers[.location] == "/advocate")
            #expect(try await browser.get(client, "/advocate").status == .ok)
            let stolen = browser.cookies
            _ = try await browser.post(client, "/signout", [:])

            let replay = TestBrowser()
            replay.cookies = stolen
            let response = try await replay.get(client, "/advocate")
            #expect(response.status == .seeOther && response.headers[.location] == "/signin", "the old cookie no longer signs in")
            // Signing in again works, with a new session.
            #expect(try await signIn(browser, client).headers[.location] == "/advocate")
            #expect(try await browser.get(client, "/advocate").status == .ok)
        }
    }

    @Test func disablingAnAccountEndsItsSessionAndItsTokenAtOnce() async throws {
        let fixture = try await ServerFixture()
        let account = try await advocate(fixture)
        let token = AccountToken.generate()
        let overseer = try await fixture.store.createAccount(tier: .oversight, name: "Privacy office", source: nil, tokenHash: AccountToken.hash(token), at: fixture.now)
        try await Application(router: try fixture.router()).test(.router) { client in
            let browser = TestBrowser()
            _ = try await signIn(browser, client)
            #expect(try await browser.get(client, "/advocate").status == .ok)
            #expect(try await client.execute(uri: "/api/v1/alerts", method: .get, headers: [.authorization: "Bearer \(token)"]).status == .ok)

            try await fixture.store.setAccountDisabled(id: account.id, disabled: true, at: fixture.now)
            try await fixture.store.setAccountDisabled(id: overseer.id, disabled: true, at: fixture.now)
            #expect(try await browser.get(client, "/advocate").status == .seeOther)
            #expect(try await client.execute(uri: "/api/v1/alerts", method: .get, headers: [.authorization: "Bearer \(token)"]).status == .unauthorized)
        }
    }

    @Test func aRotatedTokenStopsWorkingAndItsSuccessorWorks() async throws {
        let fixture = try await ServerFixture()
        let old = AccountToken.generate(), new = AccountToken.generate()
        let overseer = try await fixture.store.createAccount(tier: .oversight, name: "Privacy office", source: nil, tokenHash: AccountToken.hash(old), at: fixture.now)
        try await fixture.store.replaceAccountToken(id: overseer.id, tokenHash: AccountToken.hash(new), at: fixture.now)
        try await Application(router: try fixture.router()).test(.router) { client in
            let refused = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: [.authorization: "Bearer \(old)"])
            let accepted = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: [.authorization: "Bearer \(new)"])
            #expect(refused.status == .unauthorized)
            #expect(accepted.status == .ok)
        }
    }

    @Test func repeatedWrongPasswordsLockSignInAndAlertOversight() async throws {
        let fixture = try await ServerFixture()
        let account = try await advocate(fixture)
        try await Application(router: try fixture.router()).test(.router) { client in
            let browser = TestBrowser()
            for _ in 0..<(SignInLockout().maximumFailures - 1) {
                #expect(try await signIn(browser, client, password: "wrong horse battery").status == .unauthorized)
            }
            #expect(try await fixture.store.signInLockedUntil(accountID: account.id, at: fixture.now) == nil)
            let last = try await signIn(browser, client, password: "wrong horse battery")
            #expect(try await fixture.store.signInLockedUntil(accountID: account.id, at: fixture.now) != nil)
            // Locked: even the right password is refused, with the very same page as a wrong one.
            let locked = try await signIn(browser, client)
            #expect(locked.status == .unauthorized)
            #expect(locked.text == last.text)
        }
        let alerts = try await fixture.store.alerts(limit: 10).filter { $0.kind == "sign_in_locked" }
        #expect(alerts.count == 1)
        #expect(alerts.first?.details["account"] == String(account.id))
    }

    @Test func passwordsOver72BytesAreRefusedNotTruncated() async throws {
        let seventyTwo = String(repeating: "a", count: 72)
        let hash = try await PasswordHasher.hash(seventyTwo, cost: 4)
        await #expect(throws: PasswordHasher.Refusal.tooLong) { try await PasswordHasher.hash(seventyTwo + "b", cost: 4) }
        await #expect(throws: PasswordHasher.Refusal.tooLong) { try await PasswordHasher.hash(String(repeating: "é", count: 37), cost: 4) }
        #expect(try await PasswordHasher.verify(seventyTwo, hash: hash))
        // bcrypt alone would accept this: the first 72 bytes match.
        #expect(try await PasswordHasher.verify(seventyTwo + "anything", hash: hash) == false)
    }
}
