import Foundation
import Hummingbird

/// The bounds that openapi.yaml declares, enforced by the server. The generated server decodes
/// types but not `minimum`, `maximum` or `maxLength`, and an unchecked `valid_days` of 2^47 once
/// overflowed the expiry arithmetic and killed the process. Every bound lives in ``RequestBounds/routes``
/// — one table, checked against the document by a test — and one middleware applies it to every route.
enum Bound: Sendable, Equatable {
    case integer(minimum: Int64?, maximum: Int64?)
    case string(maxLength: Int)

    /// What the field must be, for the problem's detail (never the value sent).
    func requirement(_ field: String) -> String {
        switch self {
        case .integer(let minimum?, let maximum?): "`\(field)` must be an integer from \(minimum) to \(maximum)."
        case .integer(let minimum?, nil): "`\(field)` must be an integer of at least \(minimum)."
        case .integer(nil, let maximum?): "`\(field)` must be an integer of at most \(maximum)."
        case .integer(nil, nil): "`\(field)` must be an integer."
        case .string(let maxLength): "`\(field)` must be at most \(maxLength) characters long."
        }
    }

    /// Whether a JSON value (as `JSONSerialization` reads it) keeps the bound. A value of the wrong
    /// type passes here: the generated decoder refuses it with its own 400.
    func admits(json value: Any) -> Bool {
        switch self {
        case .integer(let minimum, let maximum):
            guard let number = (value as? NSNumber)?.doubleValue ?? (value as? Int).map(Double.init) ?? (value as? Double) else {
                return true
            }
            return admits(number, minimum: minimum, maximum: maximum)
        case .string(let maxLength):
            // JSON Schema counts characters as Unicode code points.
            guard let text = value as? String else { return true }
            return text.unicodeScalars.count <= maxLength
        }
    }

    /// Whether a query parameter's text keeps the bound.
    func admits(query text: String) -> Bool {
        switch self {
        case .integer(let minimum, let maximum):
            guard let number = Double(text) else { return true }
            return admits(number, minimum: minimum, maximum: maximum)
        case .string(let maxLength):
            return text.unicodeScalars.count <= maxLength
        }
    }

    private func admits(_ number: Double, minimum: Int64?, maximum: Int64?) -> Bool {
        guard number.isFinite else { return false }
        if let minimum, number < Double(minimum) { return false }
        if let maximum, number > Double(maximum) { return false }
        return true
    }
}

/// One bounded field of one operation.
struct BoundedField: Sendable, Equatable {
    enum Location: Sendable { case body, query }
    var name: String
    var location: Location
    var bound: Bound
}

enum RequestBounds {
    /// Every bound in openapi.yaml, by the route as the router matched it (`METHOD /path`).
    static let routes: [String: [BoundedField]] = [
        "POST /api/v1/lookup": [
            .init(name: "a_number", location: .body, bound: .string(maxLength: 32)),
            .init(name: "country_of_birth", location: .body, bound: .string(maxLength: 64)),
        ],
        "GET /api/v1/audit/entries": [
            .init(name: "after", location: .query, bound: .integer(minimum: -1, maximum: nil)),
            .init(name: "limit", location: .query, bound: .integer(minimum: 1, maximum: 1000)),
        ],
        "GET /api/v1/alerts": [
            .init(name: "limit", location: .query, bound: .integer(minimum: 1, maximum: 1000)),
        ],
        "GET /api/v1/audit/consistency": [
            .init(name: "from", location: .query, bound: .integer(minimum: 0, maximum: nil)),
        ],
        "POST /api/v1/cases": [
            .init(name: "source_record_id", location: .body, bound: .string(maxLength: 128)),
            .init(name: "valid_days", location: .body, bound: .integer(minimum: 1, maximum: 365)),
        ],
        "POST /api/v1/registrations": [
            .init(name: "case_code", location: .body, bound: .string(maxLength: 64)),
            .init(name: "address", location: .body, bound: .string(maxLength: 512)),
        ],
        "POST /api/v1/acknowledgements": [
            .init(name: "message_id", location: .body, bound: .string(maxLength: 64)),
            .init(name: "pin", location: .body, bound: .string(maxLength: 12)),
        ],
        "POST /api/v1/disputes": [
            .init(name: "a_number", location: .body, bound: .string(maxLength: 32)),
            .init(name: "country_of_birth", location: .body, bound: .string(maxLength: 64)),
            .init(name: "reference", location: .body, bound: .string(maxLength: 256)),
        ],
        "POST /api/v1/corrections": [
            .init(name: "source_record_id", location: .body, bound: .string(maxLength: 128)),
        ],
    ]

    /// The first field of the request that breaks its bound, if any.
    static func violation(of fields: [BoundedField], query: Parameters, body: [String: Any]?) -> BoundedField? {
        fields.first { field in
            switch field.location {
            case .query: !query.getAll(field.name).allSatisfy { field.bound.admits(query: $0) }
            case .body: body?[field.name].map { !field.bound.admits(json: $0) } ?? false
            }
        }
    }
}

/// Refuses, with `400`, a request whose fields break the bounds of its route.
struct RequestBoundsMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let route = context.endpointPath, let fields = RequestBounds.routes["\(request.method.rawValue) \(route)"] else {
            return try await next(request, context)
        }
        var body: [String: Any]?
        if fields.contains(where: { $0.location == .body }) {
            var request = request
            // Already collected by the body limit; this reads the buffer, it does not wait for the client.
            let buffer = try await request.collectBody(upTo: context.maxUploadSize)
            body = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer))) as? [String: Any]
        }
        if let broken = RequestBounds.violation(of: fields, query: request.uri.queryParameters, body: body) {
            throw Problem.badRequest(broken.bound.requirement(broken.name))
        }
        return try await next(request, context)
    }
}
