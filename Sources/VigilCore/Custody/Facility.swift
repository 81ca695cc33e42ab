/// A detention facility, as the facilities file describes it. Public information: this is what a
/// victim needs to know where a person is held and how visiting works.
public struct Facility: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var address: String
    public var city: String
    public var state: String
    public var postalCode: String
    public var phone: String
    public var visitingInfo: String

    public init(
        code: String, name: String, address: String = "", city: String = "", state: String = "",
        postalCode: String = "", phone: String = "", visitingInfo: String = ""
    ) {
        self.code = code
        self.name = name
        self.address = address
        self.city = city
        self.state = state
        self.postalCode = postalCode
        self.phone = phone
        self.visitingInfo = visitingInfo
    }
}
