import Crypto
import Foundation

/// The hashes of an RFC 6962 (Certificate Transparency) Merkle tree, with SHA-256.
///
/// Leaves and interior nodes are hashed with different one-byte prefixes, so that a leaf can never
/// be passed off as a node (a second-preimage attack on the tree):
///
///     leaf hash  = SHA-256(0x00 ‖ entry bytes)
///     node hash  = SHA-256(0x01 ‖ left ‖ right)
///
/// The tree head of `n` leaves (RFC 6962 §2.1, "MTH") splits at the largest power of two below `n`,
/// so a tree of 7 leaves is `node(MTH(0..<4), MTH(4..<7))`. Any tool that implements RFC 6962 or
/// C2SP tlog-checkpoint computes the same root, which is what lets oversight check the audit log
/// with software Vigil did not write.
public enum MerkleHash {
    /// Every hash in the tree is a SHA-256 digest.
    public static let byteCount = 32

    public static func leaf(_ data: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: data)
        return Data(hasher.finalize())
    }

    public static func node(_ left: Data, _ right: Data) -> Data {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Data(hasher.finalize())
    }

    /// The root of a tree with no leaves: SHA-256 of the empty string.
    public static let emptyRoot = Data(SHA256.hash(data: Data()))

    /// The tree head of `leafHashes`, by the recursive definition of RFC 6962 §2.1.
    ///
    /// Holds every leaf hash in memory: the reference, for tests and small trees. Logs of any
    /// size use ``MerkleAccumulator``, which computes the same root from a stream.
    public static func root(leafHashes: [Data]) -> Data {
        leafHashes.isEmpty ? emptyRoot : subtreeRoot(leafHashes[...])
    }

    private static func subtreeRoot(_ leaves: ArraySlice<Data>) -> Data {
        guard leaves.count > 1 else { return leaves[leaves.startIndex] }
        var split = 1
        while split << 1 < leaves.count { split <<= 1 }  // the largest power of two below the count
        let middle = leaves.startIndex + split
        return node(subtreeRoot(leaves[..<middle]), subtreeRoot(leaves[middle...]))
    }
}

/// Computes an RFC 6962 tree head from leaf hashes given one at a time, in O(log n) memory.
///
/// It keeps the roots of the perfect subtrees the leaves so far fill, one per set bit of ``size``:
/// after 6 leaves, a subtree of 4 and one of 2. Appending a leaf merges equal-sized subtrees, the
/// way adding 1 to a binary number carries. ``root()`` then folds the subtrees from the smallest up,
/// which is exactly the RFC's split at the largest power of two. A million-entry log needs 20 hashes.
public struct MerkleAccumulator: Sendable, Equatable {
    /// `subtrees[i]` is the root of a perfect subtree of `2^i` leaves, present when bit `i` of `size` is set.
    private var subtrees: [Data?] = []
    /// How many leaves have been appended.
    public private(set) var size = 0

    public init() {}

    public mutating func append(leafHash: Data) {
        var carry = leafHash
        var level = 0
        while level < subtrees.count, let left = subtrees[level] {
            carry = MerkleHash.node(left, carry)
            subtrees[level] = nil
            level += 1
        }
        if level == subtrees.count { subtrees.append(carry) } else { subtrees[level] = carry }
        size += 1
    }

    /// The tree head of the leaves appended so far; ``MerkleHash/emptyRoot`` before any.
    public func root() -> Data {
        var root: Data?
        for subtree in subtrees {
            guard let subtree else { continue }
            root = root.map { MerkleHash.node(subtree, $0) } ?? subtree
        }
        return root ?? MerkleHash.emptyRoot
    }
}
