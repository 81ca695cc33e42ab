import Crypto
import Foundation

/// Bearer tokens: 256 random bits, shown once, stored as a SHA-256 hash.
public enum AccountToken {
    public static func generate() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: .min ... .max, using: &generator) }
        let base64url = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "vgl_" + base64url
    }

    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hexString
    }
}

/// A victim's registration token: like an account token, but marked so that the server knows
/// which table to look it up in.
public enum RegistrationToken {
    public static let prefix = "vgr_"

    public static func generate() -> String { prefix + AccountToken.generate().dropFirst(4) }
}
