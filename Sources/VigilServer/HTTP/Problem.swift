import Foundation
import Hummingbird

/// An RFC 9457 problem, the body of every error Vigil answers with.
///
/// `detail` explains what to do; it never echoes request values (they may be personal data).
public struct Problem: HTTPResponseError, Equatable {
    public var status: HTTPResponse.Status
    public var type: String
    public var title: String
    public var detail: String?
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, type: String, title: String, detail: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.headers = headers
    }

    public static func badRequest(_ detail: String) -> Problem {
        Problem(.badRequest, type: "urn:vigil:problem:bad-request", title: "The request could not be read", detail: detail)
    }

    public static let unauthorized = Problem(
        .unauthorized, type: "urn:vigil:problem:unauthorized", title: "A valid bearer token is required",
        detail: "Send `Authorization: Bearer <token>` with a token from `vigil accounts create`.",
        headers: [.wwwAuthenticate: "Bearer"]
    )

    public static let forbidden = Problem(
        .forbidden, type: "urn:vigil:problem:forbidden", title: "This account's tier may not use this operation"
    )

    public static func tooManyRequests(retryAfter seconds: Int) -> Problem {
        Problem(
            .tooManyRequests, type: "urn:vigil:problem:rate-limited", title: "Too many requests",
            detail: "Try again in \(seconds) seconds.", headers: [.retryAfter: String(seconds)]
        )
    }

    public static func contentTooLarge(limit: Int) -> Problem {
        Problem(
            .contentTooLarge, type: "urn:vigil:problem:too-large", title: "The request body is too large",
            detail: "Request bodies are limited to \(limit) bytes."
        )
    }

    public static let requestTimeout = Problem(
        .requestTimeout, type: "urn:vigil:problem:timeout", title: "The request body did not arrive in time",
        headers: [.connection: "close"]
    )

    public static let notFound = Problem(.notFound, type: "urn:vigil:problem:not-found", title: "Not found")

    public static let internalError = Problem(
        .internalServerError, type: "urn:vigil:problem:internal", title: "Internal error",
        detail: "The error was logged; nothing was disclosed."
    )

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var object: [String: any Sendable] = ["type": type, "title": title, "status": Int(status.code)]
        if let detail { object["detail"] = detail }
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
