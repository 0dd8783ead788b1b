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

    /// Naive twin of `EvidenceFormat.number`: the Foundation version it replaced.
    static func naiveNumber(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "∞" : "-∞") }
        let magnitude = abs(x)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e15 || magnitude < 1e-3 { return String(format: "%.2g", x) }
        let text = String(format: magnitude >= 100 ? "%.0f" : magnitude >= 1 ? "%.2f" : "%.3f", x)
        guard text.contains(".") else { return text }
        var result = Substring(text)
        while result.last == "0" { result.removeLast() }
        if result.last == "." { result.removeLast() }
        return String(result)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func numberMatchesFoundationVersion(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        var values = Self.values(seed: seed)
        for _ in 0..<5_000 {
            // Cents, mills and whole numbers near rounding halves, both signs, all three ranges.
            let scale = [1.0, 100.0, 1_000.0][g.nextInt(below: 3)]
            let base = Double(g.nextInt(below: 2_000_000)) / scale
            values.append((g.nextInt(below: 2) == 0 ? 1 : -1) * (base + [0, 0.5, 0.4999, 0.0005, 0.005][g.nextInt(below: 5)] / scale * scale / 1_000))
            values.append(Double(g.nextInt(below: 1_000_000_000)) + 0.5)
        }
        for x in values {
            #expect(EvidenceFormat.number(x) == Self.naiveNumber(x), "seed \(seed), bits \(x.bitPattern)")
        }
    }

    /// `fixedTrimmed` decides the rounding of values a few ulps around every kind of half exactly
    /// (it returns nil only for exact ties), as the trimmed `vsnprintf` text.
    @Test(arguments: [0, 1, 2, 3], [1, 2] as [UInt64])
    func fixedTrimmedRoundsHalvesExactly(decimals: Int, seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let scale = pow(10, Double(decimals))
        var declined = 0, checked = 0
        for _ in 0..<2_000 {
            let whole = Double(g.nextInt(below: 10)) * pow(10, Double(g.nextInt(below: 10)))
                + Double(g.nextInt(below: 1_000))
            var x = (whole + [0.5, 0.25, 0.75, 0.05, 0.95][g.nextInt(below: 5)]) / scale
            if g.nextInt(below: 2) == 0 { x = -x }
            for _ in 0..<g.nextInt(below: 4) { x = g.nextInt(below: 2) == 0 ? x.nextUp : x.nextDown }
            let oracle: String = {
                let text = String(format: "%.\(decimals)f", x)
                guard text.contains(".") else { return text }
                var result = Substring(text)
                while result.last == "0" { result.removeLast() }
                if result.last == "." { result.removeLast() }
                return String(result)
            }()
            if let fast = EvidenceFormat.fixedTrimmed(x, decimals: decimals) {
                #expect(fast == oracle, "decimals \(decimals), seed \(seed), bits \(x.bitPattern)")
                checked += 1
            } else {
                declined += 1
                let magnitude = abs(x)
                if magnitude >= 1e-3, magnitude < 1e11 {  // declined in range: only an exact tie
                    let scaled = magnitude * scale
                    #expect(scaled - scaled.rounded(.down) == 0.5 && (-scaled).addingProduct(magnitude, scale) == 0)
                }
            }
        }
        #expect(checked > declined)
    }

    @Test(arguments: ["870323", "8703.23.10", "12", "", " 0101 21 ", "８７０３２３", "87a03b23c", "1234567890123"])
    func hsCodeMatchesScalarVersion(text: String) {
        let digits = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 48 && $0.value <= 57 }))
        let naive = digits.count >= 6 ? "\(digits.prefix(4)).\(digits.dropFirst(4).prefix(2))" : digits
        #expect(EvidenceFormat.hsCode(text) == naive)
    }

    /// Naive twin of `EvidenceFormat.percent`: the Foundation version it replaced.
    static func naivePercent(_ rate: Double) -> String {
        guard rate.isFinite else { return "n/a" }
        let p = rate * 100
        if abs(p) >= 10 { return String(format: "%.0f", p) + "%" }
        let text = String(format: "%.1f", p)
        guard text.contains(".") else { return text + "%" }
        var result = Substring(text)
        while result.last == "0" { result.removeLast() }
        if result.last == "." { result.removeLast() }
        return String(result) + "%"
    }

    @Test(arguments: [1, 2] as [UInt64])
    func percentMatchesFoundationVersion(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        var rates = Self.values(seed: seed)
        for _ in 0..<5_000 {
            rates.append(g.nextUnit())
            rates.append(Double(g.nextInt(below: 2_000)) / 1_000 + [0, 0.0005, 0.00049][g.nextInt(below: 3)])
        }
        for rate in rates {
            #expect(EvidenceFormat.percent(rate) == Self.naivePercent(rate), "seed \(seed), bits \(rate.bitPattern)")
        }
    }

    /// `trimmingSpaces` (with its no-op fast path) against the `Character` loop it is defined by.
    @Test(arguments: [1, 2] as [UInt64])
    func trimmingSpacesMatchesCharacterLoop(seed: UInt64) {
        let pieces = [" ", "\t", "\n", "\r\n", " \u{301}", "\u{A0}", "IM1", "é", "0", ""]
        var g = SeededGenerator(seed: seed)
        for _ in 0..<3_000 {
            let text = (0..<g.nextInt(below: 6)).map { _ in pieces[g.nextInt(below: pieces.count)] }.joined()
            var naive = Substring(text)
            while let first = naive.first, first == " " || first == "\t" { naive.removeFirst() }
            while let last = naive.last, last == " " || last == "\t" { naive.removeLast() }
            #expect(text.trimmingSpaces() == String(naive), "seed \(seed): \(text.debugDescription)")
        }
    }
}
