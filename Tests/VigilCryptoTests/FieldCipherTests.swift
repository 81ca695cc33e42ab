import Foundation
import Testing
@testable import VigilCrypto

@Suite struct FieldCipherTests {
    let keyring = Keyring.generate()

    @Test func sealedValueOpensToThePlaintext() throws {
        let cipher = FieldCipher(keyring: keyring)
        let sealed = cipher.seal("Quivaldo Tresmarin", field: "person.family_name")
        #expect(try cipher.open(sealed, field: "person.family_name") == "Quivaldo Tresmarin")
    }

    @Test func sealedValueHidesThePlaintextAndNamesItsKey() {
        let sealed = FieldCipher(keyring: keyring).seal("912345678", field: "person.a_number")
        #expect(sealed.range(of: Data("912345678".utf8)) == nil)
        #expect(FieldCipher.keyID(of: sealed) == keyring.activeKeyID)
    }

    @Test func sealingTwiceGivesDifferentCiphertexts() {
        let cipher = FieldCipher(keyring: keyring)
        #expect(cipher.seal("Zanorel", field: "f") != cipher.seal("Zanorel", field: "f"))
    }

    @Test func aValueSealedForOneFieldCannotBeOpenedAsAnother() {
        let cipher = FieldCipher(keyring: keyring)
        let sealed = cipher.seal("1990-04-02", field: "person.date_of_birth")
        #expect(throws: KeyringError.decryptionFailed(field: "person.family_name")) {
            try cipher.open(sealed, field: "person.family_name")
        }
    }

    @Test func tamperedCiphertextIsRefused() {
        let cipher = FieldCipher(keyring: keyring)
        var sealed = cipher.seal("Belquira", field: "f")
        sealed[sealed.count - 1] ^= 0x01
        #expect(throws: KeyringError.decryptionFailed(field: "f")) { try cipher.open(sealed, field: "f") }
    }

    @Test func anotherKeyringCannotOpenTheValue() {
        let sealed = FieldCipher(keyring: keyring).seal("Belquira", field: "f")
        let other = FieldCipher(keyring: Keyring.generate())
        #expect(throws: KeyringError.self) { try other.open(sealed, field: "f") }
    }

    @Test func rotationKeepsOldValuesReadableAndSealsNewOnesWithTheNewKey() throws {
        var rotating = keyring
        let old = FieldCipher(keyring: rotating).seal("Trovandi", field: "f")
        let newID = rotating.rotate(now: Date().addingTimeInterval(10))
        #expect(newID != keyring.activeKeyID)
        let cipher = FieldCipher(keyring: rotating)
        #expect(try cipher.open(old, field: "f") == "Trovandi")
        #expect(FieldCipher.keyID(of: cipher.seal("x", field: "f")) == newID)
    }

    @Test func garbageIsNotASealedValue() {
        #expect(throws: KeyringError.malformedCiphertext(field: "f")) {
            try FieldCipher(keyring: keyring).open(Data([9, 9, 9]), field: "f")
        }
    }
}

@Suite struct BlindIndexTests {
    @Test func tokensAreDeterministicTruncatedAndPurposeSeparated() {
        let keyring = Keyring.generate()
        let index = BlindIndex(keyring: keyring)
        let a = index.token("912345678", purpose: .aNumber)
        #expect(a.count == BlindIndex.length)
        #expect(a == index.token("912345678", purpose: .aNumber))
        #expect(a != index.token("912345679", purpose: .aNumber))
        #expect(a != index.token("912345678", purpose: .nameAndBirth))
        #expect(a != BlindIndex(keyring: Keyring.generate()).token("912345678", purpose: .aNumber))
    }
}

@Suite struct KeyringFileTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vigil-keyring-\(UUID().uuidString)").path
    }

    @Test func writtenKeyringLoadsWithTheSameKeysAndMode0600() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let keyring = Keyring.generate()
        try keyring.write(to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let loaded = try Keyring.load(path: path)
        #expect(loaded.activeKeyID == keyring.activeKeyID)
        #expect(loaded.signingPublicKey == keyring.signingPublicKey)
        let sealed = FieldCipher(keyring: keyring).seal("Velandro", field: "f")
        #expect(try FieldCipher(keyring: loaded).open(sealed, field: "f") == "Velandro")
        #expect(BlindIndex(keyring: loaded).token("1", purpose: .aNumber) == BlindIndex(keyring: keyring).token("1", purpose: .aNumber))
    }

    @Test func writingOverAnExistingKeyringIsRefused() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Keyring.generate().write(to: path)
        #expect(throws: KeyringError.alreadyExists(path: path)) { try Keyring.generate().write(to: path) }
    }

    @Test func aMissingOrDamagedKeyringSaysSo() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: KeyringError.cannotRead(path: path)) { try Keyring.load(path: path) }
        try Data("{\"format\":\"something-else\"}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: KeyringError.malformed(path: path, reason: "not a vigil-keyring-v1 file")) {
            try Keyring.load(path: path)
        }
    }
}
