import PropertyBased
import Testing
@testable import VigilCore

@Suite("Protection")
struct ProtectionTests {
    @Test(
        "parses feed v1's ;-separated list",
        arguments: [
            ("", Set<Protection>()),
            (";;", []),
            (" ; ", []),
            ("vawa_1367", [.vawa1367]),
            ("VAWA_1367", [.vawa1367]),
            ("t_visa;u_visa", [.tVisa, .uVisa]),
            (" t_visa ; U_Visa ;", [.tVisa, .uVisa]),
            ("asylum_pending;asylum_pending", [.asylumPending]),
            ("victim_witness;court_sealed;vawa_1367;t_visa;u_visa;asylum_pending", Set(Protection.allCases)),
        ] as [(String, Set<Protection>)]
    )
    func parses(text: String, expected: Set<Protection>) {
        #expect(Protection.parseList(text) == .success(expected))
    }

    @Test(
        "an unknown item makes the whole list an error",
        arguments: ["vawa", "t_visa;x", "t visa", "t-visa", "vawa_1367,t_visa", "none", "u_visa;;sealed"]
    )
    func rejectsUnknown(text: String) {
        #expect(Protection.parseList(text) == .failure(UnknownProtection()))
    }

    @Test("format is sorted, ;-separated and canonical")
    func format() {
        #expect(Protection.format([]) == "")
        #expect(Protection.format([.vawa1367, .asylumPending, .uVisa]) == "asylum_pending;u_visa;vawa_1367")
        #expect(
            Protection.format(Set(Protection.allCases))
                == "asylum_pending;court_sealed;t_visa;u_visa;vawa_1367;victim_witness")
    }

    @Test("format and parseList round-trip any set")
    func roundTrip() async {
        await propertyCheck(input: Gen<Protection>.case.array(of: 0...8)) { items in
            let set = Set(items)
            let text = Protection.format(set)
            #expect(Protection.parseList(text) == .success(set))
            // Shuffled, upper-cased and padded input means the same set and formats the same.
            let messy = items.reversed().map { " \($0.rawValue.uppercased()) " }.joined(separator: ";")
            #expect(Protection.parseList(messy) == .success(set))
            if case .success(let parsed) = Protection.parseList(messy) {
                #expect(Protection.format(parsed) == text)
            }
        }
    }

    @Test("order is by raw value")
    func ordering() {
        #expect(Protection.allCases.sorted().map(\.rawValue) == Protection.allCases.map(\.rawValue).sorted())
        #expect(Protection.asylumPending < .vawa1367)
        #expect(!(Protection.vawa1367 < .asylumPending))
    }

    @Test("every criminal-history category has a distinct published definition")
    func criminalHistoryDefinitions() {
        let definitions = CriminalHistory.allCases.map(\.definition)
        #expect(Set(definitions).count == CriminalHistory.allCases.count)
        #expect(definitions.allSatisfy { !$0.isEmpty })
        #expect(CriminalHistory.none.definition.contains("civil immigration"))
    }
}
