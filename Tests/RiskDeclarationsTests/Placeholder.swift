// Tests for RiskDeclarations live in this folder.
