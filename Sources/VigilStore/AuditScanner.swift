import Foundation
import VigilCrypto

/// One pass over an audit log in sequence order, fed by a store's own cursors: entries by `seq`,
/// checkpoints by size. A ``VigilCrypto/MerkleAccumulator`` keeps memory flat for millions of entries,
/// and the same checks run whichever database holds the log.
///
/// For each entry: its sequence number must be the next one (else a gap: deleted), and its stored
/// columns must hash to its stored leaf hash (else it was edited in place). Whenever the tree reaches
/// a checkpoint's size, the checkpoint's note must carry a valid signature and state that size and
/// the root the stored leaf hashes give (else a leaf was rewritten with its hash, or the note forged).
/// A checkpoint larger than the log means entries were cut from its end.
///
/// Columns arrive as optionals: a tampered column of the wrong type is a finding, never a crash.
package struct AuditScanner {
    package enum Mode: Sendable {
        /// Verification: rehash every entry, check every checkpoint.
        case everything
        /// Before signing a new checkpoint: check the latest checkpoint against the stored leaf hashes,
        /// and rehash only the entries after it, which no signature covers yet.
        case beforeSigning
    }

    package struct Entry {
        package var seq: Int
        package var recordedAt: String?
        package var kind: String?
        package var payload: String?
        package var leafHash: Data?

        package init(seq: Int, recordedAt: String?, kind: String?, payload: String?, leafHash: Data?) {
            self.seq = seq
            self.recordedAt = recordedAt
            self.kind = kind
            self.payload = payload
            self.leafHash = leafHash
        }
    }

    package struct StoredCheckpoint {
        package var size: Int
        package var rootHash: Data?
        package var note: String?

        package init(size: Int, rootHash: Data?, note: String?) {
            self.size = size
            self.rootHash = rootHash
            self.note = note
        }
    }

    package struct Result: Sendable {
        package var verification: AuditVerification
        /// The number of entries scanned, and their tree head.
        package var size: Int
        package var root: Data
    }

    private let publicKey: Data
    private let latest: Int?
    /// Entries below this index are vouched for by a checkpoint and only their stored hashes are read.
    package let rehashFrom: Int
    private var verification: AuditVerification
    private var tree = MerkleAccumulator()
    private var pending: StoredCheckpoint?
    private var checkpointsExhausted = false
    private(set) package var problem: AuditProblem?

    /// - Parameter latestCheckpointSize: the largest stored checkpoint size, if any. Feed checkpoints
    ///   of size ≥ ``rehashFrom`` only, in increasing size.
    package init(publicKey: Data, mode: Mode, latestCheckpointSize: Int?) {
        self.publicKey = publicKey
        latest = latestCheckpointSize
        rehashFrom = mode == .beforeSigning ? latestCheckpointSize ?? 0 : 0
        verification = AuditVerification(entries: 0, checkpoints: 0, latestCheckpointSize: latestCheckpointSize, problem: nil)
    }

    /// Whether the scanner wants the next checkpoint (``supply(_:)``) before it takes another entry.
    package var needsCheckpoint: Bool { problem == nil && pending == nil && !checkpointsExhausted }

    /// The next checkpoint in size order, or `nil` when there are no more.
    package mutating func supply(_ checkpoint: StoredCheckpoint?) {
        guard let checkpoint else { checkpointsExhausted = true; return }
        pending = checkpoint
        checkReachedCheckpoint()
    }

    /// The next entry in `seq` order. Call only while ``needsCheckpoint`` is false and ``problem`` is nil.
    package mutating func consume(_ entry: Entry) {
        guard problem == nil else { return }
        guard entry.seq == tree.size else {
            problem = entry.seq > tree.size ? .entryMissing(seq: tree.size) : .entryAltered(seq: entry.seq)
            return
        }
        guard let leafHash = entry.leafHash else { problem = .entryAltered(seq: entry.seq); return }
        if entry.seq >= rehashFrom {
            guard let recordedAt = entry.recordedAt, let kind = entry.kind, let payload = entry.payload,
                  AuditEntry.isHashable(kind: kind, recordedAt: recordedAt),
                  MerkleHash.leaf(AuditEntry.leafData(kind: kind, recordedAt: recordedAt, payload: payload)) == leafHash
            else { problem = .entryAltered(seq: entry.seq); return }
        }
        tree.append(leafHash: leafHash)
        verification.entries += 1
        checkReachedCheckpoint()
    }

    /// The outcome, once every entry has been consumed (or a problem found).
    package func finish() -> Result {
        var verification = verification
        verification.problem = problem
        if problem == nil, pending != nil, let latest {
            verification.problem = .truncated(expected: latest, found: tree.size)
        }
        return Result(verification: verification, size: tree.size, root: tree.root())
    }

    private mutating func checkReachedCheckpoint() {
        guard let checkpoint = pending, checkpoint.size <= tree.size else { return }
        if let found = Self.check(checkpoint, root: tree.root(), publicKey: publicKey) {
            problem = found
            return
        }
        verification.checkpoints += 1
        pending = nil
    }

    private static func check(_ stored: StoredCheckpoint, root: Data, publicKey: Data) -> AuditProblem? {
        // Each checkpoint is checked under the origin it states (a deployment's own, or the `vigil/audit` of
        // logs signed before origins were per deployment): the signature by this key is what vouches for it.
        guard let note = stored.note, let origin = Checkpoint.statedOrigin(ofNote: note),
              let signed = try? Checkpoint.open(note: note, publicKey: publicKey, origin: origin)
        else {
            return .checkpointSignatureInvalid(size: stored.size)
        }
        guard signed.size == stored.size, signed.rootHash == root, stored.rootHash == root else {
            return .checkpointMismatch(size: stored.size)
        }
        return nil
    }
}
