import Foundation
import Logging
import OpenAPIRuntime
import VigilCore
import VigilCrypto
import VigilNotify
import VigilStore

/// The OpenAPI operations (see `openapi.yaml`, the contract). Authentication and rate limiting have
/// already run in middleware; the requester arrives through ``RequestScope``.
struct APIHandler: APIProtocol {
    let lookups: LookupService
    let audit: any AuditLogStore
    let access: any AccessStore
    let notifications: any NotificationStore
    let accuracy: any AccuracyStore
    let limiter: RateLimiter
    let stats: StatsService
    let clock: LookupService.Clock
    /// Which webhook addresses a registration may name (`--allow-private-webhooks`).
    let webhooks: WebhookAddressPolicy
    let logger: Logger

    func lookup(_ input: Operations.Lookup.Input) async throws -> Operations.Lookup.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("Send a JSON body.") }
        let scope = RequestScope.current
        let requester = Self.lookupRequester(scope.requester)
        let answer: LookupService.Answer
        do {
            answer = try await lookups.lookup(
                aNumber: body.aNumber, countryOfBirth: body.countryOfBirth, requester: requester, client: scope.client)
        } catch {
            logger.error("lookup failed", metadata: ["error.type": "\(type(of: error))"])
            throw Problem.internalError
        }
        if answer.isMiss, requester.tier == .public, await limiter.recordMiss(client: scope.client) {
            try await access.raiseAlert(
                kind: "enumeration_suspected",
                details: ["client": lookups.clientToken(scope.client), "tier": "public"],
                at: clock()
            )
        }
        return .ok(.init(body: .json(Self.render(answer))))
    }

    /// Who a lookup by A-number asks as. Agencies and oversight ask in their own right. A victim's or
    /// an advocate's tier reaches only the person a registration follows (`/api/v1/registrations/me`,
    /// the advocate's case list), never a person named in a lookup: here they ask as the public does,
    /// and are counted, limited and flagged for enumeration like the public. The account stays in the audit.
    static func lookupRequester(_ requester: Requester) -> Requester {
        requester.tier >= .agency ? requester : Requester(tier: .public, accountID: requester.accountID)
    }

    static func render(_ answer: LookupService.Answer) -> Components.Schemas.LookupResult {
        switch answer.disclosure {
        case .noMatch:
            return .init(result: .noMatch)
        case .underReview(let asOf):
            return .init(result: .underReview, asOf: asOf.date)
        case .match(let custody):
            let facility = answer.facility.map { f in
                Components.Schemas.Facility(
                    code: f.code, name: f.name, address: f.address, city: f.city, state: f.state,
                    postalCode: f.postalCode, phone: f.phone, visitingInfo: f.visitingInfo)
            }
            let record = custody.record.map { r in
                Components.Schemas.FullRecord(
                    source: answer.source ?? "", sourceRecordId: r.sourceRecordID, aNumber: r.aNumber?.formatted,
                    familyName: r.name.family, givenName: r.name.given, dateOfBirth: r.dateOfBirth?.description,
                    countryOfBirth: r.countryOfBirth.alpha2, bookingDate: r.custody.bookingDate.description,
                    criminalHistory: r.criminalHistory.rawValue, protections: r.protections.sorted().map(\.rawValue))
            }
            return .init(
                result: .match, asOf: custody.asOf.date,
                custody: .init(
                    status: .init(rawValue: custody.status.rawValue) ?? .inCustody,
                    inCustody: custody.status == .inCustody, facility: facility,
                    statusDate: custody.statusDate?.date, releaseReason: custody.releaseReason?.rawValue, record: record,
                    // Batch ids tell when a record changed: provenance goes to full access (agency, oversight) only.
                    provenance: custody.record == nil ? nil : answer.source.map { source in
                        .init(source: source, batch: Int(answer.batchID ?? 0), reportedAt: custody.asOf.date)
                    })
            )
        }
    }

    func listAuditEntries(_ input: Operations.ListAuditEntries.Input) async throws -> Operations.ListAuditEntries.Output {
        try requireOversight()
        let page = try await audit.auditEntries(after: input.query.after ?? -1, limit: input.query.limit ?? 100)
        return .ok(.init(body: .json(.init(entries: page.map { item in
            .init(
                seq: item.seq, kind: item.entry.kind.rawValue, recordedAt: item.entry.recordedAt.date,
                fields: .init(additionalProperties: item.entry.fields))
        }))))
    }

    func getAuditCheckpoint(_ input: Operations.GetAuditCheckpoint.Input) async throws -> Operations.GetAuditCheckpoint.Output {
        guard let note = try await audit.latestCheckpoint() else { throw Problem.notFound }
        return .ok(.init(body: .plainText(HTTPBody(note))))
    }

    /// A proof from the size oversight holds to the latest signed checkpoint, which it can check without
    /// trusting this server: the proof joins the root it kept to the root the signed note states.
    func getAuditConsistency(_ input: Operations.GetAuditConsistency.Input) async throws -> Operations.GetAuditConsistency.Output {
        try requireOversight()
        let from = input.query.from
        guard from >= 0 else { throw Problem.badRequest("from is a tree size: 0 or more.") }
        guard let note = try await audit.latestCheckpoint(), let size = Self.checkpointSize(note) else { throw Problem.notFound }
        guard from <= size else {
            throw Problem(.conflict, type: "urn:vigil:problem:beyond-checkpoint", title: "The latest checkpoint is smaller than that",
                          detail: "The latest signed checkpoint covers \(size) entries. Ask again after the next checkpoint; if the log stays smaller than the one you hold, entries were removed.")
        }
        guard let consistency = try await audit.auditConsistency(from: from, to: size) else {
            throw Problem(.conflict, type: "urn:vigil:problem:log-shorter-than-checkpoint", title: "The log holds fewer entries than its latest checkpoint",
                          detail: "Run `vigil audit verify` on the server.")
        }
        return .ok(.init(body: .json(.init(
            from: from, to: size, proof: consistency.proof.map { $0.base64EncodedString() }, checkpoint: note))))
    }

    /// The size line of a checkpoint note (its second line).
    static func checkpointSize(_ note: String) -> Int? {
        let lines = note.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        return lines.count > 1 ? Int(lines[1]) : nil
    }

    func listAlerts(_ input: Operations.ListAlerts.Input) async throws -> Operations.ListAlerts.Output {
        try requireOversight()
        let alerts = try await access.alerts(limit: input.query.limit ?? 100)
        return .ok(.init(body: .json(.init(alerts: alerts.map { alert in
            .init(
                id: Int(alert.id), kind: alert.kind,
                raisedAt: alert.raisedAt.date, details: .init(additionalProperties: alert.details))
        }))))
    }

    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    private func requireOversight() throws {
        let requester = RequestScope.current.requester
        if requester.accountID == nil { throw Problem.unauthorized }
        guard requester.tier == .oversight else { throw Problem.forbidden }
    }
}

extension Timestamp {
    var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSinceEpoch)) }
}
