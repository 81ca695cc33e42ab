import VigilStore

/// Appends the audit entries of concurrent requests in shared transactions ("group commit").
///
/// Every lookup is audited before it is answered, and one write transaction per lookup made the
/// audit append the cost of a lookup. Here an entry waits only for the transaction in flight: the
/// entries that arrive meanwhile are written together in the next one, and each caller resumes once
/// its own entry is committed. Alone, a request pays exactly one transaction, as before; under load
/// the transactions grow instead of queueing. An entry is never reported written before it is.
///
/// An alert the request raises (a lookup that reached a protected person) travels with its entry and is
/// written in the same transaction: never a second write to wait for, never a failure of its own.
actor AuditGroupCommit {
    private let store: any AuditLogStore
    private var waiting: [(entry: AuditEntry, alert: NewAlert?, written: CheckedContinuation<Void, any Error>)] = []
    private var writing = false
    /// Bounds one transaction, so a burst is written in slices rather than one long lock.
    private let largestBatch = 512

    init(store: any AuditLogStore) {
        self.store = store
    }

    /// Returns once `entry` (and `alert`, in the same transaction) is committed to the log.
    func append(_ entry: AuditEntry, alert: NewAlert? = nil) async throws {
        // A malformed entry fails alone, never the batch it would have joined.
        _ = try entry.payload()
        try await withCheckedThrowingContinuation { (written: CheckedContinuation<Void, any Error>) in
            waiting.append((entry, alert, written))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(largestBatch))
            waiting.removeFirst(batch.count)
            do {
                _ = try await store.appendAudit(batch.map(\.entry), alerts: batch.compactMap(\.alert))
                for caller in batch { caller.written.resume() }
            } catch {
                for caller in batch { caller.written.resume(throwing: error) }
            }
        }
        writing = false
    }
}
