import Foundation
import Testing
import VigilCrypto

/// The command line's files with secrets: born 0600, and a keyring others can read stops the command.
@Suite struct SecretFilesCommandTests {
    @Test func theDemoWritesItsKeyringAndCredentialsPrivate() throws {
        let work = try WorkDirectory()
        let demo = try work.vigil("demo", "--directory", work.path("demo"), "--people", "40", "--no-serve")
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(SecretFile.permissions(of: work.path("demo/credentials.json")) == 0o600)
        #expect(SecretFile.permissions(of: work.path("demo/vigil.keyring")) == 0o600)
    }

    @Test func aKeyringOthersCanReadStopsTheCommandWithTheFix() throws {
        let work = try WorkDirectory()
        #expect(try work.vigil("keys", "init", "--keyring", work.path("k.keyring")).status == 0)
        #expect(SecretFile.permissions(of: work.path("k.keyring")) == 0o600)
        #expect(chmod(work.path("k.keyring"), 0o644) == 0)
        let refused = try work.vigil("accounts", "create", "--role", "agency", "--name", "TXA", "--source", "TXA",
                                     "--database", work.path("v.sqlite"), "--keyring", work.path("k.keyring"))
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("chmod 600 \(work.path("k.keyring"))"), "\(refused.stderr)")
    }
}
