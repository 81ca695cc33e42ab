import Foundation

/// A signed statement of a log's size and Merkle root: a C2SP tlog-checkpoint
/// (https://c2sp.org/tlog-checkpoint) in a C2SP signed note.
///
/// The body is three lines:
///
///     vigil/audit
///     1234
///     <base64 of the 32-byte RFC 6962 root of the first 1234 entries>
///
/// and the note adds a blank line and `— vigil/audit <base64(key ID ‖ Ed25519 signature)>`, signed
/// with the keyring's signing key under the origin as key name. Once oversight holds a checkpoint,
/// no entry it covers can be altered, removed or reordered without the root changing, and no one
/// without the signing key can make a new checkpoint that agrees with an altered log.
public struct Checkpoint: Sendable, Equatable {
    /// The origin, and key name, of Vigil's audit log.
    public static let defaultOrigin = "vigil/audit"

    /// Names the log, so that a checkpoint of one log cannot be passed off as another's.
    public var origin: String
    /// How many entries the tree covers.
    public var size: Int
    /// ``MerkleHash`` tree head of those entries.
    public var rootHash: Data

    public init(origin: String = Checkpoint.defaultOrigin, size: Int, rootHash: Data) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
    }

    /// The signed text: `<origin>\n<size>\n<base64 root>\n`.
    public var body: String { "\(origin)\n\(size)\n\(rootHash.base64EncodedString())\n" }

    /// The body and an Ed25519 signature by the keyring's signing key, named after the origin.
    public func signedNote(keyring: Keyring) -> String {
        // The key name is the origin: a verifier checks the note under the name of the log it expects.
        SignedNote.sign(text: body, keyName: origin, key: keyring.signingKey)
    }

    /// The checkpoint a note states, once its signature by `publicKey` (under the key name `origin`)
    /// verifies and its body is a well-formed checkpoint of the log `origin`.
    ///
    /// Extension lines after the root hash are allowed by the spec; they are covered by the
    /// signature and otherwise ignored.
    public static func open(
        note: String, publicKey: Data, origin: String = Checkpoint.defaultOrigin
    ) throws(CheckpointError) -> Checkpoint {
        let text = try SignedNote.open(note, keyName: origin, publicKey: publicKey)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A text ends in a newline, so the last element is empty.
        guard lines.count >= 4 else { throw .malformed(reason: "a checkpoint has an origin, a size and a root hash line") }
        guard lines[0] == origin else { throw .wrongOrigin(expected: origin, found: String(lines[0])) }
        let sizeText = lines[1]
        guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              sizeText == "0" || !sizeText.hasPrefix("0"), let size = Int(sizeText)
        else { throw .malformed(reason: "the size line is not a decimal number without leading zeros") }
        guard let root = Data(base64Encoded: String(lines[2])), root.count == MerkleHash.byteCount else {
            throw .malformed(reason: "the root hash line is not a base64 SHA-256 hash")
        }
        guard lines.dropFirst(3).dropLast().allSatisfy({ !$0.isEmpty }) else {
            throw .malformed(reason: "an extension line is empty")
        }
        return Checkpoint(origin: origin, size: size, rootHash: root)
    }

    /// The origin a note's checkpoint states (its first line), before any check: which name to verify it under.
    public static func statedOrigin(ofNote note: String) -> String? {
        guard let line = note.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first, !line.isEmpty else { return nil }
        return String(line)
    }

    /// The first 4 bytes of `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)`: how a signature line names its key.
    public static func keyID(name: String = Checkpoint.defaultOrigin, publicKey: Data) -> Data {
        SignedNote.keyID(name: name, publicKey: publicKey)
    }

    /// The verifier key to give oversight (`vigil/audit+1a2b3c4d+AX…`), in the format Go's
    /// `sumdb/note` and C2SP witnesses read: with it they can check checkpoints without Vigil.
    public static func verifierKey(name: String = Checkpoint.defaultOrigin, publicKey: Data) -> String {
        SignedNote.verifierKey(name: name, publicKey: publicKey)
    }
}

public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case malformed(reason: String)
    case wrongOrigin(expected: String, found: String)
    case notSignedByKey(keyName: String)
    case signatureInvalid(keyName: String)
    case invalidPublicKey

    public var description: String {
        switch self {
        case .malformed(let reason): "the checkpoint note is malformed: \(reason)"
        case .wrongOrigin(let expected, let found):
            "the checkpoint is of the log \(found), not \(expected): check it against the log it came from"
        case .notSignedByKey(let name):
            "the checkpoint carries no signature by this \(name) key: it was signed with another keyring, or not by Vigil"
        case .signatureInvalid(let name):
            "the \(name) signature on the checkpoint does not verify: the note was altered after it was signed"
        case .invalidPublicKey: "the public key is not a 32-byte Ed25519 key: pass the keyring's signing public key"
        }
    }
}
