import Foundation

/// Where people are held: the state of their facility, from the facilities list.
///
/// The categories are every USPS state, district and territory code, declared whatever the data
/// holds, plus two rows for what the data cannot place: a facility whose state is not one of
/// those codes, and a facility code that is not in the facilities list at all (Vigil accepts such
/// rows so that custody data need not wait for the list; see the README).
enum FacilityState {
    static let otherKey = "other"
    static let unlistedKey = "unlisted"

    static let states: [(code: String, name: String)] = [
        ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
        ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("DC", "District of Columbia"),
        ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"),
        ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"),
        ("ME", "Maine"), ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"),
        ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
        ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
        ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"), ("OR", "Oregon"),
        ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"), ("SD", "South Dakota"),
        ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"),
        ("WA", "Washington"), ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
        ("PR", "Puerto Rico"), ("GU", "Guam"), ("VI", "U.S. Virgin Islands"), ("MP", "Northern Mariana Islands"),
        ("AS", "American Samoa"),
    ]

    private static let codes = Set(states.map(\.code))

    static var categories: [TableDefinition.Category] {
        states.map { state in
            TableDefinition.Category(key: state.code, label: state.name, definition: "held in a facility in \(state.name) (\(state.code))")
        } + [
            TableDefinition.Category(
                key: otherKey, label: "State not recorded",
                definition: "held in a listed facility whose state is not a U.S. state, district or territory code"),
            TableDefinition.Category(
                key: unlistedKey, label: "Facility not in the facilities list",
                definition: "held in a facility whose code the custody agency has not yet listed"),
        ]
    }

    static func key(_ state: String?) -> String {
        guard let state else { return unlistedKey }
        let code = state.trimmingCharacters(in: .whitespaces).uppercased()
        return codes.contains(code) ? code : otherKey
    }
}
