import Hummingbird
import Logging
import VigilStats
import VigilStore

/// Registers `GET /stats`, the public statistics page, and returns the service behind it, which
/// the OpenAPI operation `GET /api/v1/stats` shares: the page and the JSON always show the same
/// release. Call it after the middleware is added, since Hummingbird wraps routes in the
/// middleware present when they are added.
///
/// The page is HTML with inline SVG, made on the server, and its stylesheet at `/stats.css`. Its
/// Content-Security-Policy allows no script, no inline style, no outside resource and no framing:
/// the page needs none of them, and a policy that forbids them keeps it that way.
@discardableResult
func addStatsRoutes(
    to router: Router<VigilRequestContext>, store: some StatisticsStore,
    configuration: StatisticsPublisher.Configuration = .init(), clock: @escaping LookupService.Clock, logger: Logger
) -> StatsService {
    let stats = StatsService(store: store, configuration: configuration, clock: clock, logger: logger)
    router.get("/stats") { _, _ in
        let entry = try await stats.current()
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
                .cacheControl: "public, max-age=300",
            ],
            body: .init(byteBuffer: ByteBuffer(string: entry.page))
        )
    }
    let css = ByteBuffer(string: StatisticsPage.stylesheet)
    router.get("/stats.css") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: css))
    }
    return stats
}
