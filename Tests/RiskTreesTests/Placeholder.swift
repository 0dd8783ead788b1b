// Tests for RiskTrees live in this folder.
