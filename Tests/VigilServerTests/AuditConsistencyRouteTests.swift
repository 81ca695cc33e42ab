import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
import VigilCrypto
import VigilStore
@testable import VigilServer

/// `GET /api/v1/audit/consistency?from=N`: oversight checks the log against a checkpoint it kept, using
/// only the proof and the signed note the server returns (nothing it has to trust the server for).
@Suite struct AuditConsistencyRouteTests {
    func entries(_ count: Int, at now: Timestamp) -> [AuditEntry] {
        (0..<count).map { AuditEntry(kind: .account, recordedAt: now, fields: ["account_id": "acct-\($0)", "action": "created"]) }
    }

    @Test func oversightGetsAProofFromItsKeptCheckpointToTheLatestSignedOne() async throws {
        let fixture = try await ServerFixture()
        _ = try await fixture.store.appendAudit(entries(3, at: fixture.now))
        let kept = try await fixture.store.writeCheckpoint(keyring: fixture.keyring, at: fixture.now)
        _ = try await fixture.store.appendAudit(entries(5, at: fixture.now))
        let latest = try await fixture.store.writeCheckpoint(keyring: fixture.keyring, at: fixture.now)
        #expect(latest.size > kept.size)
        let oversight = try await fixture.token(.oversight)
        let agency = try await fixture.token(.agency, source: "TXA")
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let uri = "/api/v1/audit/consistency?from=\(kept.size)"
            #expect(try await client.execute(uri: uri, method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(agency)"]).status == .forbidden)

            let response = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(oversight)"])
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.json["from"] as? Int == kept.size)
            #expect(response.json["to"] as? Int == latest.size)
            let proof = try #require(response.json["proof"] as? [String]).compactMap { Data(base64Encoded: $0) }
            let note = try #require(response.json["checkpoint"] as? String)
            let signed = try Checkpoint.open(note: note, publicKey: fixture.keyring.signingPublicKey, origin: fixture.keyring.auditOrigin)
            #expect(signed == latest)
            #expect(ConsistencyProof.verify(from: kept.size, to: signed.size, firstRoot: kept.rootHash, secondRoot: signed.rootHash, proof: proof))
            // A root the log never had is not joined by the same proof.
            #expect(!ConsistencyProof.verify(from: kept.size, to: signed.size, firstRoot: MerkleHash.leaf(Data("forged".utf8)),
                                             secondRoot: signed.rootHash, proof: proof))

            let beyond = try await client.execute(
                uri: "/api/v1/audit/consistency?from=\(latest.size + 1)", method: .get, headers: [.authorization: "Bearer \(oversight)"])
            #expect(beyond.status == .conflict)
            #expect(beyond.headers[.contentType] == "application/problem+json")
        }
    }
}
