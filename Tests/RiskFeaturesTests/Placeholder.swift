// Tests for RiskFeatures live in this folder.
