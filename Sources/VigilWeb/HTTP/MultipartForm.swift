import Foundation

/// A `multipart/form-data` body (RFC 7578), as a browser sends a form with a file: enough for the
/// agency upload (text fields and one file), nothing more. Parts are found by the boundary from
/// the Content-Type header; the whole body is already in memory, bounded by the upload limit.
struct MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var content: ArraySlice<UInt8>
    }

    private(set) var parts: [Part] = []

    /// nil when the content type is not multipart or the body does not follow it.
    init?(body: [UInt8], contentType: String?) {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.parameter("boundary", in: contentType), !boundary.isEmpty
        else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n\r\n".utf8)
        var positions = Self.occurrences(of: delimiter, in: body)
        guard positions.count >= 2 else { return nil }
        positions.append(body.count)
        for (start, end) in zip(positions, positions.dropFirst()) {
            var partStart = start + delimiter.count
            // "--" after the delimiter closes the body.
            if body[partStart..<min(partStart + 2, body.count)].elementsEqual([45, 45]) { break }
            if body[partStart..<min(partStart + 2, body.count)].elementsEqual([13, 10]) { partStart += 2 }
            var partEnd = min(end, body.count)
            if partEnd >= 2, partEnd - 2 >= partStart, body[(partEnd - 2)..<partEnd].elementsEqual([13, 10]) { partEnd -= 2 }
            let slice = body[partStart..<partEnd]
            guard let headerEnd = Self.occurrences(of: separator, in: Array(slice)).first else { return nil }
            let headers = String(decoding: slice.prefix(headerEnd), as: UTF8.self)
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = Self.parameter("name", in: String(disposition))
            else { continue }
            let content = slice.dropFirst(headerEnd + separator.count)
            parts.append(Part(name: name, filename: Self.parameter("filename", in: String(disposition)), content: content))
        }
    }

    func field(_ name: String) -> String? {
        parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: $0.content, as: UTF8.self) }
    }

    func file(_ name: String) -> Part? { parts.first { $0.name == name && $0.filename != nil } }

    /// `name="value"` or `name=value` in a header's parameters.
    static func parameter(_ name: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
        var found: [Int] = []
        var i = 0
        let first = needle[0]
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) {
                found.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        return found
    }
}
