// Tests for RiskExplain live in this folder.
