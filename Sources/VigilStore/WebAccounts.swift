import VigilCore

/// An account that can sign in to the web pages with a login and a password, as stored.
public struct PasswordAccount: Sendable, Equatable {
    public var account: Account
    /// A bcrypt hash (`$2b$…`); the password itself is never stored.
    public var passwordHash: String

    public init(account: Account, passwordHash: String) {
        self.account = account
        self.passwordHash = passwordHash
    }
}

/// A registration an advocate made for a victim they serve, as the advocate's case list shows it.
/// No contact details: the list does not need them.
public struct AdvocateCase: Sendable, Equatable {
    public var registrationID: Int64
    public var personID: Int64
    public var channel: NotificationChannel
    public var language: NoticeLanguage
    public var status: String
    public var createdAt: Timestamp

    public init(registrationID: Int64, personID: Int64, channel: NotificationChannel, language: NoticeLanguage, status: String, createdAt: Timestamp) {
        self.registrationID = registrationID
        self.personID = personID
        self.channel = channel
        self.language = language
        self.status = status
        self.createdAt = createdAt
    }
}

/// What the web pages need beyond bearer tokens: password sign-in for advocates and oversight,
/// and the link from a registration to the advocate who made it.
public protocol WebAccountStore: Sendable {
    /// Gives an account a login (unique) and a bcrypt password hash, replacing any earlier ones.
    func setPassword(accountID: Int64, login: String, passwordHash: String, at: Timestamp) async throws
    /// The account that signs in with `login`, with its hash, or nil.
    func passwordAccount(login: String) async throws -> PasswordAccount?
    /// An account by id, for a session cookie that names it (a disabled account must stop working).
    func account(id: Int64) async throws -> Account?
    /// Records that an advocate account made this registration (it then appears in their case list).
    func linkRegistration(id: Int64, advocateAccountID: Int64, at: Timestamp) async throws
    /// The registrations an advocate made, newest first.
    func advocateCases(accountID: Int64) async throws -> [AdvocateCase]
}

/// Why a login cannot be used.
public enum WebAccountError: Error, Equatable, CustomStringConvertible {
    case loginTaken(String)
    case noSuchAccount(Int64)

    public var description: String {
        switch self {
        case .loginTaken(let login): "the login \(login) is already used by another account: choose another"
        case .noSuchAccount(let id): "there is no account \(id)"
        }
    }
}
