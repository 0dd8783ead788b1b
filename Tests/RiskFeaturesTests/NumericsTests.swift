import RiskData
import Testing
@testable import RiskFeatures

@Suite struct NumericsTests {
    @Test(arguments: [1, 2, 3, 10, 101, 1_000], [1, 2, 3] as [UInt64])
    func quickselectMedianMatchesSorting(count: Int, seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        // Few distinct values on odd seeds so that ties are exercised.
        var values = (0..<count).map { _ in
            seed % 2 == 1 ? Double(generator.nextInt(below: 4)) : generator.nextGaussian()
        }
        let expected = naiveMedian(values)
        #expect(Numerics.median(selecting: &values) == expected)
    }

    @Test(arguments: [(0, 1, 3), (31, 2, 6), (59, 3, 6), (365, 1, 4), (-1, 12, 2), (19_000, 1, 5)]
              as [(Int32, Int, Int)])
    func calendarMatchesKnownDates(days: Int32, month: Int, weekday: Int) {
        // Checked with Python datetime: 1970-01-01 Thu, 1970-02-01 Sun, 1970-03-01 Sun, 1971-01-01 Fri,
        // 1969-12-31 Wed, 2022-01-08 Sat (Monday = 0).
        #expect(CivilCalendar.month(daysSince1970: days) == month)
        #expect(CivilCalendar.weekday(daysSince1970: days) == weekday)
    }

    @Test func floatConversionClampsMagnitudesAndKeepsMissing() {
        #expect(Numerics.toFloat(1e300) == 3.0e38)
        #expect(Numerics.toFloat(-.infinity) == -3.0e38)
        #expect(Numerics.toFloat(.nan).isNaN)
        #expect(Numerics.toFloat(2.5) == 2.5)
    }

    @Test func evidenceNumbersAreFormattedForPeople() {
        #expect(EvidenceFormat.number(3.1) == "3.1")
        #expect(EvidenceFormat.number(0.18) == "0.18")
        #expect(EvidenceFormat.number(1250.4) == "1250")
        #expect(EvidenceFormat.number(0) == "0")
        #expect(EvidenceFormat.number(1e300) == "1e+300")
        #expect(EvidenceFormat.percent(0.12) == "12%")
        #expect(EvidenceFormat.percent(0.035) == "3.5%")
        #expect(EvidenceFormat.count(17) == "17")
        #expect(EvidenceFormat.hsCode("87032310") == "8703.23")
        #expect(EvidenceFormat.hsCode("8703") == "8703")
    }
}
