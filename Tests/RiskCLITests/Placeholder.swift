// Tests for RiskCLI live in this folder.
