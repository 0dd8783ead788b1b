// RiskExplain — see Docs/Architecture.md.
