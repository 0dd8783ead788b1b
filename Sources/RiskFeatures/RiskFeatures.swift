// RiskFeatures — declarations → feature matrices. See Docs/FeatureEngineering.md.
//
// Files follow the algorithm: Pipeline/ (configuration, fit), Encoding/ (key fields, vocabularies,
// the row encoder shared by fit and transform), Profiles/ (out-of-fold risk profiles),
// Reference/ (unit-value reference prices with back-off), Fitted/ (the fitted pipeline, transform,
// evidence, CSV export).
