import Hummingbird
import NIOCore
import VigilWeb

/// Collects the body up to the context's limit, and within a deadline, before anything else reads it:
/// OpenAPI handlers stream bodies, and a streamed body is otherwise unlimited in size and in time (a
/// client that sends a byte now and then is never idle). The web page that uploads a feed file gets a
/// larger limit, and only for a browser whose signed session names an account: a stranger cannot make
/// the server hold 16 MiB.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    var allowsUpload: @Sendable (Request) -> Bool = { _ in false }
    var deadline: Duration = .seconds(60)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let limit = allowsUpload(request) ? WebPages.maxUpload : context.maxUploadSize
        do {
            request.body = .init(buffer: try await Self.collect(request, upTo: limit, within: deadline))
        } catch let problem as Problem where problem.status == .requestTimeout {
            // Stop reading: the answer is still written, then the connection closes rather than
            // draining the rest of a body that may never come.
            context.channel.close(mode: .input, promise: nil)
            throw problem
        }
        return try await next(request, context)
    }

    /// Reads the body chunk by chunk, checking the deadline as each arrives. A client that stops
    /// sending altogether is the connection's idle timeout's to close; one that keeps trickling meets
    /// the deadline here, without a timer task per request.
    static func collect(_ request: Request, upTo limit: Int, within deadline: Duration) async throws -> ByteBuffer {
        let started = ContinuousClock.now
        var collected = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard collected.readableBytes + chunk.readableBytes <= limit else { throw Problem.contentTooLarge(limit: limit) }
                collected.writeImmutableBuffer(chunk)
                if ContinuousClock.now - started > deadline { throw Problem.requestTimeout }
            }
        } catch let problem as Problem {
            throw problem
        } catch {
            // The client went away mid-body: its error, not the server's.
            throw Problem.badRequest("The request body was cut off.")
        }
        return collected
    }
}
