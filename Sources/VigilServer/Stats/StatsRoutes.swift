import Hummingbird
import Logging
import VigilStats
import VigilStore
import VigilWeb

/// Registers `GET /stats`, the public statistics page, and returns the service behind it, which
/// the OpenAPI operation `GET /api/v1/stats` shares: the page and the JSON always show the same
/// release. Call it after the middleware is added, since Hummingbird wraps routes in the
/// middleware present when they are added.
///
/// The page is HTML with inline SVG, made on the server, and its stylesheet at `/stats.css`. Its
/// Content-Security-Policy allows no script, no inline style, no outside resource and no framing:
/// the page needs none of them, and a policy that forbids them keeps it that way.
///
/// The page is English or Spanish, chosen as every web page's language is (``WebLanguage``:
/// `?lang=`, remembered in the same cookie, then `Accept-Language`). Only the words change: both
/// pages show the one release, whose JSON stays English as the published record.
@discardableResult
func addStatsRoutes(
    to router: Router<VigilRequestContext>, store: some StatisticsStore & AuditLogStore,
    configuration: StatisticsPublisher.Configuration = .init(), clock: @escaping LookupService.Clock, logger: Logger
) -> StatsService {
    let stats = StatsService(store: store, configuration: configuration, clock: clock, logger: logger)
    router.get("/stats") { request, _ in
        let entry = try await stats.current()
        let query = request.uri.queryParameters["lang"].map(String.init)
        let chosen = WebLanguage.choose(
            query: query, cookie: request.cookies[WebLanguage.cookieName]?.value, acceptLanguage: request.headers[.acceptLanguage])
        let language = StatisticsLanguage(rawValue: chosen.rawValue) ?? .en
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentLanguage: language.rawValue,
            .contentSecurityPolicy: "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            // The language follows these request headers, so a shared cache must key on them.
            .vary: "Accept-Language, Cookie",
            .cacheControl: "public, max-age=300",
        ]
        if let query, WebLanguage(rawValue: query.lowercased()) != nil {
            // The visible switch: remembered for every page, as the other pages remember it; a
            // response that sets a cookie is for this browser only.
            headers[.setCookie] = WebHeaders.cookie(WebLanguage.cookieName, chosen.rawValue, maxAge: 365 * 86_400)
            headers[.cacheControl] = "private, max-age=300"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: entry.page(language))))
    }
    let css = ByteBuffer(string: StatisticsPage.stylesheet)
    router.get("/stats.css") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: css))
    }
    return stats
}
