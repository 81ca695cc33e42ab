import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigilCore
@testable import VigilServer

/// Nobody follows a person without a case code an agency issued for that person.
@Suite struct RegistrationTests {
    func post(_ client: some TestClientProtocol, _ path: String, _ json: String, token: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    @Test func anAgencyCodeRegistersOnceAndTheVictimSeesTheirCaseOnly() async throws {
        let fixture = try await ServerFixture()
        let agency = try await fixture.token(.agency, source: "TXA")
        let other = try await fixture.token(.agency, source: "AZB")
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            let recordID = fixture.people[.released]!.sourceRecordID
            // Only the agency that holds the record can issue a code for it.
            #expect(try await post(client, "/api/v1/cases", #"{"source_record_id":"\#(recordID)"}"#).status == .unauthorized)
            #expect(try await post(client, "/api/v1/cases", #"{"source_record_id":"\#(recordID)"}"#, token: other).status == .notFound)
            let issued = try await post(client, "/api/v1/cases", #"{"source_record_id":"\#(recordID)"}"#, token: agency)
            #expect(issued.status == .created)
            let code = try #require(issued.json["case_code"] as? String)

            let bogus = try await post(client, "/api/v1/registrations",
                                       #"{"case_code":"AAAA-BBBB-CCCC-DDDD","channel":"email","address":"v@example.org","language":"en"}"#)
            #expect(bogus.status == .badRequest)
            #expect(bogus.json["type"] as? String == "urn:vigil:problem:invalid-case-code")

            let body = #"{"case_code":"\#(code.lowercased())","channel":"webhook","address":"http://127.0.0.1:9/hook","language":"es"}"#
            let registered = try await post(client, "/api/v1/registrations", body)
            #expect(registered.status == .created)
            let token = try #require(registered.json["token"] as? String)
            #expect((registered.json["webhook_secret"] as? String)?.hasPrefix("whsec_") == true)
            // A code works once.
            #expect(try await post(client, "/api/v1/registrations", body).status == .badRequest)

            // The victim tier sees the release date and type of their own case.
            let me = try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(me.status == .ok)
            let custody = try #require((me.json["lookup"] as? [String: Any])?["custody"] as? [String: Any])
            #expect(custody["status"] as? String == "released")
            #expect(custody["release_reason"] as? String == "bond")
            #expect(custody["status_date"] is String)
            #expect(custody["record"] == nil)

            let cancelled = try await client.execute(uri: "/api/v1/registrations/me", method: .delete, headers: [.authorization: "Bearer \(token)"])
            #expect(cancelled.status == .noContent)
            // A cancelled registration's token opens nothing.
            let after = try await client.execute(uri: "/api/v1/registrations/me", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(after.status == .unauthorized)
        }
    }

    @Test func addressesAreCheckedPerChannelWithoutEchoingThem() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router())
        try await app.test(.router) { client in
            for (channel, address) in [("webhook", "http://203.0.113.9/hook"), ("email", "not-an-address"), ("sms", "7035550199")] {
                let response = try await post(client, "/api/v1/registrations",
                                              #"{"case_code":"X","channel":"\#(channel)","address":"\#(address)","language":"en"}"#)
                #expect(response.status == .badRequest)
                #expect(!response.text.contains(address))
            }
            let ack = try await post(client, "/api/v1/acknowledgements", #"{"message_id":"msg_x","pin":"000000"}"#)
            #expect(ack.status == .badRequest)
        }
    }
}
