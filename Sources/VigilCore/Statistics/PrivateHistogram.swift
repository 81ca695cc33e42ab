/// Turns the true counts of one table into what may be published: noise, then post-processing.
///
/// The steps, in order, and why:
/// 1. **Noise.** Each cell gets independent ``DiscreteLaplace`` noise at the table's ε. Each
///    person is in exactly one cell of a table, so the whole table costs ε (parallel composition).
/// 2. **Clamp at 0.** A negative count means nothing; raising it to 0 uses only the noisy value,
///    so privacy is unchanged (post-processing).
/// 3. **Suppress below ``suppressionThreshold``.** A cell is withheld, shown as "fewer than 11",
///    when its noisy count is under 11 *or its true count is*. The noisy test alone keeps the
///    guarantee pure but cannot promise that a small cell is never published: under ε-DP an
///    outcome possible for a count of 4 cannot be impossible for a count of 3, so a true 3 would
///    appear (as 11 or more) whenever the noise is +8 or more, 0.025% of releases at ε = 1 and 24%
///    at ε = 0.1. Vigil's rule is that a small cell is never published, so the true count is tested
///    too. The price, stated with every release: whether a withheld category holds fewer than 11
///    people is not itself protected by the noise — the classic small-cell rule statistical offices
///    apply — while every published count still carries ε-DP noise.
/// 4. **Total = the sum of the published cells.** The total is therefore exactly consistent with
///    the cells a reader sees, costs no extra budget, and cannot be used to recover a suppressed
///    cell by subtraction (a separately noised total, or one that included the withheld cells,
///    could: with one cell withheld, total − published = that cell).
/// 5. **Shares = cell ÷ total.** So shares are of the published categories and add up to 100%;
///    the table's denominator text says that suppressed categories are not in it. Their weight
///    is small by construction: each withheld cell is under 11.
///
public struct PrivateHistogram: Sendable {
    /// Noisy counts below this are withheld.
    public static let suppressionThreshold = 11

    public let mechanism: DiscreteLaplace

    public init(mechanism: DiscreteLaplace) { self.mechanism = mechanism }

    /// What happens to one cell.
    public enum Cell: Sendable, Equatable {
        case published(Int)
        /// The noisy or the true count was under the threshold; nothing about it is shown.
        case suppressed

        public var value: Int? {
            if case .published(let value) = self { return value }
            return nil
        }
    }

    /// One released table: cells in the order of the true counts given, and their total.
    public struct Release: Sendable, Equatable {
        public var cells: [Cell]
        /// The sum of the published cells.
        public var total: Int
        public var publishedCount: Int { cells.count(where: { $0.value != nil }) }
        public var suppressedCount: Int { cells.count - publishedCount }

        /// A published cell's share of the total; `nil` for a suppressed cell or an empty table.
        public func share(ofCell index: Int) -> Double? {
            guard let value = cells[index].value, total > 0 else { return nil }
            return Double(value) / Double(total)
        }
    }

    public func release(trueCounts: [Int], using generator: inout some RandomNumberGenerator) -> Release {
        let cells: [Cell] = trueCounts.map { count in
            // The noise is drawn for every cell, withheld or not, so the work and the random stream
            // do not depend on which cells are small.
            let noisy = max(0, count + mechanism.sample(using: &generator))
            return noisy < Self.suppressionThreshold || count < Self.suppressionThreshold ? .suppressed : .published(noisy)
        }
        return Release(cells: cells, total: cells.reduce(0) { $0 + ($1.value ?? 0) })
    }

    /// The predicted standard deviation of a published share, from the noise alone
    /// (first-order, the delta method): with `s = c / T` and `T` the sum of `k` published cells,
    /// each with noise variance `σ²`, `Var(s) ≈ σ² ((1 − s)² + (k − 1) s²) / T²`.
    ///
    /// This is the error that ε predicts, and what a reader should allow for; it is published
    /// with each share. It is small when `T` is large: at ε = 1, σ ≈ 1.36 people.
    public func shareStandardDeviation(share: Double, total: Int, publishedCells: Int) -> Double {
        guard total > 0 else { return 0 }
        let k = Double(max(1, publishedCells))
        let spread = (1 - share) * (1 - share) + (k - 1) * share * share
        return mechanism.standardDeviation * spread.squareRoot() / Double(total)
    }
}
