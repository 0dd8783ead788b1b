// RiskModelBundle — see Docs/Architecture.md.
