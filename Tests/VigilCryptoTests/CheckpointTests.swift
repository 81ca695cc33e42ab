import Foundation
import Testing
@testable import VigilCrypto

@Suite struct CheckpointTests {
    let keyring = Keyring.generate()
    let root = Data((0..<32).map { UInt8($0) })

    @Test func aSignedCheckpointOpensToItself() throws {
        let checkpoint = Checkpoint(size: 1234, rootHash: root)
        let note = checkpoint.signedNote(keyring: keyring)
        #expect(try Checkpoint.open(note: note, publicKey: keyring.signingPublicKey) == checkpoint)
        let empty = Checkpoint(size: 0, rootHash: MerkleHash.emptyRoot)
        #expect(try Checkpoint.open(note: empty.signedNote(keyring: keyring), publicKey: keyring.signingPublicKey) == empty)
    }

    @Test func theNoteIsATlogCheckpointBodyABlankLineAndOneSignatureLine() throws {
        let note = Checkpoint(size: 1234, rootHash: root).signedNote(keyring: keyring)
        let body = "vigil/audit\n1234\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
        #expect(Checkpoint(size: 1234, rootHash: root).body == body)
        let prefix = body + "\n\u{2014} vigil/audit "
        #expect(note.hasPrefix(prefix))
        #expect(note.hasSuffix("\n"))
        let signatureLine = note.dropFirst(prefix.count).dropLast()
        let blob = try #require(Data(base64Encoded: String(signatureLine)))
        #expect(blob.count == 4 + 64)
        #expect(blob.prefix(4) == Checkpoint.keyID(publicKey: keyring.signingPublicKey))
        #expect(!signatureLine.contains(" ") && !signatureLine.contains("\n"))
    }

    @Test func anotherKeyDoesNotOpenTheNote() {
        let note = Checkpoint(size: 5, rootHash: root).signedNote(keyring: keyring)
        #expect(throws: CheckpointError.notSignedByKey(keyName: "vigil/audit")) {
            try Checkpoint.open(note: note, publicKey: Keyring.generate().signingPublicKey)
        }
    }

    @Test func anEditedBodyFailsTheSignature() {
        let note = Checkpoint(size: 1234, rootHash: root).signedNote(keyring: keyring)
        for edited in [
            note.replacingOccurrences(of: "\n1234\n", with: "\n1235\n"),
            note.replacingOccurrences(of: "AAECAwQF", with: "AAECAwQG"),
        ] {
            #expect(edited != note)
            #expect(throws: CheckpointError.signatureInvalid(keyName: "vigil/audit")) {
                try Checkpoint.open(note: edited, publicKey: keyring.signingPublicKey)
            }
        }
    }

    @Test func aSignatureByAnotherKeyBesideOursIsIgnored() throws {
        let note = Checkpoint(size: 9, rootHash: root).signedNote(keyring: keyring)
        let cosigned = note + "\u{2014} witness.example \(Data(repeating: 7, count: 68).base64EncodedString())\n"
        #expect(try Checkpoint.open(note: cosigned, publicKey: keyring.signingPublicKey).size == 9)
        let onlyForeign = Checkpoint(size: 9, rootHash: root).body
            + "\n\u{2014} witness.example \(Data(repeating: 7, count: 68).base64EncodedString())\n"
        #expect(throws: CheckpointError.notSignedByKey(keyName: "vigil/audit")) {
            try Checkpoint.open(note: onlyForeign, publicKey: keyring.signingPublicKey)
        }
    }

    @Test func aNoteOfAnotherLogIsRefusedEvenWhenValidlySigned() {
        let note = SignedNote.sign(
            text: "other.example/log\n3\n\(root.base64EncodedString())\n", keyName: "vigil/audit", key: keyring.signingKey)
        #expect(throws: CheckpointError.wrongOrigin(expected: "vigil/audit", found: "other.example/log")) {
            try Checkpoint.open(note: note, publicKey: keyring.signingPublicKey)
        }
    }

    @Test(arguments: [
        "vigil/audit\n012\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",  // leading zero
        "vigil/audit\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "vigil/audit\n12\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n",  // 31 bytes
        "vigil/audit\n12\n",
    ])
    func aSignedBodyThatIsNotACheckpointIsMalformed(text: String) {
        let note = SignedNote.sign(text: text, keyName: "vigil/audit", key: keyring.signingKey)
        expectMalformed(note)
    }

    @Test func envelopesThatAreNotSignedNotesAreMalformed() {
        let note = Checkpoint(size: 1, rootHash: root).signedNote(keyring: keyring)
        let noBlankLine = note.replacingOccurrences(of: "\n\n", with: "\n")
        let hyphen = note.replacingOccurrences(of: "\u{2014} ", with: "- ")
        let noFinalNewline = String(note.dropLast())
        for broken in [noBlankLine, hyphen, noFinalNewline, ""] { expectMalformed(broken) }
        #expect(throws: CheckpointError.invalidPublicKey) { try Checkpoint.open(note: note, publicKey: Data([1, 2, 3])) }
    }

    private func expectMalformed(_ note: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: CheckpointError.self, sourceLocation: sourceLocation) {
            try Checkpoint.open(note: note, publicKey: keyring.signingPublicKey)
        }
        guard case .malformed = error else {
            Issue.record("expected a malformed note, got \(String(describing: error))", sourceLocation: sourceLocation)
            return
        }
    }

    // MARK: The reference vector of Go's golang.org/x/mod/sumdb/note

    static let goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let goNote = goText
        + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    /// `PRIVATE+KEY+PeterNeumann+c74f20a3+AYEK…` and `PeterNeumann+c74f20a3+ARpc…`: 0x01 ‖ seed, 0x01 ‖ public key.
    static let goSeed = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"

    @Test func theGoReferenceNoteOpensAndOurKeyIDAndVerifierKeyMatchGos() throws {
        let signer = try keyring(signingSeed: try #require(Data(base64Encoded: Self.goSeed)).dropFirst())
        let publicKey = signer.signingPublicKey
        #expect((Data([1]) + publicKey).base64EncodedString() == "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        #expect(Checkpoint.keyID(name: "PeterNeumann", publicKey: publicKey) == Data([0xc7, 0x4f, 0x20, 0xa3]))
        #expect(Checkpoint.verifierKey(name: "PeterNeumann", publicKey: publicKey) == Self.goVerifierKey)
        #expect(try SignedNote.open(Self.goNote, keyName: "PeterNeumann", publicKey: publicKey) == Self.goText)
        #expect(throws: CheckpointError.signatureInvalid(keyName: "PeterNeumann")) {
            try SignedNote.open(
                Self.goNote.replacingOccurrences(of: "cryptography", with: "cryptographY"),
                keyName: "PeterNeumann", publicKey: publicKey)
        }
        #if !canImport(Darwin)
        // BoringSSL's Ed25519 is deterministic, so the whole note is reproduced byte for byte.
        // (CryptoKit on Apple platforms randomises Ed25519 signatures, which stay valid but differ.)
        #expect(SignedNote.sign(text: Self.goText, keyName: "PeterNeumann", key: signer.signingKey) == Self.goNote)
        #endif
    }

    /// A keyring whose signing key is the given 32-byte seed, through the keyring file format.
    private func keyring(signingSeed: Data) throws -> Keyring {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-note-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let zero = Data(count: 32).base64EncodedString()
        let file = """
            {"format": "vigil-keyring-v1", "active_encryption_key": "k1", "encryption_keys": {"k1": "\(zero)"},
             "index_key": "\(zero)", "signing_key": "\(signingSeed.base64EncodedString())"}
            """
        try SecretFile.write(Data(file.utf8), to: path)  // 0600: an open keyring is refused
        return try Keyring.load(path: path)
    }
}
