// swift-tools-version: 6.1
// CustomsRisk — risk scoring of customs declarations with machine learning.
//
// Module map (arrows point down only): see Docs/Architecture.md.

import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "customs-risk",
    products: [
        .library(name: "CustomsRisk", targets: ["CustomsRisk"]),
        .library(name: "RiskData", targets: ["RiskData"]),
        .library(name: "RiskDeclarations", targets: ["RiskDeclarations"]),
        .library(name: "RiskFeatures", targets: ["RiskFeatures"]),
        .library(name: "RiskLinear", targets: ["RiskLinear"]),
        .library(name: "RiskTrees", targets: ["RiskTrees"]),
        .library(name: "RiskMetrics", targets: ["RiskMetrics"]),
        .library(name: "RiskExplain", targets: ["RiskExplain"]),
        .library(name: "RiskModelBundle", targets: ["RiskModelBundle"]),
        .library(name: "RiskScoring", targets: ["RiskScoring"]),
        .library(name: "RiskTraining", targets: ["RiskTraining"]),
        .library(name: "RiskReplay", targets: ["RiskReplay"]),
        .library(name: "RiskRules", targets: ["RiskRules"]),
        .executable(name: "riskctl", targets: ["RiskCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // MARK: - System libraries (Debian: libopenblas-dev, liblapacke-dev)
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", path: "Sources/CLAPACKE", pkgConfig: "lapacke",
                       providers: [.apt(["liblapacke-dev"])]),

        // MARK: - Library modules
        .target(name: "RiskLinearAlgebra", dependencies: ["CBLAS", "CLAPACKE"], swiftSettings: strictSettings),
        .target(name: "RiskData", swiftSettings: strictSettings),
        .target(name: "RiskDeclarations", dependencies: ["RiskData"], swiftSettings: strictSettings),
        .target(name: "RiskFeatures", dependencies: ["RiskData", "RiskDeclarations"], swiftSettings: strictSettings),
        .target(name: "RiskMetrics", swiftSettings: strictSettings),
        .target(name: "RiskLinear", dependencies: ["RiskData", "RiskLinearAlgebra"], swiftSettings: strictSettings),
        .target(name: "RiskTrees", dependencies: ["RiskData", "RiskMetrics"], swiftSettings: strictSettings),
        .target(name: "RiskExplain",
                dependencies: ["RiskData", "RiskDeclarations", "RiskFeatures", "RiskTrees"],
                swiftSettings: strictSettings),
        .target(name: "RiskRules", dependencies: ["RiskData", "RiskDeclarations"], swiftSettings: strictSettings),
        .target(name: "RiskModelBundle",
                dependencies: ["RiskData", "RiskDeclarations", "RiskFeatures", "RiskTrees", "RiskLinear",
                               "RiskExplain", "RiskMetrics"],
                swiftSettings: strictSettings),
        .target(name: "RiskScoring",
                dependencies: ["RiskData", "RiskDeclarations", "RiskFeatures", "RiskTrees", "RiskLinear",
                               "RiskExplain", "RiskMetrics", "RiskModelBundle"],
                swiftSettings: strictSettings),
        // Training a bundle, apart from applying one: a clearance system that only scores links no trainer.
        .target(name: "RiskTraining",
                dependencies: ["RiskData", "RiskDeclarations", "RiskFeatures", "RiskTrees", "RiskLinear",
                               "RiskMetrics", "RiskModelBundle"],
                swiftSettings: strictSettings),
        // Targeting replayed over a labelled history (train, score, select, reveal, retrain).
        .target(name: "RiskReplay",
                dependencies: ["RiskData", "RiskDeclarations", "RiskMetrics", "RiskModelBundle", "RiskScoring",
                               "RiskTraining"],
                swiftSettings: strictSettings),
        .target(name: "CustomsRisk",
                dependencies: ["RiskData", "RiskDeclarations", "RiskFeatures", "RiskTrees", "RiskLinear",
                               "RiskExplain", "RiskMetrics", "RiskModelBundle", "RiskScoring", "RiskTraining",
                               "RiskReplay", "RiskRules"],
                swiftSettings: strictSettings),
        .executableTarget(name: "RiskCLI",
                          dependencies: ["CustomsRisk", "RiskDeclarations",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: strictSettings),

        // MARK: - Test support and tests
        .target(name: "RiskTestSupport", dependencies: ["RiskData", "RiskFeatures"], path: "Tests/RiskTestSupport"),
        .testTarget(name: "RiskLinearAlgebraTests", dependencies: ["RiskLinearAlgebra", "RiskTestSupport"]),
        .testTarget(name: "RiskDataTests", dependencies: ["RiskData", "RiskTestSupport"]),
        .testTarget(name: "RiskDeclarationsTests", dependencies: ["RiskDeclarations", "RiskTestSupport"]),
        .testTarget(name: "RiskFeaturesTests", dependencies: ["RiskFeatures", "RiskDeclarations", "RiskTestSupport"]),
        .testTarget(name: "RiskMetricsTests", dependencies: ["RiskMetrics", "RiskTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RiskLinearTests", dependencies: ["RiskLinear", "RiskTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RiskTreesTests", dependencies: ["RiskTrees", "RiskMetrics", "RiskTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RiskExplainTests", dependencies: ["RiskExplain", "RiskTrees", "RiskTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RiskModelBundleTests", dependencies: ["RiskModelBundle", "RiskTestSupport"]),
        .testTarget(name: "RiskRulesTests", dependencies: ["RiskRules", "RiskDeclarations", "RiskTestSupport"]),
        .testTarget(name: "RiskScoringTests", dependencies: ["CustomsRisk", "RiskTestSupport"]),
        .testTarget(name: "RiskTrainingTests", dependencies: ["CustomsRisk", "RiskTraining", "RiskTestSupport"]),
        .testTarget(name: "RiskReplayTests", dependencies: ["CustomsRisk", "RiskReplay", "RiskTestSupport"]),
        .testTarget(name: "RiskCLITests", dependencies: ["RiskCLI", "CustomsRisk", "RiskTestSupport"]),
    ]
)
