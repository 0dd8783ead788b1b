// Tests for RiskScoring live in this folder.
