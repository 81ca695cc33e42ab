import Foundation
import OpenAPIRuntime
import VigilCore
import VigilCrypto
import VigilStore

/// Disputes, the review queue and corrections.
extension APIHandler {
    func fileDispute(_ input: Operations.FileDispute.Input) async throws -> Operations.FileDispute.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("Send a JSON body.") }
        let receipt = "dsp_" + AccountToken.generate().dropFirst(4).prefix(22)
        // Same answer, and the same work, whether or not a record matched.
        if let aNumber = try? ANumber(parsing: body.aNumber), let country = try? CountryCode(parsing: body.countryOfBirth) {
            _ = try await accuracy.fileDispute(
                aNumber: aNumber, country: country, filedBy: body.filedBy.rawValue, reference: body.reference,
                receiptHash: OneTimeSecret.hash(String(receipt)), confirmation: Self.disputeConfirmation(RequestScope.current),
                at: clock())
        }
        return .accepted(.init(body: .json(.init(receipt: String(receipt)))))
    }

    func listReviews(_ input: Operations.ListReviews.Input) async throws -> Operations.ListReviews.Output {
        let source = try reviewerSource()
        let reviews = try await accuracy.reviews(source: source, includeResolved: false)
            .compactMap { source == nil ? $0 : Self.agencyView(of: $0) }
        return .ok(.init(body: .json(.init(reviews: reviews.map { review in
            .init(
                id: Int(review.id), kind: .init(rawValue: review.kind.rawValue) ?? .conflict, source: review.source,
                sourceRecordId: review.sourceRecordID, otherRecordId: review.otherRecordID.map(Int.init), score: review.score,
                filedBy: review.filedBy, status: review.status, openedAt: review.openedAt.date)
        }))))
    }

    func resolveReview(_ input: Operations.ResolveReview.Input) async throws -> Operations.ResolveReview.Output {
        let source = try reviewerSource()
        guard case .json(let body) = input.body, let outcome = ReviewOutcome(rawValue: body.outcome.rawValue) else {
            throw Problem.badRequest("Send {\"outcome\": …}.")
        }
        // An agency resolves only what its queue shows it; anything else is not found, not forbidden,
        // so that the answer does not confirm the review exists.
        guard let review = try await accuracy.review(id: Int64(input.path.id)),
              source == nil || (review.source == source && Self.agencyView(of: review) != nil)
        else {
            throw Problem.notFound
        }
        do {
            try await accuracy.resolveReview(id: review.id, outcome: outcome, by: reviewerName(), at: clock())
        } catch let error as AccuracyError {
            throw Problem.badRequest(error.description)
        }
        return .noContent(.init())
    }

    func correctRecord(_ input: Operations.CorrectRecord.Input) async throws -> Operations.CorrectRecord.Output {
        let own = try reviewerSource()
        guard case .json(let body) = input.body else { throw Problem.badRequest("Send a JSON body.") }
        guard let source = own ?? body.source else { throw Problem.badRequest("Oversight names the record's source.") }
        guard let status = CustodyStatus(rawValue: body.status.rawValue) else { throw Problem.badRequest("Unknown status.") }
        let reason = body.releaseReason.flatMap(ReleaseReason.init(rawValue:))
        if status == .released && reason == nil { throw Problem.badRequest("A release needs a release_reason.") }
        if status == .inCustody && body.facilityCode == nil { throw Problem.badRequest("In custody needs a facility_code.") }
        let statusDate = Timestamp(secondsSinceEpoch: Int64(body.statusDate.timeIntervalSince1970))
        let state = CorrectedCustody(status: status, statusDate: statusDate, facilityCode: body.facilityCode, releaseReason: reason)
        guard let summary = try await accuracy.correct(
            source: source, sourceRecordID: body.sourceRecordId, to: state, by: reviewerName(), at: clock())
        else { throw Problem.notFound }
        return .ok(.init(body: .json(.init(notified: summary.notifiedRegistrations.count, withdrawn: summary.withdrawnNotices))))
    }

    /// The second signal a dispute carries, from who sent it: a victim's registration token vouches for
    /// the person it follows, an agency for its own records, an advocate's (or counsel's) account and
    /// oversight for any record. Without a token a dispute only opens a review.
    static func disputeConfirmation(_ scope: RequestScope) -> DisputeConfirmation {
        if let registration = scope.registration { return .person(registration.personID) }
        guard scope.requester.accountID != nil else { return .unconfirmed }
        switch scope.requester.tier {
        case .advocate, .oversight: return .account
        case .agency: return scope.requester.source.map { .source($0) } ?? .unconfirmed
        case .public, .victim: return .unconfirmed
        }
    }

    /// What an agency's queue shows of a review of its own record. Identity proposals link the record
    /// to a person another source holds: they are oversight's alone, and an agency never learns of
    /// them. A conflict or dispute is shown without the other record's id or a match score, which
    /// would say that another source holds a matching person.
    static func agencyView(of review: Review) -> Review? {
        guard review.kind != .identity else { return nil }
        var shown = review
        shown.otherRecordID = nil
        shown.score = nil
        return shown
    }

    /// Agencies review their own source (returned); oversight reviews all (`nil`). Others may not.
    private func reviewerSource() throws -> String? {
        let requester = RequestScope.current.requester
        guard requester.accountID != nil else { throw Problem.unauthorized }
        switch requester.tier {
        case .oversight: return nil
        case .agency:
            guard let source = requester.source else { throw Problem.forbidden }
            return source
        default: throw Problem.forbidden
        }
    }

    private func reviewerName() -> String {
        let requester = RequestScope.current.requester
        return "\(requester.tier.name):\(requester.accountID ?? 0)"
    }
}
