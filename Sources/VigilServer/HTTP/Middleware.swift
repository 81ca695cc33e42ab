import Foundation
import Hummingbird
import Logging
import OpenAPIRuntime
import VigilCore
import VigilCrypto
import VigilStore
import VigilWeb

/// Turns every error into `application/problem+json`, and makes sure none leaks a value.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as ServerError {
            if let problem = error.underlyingError as? Problem { return try problem.response(from: request, context: context) }
            // The runtime could not read the request (not JSON, wrong type, missing field): the client's error.
            return try Problem.badRequest("The body must be JSON as described in /openapi.yaml.")
                .response(from: request, context: context)
        } catch let error as HTTPError {
            let problem: Problem = switch error.status {
            case .notFound: .notFound
            case .contentTooLarge: .contentTooLarge(limit: context.maxUploadSize)
            case .unauthorized: .unauthorized
            default: Problem(error.status, type: "urn:vigil:problem:http", title: error.status.reasonPhrase)
            }
            return try problem.response(from: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
            return try Problem.internalError.response(from: request, context: context)
        }
    }
}

/// Resolves `Authorization: Bearer …` to an account and its tier. No header means the public tier;
/// a header with an unknown or disabled token is refused rather than silently downgraded.
///
/// Two kinds of token: account tokens (`vgl_…`) for agencies, advocates and oversight, and
/// registration tokens (`vgr_…`). A registration token names one registration and nothing more: the
/// requester stays the public tier, and only the operations on that registration (which read
/// `RequestScope.registration`) give the victim tier, for the person it follows. A cancelled, expired
/// or gone registration's token is refused like an unknown one.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let accounts: any AccessStore
    let registrations: any NotificationStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer ") else { throw Problem.unauthorized }
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            if token.hasPrefix(RegistrationToken.prefix) {
                guard let registration = try await registrations.registration(tokenHash: AccountToken.hash(token)),
                      registration.isLive
                else {
                    throw Problem.unauthorized
                }
                context.registration = registration
            } else {
                guard let account = try await accounts.account(tokenHash: AccountToken.hash(token)), !account.disabled else {
                    throw Problem.unauthorized
                }
                context.requester = Requester(tier: account.tier, source: account.source, accountID: account.id)
            }
        }
        let scope = RequestScope(requester: context.requester, client: context.clientKey, registration: context.registration)
        return try await RequestScope.$current.withValue(scope) { try await next(request, context) }
    }
}

/// Reads the client's address from `X-Forwarded-For` when the connection comes from a trusted proxy.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !proxies.isEmpty, let peer = context.remoteAddress?.ipAddress else { return try await next(request, context) }
        var context = context
        let forwarded = request.headers.filter { $0.name.canonicalName == "x-forwarded-for" }.map(\.value)
        context.forwardedClient = proxies.clientAddress(peer: peer, forwardedFor: forwarded)
        return try await next(request, context)
    }
}

/// Limits per client (public) and per account on the routes that take guesses: lookups, registrations
/// (case codes), acknowledgements (PINs) and disputes. The route is the one the router matched, so no
/// spelling of its path escapes the limit. Only agencies and oversight are limited per account: a
/// victim's registration token or an advocate's account asks these routes as the public does, so it
/// is counted per client like the public.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let limiter: RateLimiter
    static let limitedRoutes: Set<String> = ["/api/v1/lookup", "/api/v1/registrations", "/api/v1/acknowledgements", "/api/v1/disputes"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, let route = context.endpointPath, Self.limitedRoutes.contains(route) else {
            return try await next(request, context)
        }
        if case .limited(let retryAfter) = await limiter.take(Self.key(for: context.requester, client: context.clientKey)) {
            throw Problem.tooManyRequests(retryAfter: retryAfter)
        }
        return try await next(request, context)
    }

    static func key(for requester: Requester, client: String) -> RateLimiter.Key {
        if requester.tier >= .agency, let account = requester.accountID { return .account(account) }
        return .client(client)
    }
}
