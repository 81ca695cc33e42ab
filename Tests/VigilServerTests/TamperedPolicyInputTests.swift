import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
@testable import VigilServer

/// A protection cleared in the database by someone without the key: the lookup answers "no match" and
/// oversight is alerted. (The conformance suite checks the same detection on both stores.)
@Suite struct TamperedPolicyInputTests {
    @Test func aProtectionClearedWithSQLAnswersNoMatchAndRaisesAnAlert() async throws {
        let fixture = try await ServerFixture()
        let database = fixture.directory.appendingPathComponent("vigil.sqlite").path
        // The sqlite3 shell, as someone with write access to the file would use it (`.ci/run` installs it).
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        shell.arguments = ["sqlite3", database, "UPDATE custody_record SET protections = '' WHERE protections = 'u_visa'"]
        try shell.run()
        shell.waitUntilExit()
        try #require(shell.terminationStatus == 0)

        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let absent = try await client.lookup("A999999999", "HN").fingerprint
            #expect(try await client.lookup(fixture.aNumber(.uVisa), "HN").fingerprint == absent)
            #expect(try await client.lookup(fixture.aNumber(.adult), "HN").json["result"] as? String == "match")
        }
        let alerts = try await fixture.store.alerts(limit: 10)
        #expect(alerts.map(\.kind) == ["policy_input_tampered"])
        #expect(alerts.first?.details["rule"] == "policy_input_tampered")
    }
}
