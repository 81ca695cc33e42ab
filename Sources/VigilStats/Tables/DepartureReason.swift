import VigilCore
import VigilStore

/// Why a person left custody: each release reason of feed v1, and removal.
///
/// A release the feed gave no reason for is counted as "other", which is what feed v1 says an
/// agency should send when no listed reason fits.
enum DepartureReason {
    static let removedKey = "removed"

    static var categories: [TableDefinition.Category] {
        ReleaseReason.allCases.map { reason in
            TableDefinition.Category(key: reason.rawValue, label: label(reason), definition: definition(reason))
        } + [TableDefinition.Category(
            key: removedKey, label: "Removed from the United States",
            definition: "removed (deported) by the immigration authorities; removal is a civil process, not a criminal sentence")]
    }

    static func key(_ event: DepartureEventRow) -> String {
        event.kind == .removed ? removedKey : (event.releaseReason ?? .other).rawValue
    }

    private static func label(_ reason: ReleaseReason) -> String {
        switch reason {
        case .bond: "Released on bond"
        case .parole: "Released on parole"
        case .orderOfSupervision: "Released on an order of supervision"
        case .orderOfRecognizance: "Released on their own recognizance"
        case .sentenceComplete: "Released, sentence completed"
        case .chargesDismissed: "Released, charges dismissed"
        case .transferredToOtherAgency: "Transferred to another agency"
        case .other: "Released, other or unstated reason"
        }
    }

    private static func definition(_ reason: ReleaseReason) -> String {
        switch reason {
        case .bond: "released after a bond was posted (feed v1 reason bond)"
        case .parole: "released on parole (feed v1 reason parole)"
        case .orderOfSupervision: "released under an order of supervision, with conditions such as reporting (order_of_supervision)"
        case .orderOfRecognizance: "released on a promise to appear, without bond (order_of_recognizance)"
        case .sentenceComplete: "released because the sentence being served had ended (sentence_complete)"
        case .chargesDismissed: "released because the charges were dismissed (charges_dismissed)"
        case .transferredToOtherAgency: "left this custody for another agency's (transferred_to_other_agency)"
        case .other: "released for a reason feed v1 does not list, or with no reason given (other)"
        }
    }
}
