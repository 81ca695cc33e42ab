import Crypto
import Foundation

/// Standard Webhooks signing (https://www.standardwebhooks.com): the receiver checks
/// `webhook-signature: v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`.
/// Secrets are `whsec_` + base64 of 32 random bytes; the key is the decoded bytes.
public struct WebhookSecret: Sendable, Equatable {
    public let key: Data

    public init(key: Data) { self.key = key }

    public static func generate() -> WebhookSecret {
        WebhookSecret(key: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// Parses `whsec_<base64>`.
    public init?(encoded: String) {
        guard encoded.hasPrefix("whsec_"), let key = Data(base64Encoded: String(encoded.dropFirst(6))), !key.isEmpty else {
            return nil
        }
        self.key = key
    }

    public var encoded: String { "whsec_" + key.base64EncodedString() }

    /// The `webhook-signature` header value for one message.
    public func signature(id: String, timestamp: Int64, body: Data) -> String {
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Whether any `v1,` signature in a (space-separated) header value is valid, in constant time.
    public func verify(signatureHeader: String, id: String, timestamp: Int64, body: Data) -> Bool {
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        for candidate in signatureHeader.split(separator: " ") where candidate.hasPrefix("v1,") {
            guard let mac = Data(base64Encoded: String(candidate.dropFirst(3))) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: SymmetricKey(data: key)) {
                return true
            }
        }
        return false
    }
}

/// One-time secrets handed to people: case codes, registration tokens, acknowledgement PINs.
public enum OneTimeSecret {
    /// A case code a victim can read out or type: 4 groups of 4 from an alphabet without 0/O, 1/I/L.
    public static func caseCode() -> String {
        let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return stride(from: 0, to: 16, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// Case codes are compared without dashes, spaces or case.
    public static func normalizeCaseCode(_ code: String) -> String {
        code.uppercased().filter { $0.isLetter || $0.isNumber }
    }

    /// A six-digit acknowledgement PIN.
    public static func pin() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = Int.random(in: 0..<1_000_000, using: &generator)
        let digits = String(value)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// The stored form of any of these: SHA-256 hex. Case codes carry 80 bits and tokens 256 bits;
    /// PINs are short, so they are only ever checked together with a message id and a attempt limit.
    public static func hash(_ secret: String) -> String {
        AccountToken.hash(secret)
    }
}
