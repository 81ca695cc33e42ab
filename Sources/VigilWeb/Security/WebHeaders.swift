
import Hummingbird

/// Headers on every web response.
public enum WebHeaders {
    /// No script at all, styles from our own stylesheet only, forms only to ourselves, no framing.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func page() -> HTTPFields {
        [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: contentSecurityPolicy,
            // Pages can hold a registration token or a case status: never cache them anywhere.
            .cacheControl: "no-store",
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Referrer-Policy")!: "no-referrer",
            .init("X-Frame-Options")!: "DENY",
        ]
    }

    /// A `Set-Cookie` value: HttpOnly (no script may read it), Secure (https only; browsers treat
    /// http://localhost and 127.0.0.1 as secure, so the demo works), SameSite=Strict (never sent
    /// with a request another site starts), whole-site path.
    public static func cookie(_ name: String, _ value: String, maxAge: Int64) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(max(0, maxAge)); HttpOnly; Secure; SameSite=Strict"
    }
}
