import Foundation
import RiskData
import Testing

/// Our decoder against Foundation's `JSONDecoder` on random `Codable` values of every shape the
/// bundle types use: nested structs, optionals, arrays of every scalar, dictionaries keyed by
/// strings and by integers, enums with associated values, strings with escapes and non-ASCII.
@Suite struct JSONValueDecoderTests {
    enum Shape: Codable, Equatable {
        case none
        case circle(radius: Double)
        case labelled(String, [Int32])
    }

    struct Inner: Codable, Equatable {
        var name: String
        var weights: [Float]
        var flag: Bool?
    }

    struct Sample: Codable, Equatable {
        var doubles: [Double]
        var floats: [Float]
        var int32s: [Int32]
        var ints: [Int]
        var int64s: [Int64]
        var bytes: [UInt8]
        var words: [UInt64]
        var flags: [Bool]
        var strings: [String]
        var optional: Double?
        var missing: String?
        var byName: [String: Int]
        var byCode: [Int64: Int32]
        var inners: [Inner]
        var shapes: [Shape]
        var nested: [[Double]]
        var scalar: UInt16

        static func random(seed: UInt64) -> Sample {
            var g = SeededGenerator(seed: seed)
            func count() -> Int { Int.random(in: 0...20, using: &g) }
            func text() -> String {
                let pieces = ["a", "Z", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "日本", "😀", " ", "{", "]", ","]
                return (0..<Int.random(in: 0...8, using: &g)).map { _ in pieces.randomElement(using: &g)! }.joined()
            }
            func double() -> Double {
                let value = Double(bitPattern: g.next())
                return value.isFinite ? value : Double.random(in: -1...1, using: &g)
            }
            func float() -> Float {
                let value = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
                return value.isFinite ? value : 0.5
            }
            let inners = (0..<Int.random(in: 0...4, using: &g)).map { _ in
                Inner(name: text(), weights: (0..<count()).map { _ in float() },
                      flag: Bool.random(using: &g) ? nil : Bool.random(using: &g))
            }
            let shapes: [Shape] = (0..<count()).map { _ in
                switch Int.random(in: 0...2, using: &g) {
                case 0: return .none
                case 1: return .circle(radius: double())
                default: return .labelled(text(), (0..<count()).map { _ in Int32(truncatingIfNeeded: g.next()) })
                }
            }
            return Sample(
                doubles: (0..<count()).map { _ in double() },
                floats: (0..<count()).map { _ in float() },
                int32s: (0..<count()).map { _ in Int32(truncatingIfNeeded: g.next()) },
                ints: (0..<count()).map { _ in Int(truncatingIfNeeded: g.next()) },
                int64s: (0..<count()).map { _ in Int64(bitPattern: g.next()) },
                bytes: (0..<count()).map { _ in UInt8(truncatingIfNeeded: g.next()) },
                words: (0..<count()).map { _ in g.next() },
                flags: (0..<count()).map { _ in Bool.random(using: &g) },
                strings: (0..<count()).map { _ in text() },
                optional: Bool.random(using: &g) ? nil : double(),
                missing: nil,
                byName: Dictionary(uniqueKeysWithValues: (0..<count()).map { ("k\($0)" + text(), $0) }),
                byCode: Dictionary(uniqueKeysWithValues: (0..<count()).map { (Int64($0) * 7_919, Int32($0)) }),
                inners: inners,
                shapes: shapes,
                nested: (0..<Int.random(in: 0...3, using: &g)).map { _ in (0..<count()).map { _ in double() } },
                scalar: UInt16(truncatingIfNeeded: g.next()))
        }
    }

    /// Compares with bit patterns for floating point (so −0 ≠ +0 would be caught).
    static func bits(_ s: Sample) -> [UInt64] {
        s.doubles.map(\.bitPattern) + s.floats.map { UInt64($0.bitPattern) } + s.nested.flatMap { $0.map(\.bitPattern) }
            + s.inners.flatMap { $0.weights.map { UInt64($0.bitPattern) } }
    }

    @Test(arguments: Array(1...40) as [UInt64])
    func randomValuesDecodeLikeFoundation(seed: UInt64) throws {
        let sample = Sample.random(seed: seed)
        for formatting in [[], [.sortedKeys], [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]]
            as [JSONEncoder.OutputFormatting] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = formatting
            let data = try encoder.encode(sample)
            let ours = try decodeWithTape(Sample.self, data)
            let theirs = try JSONDecoder().decode(Sample.self, from: data)
            #expect(ours == theirs, "seed \(seed)")
            #expect(ours == sample, "seed \(seed)")
            #expect(Self.bits(ours) == Self.bits(sample), "seed \(seed)")
        }
    }

    @Test func wrongKindsNameThePathAndTheByte() {
        #expect(tapeError(Sample.self, "[]") == "expected an object, found an array (byte 0)")
        #expect(tapeError([Inner].self, #"[{"name":"x","weights":[1,"2"]}]"#)
                == #"[0].weights[1]: expected a number, found a string (byte 26)"#)
        #expect(tapeError([Inner].self, #"[{"name":"x","weights":[1,null]}]"#)
                == #"[0].weights[1]: expected a number, found null (byte 26)"#)
        #expect(tapeError([Inner].self, #"[{"name":5,"weights":[]}]"#)
                == #"[0].name: expected a string, found the number 5 (byte 9)"#)
        #expect(tapeError([Inner].self, #"[{"weights":[]}]"#) == #"[0]: the object has no key "name" (byte 1)"#)
        #expect(tapeError([Bool].self, "[true, 1]") == "[1]: expected true or false, found the number 1 (byte 7)")
        #expect(tapeError([[Double]].self, "[[1], 2]") == "[1]: expected an array, found the number 2 (byte 6)")
        #expect(tapeError(Shape.self, #"{"circle":{"radius":"r"}}"#)
                == #"circle.radius: expected a number, found a string (byte 20)"#)
    }

    /// Unknown keys are skipped, even when they hold deep structures (the index jumps over them).
    @Test func unknownMembersAreSkipped() throws {
        let text = #"{"x":[[1,{"y":[2]}],{"z":"]"}],"name":"n","w":{},"weights":[0.5],"flag":true}"#
        #expect(try decodeWithTape(Inner.self, Data(text.utf8)) == Inner(name: "n", weights: [0.5], flag: true))
    }
}
