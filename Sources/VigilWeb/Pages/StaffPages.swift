import Foundation
import Hummingbird
import VigilCore
import VigilCrypto
import VigilFeeds
import VigilStore

/// Sign-in and sign-out. Advocates and oversight staff use a login and a bcrypt-checked password;
/// agencies use their existing API key in a password field. Each success starts a new session
/// (a new id, so a session planted before sign-in is worthless) and is audited.
extension WebPages {
    func signInForm(_ visit: inout Visit) async throws -> Response { render(visit, "signin") }

    func signIn(_ visit: inout Visit) async throws -> Response {
        let fields = try await form(visit)
        try await admit(visit)
        guard let login = fields.text("login"), let password = fields["password"], !password.isEmpty else {
            return render(visit, "signin", status: .badRequest, ["error": text("error_required", visit)])
        }
        let stored = try await store.passwordAccount(login: login)
        let refused = render(visit, "signin", status: .unauthorized, ["error": text("error_signin", visit)])
        // A locked account gets the same answer as a wrong password, after the same bcrypt work, so that
        // neither the page nor its timing tells a guesser which logins exist or are locked.
        if let account = stored?.account, try await store.signInLockedUntil(accountID: account.id, at: clock()) != nil {
            _ = try await PasswordHasher.verify(password, hash: PasswordHasher.decoy)
            return refused
        }
        // An unknown login costs one bcrypt check too, so timing does not tell which logins exist.
        let valid = try await PasswordHasher.verify(password, hash: stored?.passwordHash ?? PasswordHasher.decoy)
        guard valid, let account = stored?.account, !account.disabled, account.tier == .advocate || account.tier == .oversight else {
            if let account = stored?.account {
                // Repeated failures lock the account's web sign-in and alert oversight (see SignInLockout).
                _ = try await store.recordFailedSignIn(accountID: account.id, policy: lockout, at: clock())
            }
            return refused
        }
        try await store.clearFailedSignIns(accountID: account.id)
        return try await startSession(&visit, account: account, method: "password")
    }

    func agencySignInForm(_ visit: inout Visit) async throws -> Response { render(visit, "agency-signin") }

    func agencySignIn(_ visit: inout Visit) async throws -> Response {
        let fields = try await form(visit)
        try await admit(visit)
        guard let key = fields.text("key"), let account = try await store.account(tokenHash: AccountToken.hash(key)),
              !account.disabled, account.tier == .agency, account.source != nil
        else {
            return render(visit, "agency-signin", status: .unauthorized, ["error": text("error_agency_key", visit)])
        }
        return try await startSession(&visit, account: account, method: "api_key")
    }

    private func startSession(_ visit: inout Visit, account: Account, method: String) async throws -> Response {
        _ = try await store.appendAudit([AuditEntry(kind: .account, recordedAt: clock(), fields: [
            "action": "web_sign_in", "account": String(account.id), "tier": account.tier.name, "method": method,
        ])])
        let generation = try await store.webSessionGeneration(accountID: account.id) ?? 0
        visit.session = .signedIn(account: account.id, generation: generation, now: visit.now)
        visit.account = account
        visit.saveSession(codec)
        return redirect(visit, to: Self.home(of: account.tier))
    }

    /// Ends the account's sessions on the server too: the cookie just dropped, or a copy of it, no longer
    /// signs anyone in (every session of the account ends, on every device).
    func signOut(_ visit: inout Visit) async throws -> Response {
        _ = try await form(visit)
        if let account = visit.account { try await store.endWebSessions(accountID: account.id, at: clock()) }
        visit.session = .anonymous(now: visit.now)
        visit.account = nil
        visit.saveSession(codec)
        return redirect(visit, to: "/")
    }
}

/// The advocate's case list, the agency's upload, the oversight view.
extension WebPages {
    func advocate(_ visit: inout Visit) async throws -> Response {
        let account = try visit.require(.advocate)
        var rows: [[String: Any]] = []
        for item in try await store.advocateCases(accountID: account.id) {
            // Through the policy at the advocate tier, audited like any lookup.
            let answer = try await gateway.followedStatus(
                personID: item.personID, registrationID: item.registrationID,
                requester: Requester(tier: .advocate, accountID: account.id))
            var row: [String: Any] = [
                "id": String(item.registrationID), "created": Self.format(item.createdAt),
                "channel": text("channel_\(item.channel.rawValue)", visit), "language": text("language_\(item.language.rawValue)", visit),
                "status": text("reg_status_\(item.status)", visit),
            ]
            switch answer.disclosure {
            case .match(let custody):
                row["custody"] = text("status_\(custody.status.rawValue)", visit)
                if let facility = answer.facility { row["facility"] = facility.name }
            case .underReview: row["custody"] = text("result_under_review_heading", visit)
            case .noMatch: row["custody"] = text("custody_not_shown", visit)
            }
            rows.append(row)
        }
        return render(visit, "advocate", ["cases": rows, "has_cases": !rows.isEmpty])
    }

    func agency(_ visit: inout Visit) async throws -> Response {
        let account = try visit.require(.agency)
        return render(visit, "agency", ["source": account.source ?? ""])
    }

    /// Runs the uploaded file through the same `FeedImport` as `vigil import`, as the agency's own
    /// source, and shows its report: counts and problems by line and column, never a value. The file
    /// lives in a private temporary folder only while it is imported; its reject file goes with it.
    func upload(_ visit: inout Visit) async throws -> Response {
        let account = try visit.require(.agency)
        var request = visit.request
        let body = Array(buffer: try await request.collectBody(upTo: Self.maxUpload))
        guard let multipart = MultipartForm(body: body, contentType: request.headers[.contentType]),
              codec.checkCSRF(multipart.field("csrf"), session: visit.incoming)
        else { throw Refusal.csrf }
        try await admit(visit)
        guard let source = account.source, let file = multipart.file("feed"), !file.content.isEmpty else {
            return render(visit, "agency", status: .badRequest, ["source": account.source ?? "", "error": text("error_no_file", visit)])
        }
        let lower = (file.filename ?? "").lowercased()
        let ext = lower.hasSuffix(".ndjson") ? "ndjson" : lower.hasSuffix(".jsonl") ? "jsonl" : "csv"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("upload.\(ext)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(file.content), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let report: FeedImport.Report
        do {
            report = try await FeedImport.run(path: path, source: source, store: store, receivedAt: clock())
        } catch is FeedFileError {
            return render(visit, "agency", status: .badRequest, ["source": source, "error": text("error_upload", visit)])
        }
        logger.info("web feed import", metadata: [
            "account": "\(account.id)", "batch": "\(report.summary.batchID)", "accepted": "\(report.summary.accepted)",
            "rejected": "\(report.summary.rejected)",
        ])
        let summary = report.summary
        return render(visit, "agency-report", [
            "batch": String(summary.batchID), "rows": String(summary.rows), "accepted": String(summary.accepted),
            "rejected": String(summary.rejected), "unchanged": String(summary.unchanged), "events": String(summary.events),
            "unknown": report.unknownColumns, "has_unknown": !report.unknownColumns.isEmpty,
            "problems": report.firstProblems.map { ["line": String($0.line), "column": $0.column ?? "", "reason": $0.reason] },
            "has_problems": !report.firstProblems.isEmpty,
        ])
    }

    func oversight(_ visit: inout Visit) async throws -> Response {
        _ = try visit.require(.oversight)
        let known: Set<String> = ["protected_record_queried", "enumeration_suspected", "delivery_failed"]
        let alerts = try await store.alerts(limit: 50).map { alert -> [String: Any] in
            [
                "kind": text(known.contains(alert.kind) ? "alert_\(alert.kind)" : "alert_other", visit), "code": alert.kind,
                "raised": Self.format(alert.raisedAt),
                // Opaque references only (keyed tokens, record ids), as stored.
                "details": alert.details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "),
            ]
        }
        let quality = try await store.quality(now: clock()).map { q -> [String: Any] in
            [
                "source": q.source, "batches": String(q.batches), "rows": String(q.rows), "rejected": String(q.rejected),
                "reject_rate": String(format: "%.1f %%", q.rejectRate * 100), "conflicts": String(q.conflicts),
                "disputes": String(q.disputes), "corrections": String(q.corrections),
                "last_batch": Timestamp(iso: q.lastBatchAt).map(Self.format) ?? q.lastBatchAt,
            ]
        }
        var values: [String: Any] = ["alerts": alerts, "has_alerts": !alerts.isEmpty, "quality": quality, "has_quality": !quality.isEmpty]
        if let checkpoint = try await store.latestCheckpoint() { values["checkpoint"] = checkpoint }
        return render(visit, "oversight", values)
    }
}
