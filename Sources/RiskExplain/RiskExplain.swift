// RiskExplain — additive explanations of risk scores and the reasons an officer reads.
//
// Folders follow the steps of an explanation:
//   TreeSHAP/  exact path-dependent TreeSHAP for `BoostedTreesModel` (Lundberg, Erion & Lee 2018)
//   Linear/    coefficient × (value − reference) for logistic regression
//   Grouping/  feature contributions summed into declaration-level groups
//   Reasons/   versioned reason-code catalogue and the sentence generator
//   Global/    mean |contribution| per group over a data set
// See Docs/Explanations.md for the definitions, invariants and sources.
