import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection driven by hand, for the requests an HTTP client will not send: half a request,
/// a body one byte at a time.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    /// Connects to `localhost:port` (where the live test server listens), waiting at most `timeout` on each read.
    init(port: Int, timeout: TimeInterval) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo("localhost", String(port), &hints, &list) == 0, let first = list else { throw POSIXError(.EHOSTUNREACH) }
        defer { freeaddrinfo(list) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var connected: Int32 = -1
        while let info = candidate, connected < 0 {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0, connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                connected = fd
            } else if fd >= 0 {
                close(fd)
            }
            candidate = info.pointee.ai_next
        }
        guard connected >= 0 else { throw POSIXError(.ECONNREFUSED) }
        descriptor = connected
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// ``readUntilClosed()`` on a thread of its own: a blocking read must not hold one of the two threads
    /// Swift's concurrency pool has here, which the server under test (and the rest of the suite) needs.
    func closed() async -> String? {
        await withCheckedContinuation { done in
            Thread { done.resume(returning: self.readUntilClosed()) }.start()
        }
    }

    /// Everything the server sends until it closes the connection, or `nil` if it is still open
    /// when the read timeout passes.
    func readUntilClosed() -> String? {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { received += buffer[0..<count]; continue }
            if count == 0 || errno == ECONNRESET { return String(decoding: received, as: UTF8.self) }
            return nil
        }
    }
}
