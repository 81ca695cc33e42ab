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

    /// The stored indexes and fingerprints of existing databases depend on these exact bytes:
    /// HMAC-SHA256(index key, purpose ‖ 0x00 ‖ value) truncated to 16 bytes, checked against
    /// values computed independently (Python's hmac) for the index key 0x01…0x20.
    @Test func tokensMatchKnownAnswers() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-kat-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
        let json = """
            {"format":"vigil-keyring-v1","active_encryption_key":"k1","encryption_keys":{"k1":"\(key)"},\
            "index_key":"\(key)","signing_key":"\(key)"}
            """
        // Mode 0600: a keyring others could read is refused before it is parsed.
        #expect(FileManager.default.createFile(atPath: path, contents: Data(json.utf8), attributes: [.posixPermissions: 0o600]))
        let index = BlindIndex(keyring: try Keyring.load(path: path))
        #expect(index.token("912345678", purpose: .aNumber).hexString == "0f0ede6efad089b538df40bada06fe9e")
        #expect(index.token("", purpose: .nameAndBirth).hexString == "398ae1ae0711b8cc43942a005ebe215d")
        #expect(index.token(joining: ["BENCH", "BK-1", "", "Zoë"], separator: 0x1F, purpose: .rowFingerprint).hexString
            == "663717a06642fcf7873c79c896759d5f")
    }

    @Test func aJoinedTokenEqualsTheTokenOfTheJoinedString() {
        let index = BlindIndex(keyring: Keyring.generate())
        for parts in [["BENCH", "BK-1", "", "Zoë", "1990-01-02"], ["only"], [], ["", ""]] {
            #expect(index.token(joining: parts, separator: 0x1F, purpose: .rowFingerprint)
                == index.token(parts.joined(separator: "\u{1F}"), purpose: .rowFingerprint))
        }
    }
}

@Suite struct SealAllTests {
    @Test func eachValueOpensAsItsOwnFieldUnderItsOwnNonce() throws {
        let cipher = FieldCipher(keyring: Keyring.generate())
        let values: [(plaintext: String, field: String)] = [
            ("Quivaldo", "person.family_name"), ("Tresmarin", "person.given_name"), ("912345678", "person.a_number"),
            ("Quivaldo", "person.family_name"),
        ]
        let sealed = cipher.sealAll(values)
        #expect(sealed.count == values.count)
        for (value, box) in zip(values, sealed) { #expect(try cipher.open(box, field: value.field) == value.plaintext) }
        #expect(sealed[0] != sealed[3])  // same plaintext and field, different nonce
        #expect(Set(sealed.map { $0.dropFirst(2 + Int($0[1])).prefix(12) }).count == values.count)
        #expect(cipher.sealAll([]).isEmpty)
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
        try SecretFile.write(Data("{\"format\":\"something-else\"}".utf8), to: path)
        #expect(throws: KeyringError.malformed(path: path, reason: "not a vigil-keyring-v1 file")) {
            try Keyring.load(path: path)
        }
    }
}

private extension Data {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
