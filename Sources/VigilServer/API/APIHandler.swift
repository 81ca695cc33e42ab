import Foundation
import Logging
import OpenAPIRuntime
import VigilCore
import VigilCrypto
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
