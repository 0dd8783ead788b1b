import Benchmark
import CustomsRisk
import Foundation

/// Loading a ≈ 6 MB bundle from disk: read, scan, checksum, decode, validate (issue 21, goal 3:
/// ≤ 20 ms and ≤ 3× the file size for a 5 MB bundle). Peak resident memory is the whole process's,
/// which holds nothing else here (the bundle file is cached between processes).
func bundleLoadingBenchmarks() {
    Benchmark("Bundle:_load_a_6_MB_bundle_(570_+_100_trees_x_63_leaves,_ModelBundle.load)",
              configuration: configuration(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                           maxDuration: .seconds(5), maxIterations: 30,
                                           setup: { blackHole(largeBundleFile) })) { benchmark in
        let url = largeBundleFile
        benchmark.startMeasurement()
        let bundle = try ModelBundle.load(contentsOf: url)
        benchmark.stopMeasurement()
        blackHole(bundle)
    }
}

/// A bundle of ≈ 6.2 MB: 570 trees of up to 63 leaves (learning rate 0.005, so early stopping does not
/// cut the forest short) plus the 100-tree revenue model, trained on the 100k training declarations
/// (cached between processes).
let largeBundleFile: URL = BenchmarkData.cachedFile("bundle-100000-570x63-lr0.005.json") { url in
    var options = TrainingOptions()
    options.trees = comparisonTreesConfiguration()
    options.trees.iterationCount = 570
    options.trees.learningRate = 0.005
    options.trees.minimumSamplesPerLeaf = 5
    options.trees.earlyStoppingRounds = nil
    options.seed = 1
    options.threadCount = BenchmarkData.threadCount
    options.reproducible = true
    try ModelTrainer(options: options).train(trainingDeclarationTable).bundle.write(to: url)
}
