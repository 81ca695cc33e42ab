import Hummingbird

/// What the pages need from the server's request context: the key the server's rate limiter counts a
/// client by (the TCP peer, or the address a trusted proxy forwarded), so that a form and the API are
/// counted as the same client.
public protocol WebRequestContext: RequestContext {
    var webClientKey: String { get }
}
