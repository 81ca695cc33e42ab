import Foundation

/// Everything the CLI prints goes through here: results to stdout, notes and progress to stderr.
enum Terminal {
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data(("vigil: " + text + "\n").utf8))
    }

    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// A one-line progress bar on stderr, redrawn at most ten times a second, shown only on a terminal.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private let label: String

    init(label: String) { self.label = label }

    func update(_ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let text = "\r\(label) \(bar) \(Int(fraction * 100))%  \(done / 1_048_576)/\(total / 1_048_576) MiB"
        FileHandle.standardError.write(Data(text.utf8))
        if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
