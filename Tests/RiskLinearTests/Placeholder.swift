// Tests for RiskLinear live in this folder.
