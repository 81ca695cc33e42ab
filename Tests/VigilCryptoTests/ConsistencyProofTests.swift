import Foundation
import Testing
@testable import VigilCrypto

/// RFC 9162 §2.1.4 consistency proofs: generation matches the RFC's worked example, every proof between
/// two prefixes of one log verifies, and no proof joins a log to one that was rewritten.
@Suite struct ConsistencyProofTests {
    static func leaves(_ count: Int, tag: String = "entry") -> [Data] {
        (0..<count).map { MerkleHash.leaf(Data("\(tag) \($0)".utf8)) }
    }

    @Test func theRFCExampleTreeOfSevenLeavesGivesTheDocumentedProofs() {
        // RFC 9162 §2.1.5: d0…d6 with hash0 of 3 leaves, hash1 of 4 and hash2 of 6; leaves c = d2, d = d3,
        // g = MTH(d0 d1), l = MTH(d4 d5 d6), i = MTH(d4 d5), j = d6 (as a leaf), k = MTH(d0…d3).
        #expect(ConsistencyProof.ranges(from: 3, to: 7) == [2..<3, 3..<4, 0..<2, 4..<7])  // [c, d, g, l]
        #expect(ConsistencyProof.ranges(from: 4, to: 7) == [4..<7])                       // [l]
        #expect(ConsistencyProof.ranges(from: 6, to: 7) == [4..<6, 6..<7, 0..<4])          // [i, j, k]
        let leaves = Self.leaves(7)
        let proof = ConsistencyProof.proof(from: 3, leafHashes: leaves)
        #expect(proof == [leaves[2], leaves[3], MerkleHash.root(leafHashes: Array(leaves[0..<2])),
                          MerkleHash.root(leafHashes: Array(leaves[4..<7]))])
    }

    @Test func everyPrefixIsProvablyConsistentWithEveryLongerLog() {
        let leaves = Self.leaves(33)
        for n in 1...leaves.count {
            let second = MerkleHash.root(leafHashes: Array(leaves[0..<n]))
            for m in 0...n {
                let first = MerkleHash.root(leafHashes: Array(leaves[0..<m]))
                let proof = ConsistencyProof.proof(from: m, leafHashes: Array(leaves[0..<n]))
                #expect(ConsistencyProof.verify(from: m, to: n, firstRoot: first, secondRoot: second, proof: proof), "m \(m) n \(n)")
                #expect(proof.count <= 2 * (Int.bitWidth - n.leadingZeroBitCount))
            }
        }
    }

    @Test func aRewrittenLogHasNoProof() {
        let original = Self.leaves(20)
        for m in 1..<20 {
            // The first m entries as they were; today's log changed entry m / 2, or lost one.
            let first = MerkleHash.root(leafHashes: Array(original[0..<m]))
            var edited = original
            edited[m / 2] = MerkleHash.leaf(Data("rewritten".utf8))
            var shortened = original
            shortened.remove(at: m / 2)
            for today in [edited, shortened] {
                let proof = ConsistencyProof.proof(from: m, leafHashes: today)
                let root = MerkleHash.root(leafHashes: today)
                #expect(!ConsistencyProof.verify(from: m, to: today.count, firstRoot: first, secondRoot: root, proof: proof), "m \(m)")
            }
        }
    }

    @Test func aTamperedProofOrWrongSizeFails() {
        let leaves = Self.leaves(11)
        let first = MerkleHash.root(leafHashes: Array(leaves[0..<5]))
        let second = MerkleHash.root(leafHashes: leaves)
        let proof = ConsistencyProof.proof(from: 5, leafHashes: leaves)
        #expect(ConsistencyProof.verify(from: 5, to: 11, firstRoot: first, secondRoot: second, proof: proof))
        for index in proof.indices {
            var tampered = proof
            tampered[index] = MerkleHash.leaf(Data("forged".utf8))
            #expect(!ConsistencyProof.verify(from: 5, to: 11, firstRoot: first, secondRoot: second, proof: tampered))
        }
        #expect(!ConsistencyProof.verify(from: 5, to: 11, firstRoot: first, secondRoot: second, proof: proof + [first]))
        #expect(!ConsistencyProof.verify(from: 5, to: 11, firstRoot: first, secondRoot: second, proof: Array(proof.dropLast())))
        // (The larger size is bound by the signed checkpoint that states it with its root, not by the proof:
        // a proof to 11 and one to 12 leaves have the same shape.)
        #expect(!ConsistencyProof.verify(from: 4, to: 11, firstRoot: first, secondRoot: second, proof: proof))
        #expect(!ConsistencyProof.verify(from: 5, to: 11, firstRoot: second, secondRoot: first, proof: proof))
        #expect(!ConsistencyProof.verify(from: 6, to: 5, firstRoot: first, secondRoot: second, proof: []))
        // Equal sizes need equal roots and no hashes.
        #expect(ConsistencyProof.verify(from: 11, to: 11, firstRoot: second, secondRoot: second, proof: []))
        #expect(!ConsistencyProof.verify(from: 11, to: 11, firstRoot: first, secondRoot: second, proof: []))
    }
}
