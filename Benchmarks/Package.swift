// swift-tools-version: 6.1
// Performance regression benchmarks for CustomsRisk (ordo-one/benchmark).
// Run from this folder: `swift package benchmark`; thresholds: `swift package benchmark thresholds check`.
import PackageDescription

let package = Package(
    name: "CustomsRiskBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "customs-risk", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CustomsRiskBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CustomsRisk", package: "customs-risk"),
            ],
            path: "Benchmarks/CustomsRiskBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
