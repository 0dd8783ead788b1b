// RiskFeatures — declarations → feature matrices. See Docs/FeatureEngineering.md.
//
// Files follow the algorithm: Pipeline/ (configuration, fit), Encoding/ (key fields, vocabularies,
// a table's columns as pointers, row amounts, the kernel tables), Profiles/ (out-of-fold risk
// profiles), Reference/ (unit-value reference prices with back-off), Fitted/ (the fitted pipeline;
// the row encoder shared by fit and transform; transform, CSV export), Facts/ (feature groups, the
// customs facts reason sentences state), Support/.
