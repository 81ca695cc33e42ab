import Crypto
import Foundation

/// The keyed token that names a lookup's subject in the audit log.
///
/// Keyed apart from the A-number blind index (its own HKDF-derived key, not the index key), so that the
/// token in the append-only log never equals the index stored beside the person: when retention erases the
/// index, nothing in the database still matches the log's token, and the log cannot be joined back to a
/// person by comparing columns.
public struct AuditSubjectToken: Sendable {
    static let label = "audit subject v1"
    private let keyed: HMAC<SHA256>

    public init(keyring: Keyring) { keyed = HMAC<SHA256>(key: keyring.derivedKey(label: Self.label)) }

    /// The token of an A-number (its nine digits), hex-encoded: 16 bytes, like a blind index.
    public func token(aNumberDigits digits: String) -> String {
        var mac = keyed
        mac.update(data: Data(digits.utf8))
        return mac.finalize().withUnsafeBytes { Data($0.prefix(BlindIndex.length)) }.hexString
    }
}

/// A MAC over the facts of a stored record that the disclosure policy weighs (its protections, whether
/// it is held, whether and when it was purged, its sealed date of birth), bound to the record's key
/// (source and the source's record id), so that a seal copied onto another row does not match.
///
/// Whoever can write to the database but holds no key cannot unprotect a person: a changed fact no longer
/// matches its seal, and a read that feeds the policy treats the record as tampered. The key is derived
/// (HKDF) for this purpose alone.
public struct PolicySeal: Sendable {
    static let label = "policy inputs v1"
    private let keyed: HMAC<SHA256>

    public init(keyring: Keyring) { keyed = HMAC<SHA256>(key: keyring.derivedKey(label: Self.label)) }

    /// The facts, exactly as stored.
    public struct Facts: Equatable, Sendable {
        public var source: String
        public var sourceRecordID: String
        public var protections: String
        public var held: Bool
        public var purgedAt: Int64?
        public var dateOfBirthSealed: Data?

        public init(source: String, sourceRecordID: String, protections: String, held: Bool, purgedAt: Int64?, dateOfBirthSealed: Data?) {
            self.source = source
            self.sourceRecordID = sourceRecordID
            self.protections = protections
            self.held = held
            self.purgedAt = purgedAt
            self.dateOfBirthSealed = dateOfBirthSealed
        }
    }

    public func seal(_ facts: Facts) -> Data {
        var mac = keyed
        // Length-prefixed fields: no two different sets of facts encode to the same bytes.
        func field(_ bytes: Data) {
            var length = UInt32(bytes.count).bigEndian
            mac.update(data: Data(bytes: &length, count: 4))
            mac.update(data: bytes)
        }
        field(Data(facts.source.utf8))
        field(Data(facts.sourceRecordID.utf8))
        field(Data(facts.protections.utf8))
        field(Data((facts.held ? "held" : "open").utf8))
        field(Data((facts.purgedAt.map(String.init) ?? "live").utf8))
        field(facts.dateOfBirthSealed.map { Data([1]) + $0 } ?? Data([0]))
        return Data(mac.finalize())
    }

    /// Whether `seal` is the seal of `facts` (compared in constant time).
    public func verify(_ facts: Facts, seal: Data?) -> Bool {
        guard let seal else { return false }
        let expected = self.seal(facts)
        guard seal.count == expected.count else { return false }
        return zip(seal, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
