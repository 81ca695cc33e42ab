/// An Alien Registration Number, normalised to its nine digits.
///
/// Feeds and people write A-numbers many ways (`A123456789`, `a-123-456-789`, `A 12345678`);
/// all of them normalise to one nine-digit string, left-padded with zero, which is what
/// Vigil encrypts, blind-indexes and compares.
///
/// An `ANumber` never prints its digits: `description` is redacted so that an A-number
/// interpolated into a log line or an error message by mistake does not leak.
public struct ANumber: Hashable, Sendable, CustomStringConvertible {
    /// The nine normalised digits. Treat as personal data.
    public let digits: String

    /// Parses an A-number: an optional leading `A` (either case), then 8 or 9 digits,
    /// with dashes and spaces allowed anywhere between them.
    public init(parsing text: some StringProtocol) throws(IdentifierError) {
        var body = Substring(text).drop { $0 == " " }
        if let first = body.first, first == "A" || first == "a" { body = body.dropFirst() }
        var digits = ""
        digits.reserveCapacity(9)
        for character in body {
            if character == "-" || character == " " { continue }
            guard let ascii = character.asciiValue, ascii >= 0x30, ascii <= 0x39 else {
                throw .aNumberHasInvalidCharacter
            }
            digits.append(character)
        }
        guard digits.count == 8 || digits.count == 9 else { throw .aNumberWrongLength(digits.count) }
        if digits.count == 8 { digits = "0" + digits }
        guard digits != "000000000" else { throw .aNumberAllZero }
        self.digits = digits
    }

    /// `A` followed by the nine digits, the form shown to authorised tiers.
    public var formatted: String { "A" + digits }

    public var description: String { "ANumber(redacted)" }
}

/// Why an identifier could not be read. Cases carry no part of the value itself.
public enum IdentifierError: Error, Equatable, Sendable, CustomStringConvertible {
    case aNumberHasInvalidCharacter
    case aNumberWrongLength(Int)
    case aNumberAllZero
    case countryUnknown

    public var description: String {
        switch self {
        case .aNumberHasInvalidCharacter:
            "an A-number is 'A' then 8 or 9 digits; only dashes and spaces may separate them"
        case .aNumberWrongLength(let count):
            "an A-number has 8 or 9 digits, this one has \(count)"
        case .aNumberAllZero:
            "an A-number cannot be all zeros"
        case .countryUnknown:
            "not an ISO 3166-1 alpha-2 or alpha-3 code or an English country name"
        }
    }
}
