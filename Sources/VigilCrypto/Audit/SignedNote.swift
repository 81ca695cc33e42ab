import Crypto
import Foundation

/// C2SP signed notes (https://c2sp.org/signed-note) with Ed25519: the envelope of a checkpoint.
///
/// A note is UTF-8 text ending in a newline, a blank line, then one line per signature:
///
///     <text, ending in \n>
///     \n
///     — <key name> <base64(key ID ‖ signature)>\n
///
/// The dash is U+2014 EM DASH. The key ID is the first 4 bytes of
/// `SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)`, 0x01 naming the Ed25519 algorithm; the
/// signature covers the text bytes exactly, final newline included. This is the format of Go's
/// `golang.org/x/mod/sumdb/note`, so oversight can check Vigil's notes with standard tools.
enum SignedNote {
    /// The signature-type byte of Ed25519 in key IDs and verifier keys.
    static let ed25519: UInt8 = 0x01
    /// U+2014 EM DASH and a space, which start every signature line.
    private static let signaturePrefix: [UInt8] = Array("\u{2014} ".utf8)

    static func keyID(name: String, publicKey: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: Data(name.utf8))
        hasher.update(data: [0x0A, ed25519])
        hasher.update(data: publicKey)
        return Data(hasher.finalize().prefix(4))
    }

    /// `name+<key ID in hex>+<base64(0x01 ‖ public key)>`: how Go's note package and C2SP witnesses
    /// are told which key to trust.
    static func verifierKey(name: String, publicKey: Data) -> String {
        let id = keyID(name: name, publicKey: publicKey).hexString
        return "\(name)+\(id)+\((Data([ed25519]) + publicKey).base64EncodedString())"
    }

    /// `text` (which must end in a newline), a blank line and one Ed25519 signature by `keyName`.
    static func sign(text: String, keyName: String, key: Curve25519.Signing.PrivateKey) -> String {
        let publicKey = key.publicKey.rawRepresentation
        // Ed25519 signing fails only on an internal library error: there is no input it refuses.
        let signature = try! key.signature(for: Data(text.utf8))
        let blob = keyID(name: keyName, publicKey: publicKey) + signature
        return text + "\n\u{2014} \(keyName) \(blob.base64EncodedString())\n"
    }

    /// The text of `note`, once a signature by `keyName` with `publicKey` verifies over it.
    ///
    /// Signatures by other keys are ignored, as the spec requires (a note may carry a witness's
    /// cosignature beside ours). A signature that names our key but does not verify is an error,
    /// never skipped.
    static func open(_ note: String, keyName: String, publicKey: Data) throws(CheckpointError) -> String {
        guard let verifier = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw .invalidPublicKey
        }
        let bytes = Array(note.utf8)
        guard let split = lastBlankLine(bytes) else {
            throw .malformed(reason: "no blank line separates the text from its signatures")
        }
        let text = bytes[...split]  // up to and including the text's final newline
        let signatures = bytes[(split + 2)...]
        guard text.allSatisfy({ $0 >= 0x20 || $0 == 0x0A }) else {
            throw .malformed(reason: "the text holds a control character")
        }
        guard signatures.last == 0x0A else { throw .malformed(reason: "the signature lines do not end with a newline") }

        let expectedID = keyID(name: keyName, publicKey: publicKey)
        var verified = false
        for line in signatures.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false) {
            guard line.starts(with: signaturePrefix) else {
                throw .malformed(reason: "a signature line does not start with an em dash and a space")
            }
            let fields = line.dropFirst(signaturePrefix.count).split(separator: 0x20, omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty,
                  let blob = Data(base64Encoded: Data(fields[1])), blob.count > 4
            else { throw .malformed(reason: "a signature line is not `— <key name> <base64>`") }
            guard fields[0].elementsEqual(keyName.utf8), blob.prefix(4) == expectedID else { continue }
            guard verifier.isValidSignature(blob.dropFirst(4), for: Data(text)) else {
                throw .signatureInvalid(keyName: keyName)
            }
            verified = true
        }
        guard verified else { throw .notSignedByKey(keyName: keyName) }
        return String(decoding: text, as: UTF8.self)
    }

    /// The index of the first newline of the last `\n\n` in `bytes`.
    private static func lastBlankLine(_ bytes: [UInt8]) -> Int? {
        var i = bytes.count - 2
        while i >= 0 {
            if bytes[i] == 0x0A, bytes[i + 1] == 0x0A { return i }
            i -= 1
        }
        return nil
    }
}
