import Foundation
import OpenAPIRuntime
import VigilCore
import VigilCrypto
import VigilNotify
import VigilStore

/// Case codes, registrations and acknowledgements.
extension APIHandler {
    func issueCase(_ input: Operations.IssueCase.Input) async throws -> Operations.IssueCase.Output {
        let requester = RequestScope.current.requester
        guard requester.accountID != nil else { throw Problem.unauthorized }
        guard requester.tier == .agency, let source = requester.source else { throw Problem.forbidden }
        guard case .json(let body) = input.body else { throw Problem.badRequest("Send a JSON body.") }
        let now = clock()
        let days = body.validDays ?? 30
        let expires = Timestamp(secondsSinceEpoch: now.secondsSinceEpoch + Int64(days) * 86_400)
        let code = OneTimeSecret.caseCode()
        guard try await notifications.issueCase(
            source: source, sourceRecordID: body.sourceRecordId, codeHash: OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(code)),
            expiresAt: expires, at: now) != nil
        else {
            throw Problem(.notFound, type: "urn:vigil:problem:no-such-record",
                          title: "Your source has no record with this source_record_id")
        }
        return .created(.init(body: .json(.init(caseCode: code, expiresAt: expires.date))))
    }

    func register(_ input: Operations.Register.Input) async throws -> Operations.Register.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("Send a JSON body.") }
        let channel = NotificationChannel(rawValue: body.channel.rawValue) ?? .email
        if let problem = await RegistrationAddress.problem(body.address, channel: channel, webhooks: webhooks) {
            throw Problem(.badRequest, type: "urn:vigil:problem:invalid-address", title: "The address does not suit the channel", detail: problem)
        }
        let token = RegistrationToken.generate()
        let secret = channel == .webhook ? WebhookSecret.generate().encoded : nil
        let outcome = try await notifications.register(
            codeHash: OneTimeSecret.hash(OneTimeSecret.normalizeCaseCode(body.caseCode)), channel: channel,
            address: body.address, language: NoticeLanguage(rawValue: body.language.rawValue) ?? .en,
            tokenHash: AccountToken.hash(token), webhookSecret: secret, at: clock())
        switch outcome {
        case .invalidCode:
            throw Problem(.badRequest, type: "urn:vigil:problem:invalid-case-code",
                          title: "The case code is not valid",
                          detail: "It may be mistyped, already used or expired. Ask the agency that gave it to you for a new one.")
        case .registered(let id):
            return .created(.init(body: .json(.init(registrationId: "reg_\(id)", token: token, webhookSecret: secret))))
        }
    }

    func getRegistration(_ input: Operations.GetRegistration.Input) async throws -> Operations.GetRegistration.Output {
        guard let registration = RequestScope.current.registration else { throw Problem.unauthorized }
        // The victim tier, for the one person this registration follows.
        let answer = try await lookups.lookup(
            personID: registration.personID, registrationID: registration.id, requester: Requester(tier: .victim))
        return .ok(.init(body: .json(.init(
            registrationId: "reg_\(registration.id)", channel: registration.channel.rawValue,
            language: registration.language.rawValue, status: registration.status, lookup: Self.render(answer)))))
    }

    func cancelRegistration(_ input: Operations.CancelRegistration.Input) async throws -> Operations.CancelRegistration.Output {
        guard let registration = RequestScope.current.registration else { throw Problem.unauthorized }
        try await notifications.cancelRegistration(id: registration.id, at: clock())
        return .noContent(.init())
    }

    func acknowledge(_ input: Operations.Acknowledge.Input) async throws -> Operations.Acknowledge.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("Send a JSON body.") }
        guard try await notifications.acknowledge(messageID: body.messageId, pin: body.pin, at: clock()) else {
            throw Problem(.badRequest, type: "urn:vigil:problem:invalid-acknowledgement",
                          title: "The message id and PIN do not match", detail: "Check the PIN in the notice you received.")
        }
        return .noContent(.init())
    }
}

/// What an address must look like for each channel. Webhooks go through ``WebhookAddressPolicy``: https
/// to a public host only, unless the operator allowed private hosts. Reasons never echo the address.
enum RegistrationAddress {
    static func problem(_ address: String, channel: NotificationChannel, webhooks: WebhookAddressPolicy) async -> String? {
        switch channel {
        case .webhook:
            return await webhooks.refusal(for: address)?.description
        case .email:
            let parts = address.split(separator: "@")
            guard parts.count == 2, parts[1].contains("."), !address.contains(" ") else { return "That is not an email address." }
            return nil
        case .sms:
            let digits = address.dropFirst()
            guard address.hasPrefix("+"), (8...15).contains(digits.count), digits.allSatisfy(\.isNumber) else {
                return "A phone number must be in E.164 form, e.g. +15555550100."
            }
            return nil
        case .file:
            return "The file channel is for the demo only."
        }
    }
}
