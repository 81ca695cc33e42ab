import Foundation

/// Runs blocking work on a thread of its own and awaits it.
///
/// A SQLite import holds a thread for its whole length (GRDB's `write` is synchronous and the rows are
/// pulled inside it). On one of the cooperative pool's threads (two, on a two-core machine) it would take
/// half of what every request of the server runs on, for as long as the file takes.
enum OwnThread {
    static func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { finished in
            let thread = Thread { finished.resume(with: Swift.Result { try work() }) }
            thread.name = "vigil-import"
            thread.start()
        }
    }
}

/// A value handed to ``OwnThread`` while its owner awaits the result and does not touch it.
///
/// Taken once: the thread drops it before the owner resumes, which `withoutActuallyEscaping` checks
/// for a closure handed over this way (the thread object itself may outlive the await).
final class HandedOver<Value>: @unchecked Sendable {
    private var value: Value?

    init(_ value: Value) { self.value = value }

    func take() -> Value? {
        defer { value = nil }
        return value
    }
}
