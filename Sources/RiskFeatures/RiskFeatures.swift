// RiskFeatures — see Docs/Architecture.md.
