import Foundation

/// An `application/x-www-form-urlencoded` body, as a browser sends a form.
struct FormBody {
    private var fields: [String: String] = [:]

    init(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first.map(String.init).flatMap(Self.unescape) else { continue }
            let value = parts.count > 1 ? Self.unescape(String(parts[1])) ?? "" : ""
            if fields[name] == nil { fields[name] = value }  // the first of repeated names counts
        }
    }

    init(fields: [String: String]) { self.fields = fields }

    subscript(_ name: String) -> String? { fields[name] }

    /// The field trimmed, nil when absent or blank.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    static func unescape(_ text: String) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
