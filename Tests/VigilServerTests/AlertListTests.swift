import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VigilServer

@Suite struct AlertListTests {
    @Test func everyAlertIsReportedUnderItsOwnKind() async throws {
        let fixture = try await ServerFixture()
        let oversight = try await fixture.token(.oversight)
        for kind in ["delivery_failed", "enumeration_suspected", "protected_record_queried"] {
            try await fixture.store.raiseAlert(kind: kind, details: ["note": "synthetic"], at: fixture.now)
        }
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client async throws in
            let response = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: [.authorization: "Bearer \(oversight)"])
            let kinds = (response.json["alerts"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds.sorted() == ["delivery_failed", "enumeration_suspected", "protected_record_queried"])
        }
    }
}
