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
}
