import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes CSV rows to a file (RFC 4180: CRLF line ends; a field holding a comma, double quote,
/// CR or LF is put in double quotes with its quotes doubled), buffering so that large files
/// are written in few system calls.
///
/// The file is created or truncated, readable and writable by its owner only, since feed rows
/// hold personal data. Call `close()` to write the buffer and see any error; a writer dropped
/// without `close()` writes what it can and closes the file silently.
public final class CSVWriter {
    /// Why a row cannot be written.
    public enum WriterError: Error, Equatable, Sendable, CustomStringConvertible {
        case cannotCreate(path: String, reason: String)
        case closed
        case noFields

        public var description: String {
            switch self {
            case .cannotCreate(let path, let reason):
                "Cannot create the CSV file \(URL(fileURLWithPath: path).lastPathComponent) (\(reason)); check that its folder exists and is writable."
            case .closed:
                "The CSV writer is already closed; open a new one to write more rows."
            case .noFields:
                "A CSV row needs at least one field; an empty row would be read back as a blank line."
            }
        }
    }

    private static let capacity = 256 * 1024
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var isClosed = false

    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw WriterError.cannotCreate(path: path, reason: ChunkedFile.systemReason(errno))
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        buffer.reserveCapacity(Self.capacity + 4096)
    }

    deinit {
        if !isClosed {
            try? flush()
            try? handle.close()
        }
    }

    /// Writes one row. A row of one field that is empty or only spaces and tabs is quoted, so
    /// that readers do not take it for a blank line.
    public func write(_ fields: [String]) throws {
        guard !isClosed else { throw WriterError.closed }
        guard !fields.isEmpty else { throw WriterError.noFields }
        let lone = fields.count == 1 && fields[0].utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 }
        for (position, field) in fields.enumerated() {
            if position > 0 { buffer.append(0x2C) }
            append(field, forceQuotes: lone)
        }
        buffer.append(contentsOf: [0x0D, 0x0A])
        if buffer.count >= Self.capacity { try flush() }
    }

    /// Writes what is buffered and closes the file.
    public func close() throws {
        guard !isClosed else { return }
        isClosed = true
        var flushError: (any Error)?
        do { try flush() } catch { flushError = error }
        try handle.close()
        if let flushError { throw flushError }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func append(_ field: String, forceQuotes: Bool) {
        var field = field
        field.withUTF8 { bytes in
            let needsQuotes = forceQuotes || bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
            guard needsQuotes else {
                buffer.append(contentsOf: bytes)
                return
            }
            buffer.append(0x22)
            for byte in bytes {
                if byte == 0x22 { buffer.append(0x22) }
                buffer.append(byte)
            }
            buffer.append(0x22)
        }
    }
}
