import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import VigilServer

/// A client that stalls does not keep a connection.
@Suite(.serialized) struct TimeoutTests {
    @Test(.timeLimit(.minutes(1))) func aHalfSentRequestIsClosedAfterTheIdleTimeout() async throws {
        let fixture = try await ServerFixture()
        var configuration = ServerConfiguration()
        configuration.idleTimeout = .seconds(1)
        let app = try VigilServer.application(store: fixture.store, keyring: fixture.keyring, configuration: configuration, logger: fixture.logs.logger)
        try await app.test(.live) { client async throws in
            let connection = try RawConnection(port: try #require(client.port), timeout: 25)
            let started = Date()
            connection.send("POST /api/v1/lookup HTTP/1.1\r\nHost: localhost\r\nContent-Le")
            // Without the idle timeout the connection would stay open until the read gives up (25 s). The
            // margin is for a loaded CI machine, whose event loops can be late by seconds.
            let answer = await connection.closed()
            #expect(answer != nil, "still open after 25 s")
            #expect(Date().timeIntervalSince(started) < 15)
        }
    }

    @Test(.timeLimit(.minutes(1))) func aBodyTrickledByteByByteIsCutOffAtTheDeadline() async throws {
        let fixture = try await ServerFixture()
        let app = Application(router: try fixture.router { $0.bodyDeadline = .milliseconds(1500) })
        try await app.test(.live) { client async throws in
            let connection = try RawConnection(port: try #require(client.port), timeout: 25)
            let started = Date()
            connection.send("POST /api/v1/lookup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            // A byte every 300 ms for 24 s: never idle, never done.
            // On a thread of its own, so that a busy concurrency pool cannot stop the trickle.
            let trickle = Thread {
                for _ in 0..<80 where !Thread.current.isCancelled {
                    Thread.sleep(forTimeInterval: 0.3)
                    connection.send(" ")
                }
            }
            trickle.start()
            let answer = await connection.closed()
            trickle.cancel()
            // Only the deadline answers 408, and it must have cut the trickle (24 s of it) short.
            #expect(answer?.hasPrefix("HTTP/1.1 408") == true)
            #expect(Date().timeIntervalSince(started) < 15)
        }
    }
}
