import Foundation
import VigilCore
import VigilFeeds

/// The import's second core: reads, decodes, fingerprints and seals rows on a thread of its own while
/// the store's transaction writes the rows before them.
///
/// An import is CPU-bound on one core (parsing, four AES-GCM seals and several HMACs a row, then the
/// SQL); this stage moves everything but the SQL off the writing thread. Rows come back in file order,
/// in chunks through a bounded queue, so memory stays flat: at most `capacity` chunks wait. An error
/// from the source arrives in order too, after the rows read before it, and is thrown to the writer,
/// which rolls the batch back as before.
final class ReadAheadRows: @unchecked Sendable {
    private enum Item {
        case row(DecodedRow, PreparedRow?)
        case failure(any Error)
        case end
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var ready: [[Item]] = []
    private var stopped = false
    // The writer's own.
    private var chunk: [Item] = []
    private var position = 0
    private static let chunkSize = 512
    private static let capacity = 4

    /// Starts reading `source` at once. The source must not be used by anyone else afterwards.
    init(_ source: some DecodedRowSource, prepare: @escaping @Sendable (CustodyRecord) -> PreparedRow) {
        let handoff = Handoff(source: source)
        let thread = Thread { [self] in produce(handoff.source, prepare: prepare) }
        thread.name = "vigil.import.read-ahead"
        thread.start()
    }

    /// Stops the reading thread (a batch that ends early, by error, must not leave it blocked).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next row, with its keys and sealed values; `nil` at the end.
    func next() throws -> (row: DecodedRow, prepared: PreparedRow?)? {
        if position == chunk.count {
            condition.lock()
            while ready.isEmpty { condition.wait() }
            chunk = ready.removeFirst()
            condition.broadcast()
            condition.unlock()
            position = 0
        }
        switch chunk[position] {
        case .row(let row, let prepared):
            position += 1
            return (row, prepared)
        case .failure(let error):
            throw error
        case .end:
            return nil
        }
    }

    private func produce(_ source: any DecodedRowSource, prepare: @Sendable (CustodyRecord) -> PreparedRow) {
        var pending: [Item] = []
        pending.reserveCapacity(Self.chunkSize)
        while true {
            let item: Item
            do {
                switch try source.next() {
                case .record(let line, let record)?: item = .row(.record(line: line, record), prepare(record))
                case .rejected(let problem)?: item = .row(.rejected(problem), nil)
                case nil: item = .end
                }
            } catch {
                item = .failure(error)
            }
            pending.append(item)
            let last: Bool
            if case .row = item { last = false } else { last = true }
            guard pending.count == Self.chunkSize || last else { continue }
            condition.lock()
            while ready.count >= Self.capacity && !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            ready.append(pending)
            condition.broadcast()
            condition.unlock()
            if last { return }
            pending = []
            pending.reserveCapacity(Self.chunkSize)
        }
    }

    /// Moves the (non-`Sendable`) source to the reading thread, which alone uses it from then on.
    private struct Handoff: @unchecked Sendable {
        let source: any DecodedRowSource
    }
}
