import Foundation
import Testing
@testable import VigilCrypto

/// The keyed seal over a record's policy inputs, and the audit subject token keyed apart from the index.
@Suite struct PolicySealTests {
    let keyring = Keyring.generate()
    let facts = PolicySeal.Facts(
        source: "TXA", sourceRecordID: "BK-1", protections: "u_visa", held: true, purgedAt: nil, dateOfBirthSealed: Data([1, 2, 3]))

    @Test func everyFactIsBoundAndOnlyTheKeyHolderCanSeal() {
        let seal = PolicySeal(keyring: keyring).seal(facts)
        #expect(PolicySeal(keyring: keyring).verify(facts, seal: seal))
        var changes: [PolicySeal.Facts] = []
        for change in [
            { (f: inout PolicySeal.Facts) in f.source = "AZB" }, { $0.sourceRecordID = "BK-2" }, { $0.protections = "" },
            { $0.held = false }, { $0.purgedAt = 1 }, { $0.dateOfBirthSealed = nil }, { $0.dateOfBirthSealed = Data([1, 2]) },
        ] {
            var changed = facts
            change(&changed)
            changes.append(changed)
        }
        for changed in changes { #expect(!PolicySeal(keyring: keyring).verify(changed, seal: seal)) }
        #expect(!PolicySeal(keyring: .generate()).verify(facts, seal: seal))
        #expect(!PolicySeal(keyring: keyring).verify(facts, seal: nil))
    }

    @Test func fieldsCannotBeShiftedIntoOneAnother() {
        var left = facts, right = facts
        left.source = "TX"; left.sourceRecordID = "ABK-1"
        right.source = "TXA"; right.sourceRecordID = "BK-1"
        let seals = PolicySeal(keyring: keyring)
        #expect(seals.seal(left) != seals.seal(right))
    }

    @Test func theAuditSubjectIsKeyedApartFromTheANumberIndex() {
        let subject = AuditSubjectToken(keyring: keyring).token(aNumberDigits: "912345678")
        #expect(subject != BlindIndex(keyring: keyring).token("912345678", purpose: .aNumber).hexString)
        #expect(subject == AuditSubjectToken(keyring: keyring).token(aNumberDigits: "912345678"))
        #expect(subject.count == 2 * BlindIndex.length)
    }
}
