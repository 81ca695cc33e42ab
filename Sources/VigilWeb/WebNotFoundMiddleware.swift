import Hummingbird

/// A browser that asks for a page that does not exist gets a page, in its language, rather than
/// the API's problem+json. API paths and non-HTML clients keep the API's answer.
public struct WebNotFoundMiddleware<Context: WebRequestContext>: RouterMiddleware {
    let pages: WebPages

    public init(pages: WebPages) { self.pages = pages }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard !request.uri.path.hasPrefix("/api/"), request.headers[.accept]?.contains("text/html") == true else { throw error }
            return await pages.notFound(request, context)
        }
    }
}

extension WebPages {
    func notFound<Context: WebRequestContext>(_ request: Request, _ context: Context) async -> Response {
        await page(request, context) { visit in
            message(visit, status: .notFound, heading: "error_not_found_title", text: "error_not_found")
        }
    }
}
