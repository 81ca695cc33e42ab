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

/// Collects the body up to the context's limit before anything else reads it: OpenAPI handlers
/// stream bodies, and a streamed body is otherwise unlimited. The web page that uploads a feed file
/// gets a larger limit, and only for a browser whose signed session names an account: a stranger
/// cannot make the server hold 16 MiB.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    var allowsUpload: @Sendable (Request) -> Bool = { _ in false }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let limit = allowsUpload(request) ? WebPages.maxUpload : context.maxUploadSize
        do {
            _ = try await request.collectBody(upTo: limit)
        } catch {
            throw Problem.contentTooLarge(limit: limit)
        }
        return try await next(request, context)
    }
}

/// Resolves `Authorization: Bearer …` to an account and its tier. No header means the public tier;
/// a header with an unknown or disabled token is refused rather than silently downgraded.
///
/// Two kinds of token: account tokens (`vgl_…`) for agencies, advocates and oversight, and
/// registration tokens (`vgr_…`) that give a victim the victim tier for their own case only.
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
                guard let registration = try await registrations.registration(tokenHash: AccountToken.hash(token)) else {
                    throw Problem.unauthorized
                }
                context.registration = registration
                context.requester = Requester(tier: .victim)
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

/// Limits per client address (public) and per account on the endpoints that take guesses:
/// lookups, registrations (case codes) and acknowledgements (PINs).
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let limiter: RateLimiter
    static let limitedPaths: Set<String> = ["/api/v1/lookup", "/api/v1/registrations", "/api/v1/acknowledgements", "/api/v1/disputes"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, Self.limitedPaths.contains(request.uri.path) else { return try await next(request, context) }
        let key: RateLimiter.Key = context.requester.accountID.map { .account($0) } ?? .client(context.clientKey)
        if case .limited(let retryAfter) = await limiter.take(key) {
            throw Problem.tooManyRequests(retryAfter: retryAfter)
        }
        return try await next(request, context)
    }
}
