import Crypto
import Foundation

/// Seals and opens personal-data fields with AES-256-GCM.
///
/// A sealed value is `0x01 ‖ len(keyID) ‖ keyID ‖ nonce ‖ ciphertext ‖ tag`: it names the key that
/// sealed it, so keys can rotate without re-encrypting everything at once. The field name is bound
/// as authenticated data, so a sealed family name cannot be moved into the date-of-birth column.
public struct FieldCipher: Sendable {
    private let keyring: Keyring

    public init(keyring: Keyring) { self.keyring = keyring }

    public func seal(_ plaintext: String, field: String) -> Data {
        let keyID = Array(keyring.activeKeyID.utf8)
        // AES-GCM with a random 96-bit nonce only fails on a key of the wrong size, which Keyring rules out.
        let box = try! AES.GCM.seal(Data(plaintext.utf8), using: keyring.activeKey, authenticating: Data(field.utf8))
        var out = Data(capacity: 2 + keyID.count + 28 + plaintext.utf8.count)
        out.append(1)
        out.append(UInt8(keyID.count))
        out.append(contentsOf: keyID)
        out.append(box.combined!)  // non-nil for the default 12-byte nonce
        return out
    }

    public func open(_ sealed: Data, field: String) throws(KeyringError) -> String {
        let bytes = [UInt8](sealed)
        guard bytes.count > 2, bytes[0] == 1 else { throw .malformedCiphertext(field: field) }
        let idLength = Int(bytes[1])
        guard bytes.count >= 2 + idLength + 28 else { throw .malformedCiphertext(field: field) }
        let keyID = String(decoding: bytes[2..<(2 + idLength)], as: UTF8.self)
        guard let key = keyring.encryptionKey(id: keyID) else { throw .unknownKey(id: keyID) }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(bytes[(2 + idLength)...]))
            let plain = try AES.GCM.open(box, using: key, authenticating: Data(field.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw .decryptionFailed(field: field)
        }
    }

    /// The key id a sealed value names, without opening it (for rotation reports).
    public static func keyID(of sealed: Data) -> String? {
        guard sealed.count > 2, sealed.first == 1 else { return nil }
        let length = Int(sealed[sealed.startIndex + 1])
        guard sealed.count >= 2 + length else { return nil }
        return String(decoding: sealed.dropFirst(2).prefix(length), as: UTF8.self)
    }
}

/// Keyed one-way tokens for exact-match search over encrypted values.
///
/// `HMAC-SHA256(indexKey, purpose ‖ 0x00 ‖ value)` truncated to 16 bytes. The purpose label keeps
/// indexes of different fields unrelated. Only high-variety values are indexed (an A-number, a full
/// normalised name with a date of birth), never a low-variety field alone, which a dictionary would invert.
public struct BlindIndex: Sendable {
    public static let length = 16
    private let key: SymmetricKey

    public init(keyring: Keyring) { key = keyring.indexKey }

    public func token(_ value: String, purpose: Purpose) -> Data {
        var message = Data(purpose.rawValue.utf8)
        message.append(0)
        message.append(contentsOf: value.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return Data(mac).prefix(Self.length)
    }

    public enum Purpose: String, Sendable {
        case aNumber = "a_number"
        /// Normalised name tokens plus date of birth: identity resolution without an A-number.
        case nameAndBirth = "name_dob"
        /// A record's full content, to tell an unchanged row from a changed one without storing plaintext.
        case rowFingerprint = "row"
        /// A client address in the audit log: repeated attempts from one client stay linkable, the address does not show.
        case client
    }
}

/// SHA-256 of a file, read in chunks: the provenance of an import batch.
public enum FileDigest {
    public static func sha256Hex(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
