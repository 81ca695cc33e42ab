import VigilCore
import VigilStore

/// What a notice worker needs from the store: the outbox, and the person's records to weigh the
/// disclosure policy again at the moment of sending.
public typealias NoticeStore = NotificationStore & Store

/// The disclosure policy at the moment a notice is sent.
///
/// A notice was written when its event was imported; by the time it is sent the person may have
/// gained a protection, been found to be a minor, or had a record held for review. A notice tells its
/// registrant what the victim tier may know, so it goes out only while the policy still answers that
/// tier with a match about the person (every live record, every source); otherwise it is withheld.
struct NoticeScreening {
    let store: any NoticeStore

    struct Verdict {
        var deliver: [OutboxMessage] = []
        var withhold: [WithheldNotice] = []
    }

    /// Sorts claimed notices into those to send and those to withhold: one read per person, not per notice.
    func screen(_ messages: [OutboxMessage], at now: Timestamp) async throws -> Verdict {
        var decisions: [Int64: (DisclosurePolicy.Decision, [String])] = [:]
        var verdict = Verdict()
        for message in messages {
            let personID = message.registration.personID
            if decisions[personID] == nil {
                let records = try await store.records(personID: personID)
                let decision = DisclosurePolicy.decide(
                    person: records.map(\.policyCandidate), for: Requester(tier: .victim), today: now.utcDate)
                decisions[personID] = (decision, records.map(\.source))
            }
            guard let entry = decisions[personID] else { continue }
            let (decision, sources) = entry
            if case .match = decision.disclosure {
                verdict.deliver.append(message)
            } else {
                verdict.withhold.append(WithheldNotice(
                    id: message.id, registrationID: message.registration.id, rule: decision.rule.rawValue, sources: sources, at: now))
            }
        }
        return verdict
    }
}
