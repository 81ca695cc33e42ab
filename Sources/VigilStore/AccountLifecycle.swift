import VigilCore

/// An account as `vigil accounts list` shows it: no token, no password hash.
public struct AccountListing: Sendable, Equatable {
    public var account: Account
    /// The web sign-in name, for advocates and oversight who have one.
    public var login: String?
    /// When the account is locked out of web sign-in after repeated failures, until when.
    public var lockedUntil: Timestamp?

    public init(account: Account, login: String?, lockedUntil: Timestamp?) {
        self.account = account
        self.login = login
        self.lockedUntil = lockedUntil
    }
}

/// When repeated wrong passwords lock an account out of web sign-in. NIST SP 800-63B §5.2.2 allows at
/// most 100 consecutive failures; Vigil stops far sooner: 10 failures within 15 minutes lock the account
/// for 15 minutes and raise a `sign_in_locked` alert for oversight. The owner's bearer token keeps
/// working (it is not a password), so an attacker cannot cut an agency off by guessing at its login.
public struct SignInLockout: Sendable, Equatable {
    public var maximumFailures: Int
    /// Seconds within which failures are counted together.
    public var window: Int64
    /// Seconds a lock lasts.
    public var duration: Int64

    public init(maximumFailures: Int = 10, window: Int64 = 900, duration: Int64 = 900) {
        self.maximumFailures = maximumFailures
        self.window = window
        self.duration = duration
    }
}

/// The life of an account after `accounts create`: listed, disabled at once, its token replaced,
/// its web sessions ended, and its web sign-in locked after repeated failures. Every change is audited.
public protocol AccountLifecycleStore: Sendable {
    /// Every account, by id.
    func listAccounts() async throws -> [AccountListing]
    /// Disables (or enables again) an account: a disabled account's token and web sessions stop working
    /// at the next request, because both are checked against the account on every request.
    func setAccountDisabled(id: Int64, disabled: Bool, at: Timestamp) async throws
    /// Replaces an account's bearer token hash: the old token stops working at once.
    func replaceAccountToken(id: Int64, tokenHash: String, at: Timestamp) async throws
    /// The generation a web session must carry to be valid; nil for an unknown account.
    func webSessionGeneration(accountID: Int64) async throws -> Int64?
    /// Ends every web session of the account (sign-out): cookies issued before stop working, even replayed.
    func endWebSessions(accountID: Int64, at: Timestamp) async throws
    /// Until when the account's web sign-in is locked, if it is now.
    func signInLockedUntil(accountID: Int64, at: Timestamp) async throws -> Timestamp?
    /// Counts one failed sign-in. Returns true when this failure locked the account; the lock, its audit
    /// entry and the alert to oversight are written together.
    func recordFailedSignIn(accountID: Int64, policy: SignInLockout, at: Timestamp) async throws -> Bool
    /// Forgets the failures after a successful sign-in.
    func clearFailedSignIns(accountID: Int64) async throws
}

/// The arithmetic of a failed sign-in, shared by both stores so that they lock at the same moment.
package struct FailedSignInCount: Equatable {
    package var failures: Int
    package var firstFailure: Int64?
    package var lockedUntil: Int64?

    package init(failures: Int, firstFailure: Int64?, lockedUntil: Int64?) {
        self.failures = failures
        self.firstFailure = firstFailure
        self.lockedUntil = lockedUntil
    }

    /// The state after one more failure at `now`, and whether it locks the account.
    package func adding(failureAt now: Int64, policy: SignInLockout) -> (FailedSignInCount, locks: Bool) {
        if let lockedUntil, lockedUntil > now { return (self, false) }
        var next = self
        if next.firstFailure.map({ now - $0 >= policy.window }) ?? true {
            next.failures = 0
            next.firstFailure = now
        }
        next.failures += 1
        next.lockedUntil = nil
        guard next.failures >= policy.maximumFailures else { return (next, false) }
        return (FailedSignInCount(failures: 0, firstFailure: nil, lockedUntil: now + policy.duration), true)
    }
}
