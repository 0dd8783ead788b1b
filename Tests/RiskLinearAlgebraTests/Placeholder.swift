// Tests for RiskLinearAlgebra live in this folder.
