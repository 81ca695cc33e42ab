import VigilCore
import VigilNotify
import VigilStore
import VigilWeb

/// Lends the web pages the API's lookup path and limiter, so that a lookup from a form and one from
/// `POST /api/v1/lookup` are the same thing: one `LookupService`, one `RateLimiter`, one miss count.
struct ServerWebGateway: WebGateway {
    let lookups: LookupService
    let limiter: RateLimiter
    let access: any AccessStore
    let clock: LookupService.Clock
    let webhooks: WebhookAddressPolicy

    func admit(client: String, accountID: Int64?) async -> Int? {
        let key: RateLimiter.Key = accountID.map { .account($0) } ?? .client(client)
        if case .limited(let retryAfter) = await limiter.take(key) { return retryAfter }
        return nil
    }

    func publicLookup(aNumber: String, countryOfBirth: String, client: String) async throws -> WebAnswer {
        let answer = try await lookups.lookup(aNumber: aNumber, countryOfBirth: countryOfBirth, requester: .anonymous, client: client)
        // As the API does: a client that misses again and again is flagged to oversight.
        if answer.isMiss, await limiter.recordMiss(client: client) {
            try await access.raiseAlert(
                kind: "enumeration_suspected", details: ["client": lookups.clientToken(client), "tier": "public"], at: clock())
        }
        return WebAnswer(disclosure: answer.disclosure, facility: answer.facility)
    }

    func followedStatus(personID: Int64, registrationID: Int64, requester: Requester) async throws -> WebAnswer {
        let answer = try await lookups.lookup(personID: personID, registrationID: registrationID, requester: requester)
        return WebAnswer(disclosure: answer.disclosure, facility: answer.facility)
    }

    func addressIsInvalid(_ address: String, channel: NotificationChannel) async -> Bool {
        await RegistrationAddress.problem(address, channel: channel, webhooks: webhooks) != nil
    }
}

/// The pages count a client exactly as the API's middleware does.
extension VigilRequestContext: WebRequestContext {
    public var webClientKey: String { clientKey }
}
