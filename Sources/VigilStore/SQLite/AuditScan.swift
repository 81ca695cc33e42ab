import Foundation
import GRDB
import VigilCrypto

/// One pass over the audit log in sequence order, with two cursors (entries, checkpoints by size)
/// and a ``VigilCrypto/MerkleAccumulator``: memory stays flat for millions of entries.
///
/// For each entry: its sequence number must be the next one (else a gap: deleted), and its stored
/// columns must hash to its stored leaf hash (else it was edited in place). Whenever the tree reaches
/// a checkpoint's size, the checkpoint's note must carry a valid signature and state that size and
/// the root the stored leaf hashes give (else a leaf was rewritten with its hash, or the note forged).
/// A checkpoint larger than the log means entries were cut from its end.
///
/// Values read from the file are decoded leniently (`fromDatabaseValue`): a tampered column of the
/// wrong type is a finding to report, never a crash.
struct AuditScan {
    enum Mode {
        /// Verification: rehash every entry, check every checkpoint.
        case everything
        /// Before signing a new checkpoint: check the latest checkpoint against the stored leaf hashes,
        /// and rehash only the entries after it, which no signature covers yet.
        case beforeSigning
    }

    struct Result {
        var verification: AuditVerification
        /// The number of entries scanned, and their tree head.
        var size: Int
        var root: Data
    }

    private struct StoredCheckpoint {
        var size: Int
        var rootHash: Data?
        var note: String?

        init(_ row: Row) {
            size = row["size"]
            rootHash = Data.fromDatabaseValue(row["root_hash"])
            note = String.fromDatabaseValue(row["note"])
        }
    }

    static func run(_ db: Database, publicKey: Data, mode: Mode) throws -> Result {
        let latest = try Int.fetchOne(db, sql: "SELECT max(size) FROM audit_checkpoint")
        let from = mode == .beforeSigning ? latest ?? 0 : 0
        var verification = AuditVerification(entries: 0, checkpoints: 0, latestCheckpointSize: latest, problem: nil)
        var tree = MerkleAccumulator()

        let checkpoints = try Row.fetchCursor(
            db, sql: "SELECT size, root_hash, note FROM audit_checkpoint WHERE size >= ? ORDER BY size", arguments: [from])
        var pending = try checkpoints.next().map(StoredCheckpoint.init)

        func finish(_ problem: AuditProblem?) -> Result {
            verification.problem = problem
            return Result(verification: verification, size: tree.size, root: tree.root())
        }
        /// Checks every checkpoint the tree has reached.
        func checkpointProblem() throws -> AuditProblem? {
            while let checkpoint = pending, checkpoint.size <= tree.size {
                if let problem = check(checkpoint, root: tree.root(), publicKey: publicKey) { return problem }
                verification.checkpoints += 1
                pending = try checkpoints.next().map(StoredCheckpoint.init)
            }
            return nil
        }

        if let problem = try checkpointProblem() { return finish(problem) }
        let entries = try Row.fetchCursor(
            db, sql: "SELECT seq, recorded_at, kind, payload, leaf_hash FROM audit_entry ORDER BY seq")
        while let row = try entries.next() {
            let seq: Int = row[0]
            guard seq == tree.size else {
                return finish(seq > tree.size ? .entryMissing(seq: tree.size) : .entryAltered(seq: seq))
            }
            guard let leafHash = Data.fromDatabaseValue(row[4]) else { return finish(.entryAltered(seq: seq)) }
            if seq >= from {
                guard let recordedAt = String.fromDatabaseValue(row[1]), let kind = String.fromDatabaseValue(row[2]),
                      let payload = String.fromDatabaseValue(row[3]),
                      AuditEntry.isHashable(kind: kind, recordedAt: recordedAt),
                      MerkleHash.leaf(AuditEntry.leafData(kind: kind, recordedAt: recordedAt, payload: payload)) == leafHash
                else { return finish(.entryAltered(seq: seq)) }
            }
            tree.append(leafHash: leafHash)
            verification.entries += 1
            if let problem = try checkpointProblem() { return finish(problem) }
        }
        if pending != nil, let latest { return finish(.truncated(expected: latest, found: tree.size)) }
        return finish(nil)
    }

    private static func check(_ stored: StoredCheckpoint, root: Data, publicKey: Data) -> AuditProblem? {
        guard let note = stored.note, let signed = try? Checkpoint.open(note: note, publicKey: publicKey) else {
            return .checkpointSignatureInvalid(size: stored.size)
        }
        guard signed.size == stored.size, signed.rootHash == root, stored.rootHash == root else {
            return .checkpointMismatch(size: stored.size)
        }
        return nil
    }
}
