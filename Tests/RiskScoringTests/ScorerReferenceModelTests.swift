import CustomsRisk
import Foundation
import RiskDeclarations
import Testing

/// The released reference bundles still load and score their sample as they did at release
/// (Models/README.md: the compatibility promise of bundle format 1.x).
///
/// Tolerance: the expected scores were written with Swift's shortest round-trip representation, so
/// they parse back to the exact `Double`s, and on x86_64 Linux the check passes bit for bit on every
/// CPU: scoring uses no BLAS (trees add leaf values in tree order; a linear model is a fixed-order
/// sum per row), so nothing depends on the kernel OpenBLAS picks (CI re-runs this suite under
/// several `OPENBLAS_CORETYPE`s). The allowance of 1e-12 (relative to max(1, |x|)) admits only
/// last-bit differences from another libm (log/exp in the features and the calibration), a few
/// ulps ≈ 1e-15; any real change to the model, the features or the calibration moves scores by far
/// more.
@Suite struct ScorerReferenceModelTests {
    struct Expected {
        var ids: [String] = []
        var probabilities: [Double] = []
        var rawScores: [Double] = []
    }

    static func expected(_ kind: String) throws -> Expected {
        let url = ScorerFixtures.modelsDirectory.appendingPathComponent("expected-scores-\(kind).csv")
        let scanner = try CSVScanner(path: url.path, sourceName: url.lastPathComponent)
        #expect(try scanner.nextRecord())
        #expect((0..<scanner.fieldCount).map { scanner.fieldString($0) } == ["id", "probability", "raw_score"])
        var out = Expected()
        while try scanner.nextRecord() {
            out.ids.append(scanner.fieldString(0))
            out.probabilities.append(try #require(Double(scanner.fieldString(1))))
            out.rawScores.append(try #require(Double(scanner.fieldString(2))))
        }
        return out
    }

    @Test(arguments: ScorerFixtures.kinds)
    func referenceBundleStillScoresItsSample(kind: String) throws {
        let scorer = try ScorerFixtures.scorer(kind)
        #expect(scorer.bundle.model.kindName == (kind == "gbt" ? "boosted_trees" : "logistic"))
        let expected = try Self.expected(kind)
        let assessments = try scorer.score(ScorerFixtures.sampleTable(scorer),
                                           options: ScoringOptions(reasonCount: 0, threadCount: 1))
        #expect(expected.ids.count == 200)
        #expect(assessments.map(\.id) == expected.ids)
        var exact = 0
        for (row, a) in assessments.enumerated() {
            let p = expected.probabilities[row], raw = expected.rawScores[row]
            #expect(abs(a.probability - p) <= 1e-12, "\(a.id): probability \(a.probability), released \(p)")
            #expect(abs(a.rawScore - raw) <= 1e-12 * max(1, abs(raw)), "\(a.id): raw \(a.rawScore), released \(raw)")
            if a.probability == p && a.rawScore == raw { exact += 1 }
        }
        #if arch(x86_64) && os(Linux)
        #expect(exact == assessments.count, "x86_64 Linux reproduces every score bit for bit, whatever the CPU")
        #endif
    }

    @Test(arguments: ScorerFixtures.kinds)
    func referenceBundleRecordsHowItWasMade(kind: String) throws {
        let bundle = try ScorerFixtures.bundle(kind)
        let m = bundle.metadata
        #expect(m.createdAt == "1970-01-01T00:00:00Z")  // --reproducible
        #expect(m.seed == 7)
        #expect(m.trainingRows + m.validationRows == 5_000)
        #expect(m.validationSource == "latest 20% by date")
        #expect(m.configuration["threads"] == nil)
    }
}
