import GRDB

/// The SQLite schema, as ordered migrations. A migration, once released, is never edited:
/// add a new one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: people, custody records, facilities, events, batches") { db in
            try db.execute(sql: """
                CREATE TABLE import_batch (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('custody', 'facilities')),
                    source TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    file_sha256 TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    rows INTEGER NOT NULL DEFAULT 0,
                    accepted INTEGER NOT NULL DEFAULT 0,
                    rejected INTEGER NOT NULL DEFAULT 0,
                    unchanged INTEGER NOT NULL DEFAULT 0,
                    events INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE facility (
                    code TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    address TEXT NOT NULL,
                    city TEXT NOT NULL,
                    state TEXT NOT NULL,
                    postal_code TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    visiting_info TEXT NOT NULL,
                    batch_id INTEGER NOT NULL REFERENCES import_batch(id)
                );
                -- Personal data is sealed (AES-256-GCM, key id inside each value) and found by blind index.
                CREATE TABLE person (
                    id INTEGER PRIMARY KEY,
                    a_number_index BLOB,
                    a_number_sealed BLOB,
                    name_index BLOB NOT NULL,
                    family_name_sealed BLOB NOT NULL,
                    given_name_sealed BLOB NOT NULL,
                    date_of_birth_sealed BLOB,
                    country_of_birth TEXT NOT NULL,
                    batch_id INTEGER NOT NULL REFERENCES import_batch(id)
                );
                CREATE INDEX person_by_a_number ON person(a_number_index);
                CREATE INDEX person_by_name ON person(name_index);
                CREATE TABLE custody_record (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    source_record_id TEXT NOT NULL,
                    person_id INTEGER NOT NULL REFERENCES person(id),
                    fingerprint BLOB NOT NULL,
                    -- Days since 1970-01-01: no date of this table reads like a date of birth in the file.
                    booking_date INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    status_date INTEGER NOT NULL,
                    facility_code TEXT,
                    release_reason TEXT,
                    criminal_history TEXT NOT NULL,
                    protections TEXT NOT NULL,
                    batch_id INTEGER NOT NULL REFERENCES import_batch(id),
                    updated_at INTEGER NOT NULL,
                    UNIQUE (source, source_record_id)
                );
                CREATE INDEX custody_record_by_person ON custody_record(person_id);
                -- Every content version a record has had, by keyed fingerprint: provenance, and how a
                -- replayed older row is recognised as already applied rather than as stale.
                CREATE TABLE record_revision (
                    fingerprint BLOB PRIMARY KEY,
                    record_id INTEGER NOT NULL REFERENCES custody_record(id),
                    batch_id INTEGER NOT NULL REFERENCES import_batch(id)
                ) WITHOUT ROWID;
                CREATE TABLE custody_event (
                    id INTEGER PRIMARY KEY,
                    record_id INTEGER NOT NULL REFERENCES custody_record(id),
                    person_id INTEGER NOT NULL REFERENCES person(id),
                    batch_id INTEGER NOT NULL REFERENCES import_batch(id),
                    kind TEXT NOT NULL,
                    occurred_at INTEGER NOT NULL,
                    release_reason TEXT,
                    from_facility TEXT,
                    to_facility TEXT
                );
                CREATE INDEX custody_event_by_record ON custody_event(record_id);
                """)
        }
        registerAuditMigration(&migrator)
        registerAccessMigration(&migrator)
        registerStatisticsMigration(&migrator)
        registerNotificationMigration(&migrator)
        registerRetentionMigration(&migrator)
        registerAccuracyMigration(&migrator)
        registerWebAccountsMigration(&migrator)
        registerPolicyFactsMigration(&migrator)
        SQLiteAuditDatabase.registerMainMigration(&migrator)
        registerAccountLifecycleMigration(&migrator)
        registerPurgeIndexMigration(&migrator)
        return migrator
    }
}
