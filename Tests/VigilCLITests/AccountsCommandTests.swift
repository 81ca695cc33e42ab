import Foundation
import Testing
import VigilCrypto
import VigilStore

/// `vigil accounts create` with a web password, read from stdin or a file, never from the command line.
@Suite struct AccountsCommandTests {
    /// Runs vigil with `input` on its standard input.
    func vigil(_ work: WorkDirectory, _ arguments: [String], input: String) throws -> VigilProcess.Result {
        let process = Process()
        process.executableURL = VigilProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = work.url
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return .init(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    @Test func anAdvocateGetsALoginAndABcryptPassword() async throws {
        let work = try WorkDirectory()
        let created = try vigil(work, ["accounts", "create", "--role", "advocate", "--name", "Victim services", "--login", "vs-one",
                                       "--password-stdin"], input: "a long enough passphrase\n")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("web sign-in: login vs-one") && !created.stdout.contains("passphrase"))

        try work.write("pw.txt", "another long passphrase\n")
        let fromFile = try work.vigil("accounts", "create", "--role", "oversight", "--name", "Privacy office", "--login", "po-one",
                                      "--password-file", work.path("pw.txt"))
        #expect(fromFile.status == 0, "\(fromFile.stderr)")

        let store = try SQLiteStore(path: work.path("vigil.sqlite"), keyring: try Keyring.load(path: work.path("vigil.sqlite.keyring")))
        let advocate = try #require(try await store.passwordAccount(login: "vs-one"))
        #expect(advocate.account.tier == .advocate && advocate.passwordHash.hasPrefix("$2"))
        #expect(!advocate.passwordHash.contains("passphrase"))
        #expect(try await store.passwordAccount(login: "po-one")?.account.tier == .oversight)
    }

    @Test func badPasswordOptionsAreRefusedClearly() throws {
        let work = try WorkDirectory()
        let short = try vigil(work, ["accounts", "create", "--role", "advocate", "--name", "A", "--login", "a", "--password-stdin"], input: "short\n")
        #expect(short.status != 0 && short.stderr.contains("at least 12 characters"))
        let agency = try work.vigil("accounts", "create", "--role", "agency", "--name", "TXA", "--login", "t", "--password-file", "x")
        #expect(agency.status != 0 && agency.stderr.contains("agencies sign in to the web pages with their API key"))
        let noLogin = try work.vigil("accounts", "create", "--role", "advocate", "--name", "A", "--password-file", "x")
        #expect(noLogin.status != 0 && noLogin.stderr.contains("--login and a password"))
        try work.write("pw.txt", "a long enough passphrase\n")
        #expect(try work.vigil("accounts", "create", "--role", "advocate", "--name", "A", "--login", "same", "--password-file", work.path("pw.txt")).status == 0)
        let taken = try work.vigil("accounts", "create", "--role", "advocate", "--name", "B", "--login", "same", "--password-file", work.path("pw.txt"))
        #expect(taken.status != 0 && taken.stderr.contains("already used"))
    }

    @Test func passwordsOver72BytesAreRefusedRatherThanCut() throws {
        let work = try WorkDirectory()
        let long = try vigil(work, ["accounts", "create", "--role", "advocate", "--name", "A", "--login", "a", "--password-stdin"],
                             input: String(repeating: "x", count: 73) + "\n")
        #expect(long.status != 0 && long.stderr.contains("at most 72 bytes"), "\(long.stderr)")
    }

    @Test func accountsAreListedDisabledAndGivenANewTokenFromTheCommandLine() async throws {
        let work = try WorkDirectory()
        let created = try work.vigil("accounts", "create", "--role", "agency", "--name", "TXA", "--json")
        #expect(created.status == 0, "\(created.stderr)")
        let id = try #require(try created.json()["id"] as? String)
        let firstToken = try #require(try created.json()["token"] as? String)
        try work.write("pw.txt", "a long enough passphrase\n")
        #expect(try work.vigil("accounts", "create", "--role", "advocate", "--name", "Victim services", "--login", "vs-one",
                               "--password-file", work.path("pw.txt")).status == 0)

        let listed = try work.vigil("accounts", "list")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("\(id)\tagency\tactive\tTXA (source TXA)"), "\(listed.stdout)")
        #expect(listed.stdout.contains("\tadvocate\tactive\tVictim services (login vs-one)"))
        #expect(!listed.stdout.contains(firstToken) && !listed.stdout.contains("$2"), "no token, no hash")

        let rotated = try work.vigil("accounts", "rotate-token", id)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let newToken = try #require(rotated.stdout.split(separator: "\n").last.map(String.init))
        #expect(newToken.hasPrefix(String(firstToken.prefix(4))) && newToken != firstToken)

        let disabled = try work.vigil("accounts", "disable", id)
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(try work.vigil("accounts", "list").stdout.contains("\(id)\tagency\tdisabled\tTXA"))
        #expect(try work.vigil("accounts", "disable", "999").stderr.contains("there is no account 999"))

        let store = try SQLiteStore(path: work.path("vigil.sqlite"), keyring: try Keyring.load(path: work.path("vigil.sqlite.keyring")))
        #expect(try await store.account(tokenHash: AccountToken.hash(firstToken)) == nil, "the old token is gone")
        #expect(try await store.account(tokenHash: AccountToken.hash(newToken))?.disabled == true)
        let actions = try await store.auditEntries(after: -1, limit: 100).compactMap { $0.entry.fields["action"] }
        #expect(actions.contains("token_rotated") && actions.contains("account_disabled"))
        #expect(try await store.verifyAudit(publicKey: try Keyring.load(path: work.path("vigil.sqlite.keyring")).signingPublicKey).isIntact)
    }
}
