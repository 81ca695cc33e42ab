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
        sealAll([(plaintext, field)])[0]
    }

    /// Seals several values, in order, each under its own random nonce. The nonces of all of them
    /// come from one read of the operating system's random source (rather than two per value):
    /// an import seals four fields a row, and those reads were a measurable share of its time.
    public func sealAll(_ values: [(plaintext: String, field: String)]) -> [Data] {
        let keyID = Array(keyring.activeKeyID.utf8)
        let key = keyring.activeKey
        let nonceSize = Self.nonceSize
        var nonces = [UInt8](repeating: 0, count: nonceSize * values.count)
        Self.fillRandom(&nonces)
        var out: [Data] = []
        out.reserveCapacity(values.count)
        for (position, value) in values.enumerated() {
            var plaintext = value.plaintext
            var field = value.field
            let start = position * nonceSize
            // A 12-byte nonce is always valid, and AES-GCM only fails on a key of the wrong size, which Keyring rules out.
            let nonce = try! AES.GCM.Nonce(data: nonces[start..<(start + nonceSize)])
            let box = plaintext.withUTF8 { message in
                field.withUTF8 { label in
                    try! AES.GCM.seal(
                        UnsafeRawBufferPointer(message), using: key, nonce: nonce,
                        authenticating: UnsafeRawBufferPointer(label))
                }
            }
            var sealed = Data(capacity: 2 + keyID.count + nonceSize + plaintext.utf8.count + 16)
            sealed.append(1)
            sealed.append(UInt8(keyID.count))
            sealed.append(contentsOf: keyID)
            sealed.append(box.combined!)  // non-nil for the default 12-byte nonce
            out.append(sealed)
        }
        return out
    }

    /// AES-GCM's standard 96-bit nonce.
    static let nonceSize = 12

    /// Bytes from the operating system's CSPRNG (getrandom on Linux), in one call.
    static func fillRandom(_ bytes: inout [UInt8]) {
        #if canImport(Darwin) || canImport(Glibc)
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { arc4random_buf(base, buffer.count) }
        }
        #else
        var generator = SystemRandomNumberGenerator()
        for index in bytes.indices { bytes[index] = generator.next() }
        #endif
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
    /// The HMAC state with the key already absorbed: each token copies it rather than expanding the key again.
    private let keyed: HMAC<SHA256>

    public init(keyring: Keyring) { keyed = HMAC<SHA256>(key: keyring.indexKey) }

    public func token(_ value: String, purpose: Purpose) -> Data {
        token(joining: [value], separator: 0, purpose: purpose)
    }

    /// The token of `parts` joined by `separator`, without building the joined string:
    /// `token(joining: ["a", "b"], separator: 0x1F, purpose: p) == token("a\u{1F}b", purpose: p)`.
    public func token(joining parts: [String], separator: UInt8, purpose: Purpose) -> Data {
        precondition(separator < 0x80, "the separator must be an ASCII byte")
        // The message is assembled in one buffer and hashed in one update: HMAC's per-update overhead
        // was larger than the hashing of these short values.
        var message: [UInt8] = []
        message.reserveCapacity(purpose.rawValue.utf8.count + parts.reduce(parts.count) { $0 + $1.utf8.count })
        message.append(contentsOf: purpose.rawValue.utf8)
        message.append(0)
        for (position, part) in parts.enumerated() {
            if position > 0 { message.append(separator) }
            message.append(contentsOf: part.utf8)
        }
        var mac = keyed
        message.withUnsafeBytes { mac.update(data: $0) }
        return mac.finalize().withUnsafeBytes { Data($0.prefix(Self.length)) }
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
        return hasher.finalize().hexString
    }
}
