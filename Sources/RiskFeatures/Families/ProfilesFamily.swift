import RiskData

/// Risk profiles (target statistics) of every key but departure and categorical columns: the
/// smoothed illicit rate, mean revenue and declaration count of each key value on all training data
/// (what scoring uses), and the out-of-fold values the training matrices take instead, so that no
/// training row sees its own label (`ProfileEstimator`; Docs/FeatureEngineering.md).
struct ProfilesFamily: FeatureFamily {
    /// Indices of the profiled fields in `TrainingInput.keyFields`.
    let fields: [Int]
    let profiles: [KeyProfile]
    /// Training illicit rate and mean revenue.
    let prior: Double
    let priorRevenue: Double
    /// The training rows' own values (`.kFold` or `.timeOrdered`), one array per profiled field.
    let outOfFold: OutOfFoldProfiles
    let columns: [FamilyColumn]

    init(fitting training: TrainingInput) {
        let n = training.rowCount, labels = training.labels, revenue = training.revenue
        let configuration = training.configuration
        let strength = configuration.smoothingStrength
        let prior = labels.reduce(0.0) { $0 + Double($1) } / Double(n)
        let priorRevenue = revenue.map { r in
            (0..<n).reduce(0.0) { $0 + ProfileEstimator.revenueValue(r, $1) } / Double(n)
        } ?? 0
        let fields = training.keyFields.indices.filter {
            switch training.keyFields[$0] {
            case .departure, .categorical: false
            default: true
            }
        }
        let codes = fields.map { training.codes[$0] }, vocabularyCounts = fields.map(training.vocabularyCount)
        let profiles = zip(codes, vocabularyCounts).map {
            ProfileEstimator.full(codes: $0, vocabularyCount: $1, labels: labels, revenue: revenue, prior: prior,
                                  priorRevenue: priorRevenue, strength: strength)
        }
        if configuration.profileMode == .timeOrdered, training.hasDate, let dates = training.table.dates {
            outOfFold = ProfileEstimator.timeOrdered(codes: codes, vocabularyCounts: vocabularyCounts, labels: labels,
                                                     revenue: revenue, dates: dates, strength: strength)
        } else {
            let folds = Sampling.foldAssignment(count: n, foldCount: configuration.foldCount,
                                                seed: configuration.randomSeed)
            outOfFold = ProfileEstimator.kFold(codes: codes, totals: profiles, labels: labels, revenue: revenue,
                                               folds: folds, foldCount: configuration.foldCount, strength: strength)
        }
        (self.fields, self.profiles, self.prior, self.priorRevenue) = (fields, profiles, prior, priorRevenue)
        // The linear model adds log-odds of the rates (evidence of independent profiles combines as in
        // naive Bayes) and sign·log1p of revenues and counts.
        columns = fields.enumerated().flatMap { profile, field in
            let key = training.keyFields[field], prefix = key.columnPrefix
            let logarithm = FamilyColumn.Linear.standardized(.signedLogarithm)
            return [FamilyColumn(.profiles, .rate(profile: profile), "\(prefix)_illicit_rate", key.group,
                                 linear: .standardized(.logOdds))]
                + (revenue == nil ? [] : [FamilyColumn(.profiles, .meanRevenue(profile: profile),
                                                       "\(prefix)_mean_revenue", key.group, linear: logarithm)])
                + [FamilyColumn(.profiles, .count(profile: profile), "\(prefix)_declaration_count", key.group,
                                linear: logarithm)]
        }
    }
}
