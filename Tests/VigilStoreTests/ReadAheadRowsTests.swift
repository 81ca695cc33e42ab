import Foundation
import Testing
import VigilCore
import VigilCrypto
import VigilFeeds
@testable import VigilStore

@Suite struct ReadAheadRowsTests {
    let keys = CustodyRowKeys(cipher: FieldCipher(keyring: .generate()), index: BlindIndex(keyring: .generate()))

    func records(_ count: Int) -> [CustodyRecord] {
        (0..<count).map { record("R\($0)", aNumber: String(format: "A9%08d", $0)) }
    }

    @Test func rowsComeBackInFileOrderAcrossChunksWithTheirOwnKeys() throws {
        let rows = records(1_300)
        let source = ArrayRowSource(rows: rows.enumerated().flatMap { i, record -> [DecodedRow] in
            i % 100 == 0 ? [.rejected(RowProblem(line: 10_000 + i, column: "status", reason: "r")), .record(line: i, record)] : [.record(line: i, record)]
        })
        let keys = keys
        let readAhead = ReadAheadRows(source) { keys.prepare($0, source: "TXA") }
        defer { readAhead.stop() }
        var seen: [Int] = []
        var rejected = 0
        while let (row, prepared) = try readAhead.next() {
            switch row {
            case .record(let line, let record):
                seen.append(line)
                #expect(prepared?.fingerprint == keys.fingerprint(record, source: "TXA"))
            case .rejected:
                rejected += 1
                #expect(prepared.map { _ in true } == nil)
            }
        }
        #expect(seen == Array(0..<1_300))
        #expect(rejected == 13)
        #expect(try readAhead.next().map { _ in true } == nil)  // and stays at the end
    }

    @Test func anErrorArrivesAfterTheRowsReadBeforeIt() throws {
        let readAhead = ReadAheadRows(ArrayRowSource(records(700), failAfter: 600)) { [keys] in keys.prepare($0, source: "TXA") }
        defer { readAhead.stop() }
        var count = 0
        #expect(throws: ArrayRowSource.Crash.self) {
            while let _ = try readAhead.next() { count += 1 }
        }
        #expect(count == 600)
    }

    @Test func stoppingEarlyReleasesTheReadingThread() throws {
        // Far more rows than the queue holds: the reader blocks until stopped, then ends.
        let source = ArrayRowSource(records(5_000))
        let readAhead = ReadAheadRows(source) { [keys] in keys.prepare($0, source: "TXA") }
        #expect(try readAhead.next().map { _ in true } == true)
        readAhead.stop()
        Thread.sleep(forTimeInterval: 0.2)
        #expect(source.served < 5_000)
    }
}
