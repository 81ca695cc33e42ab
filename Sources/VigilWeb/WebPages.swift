import Crypto
import Foundation
import Hummingbird
import Logging
import VigilCore
import VigilCrypto
import VigilStore

/// The browser pages: server-rendered HTML in English and Spanish that works without JavaScript.
///
/// Each request becomes a ``Visit`` (language, signed session, signed-in account); each POST must
/// carry the CSRF token of its own session. Pages never put an identifier in a URL and never log one.
public struct WebPages: Sendable {
    public typealias Clock = @Sendable () -> Timestamp

    let store: any WebStore
    let gateway: any WebGateway
    let codec: SessionCodec
    let catalog: Catalog
    let renderer: PageRenderer
    let stylesheet: [UInt8]
    let clock: Clock
    let logger: Logger
    /// When repeated wrong passwords lock an account's web sign-in.
    let lockout = SignInLockout()

    /// Loads templates, catalogues and the stylesheet, and fails now if any is missing.
    public init(store: any WebStore, gateway: any WebGateway, keyring: Keyring, clock: @escaping Clock, logger: Logger) throws {
        self.store = store
        self.gateway = gateway
        codec = SessionCodec(key: keyring.derivedKey(label: "web session cookie v1"))
        catalog = try Catalog.bundled()
        renderer = try PageRenderer.load()
        stylesheet = try Stylesheet.load()
        self.clock = clock
        self.logger = logger
    }

    /// The largest upload accepted (an agency's feed file).
    public static let maxUpload = 16 * 1024 * 1024
    /// Paths whose body may be as large as ``maxUpload``; every other stays at the server's small limit.
    public static let uploadPaths: Set<String> = ["/agency/upload"]

    /// Whether a request may send a body up to ``maxUpload``: an upload path, from a browser whose
    /// signed, current session names an account (the page itself then checks it is an agency's).
    public func allowsUpload(_ request: Request) -> Bool {
        guard Self.uploadPaths.contains(request.uri.path) else { return false }
        return codec.decode(request.cookies[WebSession.cookieName]?.value, now: clock().secondsSinceEpoch)?.account != nil
    }

    public func register<Context: WebRequestContext>(on router: Router<Context>) {
        router.get("/static/vigil.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600",
                          .init("X-Content-Type-Options")!: "nosniff"],
                body: .init(byteBuffer: ByteBuffer(bytes: stylesheet)))
        }
        router.get("/") { request, context in await page(request, context) { try await home(&$0) } }
        router.get("/lookup") { request, context in await page(request, context) { try await lookupForm(&$0) } }
        router.post("/lookup") { request, context in await page(request, context) { try await lookup(&$0) } }
        router.get("/register") { request, context in await page(request, context) { try await registerForm(&$0) } }
        router.post("/register") { request, context in await page(request, context) { try await register(&$0) } }
        router.get("/acknowledge") { request, context in await page(request, context) { try await acknowledgeForm(&$0) } }
        router.post("/acknowledge") { request, context in await page(request, context) { try await acknowledge(&$0) } }
        router.get("/manage") { request, context in await page(request, context) { try await manage(&$0) } }
        router.post("/manage") { request, context in await page(request, context) { try await openRegistration(&$0) } }
        router.post("/manage/cancel") { request, context in await page(request, context) { try await cancelRegistration(&$0) } }
        router.get("/signin") { request, context in await page(request, context) { try await signInForm(&$0) } }
        router.post("/signin") { request, context in await page(request, context) { try await signIn(&$0) } }
        router.get("/agency/signin") { request, context in await page(request, context) { try await agencySignInForm(&$0) } }
        router.post("/agency/signin") { request, context in await page(request, context) { try await agencySignIn(&$0) } }
        router.post("/signout") { request, context in await page(request, context) { try await signOut(&$0) } }
        router.get("/advocate") { request, context in await page(request, context) { try await advocate(&$0) } }
        router.get("/agency") { request, context in await page(request, context) { try await agency(&$0) } }
        router.post("/agency/upload") { request, context in await page(request, context) { try await upload(&$0) } }
        router.get("/oversight") { request, context in await page(request, context) { try await oversight(&$0) } }
    }

    /// Builds the visit, runs the page, and turns any error into a page (never a stack trace, never a value).
    func page<Context: WebRequestContext>(
        _ request: Request, _ context: Context, _ body: (inout Visit) async throws -> Response
    ) async -> Response {
        var visit: Visit
        do {
            visit = try await Visit.start(request, client: context.webClientKey, pages: self)
        } catch {
            logger.error("web visit failed", metadata: ["error.type": "\(type(of: error))"])
            return Response(status: .internalServerError, headers: WebHeaders.page(), body: .init(byteBuffer: ByteBuffer(string: "")))
        }
        do {
            return try await body(&visit)
        } catch let refusal as Refusal {
            return refusal.response(visit, self)
        } catch {
            logger.error("web page failed", metadata: ["path": "\(request.uri.path)", "error.type": "\(type(of: error))"])
            return message(visit, status: .internalServerError, heading: "error_title", text: "error_internal")
        }
    }
}
