/// A person's custody across sources: which of their records answers "where is this person?".
///
/// A person can be held by several agencies over time (a county jail, then ICE), each reporting its own
/// record. A record that ended (released, removed, escaped) is **superseded** by another record whose
/// booking date is on or after the day it ended: that later custody is where the person went (the
/// jail→ICE hand-off: the jail's `released / transferred_to_other_agency` and ICE's booking the same
/// day). Among the records nothing supersedes, the newest status answers; on a tie, the earlier in the
/// given order (stores give records newest status first, then newest record).
public enum PersonCustody {
    /// The index in `states` of the record that answers, or `nil` when there is none.
    public static func current(_ states: [CustodyState]) -> Int? {
        let standing = states.indices.filter { !isSuperseded($0, in: states) }
        // Two custodies each booked and ended on one day supersede each other: the newest status answers.
        return newest(standing.isEmpty ? Array(states.indices) : standing, in: states)
    }

    private static func newest(_ candidates: [Int], in states: [CustodyState]) -> Int? {
        var best: Int?
        for index in candidates {
            guard let current = best else { best = index; continue }
            if states[index].statusDate > states[current].statusDate { best = index }
        }
        return best
    }

    private static let endings: Set<CustodyStatus> = [.released, .removed, .escaped]

    private static func isSuperseded(_ index: Int, in states: [CustodyState]) -> Bool {
        let ended = states[index]
        guard endings.contains(ended.status) else { return false }
        let endDay = ended.statusDate.utcDate
        return states.indices.contains { other in
            other != index && states[other].bookingDate >= endDay
        }
    }
}
