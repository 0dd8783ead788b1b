// One `import CustomsRisk` gives a clearance system the whole public API.
@_exported import RiskData
@_exported import RiskDeclarations
@_exported import RiskExplain
@_exported import RiskFeatures
@_exported import RiskLinear
@_exported import RiskMetrics
@_exported import RiskModelBundle
@_exported import RiskReplay
@_exported import RiskRules
@_exported import RiskScoring
@_exported import RiskTraining
@_exported import RiskTrees
