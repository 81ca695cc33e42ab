import Crypto
import Foundation

extension Keyring {
    /// A key for one job, derived from the index key with HKDF-SHA256 and a label, so that the web
    /// layer can sign session cookies without a fourth secret to keep, and a cookie-signing key can
    /// never be used to compute a blind index (different labels, independent keys).
    public func derivedKey(label: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: indexKey, salt: Data("vigil-derived-key-v1".utf8), info: Data(label.utf8), outputByteCount: 32)
    }
}
