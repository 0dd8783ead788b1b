// RiskLinearAlgebra — see Docs/Architecture.md.
