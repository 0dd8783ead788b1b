import Foundation
import RiskDeclarations
import Testing

/// `synth --drift-from`: a new scheme from a day, nothing changed before it.
@Suite struct SyntheticDriftTests {
    @Test func rowsBeforeTheDriftAreUnchangedAndTheSchemeAppearsAfter() throws {
        let day = Array("2025-10-01".utf8).withUnsafeBufferPointer { ValueParsers.parseDate($0)! }
        let plain = String(decoding: SyntheticDeclarations(rowCount: 6_000, seed: 4).csvBytes(), as: UTF8.self)
        let drifted = String(decoding: SyntheticDeclarations(rowCount: 6_000, seed: 4, driftFrom: day).csvBytes(),
                             as: UTF8.self)
        let a = plain.split(separator: "\n"), b = drifted.split(separator: "\n")
        #expect(a.count == b.count)
        let firstAfter = try #require(b.firstIndex { $0.split(separator: ",")[1] >= "2025-10-01" && $0.hasPrefix("D") })
        #expect(a[..<firstAfter] == b[..<firstAfter])
        let scheme = b[firstAfter...].filter { $0.split(separator: ",")[4].hasPrefix("IMN") }
        let share = Double(scheme.count) / Double(b.count - firstAfter)
        #expect(share > 0.08 && share < 0.16, "scheme share \(share)")
        #expect(!b[..<firstAfter].contains { $0.contains(",IMN") })
        for row in scheme {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            #expect(fields[6].hasPrefix("84"))
        }
        let illicit = Double(scheme.filter { $0.split(separator: ",", omittingEmptySubsequences: false)[18] == "1" }.count)
        #expect(illicit / Double(scheme.count) > 0.4)
    }
}
