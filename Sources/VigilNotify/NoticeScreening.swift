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

    /// Sorts claimed notices into those to send and those to withhold: one read per person, not per
    /// notice, the people read at once (a lease is running).
    func screen(_ messages: [OutboxMessage], at now: Timestamp) async throws -> Verdict {
        let people = Set(messages.map(\.registration.personID))
        let decisions = try await withThrowingTaskGroup(of: (Int64, DisclosurePolicy.Decision, [String]).self) { group in
            for personID in people {
                group.addTask { [store] in
                    let records = try await store.records(personID: personID)
                    let decision = DisclosurePolicy.decide(
                        person: records.map(\.policyCandidate), for: Requester(tier: .victim), today: now.utcDate)
                    return (personID, decision, records.map(\.source))
                }
            }
            var decisions: [Int64: (decision: DisclosurePolicy.Decision, sources: [String])] = [:]
            for try await (personID, decision, sources) in group { decisions[personID] = (decision, sources) }
            return decisions
        }
        var verdict = Verdict()
        for message in messages {
            guard let person = decisions[message.registration.personID] else { continue }
            if case .match = person.decision.disclosure {
                verdict.deliver.append(message)
            } else {
                verdict.withhold.append(WithheldNotice(
                    id: message.id, registrationID: message.registration.id, rule: person.decision.rule.rawValue,
                    sources: person.sources, at: now))
            }
        }
        return verdict
    }
}
