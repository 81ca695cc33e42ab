import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilCrypto
import VigilStore
@testable import VigilServer

/// The audit log names a lookup's subject by a token keyed apart from the stored A-number index, so that
/// erasing the index at retention really erases the link between the log and the person.
@Suite struct AuditSubjectTests {
    @Test func theSubjectTokenIsNotTheStoredBlindIndex() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in _ = try await client.lookup(fixture.aNumber(.adult), "HN") }
        let entry = try #require(try await fixture.store.auditEntries(after: -1, limit: 1000).last { $0.entry.kind == .lookup })
        let subject = try #require(entry.entry.fields["subject"])
        let digits = try ANumber(parsing: fixture.aNumber(.adult)).digits
        #expect(subject != BlindIndex(keyring: fixture.keyring).token(digits, purpose: .aNumber).hexString)
        #expect(subject == AuditSubjectToken(keyring: fixture.keyring).token(aNumberDigits: digits))
    }
}
