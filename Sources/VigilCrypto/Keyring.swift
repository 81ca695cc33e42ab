import Crypto
import Foundation

/// The secret keys of one Vigil installation, kept in a file apart from the database.
///
/// Three jobs, three independent keys, so that one leaking does not give away the others:
/// - **encryption keys** (AES-256-GCM) seal names, A-numbers, dates of birth and contact details.
///   Several may exist; one is active for new values, the rest only decrypt (rotation).
/// - the **index key** (HMAC-SHA256) derives blind indexes and row fingerprints. It is not rotated:
///   every stored index would have to be recomputed.
/// - the **signing key** (Ed25519) signs audit-log checkpoints.
///
/// The file is JSON with base64 keys, written with mode 0600.
public struct Keyring: Sendable {
    public static let environmentVariable = "VIGIL_KEYRING"

    public private(set) var activeKeyID: String
    private var encryptionKeys: [String: SymmetricKey]
    let indexKey: SymmetricKey
    let signingKey: Curve25519.Signing.PrivateKey

    /// A new keyring with fresh random keys.
    public static func generate(now: Date = Date()) -> Keyring {
        let id = keyID(for: now, taken: [])
        return Keyring(
            activeKeyID: id, encryptionKeys: [id: SymmetricKey(size: .bits256)],
            indexKey: SymmetricKey(size: .bits256), signingKey: Curve25519.Signing.PrivateKey()
        )
    }

    private init(
        activeKeyID: String, encryptionKeys: [String: SymmetricKey], indexKey: SymmetricKey,
        signingKey: Curve25519.Signing.PrivateKey
    ) {
        self.activeKeyID = activeKeyID
        self.encryptionKeys = encryptionKeys
        self.indexKey = indexKey
        self.signingKey = signingKey
    }

    /// Adds a new encryption key and makes it the active one. Values sealed with older keys stay
    /// readable, because each sealed value names the key it was sealed with.
    public mutating func rotate(now: Date = Date()) -> String {
        let id = Self.keyID(for: now, taken: Set(encryptionKeys.keys))
        encryptionKeys[id] = SymmetricKey(size: .bits256)
        activeKeyID = id
        return id
    }

    public var keyIDs: [String] { encryptionKeys.keys.sorted() }

    func encryptionKey(id: String) -> SymmetricKey? { encryptionKeys[id] }
    var activeKey: SymmetricKey { encryptionKeys[activeKeyID]! }  // invariant: init and rotate keep it present

    /// The Ed25519 public key that verifies checkpoints, raw 32 bytes.
    public var signingPublicKey: Data { signingKey.publicKey.rawRepresentation }

    private static func keyID(for date: Date, taken: Set<String>) -> String {
        let base = "k" + String(Int(date.timeIntervalSince1970))
        var id = base
        var suffix = 1
        while taken.contains(id) { suffix += 1; id = "\(base)-\(suffix)" }
        return id
    }
}

// MARK: - File format

extension Keyring {
    private struct File: Codable {
        var format: String
        var activeEncryptionKey: String
        var encryptionKeys: [String: String]
        var indexKey: String
        var signingKey: String

        enum CodingKeys: String, CodingKey {
            case format
            case activeEncryptionKey = "active_encryption_key"
            case encryptionKeys = "encryption_keys"
            case indexKey = "index_key"
            case signingKey = "signing_key"
        }
    }

    private static let format = "vigil-keyring-v1"

    /// Reads a keyring file written by ``write(to:overwrite:)``.
    public static func load(path: String) throws(KeyringError) -> Keyring {
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotRead(path: path) }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.format == format else {
            throw .malformed(path: path, reason: "not a \(format) file")
        }
        func key(_ text: String, _ name: String) throws(KeyringError) -> Data {
            guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
                throw .malformed(path: path, reason: "\(name) is not a base64 256-bit key")
            }
            return bytes
        }
        var keys: [String: SymmetricKey] = [:]
        for (id, text) in file.encryptionKeys { keys[id] = SymmetricKey(data: try key(text, "encryption key \(id)")) }
        guard keys[file.activeEncryptionKey] != nil else {
            throw .malformed(path: path, reason: "active key \(file.activeEncryptionKey) is not in encryption_keys")
        }
        let signing: Curve25519.Signing.PrivateKey
        do { signing = try .init(rawRepresentation: try key(file.signingKey, "signing_key")) } catch {
            throw .malformed(path: path, reason: "signing_key is not an Ed25519 private key")
        }
        return Keyring(
            activeKeyID: file.activeEncryptionKey, encryptionKeys: keys,
            indexKey: SymmetricKey(data: try key(file.indexKey, "index_key")), signingKey: signing
        )
    }

    /// Writes the keyring with mode 0600. Without `overwrite`, refuses to replace an existing file:
    /// losing a keyring makes every encrypted value unreadable.
    public func write(to path: String, overwrite: Bool = false) throws(KeyringError) {
        func b64(_ key: SymmetricKey) -> String { key.withUnsafeBytes { Data($0).base64EncodedString() } }
        let file = File(
            format: Self.format, activeEncryptionKey: activeKeyID,
            encryptionKeys: encryptionKeys.mapValues(b64), indexKey: b64(indexKey),
            signingKey: signingKey.rawRepresentation.base64EncodedString()
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(file) else { throw .cannotWrite(path: path, reason: "encoding failed") }
        if !overwrite, FileManager.default.fileExists(atPath: path) { throw .alreadyExists(path: path) }
        // Write beside the target with 0600, then rename: a crash never leaves half a keyring.
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw .cannotWrite(path: path, reason: "cannot create \(temporary)") }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

public enum KeyringError: Error, Equatable, CustomStringConvertible {
    case cannotRead(path: String)
    case cannotWrite(path: String, reason: String)
    case alreadyExists(path: String)
    case malformed(path: String, reason: String)
    case unknownKey(id: String)
    case decryptionFailed(field: String)
    case malformedCiphertext(field: String)

    public var description: String {
        switch self {
        case .cannotRead(let path):
            "cannot read the keyring at \(path): create one with `vigil keys init --keyring \(path)` or point --keyring / \(Keyring.environmentVariable) at yours"
        case .cannotWrite(let path, let reason): "cannot write the keyring at \(path): \(reason)"
        case .alreadyExists(let path): "a keyring already exists at \(path); refusing to overwrite it (its keys would be lost)"
        case .malformed(let path, let reason): "the keyring at \(path) is damaged: \(reason)"
        case .unknownKey(let id): "a stored value was sealed with key \(id), which this keyring does not hold: use the keyring that wrote the database"
        case .decryptionFailed(let field): "a stored \(field) failed authentication: the value or the keyring is not the one that sealed it"
        case .malformedCiphertext(let field): "a stored \(field) is not a Vigil sealed value"
        }
    }
}
