import Logging
import PostgresNIO

/// The PostgreSQL schema, as ordered migrations of single statements (PostgreSQL's extended protocol
/// runs one statement per query). A migration, once released, is never edited: add a new one.
///
/// The tables mirror the SQLite store's, column for column, so the two stores' behaviour can be held
/// to one conformance suite. Times are seconds since 1970 (`BIGINT`, or `DOUBLE PRECISION` where the
/// worker needs sub-second precision); booking dates are day numbers, so no column reads like a
/// date of birth.
enum PostgresSchema {
    struct Migration {
        var id: String
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(id: "v1: the whole schema of the SQLite store's v1–v7", statements: [
            """
            CREATE TABLE import_batch (
                id BIGSERIAL PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('custody', 'facilities')),
                source TEXT NOT NULL,
                file_name TEXT NOT NULL,
                file_sha256 TEXT NOT NULL,
                received_at TEXT NOT NULL,
                rows BIGINT NOT NULL DEFAULT 0,
                accepted BIGINT NOT NULL DEFAULT 0,
                rejected BIGINT NOT NULL DEFAULT 0,
                unchanged BIGINT NOT NULL DEFAULT 0,
                events BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE facility (
                code TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                address TEXT NOT NULL,
                city TEXT NOT NULL,
                state TEXT NOT NULL,
                postal_code TEXT NOT NULL,
                phone TEXT NOT NULL,
                visiting_info TEXT NOT NULL,
                batch_id BIGINT NOT NULL REFERENCES import_batch(id)
            )
            """,
            // Personal data is sealed (AES-256-GCM, key id inside each value) and found by blind index.
            """
            CREATE TABLE person (
                id BIGSERIAL PRIMARY KEY,
                a_number_index BYTEA,
                a_number_sealed BYTEA,
                name_index BYTEA NOT NULL,
                family_name_sealed BYTEA NOT NULL,
                given_name_sealed BYTEA NOT NULL,
                date_of_birth_sealed BYTEA,
                country_of_birth TEXT NOT NULL,
                batch_id BIGINT NOT NULL REFERENCES import_batch(id),
                birth_country_index BYTEA
            )
            """,
            "CREATE INDEX person_by_a_number ON person(a_number_index)",
            "CREATE INDEX person_by_name ON person(name_index)",
            "CREATE INDEX person_by_birth_country ON person(birth_country_index)",
            """
            CREATE TABLE custody_record (
                id BIGSERIAL PRIMARY KEY,
                source TEXT NOT NULL,
                source_record_id TEXT NOT NULL,
                person_id BIGINT NOT NULL REFERENCES person(id),
                fingerprint BYTEA NOT NULL,
                booking_date BIGINT NOT NULL,
                status TEXT NOT NULL,
                status_date BIGINT NOT NULL,
                facility_code TEXT,
                release_reason TEXT,
                criminal_history TEXT NOT NULL,
                protections TEXT NOT NULL,
                batch_id BIGINT NOT NULL REFERENCES import_batch(id),
                updated_at BIGINT NOT NULL,
                purged_at BIGINT,
                held BOOLEAN NOT NULL DEFAULT FALSE,
                UNIQUE (source, source_record_id)
            )
            """,
            "CREATE INDEX custody_record_by_person ON custody_record(person_id)",
            """
            CREATE TABLE record_revision (
                fingerprint BYTEA PRIMARY KEY,
                record_id BIGINT NOT NULL REFERENCES custody_record(id),
                batch_id BIGINT NOT NULL REFERENCES import_batch(id)
            )
            """,
            """
            CREATE TABLE custody_event (
                id BIGSERIAL PRIMARY KEY,
                record_id BIGINT NOT NULL REFERENCES custody_record(id),
                person_id BIGINT NOT NULL REFERENCES person(id),
                batch_id BIGINT NOT NULL REFERENCES import_batch(id),
                kind TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                release_reason TEXT,
                from_facility TEXT,
                to_facility TEXT
            )
            """,
            "CREATE INDEX custody_event_by_record ON custody_event(record_id)",
            "CREATE INDEX custody_event_by_time ON custody_event(occurred_at) WHERE kind IN ('released', 'removed')",
            // The audit log: no append-only rules, as in SQLite. A rule is dropped as easily as it is made;
            // integrity rests on the leaf hashes and signed checkpoints that `vigil audit verify` checks.
            """
            CREATE TABLE audit_entry (
                seq BIGINT PRIMARY KEY CHECK (seq >= 0),
                recorded_at TEXT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                leaf_hash BYTEA NOT NULL
            )
            """,
            """
            CREATE TABLE audit_checkpoint (
                size BIGINT PRIMARY KEY,
                root_hash BYTEA NOT NULL,
                note TEXT NOT NULL,
                created_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE account (
                id BIGSERIAL PRIMARY KEY,
                tier TEXT NOT NULL CHECK (tier IN ('agency', 'advocate', 'oversight')),
                name TEXT NOT NULL,
                source TEXT,
                token_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                disabled BOOLEAN NOT NULL DEFAULT FALSE
            )
            """,
            """
            CREATE TABLE alert (
                id BIGSERIAL PRIMARY KEY,
                kind TEXT NOT NULL,
                raised_at BIGINT NOT NULL,
                details TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE statistics_release (
                id BIGSERIAL PRIMARY KEY,
                period TEXT NOT NULL,
                epsilon_micro BIGINT NOT NULL CHECK (epsilon_micro > 0),
                published_at BIGINT NOT NULL,
                body BYTEA NOT NULL
            )
            """,
            "CREATE INDEX statistics_release_by_period ON statistics_release(period)",
            """
            CREATE TABLE privacy_budget_spend (
                id BIGSERIAL PRIMARY KEY,
                period TEXT NOT NULL,
                table_id TEXT NOT NULL,
                epsilon_micro BIGINT NOT NULL CHECK (epsilon_micro > 0),
                release_id BIGINT NOT NULL REFERENCES statistics_release(id),
                spent_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX privacy_budget_spend_by_period ON privacy_budget_spend(period, table_id)",
            """
            CREATE TABLE case_code (
                id BIGSERIAL PRIMARY KEY,
                code_hash TEXT NOT NULL UNIQUE,
                record_id BIGINT NOT NULL REFERENCES custody_record(id),
                person_id BIGINT NOT NULL REFERENCES person(id),
                source TEXT NOT NULL,
                issued_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL,
                used_at BIGINT
            )
            """,
            """
            CREATE TABLE registration (
                id BIGSERIAL PRIMARY KEY,
                case_id BIGINT NOT NULL UNIQUE REFERENCES case_code(id),
                person_id BIGINT NOT NULL REFERENCES person(id),
                channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email', 'sms', 'file')),
                address_sealed BYTEA NOT NULL,
                language TEXT NOT NULL CHECK (language IN ('en', 'es')),
                token_hash TEXT NOT NULL UNIQUE,
                secret_sealed BYTEA,
                status TEXT NOT NULL DEFAULT 'active',
                status_reason TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX registration_by_person ON registration(person_id) WHERE status = 'active'",
            """
            CREATE TABLE outbox (
                id BIGSERIAL PRIMARY KEY,
                message_id TEXT NOT NULL UNIQUE,
                registration_id BIGINT NOT NULL REFERENCES registration(id),
                event_id BIGINT NOT NULL REFERENCES custody_event(id),
                kind TEXT NOT NULL,
                occurred_at BIGINT NOT NULL,
                enqueued_at DOUBLE PRECISION NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending',
                attempts BIGINT NOT NULL DEFAULT 0,
                repeats BIGINT NOT NULL DEFAULT 0,
                next_attempt_at DOUBLE PRECISION NOT NULL,
                lease_until DOUBLE PRECISION,
                first_delivered_at DOUBLE PRECISION,
                pin_sealed BYTEA,
                acknowledged_at BIGINT,
                last_error TEXT
            )
            """,
            "CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'pending'",
            "CREATE INDEX outbox_by_event ON outbox(event_id)",
            """
            CREATE TABLE review (
                id BIGSERIAL PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('conflict', 'identity', 'dispute')),
                record_id BIGINT NOT NULL REFERENCES custody_record(id),
                other_record_id BIGINT REFERENCES custody_record(id),
                score DOUBLE PRECISION,
                filed_by TEXT,
                reference_sealed BYTEA,
                receipt_hash TEXT,
                status TEXT NOT NULL DEFAULT 'open',
                opened_at BIGINT NOT NULL,
                resolved_at BIGINT,
                resolved_by TEXT,
                outcome TEXT
            )
            """,
            "CREATE INDEX review_by_record ON review(record_id, status)",
            """
            CREATE TABLE batch_reject (
                batch_id BIGINT NOT NULL REFERENCES import_batch(id),
                column_name TEXT NOT NULL,
                reason TEXT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (batch_id, column_name, reason)
            )
            """,
            """
            CREATE TABLE correction (
                id BIGSERIAL PRIMARY KEY,
                record_id BIGINT NOT NULL REFERENCES custody_record(id),
                source TEXT NOT NULL,
                corrected_by TEXT NOT NULL,
                corrected_at BIGINT NOT NULL,
                event_id BIGINT NOT NULL REFERENCES custody_event(id),
                notified BIGINT NOT NULL
            )
            """,
            // Request times of rate-limited keys (keyed tokens of client addresses and account ids), shared
            // by every instance so that "30 a minute" holds however many servers answer.
            """
            CREATE TABLE rate_hit (
                key TEXT NOT NULL,
                at DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX rate_hit_by_key ON rate_hit(key, at)",
        ]),
        // The SQLite store's v8: web sign-in for advocates and oversight, and the advocate's case list.
        Migration(id: "v2: web sign-in and advocate case links", statements: [
            "ALTER TABLE account ADD COLUMN login TEXT",
            "ALTER TABLE account ADD COLUMN password_hash TEXT",
            "CREATE UNIQUE INDEX account_by_login ON account(login) WHERE login IS NOT NULL",
            "ALTER TABLE registration ADD COLUMN advocate_account_id BIGINT REFERENCES account(id)",
            "CREATE INDEX registration_by_advocate ON registration(advocate_account_id) WHERE advocate_account_id IS NOT NULL",
        ]),
        // The SQLite store's v9: the facts the disclosure policy weighs are kept per record, so that a row
        // from one source cannot change the date of birth another source gave,
        // and each record's policy inputs are sealed with a keyed MAC (sealed by the store on first open).
        Migration(id: "v3: person facts per record, sealed policy inputs", statements: [
            "ALTER TABLE custody_record ADD COLUMN date_of_birth_sealed BYTEA",
            """
            UPDATE custody_record r SET date_of_birth_sealed = p.date_of_birth_sealed
            FROM person p WHERE p.id = r.person_id AND r.purged_at IS NULL
            """,
            "ALTER TABLE custody_record ADD COLUMN policy_seal BYTEA",
            "CREATE TABLE policy_seal_state (sealed_at BIGINT NOT NULL)",
        ]),
        // The SQLite store's v11: web sessions that end server-side, and sign-in lockout.
        Migration(id: "v4: account lifecycle", statements: [
            "ALTER TABLE account ADD COLUMN web_session_generation BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE account ADD COLUMN failed_sign_ins BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE account ADD COLUMN first_failed_sign_in BIGINT",
            "ALTER TABLE account ADD COLUMN sign_in_locked_until BIGINT",
        ]),
        // The SQLite store's v12: a purge in short chunks finds each one without rescanning what it purged.
        Migration(id: "v5: records due for purge, indexed", statements: [
            "CREATE INDEX custody_record_due ON custody_record(status, status_date) WHERE purged_at IS NULL",
        ]),
    ]

    /// Applies every migration not yet applied, each in its own transaction, under an advisory lock so
    /// that instances starting together do not race.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.lock(.migrations, logger: logger)
            try await connection.run("""
                CREATE TABLE IF NOT EXISTS vigil_migration (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            let applied = Set(try await connection.rows("SELECT id FROM vigil_migration", logger: logger)
                .map { try $0.value("id", as: String.self) })
            for migration in migrations where !applied.contains(migration.id) {
                for statement in migration.statements {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.run("INSERT INTO vigil_migration (id) VALUES (\(migration.id))", logger: logger)
            }
        }
    }
}
