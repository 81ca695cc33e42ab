import Foundation

/// Request times kept in the database, so that a limit holds across every instance that shares it.
///
/// A store whose database several `vigil serve` processes share (PostgreSQL) conforms; the server then
/// counts there instead of in its own memory. Keys are client addresses and account ids: a store keeps
/// only keyed tokens of them, never the address itself.
public protocol SharedRateLedger: Sendable {
    /// Records one request by `key` at `now` (seconds since 1970) unless `limit` requests already fall
    /// within the `window` seconds before it. Returns `nil` when admitted, otherwise the seconds until
    /// the oldest counted request leaves the window.
    func admit(key: String, limit: Int, window: Double, now: Double) async throws -> Double?

    /// Records one occurrence of `key` (a "no match", say) and returns how many fall within `window`.
    func record(key: String, window: Double, now: Double) async throws -> Int

    /// Forgets every request older than `cutoff`.
    func pruneRateLedger(before cutoff: Double) async throws
}
