import Hummingbird

/// One spelling per route. The router matches `/api/v1/lookup/`, `//api/v1/lookup` and
/// `/api/v1//lookup` to the lookup route (it splits on `/` and drops empty segments), so every
/// check that reads the path — rate limits, body limits, web pages — must see the same spelling the
/// router matched, or a stray slash walks around it.
enum CanonicalPath {
    /// The request target with runs of `/` collapsed and a trailing `/` dropped (the root stays `/`),
    /// the query kept as sent; `nil` when the target is already canonical.
    static func rewrite(_ target: String) -> String? {
        let queryStart = target.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? target.endIndex
        let path = target[..<queryStart]
        guard path.hasPrefix("/") else { return nil }
        var canonical = ""
        canonical.reserveCapacity(path.count)
        for character in path where !(character == "/" && canonical.hasSuffix("/")) { canonical.append(character) }
        if canonical.count > 1, canonical.hasSuffix("/") { canonical.removeLast() }
        guard canonical != path else { return nil }
        return canonical + target[queryStart...]
    }
}

/// Rewrites the request to its canonical path before any other middleware looks at it.
struct CanonicalPathMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let target = request.head.path, let canonical = CanonicalPath.rewrite(target) else {
            return try await next(request, context)
        }
        var head = request.head
        head.path = canonical
        return try await next(Request(head: head, body: request.body), context)
    }
}
