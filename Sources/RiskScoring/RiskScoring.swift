// RiskScoring — see Docs/Architecture.md.
