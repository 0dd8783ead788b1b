// Tests for RiskMetrics live in this folder.
