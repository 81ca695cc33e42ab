import Foundation
import GRDB
import VigilCore

/// The audit log's own SQLite file, beside the main one: `vigil.sqlite` keeps its log in `vigil.sqlite-audit`.
///
/// Why a file of its own: SQLite has one writer per file, and every lookup must commit its audit entry
/// before it answers. In the main file that entry waited for whatever held the write lock: an import of a
/// whole feed file (one transaction, by design: applied whole or not at all) or a purge chunk, and lookups
/// stalled for seconds and failed. The audit file has its own WAL and its own writer, so lookups (which only
/// read the main file, and WAL readers never wait) answer while the main file is being written.
///
/// What the main file's transactions audit (an import batch, an account, a purge) must still commit with
/// what they record. They write their entries to the main file's `audit_outbox`, in their own transaction;
/// the entries are forwarded to the log, exactly once, by the next append or read of the log (and on open).
/// The forwarding mark (the last outbox id forwarded) lives in the audit file and moves in the same audit
/// transaction that writes the entries, so a crash anywhere forwards each entry once and only once.
/// Alerts live in the audit file too: a lookup's alert is written with its audit entry, in one transaction.
enum SQLiteAuditDatabase {
    /// Where the audit log of the database at `mainPath` is kept.
    static func path(forMain mainPath: String) -> String { mainPath + "-audit" }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("a1: audit log, checkpoints, alerts, forwarding marks") { db in
            // The tables are those the main file had (see SQLiteSchema.registerAuditMigration and
            // registerAccessMigration), so that entries and leaf hashes move over unchanged.
            try db.execute(sql: """
                CREATE TABLE audit_entry (
                    seq INTEGER PRIMARY KEY CHECK (seq >= 0),
                    recorded_at TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    leaf_hash BLOB NOT NULL
                );
                CREATE TABLE audit_checkpoint (
                    size INTEGER PRIMARY KEY,
                    root_hash BLOB NOT NULL,
                    note TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE TABLE alert (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    raised_at INTEGER NOT NULL,
                    details TEXT NOT NULL
                );
                -- 'outbox_mark': the last main-file audit_outbox id forwarded here.
                -- 'moved_from_main': 1 once the log kept in the main file before has been copied here.
                CREATE TABLE audit_meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                """)
        }
        return migrator
    }

    /// The main file's side: the outbox, and (once their rows are in the audit file) the old tables dropped.
    /// Registered after every main migration that existed when the log moved.
    static func registerMainMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(mainMigration) { db in
            try db.execute(sql: """
                -- AUTOINCREMENT: ids are never reused after forwarded rows are pruned, so the mark stays meaningful.
                CREATE TABLE audit_outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    what TEXT NOT NULL CHECK (what IN ('entry', 'alert')),
                    kind TEXT NOT NULL,
                    at TEXT NOT NULL,
                    payload TEXT NOT NULL
                );
                DROP TABLE audit_entry;
                DROP TABLE audit_checkpoint;
                DROP TABLE alert;
                """)
        }
    }

    static let mainMigration = "v10: audit log in a file of its own"
    /// The main migration after which the old log tables are complete and before which they are dropped.
    static let lastMigrationBeforeMove = "v8: web sign-in and advocate case links"

    /// Opens the two files and moves a log kept in the main file (before this version) to the audit file.
    ///
    /// Crash-safe in two steps: the rows are copied in one audit transaction that also records that the
    /// move happened; only then does the main migration drop the old tables. A crash between the two
    /// finds the mark on the next open and drops without copying again.
    static func migrate(main: DatabasePool, audit: DatabasePool) throws {
        try migrator.migrate(audit)
        let mainMigrator = SQLiteSchema.migrator
        let moved = try main.read { db in try mainMigrator.appliedIdentifiers(db).contains(mainMigration) }
        if !moved {
            // GRDB refuses `upTo:` a migration the file is already past: only a file not yet moved gets here.
            try mainMigrator.migrate(main, upTo: lastMigrationBeforeMove)
            try copyLog(from: main, to: audit)
        }
        try mainMigrator.migrate(main)
    }

    private static func copyLog(from main: DatabasePool, to audit: DatabasePool) throws {
        try audit.write { adb in
            guard try Int.fetchOne(adb, sql: "SELECT value FROM audit_meta WHERE name = 'moved_from_main'") == nil else { return }
            // Read in one snapshot of the main file; entries are copied as stored, leaf hashes included.
            try main.read { db in
                let entries = try Row.fetchCursor(db, sql: "SELECT seq, recorded_at, kind, payload, leaf_hash FROM audit_entry ORDER BY seq")
                let insertEntry = try adb.cachedStatement(
                    sql: "INSERT INTO audit_entry (seq, recorded_at, kind, payload, leaf_hash) VALUES (?, ?, ?, ?, ?)")
                while let row = try entries.next() {
                    try insertEntry.execute(arguments: [row[0], row[1], row[2], row[3], row[4]])
                }
                for row in try Row.fetchAll(db, sql: "SELECT size, root_hash, note, created_at FROM audit_checkpoint") {
                    try adb.execute(sql: "INSERT INTO audit_checkpoint (size, root_hash, note, created_at) VALUES (?, ?, ?, ?)",
                                    arguments: [row[0], row[1], row[2], row[3]])
                }
                for row in try Row.fetchAll(db, sql: "SELECT id, kind, raised_at, details FROM alert") {
                    try adb.execute(sql: "INSERT INTO alert (id, kind, raised_at, details) VALUES (?, ?, ?, ?)",
                                    arguments: [row[0], row[1], row[2], row[3]])
                }
            }
            try adb.execute(sql: "INSERT INTO audit_meta (name, value) VALUES ('moved_from_main', 1)")
        }
    }
}
