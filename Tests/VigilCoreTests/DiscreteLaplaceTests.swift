import Foundation
import Testing
@testable import VigilCore

/// The noise distribution matches its parameters. Each check compares a sample of 200,000 draws
/// with the exact distribution, with a tolerance of five standard errors of the estimate: wide
/// enough that a correct sampler passes, narrow enough that a wrong α, a one-sided or a
/// shifted sampler fails (each is several percent off).
@Suite("DiscreteLaplace")
struct DiscreteLaplaceTests {
    static let draws = 200_000

    static func sample(_ noise: DiscreteLaplace, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        return (0..<draws).map { _ in noise.sample(using: &generator) }
    }

    /// The exact k-th central moment, summed over the support until the terms vanish.
    static func moment(_ noise: DiscreteLaplace, _ power: Double) -> Double {
        var total = 0.0
        for k in 1...10_000 {
            let term = 2 * pow(Double(k), power) * noise.probability(of: k)
            total += term
            if term < 1e-18 { break }
        }
        return total
    }

    @Test("mean 0, variance 2α/(1−α)², P(0) = (1−α)/(1+α)", arguments: [(0.25, 11), (0.5, 12), (1.0, 13), (2.0, 14)] as [(Double, UInt64)])
    func momentsMatchTheory(epsilon: Double, seed: UInt64) throws {
        let noise = try DiscreteLaplace(epsilon: epsilon)
        let alpha = exp(-epsilon)
        #expect(abs(noise.alpha - alpha) < 1e-15)
        #expect(abs(noise.variance - 2 * alpha / ((1 - alpha) * (1 - alpha))) < 1e-12)
        // The variance formula agrees with the distribution it describes.
        #expect(abs(Self.moment(noise, 2) - noise.variance) / noise.variance < 1e-9)

        let draws = Self.sample(noise, seed: seed)
        let n = Double(draws.count)
        let mean = Double(draws.reduce(0, +)) / n
        let variance = draws.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1)

        #expect(abs(mean) < 5 * noise.standardDeviation / n.squareRoot(), "mean \(mean)")

        // The sample variance's standard error comes from the exact fourth moment.
        let varianceError = ((Self.moment(noise, 4) - noise.variance * noise.variance) / n).squareRoot()
        #expect(5 * varianceError / noise.variance < 0.04, "the check must be able to see a 4% error")
        #expect(abs(variance - noise.variance) < 5 * varianceError, "variance \(variance), theory \(noise.variance)")

        let zeroTheory = (1 - alpha) / (1 + alpha)
        #expect(abs(noise.probability(of: 0) - zeroTheory) < 1e-15)
        let zeroShare = Double(draws.count(where: { $0 == 0 })) / n
        #expect(abs(zeroShare - zeroTheory) < 5 * (zeroTheory * (1 - zeroTheory) / n).squareRoot(), "P(0) \(zeroShare), theory \(zeroTheory)")
    }

    @Test("the whole distribution fits: chi-square over every value with enough expected draws", arguments: [0.5, 1.0] as [Double])
    func chiSquareFit(epsilon: Double) throws {
        let noise = try DiscreteLaplace(epsilon: epsilon)
        let draws = Self.sample(noise, seed: 99)
        let n = Double(draws.count)
        // Bins −K…K where each expects at least 20 draws, and the two tails beyond.
        var limit = 0
        while n * noise.probability(of: limit + 1) >= 20 { limit += 1 }
        var observed = [Int](repeating: 0, count: 2 * limit + 3)
        for k in draws { observed[min(max(k, -limit - 1), limit + 1) + limit + 1] += 1 }
        let tail = (1 - (-limit...limit).reduce(0.0) { $0 + noise.probability(of: $1) }) / 2
        var chiSquare = 0.0
        for (bin, count) in observed.enumerated() {
            let k = bin - limit - 1
            let expected = n * (abs(k) > limit ? tail : noise.probability(of: k))
            chiSquare += (Double(count) - expected) * (Double(count) - expected) / expected
        }
        // Degrees of freedom = bins − 1; the statistic has mean df and s.d. √(2df): allow 5 s.d.
        let df = Double(observed.count - 1)
        #expect(chiSquare < df + 5 * (2 * df).squareRoot(), "χ² \(chiSquare) with \(Int(df)) degrees of freedom")
        // Symmetry: as many draws above zero as below.
        let above = Double(draws.count(where: { $0 > 0 })), below = Double(draws.count(where: { $0 < 0 }))
        #expect(abs(above - below) < 5 * (above + below).squareRoot())
    }

    @Test("one more person multiplies the odds of any output by exactly e^ε (the privacy guarantee)")
    func neighbouringCountsDifferByEpsilon() throws {
        for epsilon in [0.1, 0.5, 1.0, 3.0] {
            let noise = try DiscreteLaplace(epsilon: epsilon)
            for k in -20...20 {
                // Output k + 3 from true count 3 is noise k; from true count 4 it is noise k − 1.
                let ratio = noise.probability(of: k) / noise.probability(of: k - 1)
                #expect(ratio <= exp(epsilon) * (1 + 1e-12) && ratio >= exp(-epsilon) * (1 - 1e-12))
            }
            let mass = (-2000...2000).reduce(0.0) { $0 + noise.probability(of: $1) }
            #expect(abs(mass - 1) < 1e-9)
        }
    }

    @Test("the 95% margin is the smallest m with P(|noise| ≤ m) ≥ 95%, and draws respect it")
    func margin() throws {
        let noise = try DiscreteLaplace(epsilon: 1)
        #expect(noise.margin(level: 0.95) == 3)
        let inside = { (m: Int) in (-m...m).reduce(0.0) { $0 + noise.probability(of: $1) } }
        #expect(inside(3) >= 0.95 && inside(2) < 0.95)
        let draws = Self.sample(noise, seed: 7)
        let covered = Double(draws.count(where: { abs($0) <= 3 })) / Double(draws.count)
        #expect(abs(covered - inside(3)) < 0.005)
    }

    @Test("the same seed gives the same noise; another seed does not")
    func seeded() throws {
        let noise = try DiscreteLaplace(epsilon: 1)
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5), c = SeededGenerator(seed: 6)
        let first = (0..<50).map { _ in noise.sample(using: &a) }
        #expect(first == (0..<50).map { _ in noise.sample(using: &b) })
        #expect(first != (0..<50).map { _ in noise.sample(using: &c) })
    }

    @Test("ε must be positive and finite", arguments: [0.0, -1.0, .infinity, .nan] as [Double])
    func invalidEpsilon(epsilon: Double) {
        #expect(throws: PrivacyParameterError.self) { try DiscreteLaplace(epsilon: epsilon) }
    }
}
