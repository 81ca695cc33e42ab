import Foundation

/// The discrete Laplace (two-sided geometric) distribution, the noise Vigil adds to every
/// published count.
///
/// `P(k) = (1 − α) / (1 + α) · α^|k|` for every integer `k`, with `α = e^(−ε/Δ)`.
///
/// Why this mechanism: adding or removing one person changes a count by at most `Δ` (the
/// sensitivity; 1 for Vigil's tables, where each person is in exactly one cell), and moving a
/// count by one multiplies the probability of any noisy value by at most `e^(ε/Δ)`. So whatever
/// a reader already knows, a release tells them at most a factor of `e^ε` more about whether any
/// one person is in the data: ε-differential privacy. Integer noise keeps published counts whole
/// numbers, and avoids the floating-point weaknesses of the continuous Laplace mechanism, whose
/// low-order bits can betray the true value (Mironov 2012).
///
/// Sampling: the difference of two independent geometric variables with success probability
/// `1 − α` is exactly discrete Laplace (Inusah & Kozubowski 2006). Each geometric is drawn by
/// inversion, `⌊ln U / ln α⌋` with `U` uniform on (0, 1] from 53 random bits, so the tail is cut
/// at about `36.7 / ε` — probability below 2⁻⁵³, which no release is large enough to notice.
///
/// Randomness comes from the caller: production passes `SystemRandomNumberGenerator` (the
/// operating system's cryptographic generator); only tests pass a seeded one, so that their
/// statistical checks are repeatable.
public struct DiscreteLaplace: Sendable, Equatable {
    /// The privacy-loss parameter of one count.
    public let epsilon: Double
    /// How much one person can change the count.
    public let sensitivity: Int
    /// `e^(−ε/Δ)`: the factor by which each further step from the true count is less likely.
    public let alpha: Double

    public init(epsilon: Double, sensitivity: Int = 1) throws(PrivacyParameterError) {
        guard epsilon.isFinite, epsilon > 0 else { throw .epsilonNotPositive(epsilon) }
        guard sensitivity >= 1 else { throw .sensitivityNotPositive(sensitivity) }
        self.epsilon = epsilon
        self.sensitivity = sensitivity
        alpha = exp(-epsilon / Double(sensitivity))
    }

    /// The probability of drawing exactly `k`.
    public func probability(of k: Int) -> Double {
        (1 - alpha) / (1 + alpha) * pow(alpha, Double(k.magnitude))
    }

    /// `2α / (1 − α)²`.
    public var variance: Double { 2 * alpha / ((1 - alpha) * (1 - alpha)) }

    public var standardDeviation: Double { variance.squareRoot() }

    /// The smallest `m` such that the noise is within `±m` with at least probability `level`:
    /// `P(|k| > m) = 2α^(m+1) / (1 + α)`. At ε = 1 and 95% this is 3.
    public func margin(level: Double = 0.95) -> Int {
        var m = 0
        while 2 * pow(alpha, Double(m + 1)) / (1 + alpha) > 1 - level { m += 1 }
        return m
    }

    /// One draw of noise.
    public func sample(using generator: inout some RandomNumberGenerator) -> Int {
        geometric(&generator) - geometric(&generator)
    }

    /// The number of failures before the first success, success probability `1 − α`:
    /// `P(G ≥ n) = αⁿ`.
    private func geometric(_ generator: inout some RandomNumberGenerator) -> Int {
        // 53 random bits, shifted to (0, 1]: ln U is finite, and U = 1 gives 0.
        let u = (Double(generator.next() >> 11) + 1) / 9_007_199_254_740_992
        let draw = (log(u) / log(alpha)).rounded(.down)
        // α can be so small (ε ≥ ~745) that ln α is −∞ and every draw is 0; never return garbage.
        guard draw.isFinite, draw < Double(Int.max / 2) else { return 0 }
        return Int(draw)
    }
}

/// Why a privacy parameter was refused.
public enum PrivacyParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    case epsilonNotPositive(Double)
    case sensitivityNotPositive(Int)

    public var description: String {
        switch self {
        case .epsilonNotPositive(let value):
            "ε must be a positive, finite number (1.0 is the default; smaller means more noise and more privacy), not \(value)"
        case .sensitivityNotPositive(let value):
            "the sensitivity is how much one person can change a count, at least 1, not \(value)"
        }
    }
}
