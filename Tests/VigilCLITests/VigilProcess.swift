import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs the built `vigil` executable, as a user or a script would.
struct VigilProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            guard let dictionary = object as? [String: Any] else { throw CocoaError(.propertyListReadCorrupt) }
            return dictionary
        }
    }

    /// The executable sits beside the test bundle in the build folder.
    static let executable: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ].map { $0.appendingPathComponent("vigil") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    /// Starts the executable and returns at once; output goes to files in `directory`.
    static func spawn(_ arguments: [String], in directory: URL, log: String) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let file = directory.appendingPathComponent(log)
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Returns `server` once its `/healthz` on `port` answers 200; stops it and throws if that takes `seconds`.
    static func healthy(_ server: Process, port: Int, within seconds: TimeInterval) async throws -> Process {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!).1 as? HTTPURLResponse,
               status.statusCode == 200 { return server }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.terminate()
        throw CocoaError(.userCancelled, userInfo: [NSLocalizedDescriptionKey: "server did not start"])
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: URL) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "VIGIL_KEYRING")
        environment.removeValue(forKey: "VIGIL_DATABASE")
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a chatty process cannot block on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}

/// A temporary working directory per test.
final class WorkDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-cli-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
    func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }

    @discardableResult
    func vigil(_ arguments: String...) throws -> VigilProcess.Result { try VigilProcess.run(arguments, in: url) }
}
