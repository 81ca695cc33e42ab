import Foundation

/// RFC 9162 §2.1.4 consistency proofs: that the tree of the first `m` entries is a prefix of the tree
/// of `n` entries, shown with O(log n) hashes. A checkpoint kept outside the database (by oversight)
/// is checked against today's log this way: if entries it covered were deleted, rewritten or reordered,
/// or an older database was restored, no proof can join the two roots.
public enum ConsistencyProof {
    /// The leaf ranges whose subtree roots make up the proof from `m` to `n` leaves, in proof order
    /// (RFC 9162 §2.1.4.1, `SUBPROOF(m, D[0:n], true)`). Empty when `m` is 0 or equals `n`.
    ///
    /// The ranges do not overlap, so a store can fill them in one pass over its leaves.
    public static func ranges(from m: Int, to n: Int) -> [Range<Int>] {
        precondition(0 <= m && m <= n, "a consistency proof runs from a smaller tree to a larger one")
        guard m > 0, m < n else { return [] }
        return subproof(m, 0..<n, complete: true)
    }

    private static func subproof(_ m: Int, _ leaves: Range<Int>, complete: Bool) -> [Range<Int>] {
        let n = leaves.count
        if m == n { return complete ? [] : [leaves] }
        var k = 1
        while k << 1 < n { k <<= 1 }  // the largest power of two smaller than n
        let split = leaves.lowerBound + k
        if m <= k {
            return subproof(m, leaves.lowerBound..<split, complete: complete) + [split..<leaves.upperBound]
        }
        return subproof(m - k, split..<leaves.upperBound, complete: false) + [leaves.lowerBound..<split]
    }

    /// The proof from `m` to `leafHashes.count` leaves, holding every leaf hash: the reference, for tests.
    public static func proof(from m: Int, leafHashes: [Data]) -> [Data] {
        ranges(from: m, to: leafHashes.count).map { MerkleHash.root(leafHashes: Array(leafHashes[$0])) }
    }

    /// Whether `proof` shows that `firstRoot` (of `m` leaves) and `secondRoot` (of `n` leaves) are the
    /// heads of one append-only log (RFC 9162 §2.1.4.2, step by step).
    public static func verify(from m: Int, to n: Int, firstRoot: Data, secondRoot: Data, proof: [Data]) -> Bool {
        guard 0 <= m, m <= n else { return false }
        // An empty tree is a prefix of every tree, and a tree is consistent with itself: no hashes needed.
        if m == 0 { return proof.isEmpty }
        if m == n { return proof.isEmpty && firstRoot == secondRoot }
        guard !proof.isEmpty else { return false }
        // 1. If m is an exact power of two, prepend first_hash to the proof.
        var path = proof
        if m & (m - 1) == 0 { path.insert(firstRoot, at: 0) }
        // 2-3. fn = m - 1, sn = n - 1; while LSB(fn) is set, shift both right.
        var fn = m - 1
        var sn = n - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 4. fr = sr = the first value in the path.
        var fr = path[0]
        var sr = path[0]
        // 5. For each subsequent value c in the path:
        for c in path.dropFirst() {
            // a. If sn is 0, the proof is too long.
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                // b. fr = HASH(0x01 || c || fr), sr = HASH(0x01 || c || sr); if LSB(fn) is not set,
                //    shift both right until LSB(fn) is set or fn is 0.
                fr = MerkleHash.node(c, fr)
                sr = MerkleHash.node(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                // c. sr = HASH(0x01 || sr || c).
                sr = MerkleHash.node(sr, c)
            }
            // d. Shift both right one bit.
            fn >>= 1
            sn >>= 1
        }
        // 6. fr must be first_hash, sr second_hash, and sn 0.
        return fr == firstRoot && sr == secondRoot && sn == 0
    }
}
