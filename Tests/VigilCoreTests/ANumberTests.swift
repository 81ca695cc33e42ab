import PropertyBased
import Testing
@testable import VigilCore

@Suite("ANumber")
struct ANumberTests {
    @Test(
        "valid spellings normalise to nine digits",
        arguments: [
            ("A123456789", "123456789"),
            ("a123456789", "123456789"),
            ("a-123-456-789", "123456789"),
            ("A-123-456-789", "123456789"),
            ("A 123 456 789", "123456789"),
            ("A 12345678", "012345678"),
            ("A12345678", "012345678"),
            ("12345678", "012345678"),
            ("123456789", "123456789"),
            ("123-45-6789", "123456789"),
            ("  A123456789", "123456789"),
            ("A123456789  ", "123456789"),
            ("A000000001", "000000001"),
            ("A-1-2-3-4-5-6-7-8-9-", "123456789"),
        ]
    )
    func validSpellings(input: String, digits: String) throws {
        let number = try ANumber(parsing: input)
        #expect(number.digits == digits)
        #expect(number.formatted == "A" + digits)
    }

    @Test(
        "invalid spellings give the exact error",
        arguments: [
            ("", IdentifierError.aNumberWrongLength(0)),
            ("A", .aNumberWrongLength(0)),
            ("   ", .aNumberWrongLength(0)),
            ("A1234567", .aNumberWrongLength(7)),
            ("1234567", .aNumberWrongLength(7)),
            ("A1234567890", .aNumberWrongLength(10)),
            ("A 123 456 7890", .aNumberWrongLength(10)),
            ("A000000000", .aNumberAllZero),
            ("00000000", .aNumberAllZero),
            ("A-000-000-000", .aNumberAllZero),
            ("B123456789", .aNumberHasInvalidCharacter),
            ("AA123456789", .aNumberHasInvalidCharacter),
            ("A12345678X", .aNumberHasInvalidCharacter),
            ("A123.456.789", .aNumberHasInvalidCharacter),
            ("A123_456_789", .aNumberHasInvalidCharacter),
            ("A123456789\t", .aNumberHasInvalidCharacter),
            ("-A123456789", .aNumberHasInvalidCharacter),
            ("A１２３４５６７８９", .aNumberHasInvalidCharacter),  // full-width digits
            ("A١٢٣٤٥٦٧٨٩", .aNumberHasInvalidCharacter),  // Arabic-Indic digits
            ("A12345678\u{0301}9", .aNumberHasInvalidCharacter),  // digit with a combining mark
        ]
    )
    func invalidSpellings(input: String, error: IdentifierError) {
        #expect(throws: error) { try ANumber(parsing: input) }
    }

    @Test("parses from a Substring as well as a String")
    func parsesSubstring() throws {
        let line = "id=A-987-654-321;"
        let slice = line.dropFirst(3).dropLast()
        #expect(try ANumber(parsing: slice).digits == "987654321")
    }

    @Test("equal digits make equal values, whatever the spelling")
    func equalityFollowsDigits() throws {
        let a = try ANumber(parsing: "A 012-345-678")
        let b = try ANumber(parsing: "12345678")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(try ANumber(parsing: "A123456789") != ANumber(parsing: "A123456788"))
    }

    @Test("any 9-digit number with random dashes and spaces parses back to the same digits")
    func separatorsAreIgnored() async throws {
        let separators = Gen<String?>.element(of: ["", "-", " ", "--", " - "])
            .map { $0! }
        let prefix = Gen<String?>.element(of: ["", "A", "a", "A-", "a ", " A"]).map { $0! }
        await propertyCheck(
            input: Gen.int(in: 1...999_999_999), separators.array(of: 9), prefix
        ) { value, gaps, lead in
            let digits = String(repeating: "0", count: 9 - String(value).count) + String(value)
            var text = lead
            for (digit, gap) in zip(digits, gaps) {
                text.append(digit)
                text += gap
            }
            do {
                let number = try ANumber(parsing: text)
                #expect(number.digits == digits, "input \(text.debugDescription)")
                #expect(number.formatted == "A" + digits)
            } catch {
                Issue.record("\(text.debugDescription) was rejected: \(error)")
            }
        }
    }

    @Test("description and error messages never contain the digits")
    func descriptionIsRedacted() async {
        await propertyCheck(input: Gen.int(in: 1...999_999_999)) { value in
            let digits = String(value)
            let text = "A" + String(repeating: "0", count: 9 - digits.count) + digits
            guard let number = try? ANumber(parsing: text) else {
                Issue.record("\(text) should parse")
                return
            }
            #expect(number.description == "ANumber(redacted)")
            #expect(!number.description.contains(number.digits))
            #expect(!"\(number)".contains(number.digits))
            // Not even part of the value may appear.
            #expect(!number.description.contains { $0.isNumber })
        }
    }

    @Test("error descriptions carry no part of the value", arguments: [
        "A12345X789", "A1234567", "A000000000",
    ])
    func errorsCarryNoDigits(input: String) {
        do {
            _ = try ANumber(parsing: input)
            Issue.record("\(input) should not parse")
        } catch {
            #expect(!error.description.contains("1234"))
            #expect(!error.description.contains("0000"))
        }
    }
}
