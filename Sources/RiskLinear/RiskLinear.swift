// RiskLinear — see Docs/Architecture.md.
