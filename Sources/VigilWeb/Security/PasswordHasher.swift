import HummingbirdBcrypt
import NIOPosix

/// bcrypt, off the event loop: a hash or a check takes tens of milliseconds of CPU, which would
/// stall every connection on the loop that ran it.
public enum PasswordHasher {
    /// Cost 12: about a quarter of a second per guess on this class of machine.
    public static let cost: UInt8 = 12
    /// Passwords shorter than this are refused when set.
    public static let minimumLength = 12
    /// bcrypt reads the first 72 bytes and ignores the rest, so a longer password is refused rather than
    /// silently cut (two passwords sharing 72 bytes would otherwise both work).
    public static let maximumBytes = 72

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case tooLong

        public var description: String {
            "a password must be at most \(PasswordHasher.maximumBytes) bytes (UTF-8) long: bcrypt would ignore the rest"
        }
    }

    public static func hash(_ password: String, cost: UInt8 = cost) async throws -> String {
        guard password.utf8.count <= maximumBytes else { throw Refusal.tooLong }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// A password over ``maximumBytes`` never verifies: no such password can have been set.
    public static func verify(_ password: String, hash: String) async throws -> Bool {
        guard password.utf8.count <= maximumBytes else {
            _ = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify("", hash: hash) }  // the same time as a real check
            return false
        }
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Checked against for an unknown login, so that a wrong login costs as long as a wrong password
    /// and the time of an answer does not tell which logins exist.
    static let decoy = Bcrypt.hash("vigil-decoy-password-never-valid", cost: cost)
}
