import Foundation

/// Where a person stands with the custody agency, as feed v1 reports it.
/// A transfer is not a status: it is derived when the facility changes while in custody.
public enum CustodyStatus: String, CaseIterable, Sendable, Codable {
    case inCustody = "in_custody"
    case released
    case removed
    case deceased
    case escaped
}

/// Why a person was released (feed v1 `release_reason`).
public enum ReleaseReason: String, CaseIterable, Sendable, Codable {
    case bond
    case parole
    case orderOfSupervision = "order_of_supervision"
    case orderOfRecognizance = "order_of_recognizance"
    case sentenceComplete = "sentence_complete"
    case chargesDismissed = "charges_dismissed"
    case transferredToOtherAgency = "transferred_to_other_agency"
    case other
}

/// Criminal-history category. The definitions are published with every statistic, so that
/// a count is never read as "criminals" when most of it is civil immigration matters.
public enum CriminalHistory: String, CaseIterable, Sendable, Codable {
    case none
    case pendingCharges = "pending_charges"
    case convictedNonviolent = "convicted_nonviolent"
    case convictedViolent = "convicted_violent"
    case unknown

    /// The published definition of the category.
    public var definition: String {
        switch self {
        case .convictedViolent: "at least one conviction for an offence against a person"
        case .convictedNonviolent: "one or more convictions, none for an offence against a person"
        case .pendingCharges: "charged with a criminal offence, not convicted"
        case .none: "no criminal charge or conviction (a civil immigration matter only)"
        case .unknown: "the source did not say"
        }
    }
}

/// A legal protection that makes a record invisible outside the agency and oversight tiers
/// (8 U.S.C. 1367 for VAWA, T and U; asylum confidentiality under 8 CFR 208.6; court orders).
public enum Protection: String, CaseIterable, Sendable, Codable, Comparable {
    case vawa1367 = "vawa_1367"
    case tVisa = "t_visa"
    case uVisa = "u_visa"
    case asylumPending = "asylum_pending"
    case victimWitness = "victim_witness"
    case courtSealed = "court_sealed"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses feed v1's `;`-separated list; empty items are ignored, an unknown one is an error.
    public static func parseList(_ text: some StringProtocol) -> Result<Set<Protection>, UnknownProtection> {
        var result = Set<Protection>()
        for item in text.split(separator: ";") {
            let name = item.trimmingCharacters(in: .whitespaces).lowercased()
            if name.isEmpty { continue }
            guard let protection = Protection(rawValue: name) else { return .failure(UnknownProtection()) }
            result.insert(protection)
        }
        return .success(result)
    }

    /// The canonical `;`-separated form, sorted, as stored.
    public static func format(_ set: Set<Protection>) -> String {
        set.sorted().map(\.rawValue).joined(separator: ";")
    }
}

public struct UnknownProtection: Error, Equatable {}
