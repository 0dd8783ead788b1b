import Foundation
import RiskData
import RiskDeclarations
import RiskExplain
import RiskFeatures
import RiskLinear
import RiskMetrics
import RiskTrees

/// Everything needed to score declarations, in one versioned, checksummed JSON document:
/// the declaration schema, the fitted feature pipeline, the model, its calibration, lane
/// thresholds, the reason-code catalogue and training metadata. See Docs/BundleFormat.md.
public struct ModelBundle: Sendable, Hashable, Codable {
    /// The format version this build writes and the newest it reads.
    public static let formatVersion = BundleVersion(1, 0, 0)

    /// Roles of the input columns.
    public var schema: DeclarationSchema
    /// The fitted feature pipeline (vocabularies, profiles, references, scalers).
    public var pipeline: FittedFeaturePipeline
    /// The risk model (raw score in log-odds).
    public var model: RiskModel
    /// Optional revenue model: expected recoverable revenue of a declaration if it is illicit
    /// (squared-error trees on the illicit training rows, on the trees feature matrix).
    public var revenueModel: BoostedTreesModel?
    /// Maps the raw score to a calibrated probability.
    public var calibration: Calibration
    /// Probability thresholds of the lanes.
    public var lanes: LaneThresholds
    /// The reason-code catalogue used for explanations.
    public var reasons: ReasonCodeCatalog
    /// How the bundle was made.
    public var metadata: TrainingMetadata
    /// Histograms of the training declarations' features and scores, against which `riskctl monitor`
    /// measures drift; nil in bundles written before it existed.
    public var reference: ReferenceDistributions?

    public init(schema: DeclarationSchema, pipeline: FittedFeaturePipeline, model: RiskModel,
                revenueModel: BoostedTreesModel? = nil, calibration: Calibration, lanes: LaneThresholds,
                reasons: ReasonCodeCatalog = .standard, metadata: TrainingMetadata) {
        self.schema = schema
        self.pipeline = pipeline
        self.model = model
        self.revenueModel = revenueModel
        self.calibration = calibration
        self.lanes = lanes
        self.reasons = reasons
        self.metadata = metadata
    }

    // MARK: - Reading and writing

    /// Limits applied while loading.
    public struct LoadOptions: Sendable, Hashable {
        /// Files larger than this are refused before they are read (default 1 GiB).
        public var maximumFileSize: Int
        public init(maximumFileSize: Int = 1 << 30) { self.maximumFileSize = maximumFileSize }
    }

    /// Reads, checks and validates a bundle file.
    ///
    /// - Parameters:
    ///   - url: The bundle file (`model.json`).
    ///   - options: Size limit.
    /// - Throws: `BundleError` naming the file and what is wrong: unreadable, too large, not a bundle,
    ///   unsupported version, checksum mismatch, or invalid content (with the path of the bad value).
    /// - Complexity: O(file size + model size).
    public static func load(contentsOf url: URL, options: LoadOptions = LoadOptions()) throws -> ModelBundle {
        let name = url.lastPathComponent
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard let size = attributes?[.size] as? Int else {
            throw BundleError(.io, "cannot read model \(url.path): the file does not exist or is not readable.")
        }
        guard size <= options.maximumFileSize else {
            throw BundleError(.tooLarge, "\(name) is \(size) bytes, over the \(options.maximumFileSize)-byte limit "
                              + "for model bundles. Raise ModelBundle.LoadOptions.maximumFileSize if it is genuine.")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw BundleError(.io, "cannot read model \(url.path): \(error.localizedDescription)")
        }
        return try decode(data, source: name, options: options)
    }

    /// Decodes and validates a bundle from its bytes (`source` names it in messages).
    public static func decode(_ data: Data, source: String = "model bundle",
                              options: LoadOptions = LoadOptions()) throws -> ModelBundle {
        guard data.count <= options.maximumFileSize else {
            throw BundleError(.tooLarge, "\(source) is \(data.count) bytes, over the \(options.maximumFileSize)-byte "
                              + "limit for model bundles.")
        }
        let (bundle, _) = try BundleDocument.decode(ModelBundle.self, from: data, source: source,
                                                    supported: formatVersion)
        do {
            try bundle.validate()
        } catch let error as BundleError {
            throw BundleError(error.code, "\(source): \(error.message)")
        }
        return bundle
    }

    /// Wraps already-encoded content JSON in the bundle envelope of this format version, with a
    /// freshly computed checksum. For tools that rewrite bundle content (migrations, fuzzers); the
    /// result is still validated in full by `decode`/`load`, so sealing never makes bad content load.
    public static func seal(contentJSON: Data) -> Data {
        BundleDocument.seal(contentJSON, version: formatVersion)
    }

    /// The bundle as bytes (validated first; equal bundles give identical bytes).
    public func encoded() throws -> Data {
        try validate()
        return try BundleDocument.encode(self, version: Self.formatVersion)
    }

    /// Writes the bundle atomically: a crash never leaves a half-written file at `url`.
    ///
    /// - Parameters:
    ///   - url: Destination file (written through a temporary file in the same directory).
    ///   - overwrite: When `false`, refuses to replace an existing file.
    /// - Throws: `BundleError` when the bundle fails validation, `RiskDataError` when writing fails.
    public func write(to url: URL, overwrite: Bool = true) throws {
        try AtomicFile.write(try encoded(), to: url, overwrite: overwrite)
    }

    // MARK: - Validation

    /// The limits every bundle is checked against (`ModelLimits.standard`, see Docs/BundleFormat.md).
    public static let limits = ModelLimits.standard

    /// Checks every invariant the scorer relies on and every size limit (`ModelBundle.limits`).
    /// Called on load (so by `riskctl inspect`), before writing, and by `RiskScorer(bundle:)`: the
    /// one validation of a bundle.
    ///
    /// - Throws: `BundleError` `.invalidContent` naming the part and the bad value.
    /// - Complexity: O(bundle size), iterative; nothing sized by the bundle is allocated before the
    ///   size is checked.
    ///
    /// Tree models validate themselves when made or decoded (`BoostedTreesModel`): checked here are
    /// the parts around them (schema, pipeline, feature counts, calibration, lanes, reasons).
    public func validate() throws {
        do {
            try schema.validate(source: "schema")
        } catch let error as DeclarationError {
            throw BundleError(.invalidContent, error.message)
        }
        let maximumFeatures = Self.limits.maximumFeatureCount
        for kind in [FeatureMatrixKind.trees, .linear] {
            let count = pipeline.schema(for: kind).columns.count
            guard count <= maximumFeatures else {
                throw BundleError(.invalidContent, "pipeline: the \(kind == .trees ? "trees" : "linear") schema has "
                                  + "\(count) features, over the limit of \(maximumFeatures) "
                                  + "(ModelLimits.maximumFeatureCount).")
            }
        }
        do {
            try pipeline.validate()
        } catch let error as RiskFeaturesError {
            throw BundleError(.invalidContent, error.message)
        }
        let expected = pipeline.schema(for: model.featureKind)
        guard expected == model.featureSchema else {
            throw BundleError(.invalidContent, "the model expects \(model.featureSchema.columns.count) features but "
                              + "the feature pipeline produces \(expected.columns.count) (or their names differ); "
                              + "the bundle was assembled from parts of different trainings.")
        }
        if case .logistic(let linear) = model {
            do {
                _ = try LogisticModel(intercept: linear.intercept, coefficients: linear.coefficients,
                                      featureMeans: linear.featureMeans, featureSchema: linear.featureSchema)
            } catch {
                throw BundleError(.invalidContent, "model: " + BundleDocument.describe(error))
            }
        }
        if let revenue = revenueModel {
            guard revenue.featureSchema == pipeline.schema(for: .trees) else {
                throw BundleError(.invalidContent, "the revenue model's features differ from the pipeline's.")
            }
        }
        try Self.validate(calibration)
        do {
            _ = try LaneThresholds(red: lanes.red, yellow: lanes.yellow, blue: lanes.blue)
        } catch let error as BundleError {
            throw BundleError(.invalidContent, "lanes: " + error.message)
        }
        try reference?.validate(schema: pipeline.schema(for: .trees))
        do {
            _ = try ReasonGenerator(catalog: reasons)
        } catch {
            throw BundleError(.invalidContent, "reasons: " + BundleDocument.describe(error))
        }
    }

    static func validate(_ calibration: Calibration) throws {
        // Probe the calibration on a grid: it must be finite, in 0...1 and non-decreasing.
        var previous = -Double.infinity
        for i in -40...40 {
            let p = calibration.calibrate(Double(i) / 2)
            guard p.isFinite, p >= 0, p <= 1, p >= previous - 1e-12 else {
                throw BundleError(.invalidContent, "calibration (\(calibration.kind)) maps raw score \(Double(i) / 2) "
                                  + "to \(p); expected a non-decreasing probability in 0...1.")
            }
            previous = p
        }
    }
}
