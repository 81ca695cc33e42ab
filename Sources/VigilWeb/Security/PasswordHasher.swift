import HummingbirdBcrypt
import NIOPosix

/// bcrypt, off the event loop: a hash or a check takes tens of milliseconds of CPU, which would
/// stall every connection on the loop that ran it.
public enum PasswordHasher {
    /// Cost 12: about a quarter of a second per guess on this class of machine.
    public static let cost: UInt8 = 12
    /// Passwords shorter than this are refused when set.
    public static let minimumLength = 12

    public static func hash(_ password: String, cost: UInt8 = cost) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// Checked against for an unknown login, so that a wrong login costs as long as a wrong password
    /// and the time of an answer does not tell which logins exist.
    static let decoy = Bcrypt.hash("vigil-decoy-password-never-valid", cost: cost)
}
