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
    /// The origin named with `vigil keys init --audit-origin`; nil: derived from the signing key.
    private var namedAuditOrigin: String?

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

    /// The name this deployment's audit checkpoints carry (their C2SP origin and key name), so that a
    /// checkpoint of one deployment's log cannot be passed off as another's. Named at `keys init`, or
    /// `vigil/audit/` and the first 8 hex digits of SHA-256 of the signing public key.
    public var auditOrigin: String {
        namedAuditOrigin ?? "vigil/audit/" + SHA256.hash(data: signingPublicKey).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// Names the audit origin. C2SP origins are schema-less URLs: no spaces, no `+`, one line.
    public mutating func name(auditOrigin origin: String) throws(KeyringError) {
        guard Self.isValidOrigin(origin) else { throw .invalidAuditOrigin(origin) }
        namedAuditOrigin = origin
    }

    static func isValidOrigin(_ origin: String) -> Bool {
        !origin.isEmpty && origin.utf8.count <= 256 && origin.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "+" }
    }

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
        var auditOrigin: String?

        enum CodingKeys: String, CodingKey {
            case format
            case activeEncryptionKey = "active_encryption_key"
            case encryptionKeys = "encryption_keys"
            case indexKey = "index_key"
            case signingKey = "signing_key"
            case auditOrigin = "audit_origin"
        }
    }

    private static let format = "vigil-keyring-v1"

    /// Reads a keyring file written by ``write(to:overwrite:)``.
    /// Refuses a file that group or others may read or write: its keys would no longer be secret.
    public static func load(path: String) throws(KeyringError) -> Keyring {
        if let mode = SecretFile.permissions(of: path), mode & 0o077 != 0 { throw .tooOpen(path: path, mode: mode) }
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
        var keyring = Keyring(
            activeKeyID: file.activeEncryptionKey, encryptionKeys: keys,
            indexKey: SymmetricKey(data: try key(file.indexKey, "index_key")), signingKey: signing
        )
        if let origin = file.auditOrigin {
            guard isValidOrigin(origin) else { throw .malformed(path: path, reason: "audit_origin is not a valid checkpoint origin") }
            keyring.namedAuditOrigin = origin
        }
        return keyring
    }

    /// Writes the keyring with mode 0600. Without `overwrite`, refuses to replace an existing file:
    /// losing a keyring makes every encrypted value unreadable.
    public func write(to path: String, overwrite: Bool = false) throws(KeyringError) {
        func b64(_ key: SymmetricKey) -> String { key.withUnsafeBytes { Data($0).base64EncodedString() } }
        let file = File(
            format: Self.format, activeEncryptionKey: activeKeyID,
            encryptionKeys: encryptionKeys.mapValues(b64), indexKey: b64(indexKey),
            signingKey: signingKey.rawRepresentation.base64EncodedString(), auditOrigin: namedAuditOrigin
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(file) else { throw .cannotWrite(path: path, reason: "encoding failed") }
        if !overwrite, FileManager.default.fileExists(atPath: path) { throw .alreadyExists(path: path) }
        // Created 0600, written beside the target, then renamed: never readable by others, never half a keyring.
        do { try SecretFile.write(data, to: path) } catch { throw .cannotWrite(path: path, reason: "\(error)") }
    }
}

public enum KeyringError: Error, Equatable, CustomStringConvertible {
    case cannotRead(path: String)
    case cannotWrite(path: String, reason: String)
    case alreadyExists(path: String)
    case malformed(path: String, reason: String)
    case tooOpen(path: String, mode: mode_t)
    case invalidAuditOrigin(String)
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
        case .invalidAuditOrigin:
            "an audit origin is one line of printable ASCII without spaces or '+', e.g. audit.example.org/vigil"
        case .tooOpen(let path, let mode):
            "the keyring at \(path) is readable or writable by other users (mode \(String(mode, radix: 8))); "
                + "its keys protect every person's data. Run `chmod 600 \(path)` and start again"
        case .unknownKey(let id): "a stored value was sealed with key \(id), which this keyring does not hold: use the keyring that wrote the database"
        case .decryptionFailed(let field): "a stored \(field) failed authentication: the value or the keyring is not the one that sealed it"
        case .malformedCiphertext(let field): "a stored \(field) is not a Vigil sealed value"
        }
    }
}
