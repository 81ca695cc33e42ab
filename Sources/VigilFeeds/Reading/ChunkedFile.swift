#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only file read front to back in fixed-size chunks into one reused buffer, so memory
/// stays flat whatever the file size. Skips a UTF-8 byte-order mark and refuses UTF-16/UTF-32 ones.
final class ChunkedFile {
    static let defaultChunkSize = 256 * 1024

    let path: String
    /// Size in bytes when opened.
    let size: Int
    /// The current chunk: `base[0..<count]`.
    let base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    /// File offset of `base[0]`.
    private(set) var offset: Int
    private let capacity: Int
    /// Offset of the first byte after any UTF-8 byte-order mark.
    private let dataStart: Int
    private var fd: Int32
    private(set) var reachedEnd = false

    init(path: String, chunkSize: Int) throws(FeedFileError) {
        self.path = path
        self.capacity = max(1, chunkSize)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: Self.systemReason(errno)) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .cannotOpen(path: path, reason: Self.systemReason(code))
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            close(fd)
            throw .cannotOpen(path: path, reason: "it is a folder, not a file")
        }
        self.size = Int(info.st_size)

        var head: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let headCount = withUnsafeMutableBytes(of: &head) { pread(fd, $0.baseAddress, 4, 0) }
        guard headCount >= 0 else {
            let code = errno
            close(fd)
            throw .cannotOpen(path: path, reason: Self.systemReason(code))
        }
        let bytes = [head.0, head.1, head.2, head.3].prefix(headCount)
        if let encoding = Self.foreignByteOrderMark(Array(bytes)) {
            close(fd)
            throw .unsupportedEncoding(path: path, encoding: encoding)
        }
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        guard lseek(fd, off_t(start), SEEK_SET) >= 0 else {
            let code = errno
            close(fd)
            throw .cannotOpen(path: path, reason: Self.systemReason(code))
        }
        self.fd = fd
        self.dataStart = start
        self.offset = start
        self.base = .allocate(capacity: capacity)
    }

    deinit {
        if fd >= 0 { close(fd) }
        base.deallocate()
    }

    /// Replaces the chunk with the next one. Returns `false` (and leaves `count` at 0) at end of file.
    func refill() throws(FeedFileError) -> Bool {
        offset += count
        count = 0
        guard !reachedEnd else { return false }
        while true {
            let got = read(fd, base, capacity)
            if got > 0 {
                count = got
                return true
            }
            if got == 0 {
                reachedEnd = true
                close(fd)
                fd = -1
                return false
            }
            let code = errno
            if code == EINTR { continue }
            throw .cannotOpen(path: path, reason: "reading failed: " + Self.systemReason(code))
        }
    }

    /// Goes back to the first byte after any byte-order mark.
    func rewind() throws(FeedFileError) {
        if fd < 0 {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .cannotOpen(path: path, reason: Self.systemReason(errno)) }
        }
        guard lseek(fd, off_t(dataStart), SEEK_SET) >= 0 else {
            throw .cannotOpen(path: path, reason: Self.systemReason(errno))
        }
        reachedEnd = false
        offset = dataStart
        count = 0
    }

    /// The encoding named by a UTF-16 or UTF-32 byte-order mark at the start of `bytes`.
    static func foreignByteOrderMark(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return "UTF-32 (big-endian)" }
        if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return "UTF-32 (little-endian)" }
        if bytes.starts(with: [0xFE, 0xFF]) { return "UTF-16 (big-endian)" }
        if bytes.starts(with: [0xFF, 0xFE]) { return "UTF-16 (little-endian)" }
        return nil
    }

    static func systemReason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}
