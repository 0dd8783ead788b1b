import Foundation
import RiskData
import Testing
@testable import RiskFeatures

/// `EvidenceFormat.formatted` (C `vsnprintf`) against Foundation's `String(format:)`, the naive
/// oracle it replaced, for every format the evidence uses, on random and edge-case doubles.
@Suite struct EvidenceFormatTests {
    static func values(seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        var out: [Double] = [0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.0005, 0.00049, 9.995, 99.95, 999.5, 1e15, 1e-3, 1e300,
                             -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .nan, .infinity, -.infinity]
        for _ in 0..<3_000 {
            switch g.nextInt(below: 4) {
            case 0: out.append(Double(bitPattern: g.next()))
            case 1: out.append((g.nextUnit() - 0.5) * pow(10, Double(g.nextInt(below: 24)) - 8))
            case 2: out.append(Double(g.nextInt(below: 100_000)) / 1_000 + 0.0005)  // halfway-ish
            default: out.append(g.nextUnit())
            }
        }
        return out
    }

    @Test(arguments: ["%.2g", "%.0f", "%.1f", "%.2f", "%.3f"], [1, 2] as [UInt64])
    func formattedMatchesFoundation(format: String, seed: UInt64) {
        for x in Self.values(seed: seed) {
            #expect(EvidenceFormat.formatted(format, x) == String(format: format, x),
                    "\(format), seed \(seed), bits \(x.bitPattern)")
        }
    }

    /// The public formatters keep their documented texts.
    @Test func documentedTexts() {
        #expect(EvidenceFormat.number(0.18) == "0.18")
        #expect(EvidenceFormat.number(3.1) == "3.1")
        #expect(EvidenceFormat.number(1250) == "1250")
        #expect(EvidenceFormat.number(1.2e300) == "1.2e+300")
        #expect(EvidenceFormat.number(.nan) == "n/a")
        #expect(EvidenceFormat.percent(0.12) == "12%")
        #expect(EvidenceFormat.percent(0.035) == "3.5%")
        #expect(EvidenceFormat.percent(0.002) == "0.2%")
    }
}
