// swift-tools-version: 6.1
// libFuzzer targets for CustomsRisk's parsers (nested package, so fuzz executables never enter the
// main build). Build and run from the repository root with `Scripts/fuzz.sh [seconds]`, or by hand:
//   cd Fuzz && swift build -c debug --product FuzzDeclarationReader --sanitize=fuzzer -Xswiftc -parse-as-library
//   SWIFT_BACKTRACE=enable=no ./.build/debug/FuzzDeclarationReader -max_total_time=60 Corpus/declaration-reader
// See Docs/Testing.md.
import PackageDescription

let package = Package(
    name: "CustomsRiskFuzz",
    dependencies: [
        .package(name: "customs-risk", path: "../"),
    ],
    targets: [
        .target(name: "FuzzSupport",
                dependencies: [.product(name: "CustomsRisk", package: "customs-risk")]),
        .executableTarget(name: "FuzzDeclarationReader",
                          dependencies: ["FuzzSupport", .product(name: "CustomsRisk", package: "customs-risk")]),
        .executableTarget(name: "FuzzSchema",
                          dependencies: ["FuzzSupport", .product(name: "CustomsRisk", package: "customs-risk")]),
        .executableTarget(name: "FuzzBundle",
                          dependencies: ["FuzzSupport", .product(name: "CustomsRisk", package: "customs-risk")]),
        .executableTarget(name: "FuzzBundleStructure",
                          dependencies: ["FuzzSupport", .product(name: "CustomsRisk", package: "customs-risk")]),
    ]
)
