import Foundation
import VigilCore
import VigilCrypto

/// An RFC 9162 consistency proof between two sizes of a store's audit log, with the two roots.
public struct AuditConsistency: Sendable, Equatable {
    public var from: Int
    public var to: Int
    /// The root of the first `from` entries, as the log holds them now.
    public var firstRoot: Data
    /// The root of the first `to` entries.
    public var secondRoot: Data
    public var proof: [Data]

    /// Whether the proof joins `keptRoot` (of a checkpoint held outside the database, at size `from`)
    /// to ``secondRoot``. Checked with the proof alone, as an outside verifier would.
    public func proves(keptRoot: Data) -> Bool {
        ConsistencyProof.verify(from: from, to: to, firstRoot: keptRoot, secondRoot: secondRoot, proof: proof)
    }
}

/// Consistency proofs built on the ``AuditLogStore`` protocol alone, so that every store (and wherever
/// a store keeps its log) gets them: one pass over the entries, each rehashed into its leaf, with the
/// proof's subtrees (which do not overlap) filled as the pass goes. Memory is O(log n).
extension AuditLogStore {
    /// The proof from `m` to `n` entries; nil when the log holds fewer than `n` entries. Throws
    /// ``AuditLogError/unreadableEntry(seq:)`` on a gap or an entry that does not decode: run
    /// ``verifyAudit(publicKey:)`` first to learn what is wrong.
    public func auditConsistency(from m: Int, to n: Int, pageSize: Int = 1000) async throws -> AuditConsistency? {
        precondition(0 <= m && m <= n)
        let ranges = ConsistencyProof.ranges(from: m, to: n)
        var nodes = [Data?](repeating: nil, count: ranges.count)
        // Ranges in leaf order, each with its position in the proof.
        let byStart = ranges.enumerated().sorted { $0.element.lowerBound < $1.element.lowerBound }
        var cursor = 0
        var current = MerkleAccumulator()
        var whole = MerkleAccumulator()
        var firstRoot = m == 0 ? MerkleHash.emptyRoot : nil

        var seq = -1
        while whole.size < n {
            let page = try await auditEntries(after: seq, limit: min(pageSize, n - whole.size))
            if page.isEmpty { return nil }
            for item in page {
                guard item.seq == whole.size else { throw AuditLogError.unreadableEntry(seq: whole.size) }
                let payload = try item.entry.payload()
                let leaf = MerkleHash.leaf(AuditEntry.leafData(
                    kind: item.entry.kind.rawValue, recordedAt: item.entry.recordedAt.description, payload: payload))
                whole.append(leafHash: leaf)
                if whole.size == m { firstRoot = whole.root() }
                if cursor < byStart.count, byStart[cursor].element.contains(item.seq) {
                    current.append(leafHash: leaf)
                    if item.seq + 1 == byStart[cursor].element.upperBound {
                        nodes[byStart[cursor].offset] = current.root()
                        current = MerkleAccumulator()
                        cursor += 1
                    }
                }
                seq = item.seq
            }
        }
        guard let firstRoot else { return nil }
        return AuditConsistency(from: m, to: n, firstRoot: firstRoot, secondRoot: whole.root(), proof: nodes.compactMap { $0 })
    }
}
