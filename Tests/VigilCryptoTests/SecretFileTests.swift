import Foundation
import Testing
@testable import VigilCrypto

/// Files with secrets are born 0600, and a keyring that others can read is refused with the fix in words.
@Suite struct SecretFileTests {
    func temporaryPath(_ name: String) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-secret-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }

    @Test func aSecretFileIsWrittenWholeWithMode0600AndNoLeftovers() throws {
        let path = temporaryPath("credentials.json")
        try SecretFile.write(Data("{\"token\":\"synthetic\"}".utf8), to: path)
        #expect(SecretFile.permissions(of: path) == 0o600)
        #expect(FileManager.default.contents(atPath: path) == Data("{\"token\":\"synthetic\"}".utf8))
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["credentials.json"])
    }

    @Test func anExistingWorldReadableFileIsReplacedByAPrivateOne() throws {
        let path = temporaryPath("credentials.json")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644]))
        try SecretFile.write(Data("new".utf8), to: path)
        #expect(SecretFile.permissions(of: path) == 0o600)
        #expect(FileManager.default.contents(atPath: path) == Data("new".utf8))
    }

    @Test func aMissingFolderIsAnErrorNotACrash() {
        #expect(throws: SecretFile.Failure.self) {
            try SecretFile.write(Data("x".utf8), to: "/nonexistent-\(UUID().uuidString)/secret")
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o606, 0o700 | 0o044])
    func aKeyringOthersCanReadIsRefusedWithTheFix(mode: Int) throws {
        let path = temporaryPath("vigil.keyring")
        try Keyring.generate().write(to: path)
        #expect(chmod(path, mode_t(mode)) == 0)
        do {
            _ = try Keyring.load(path: path)
            Issue.record("a keyring with mode \(String(mode, radix: 8)) must be refused")
        } catch {
            #expect(error == .tooOpen(path: path, mode: mode_t(mode)))
            #expect(error.description.contains("chmod 600 \(path)"))
        }
    }

    @Test func aKeyringOnlyItsOwnerCanReadLoads() throws {
        let path = temporaryPath("vigil.keyring")
        let keyring = Keyring.generate()
        try keyring.write(to: path)
        #expect(SecretFile.permissions(of: path) == 0o600)
        #expect(try Keyring.load(path: path).signingPublicKey == keyring.signingPublicKey)
        #expect(chmod(path, 0o400) == 0)
        #expect(try Keyring.load(path: path).signingPublicKey == keyring.signingPublicKey)
    }
}
