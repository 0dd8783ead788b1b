#!/usr/bin/env python3
"""Generates Tests/RiskLinearTests/Fixtures/logistic_parity.json: small data sets and the
scikit-learn LogisticRegression fits the Swift parity tests compare against.

Run:  /work/peers-venv/bin/python Tests/Fixtures/Generators/make_logistic_fixtures.py

Objective mapping (sklearn user guide, "Logistic regression"): sklearn minimises
    C · Σᵢ sᵢ · logloss_i + (1 − ρ)/2 · ‖β‖² + ρ · ‖β‖₁        (ρ = l1_ratio, intercept unpenalised)
and CustomsRisk minimises
    Σᵢ wᵢ · logloss_i + ½ · l2 · ‖β‖² + l1 · ‖β‖₁,
so dividing by C gives l2 = (1 − ρ)/C and l1 = ρ/C, with wᵢ = sᵢ · class_weight[yᵢ].
`standardized` cases fit Pipeline(StandardScaler, LogisticRegression) and report coefficients on
the original scale (β_j / σ_j, intercept − Σ β_j μ_j / σ_j): CustomsRisk's standardize = true.

Each case records the largest violation of the optimality (KKT) conditions of the objective
above, so a reference that did not converge cannot slip into the fixtures unnoticed.
"""
import json
import pathlib

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROWS, COLUMNS, SEED = 400, 8, 20261121
OUT = pathlib.Path(__file__).resolve().parents[2] / "RiskLinearTests" / "Fixtures" / "logistic_parity.json"


def make_data(rng):
    scales = np.array([1.0, 0.5, 2.0, 3.0, 0.1, 1.0, 5.0, 1.0])
    shifts = np.array([0.0, 1.0, -2.0, 0.5, 3.0, 0.0, 10.0, -1.0])
    z = rng.standard_normal((ROWS, COLUMNS))
    x = (z * scales + shifts).astype(np.float32)          # the Swift side sees Float32 features
    true_w = np.array([1.0, -0.8, 0.5, 0.0, 0.7, -0.3, 0.2, 0.0])
    logits = -0.5 + z @ true_w
    y = (rng.random(ROWS) < 1 / (1 + np.exp(-logits))).astype(np.float64)
    weights = rng.uniform(0.5, 2.0, ROWS).astype(np.float32)
    return x, y, weights


def kkt_violation(x, y, w, coef, intercept, l2, l1):
    eta = x @ coef + intercept
    p = 1 / (1 + np.exp(-eta))
    r = w * (p - y)
    g = x.T @ r + l2 * coef
    worst = abs(r.sum())                                  # intercept: unpenalised
    for j, b in enumerate(coef):
        if b != 0:
            worst = max(worst, abs(g[j] + l1 * np.sign(b)))
        else:
            worst = max(worst, max(0.0, abs(g[j]) - l1))
    return worst / w.sum()                                 # as a gradient of the mean loss


def fit(name, data, x, y, sample_weight, c, l1_ratio, solver, standardized, positive_class_weight=1.0):
    """Fits one case; an lbfgs fit whose KKT violation stays above 1e-8 (scipy's L-BFGS-B also
    stops on a relative loss change of 64·ε, which on unscaled features leaves ~1e-7) is polished
    with newton-cholesky, after checking both agree to 1e-3 relative."""
    case = fit_once(name, data, x, y, sample_weight, c, l1_ratio, solver, standardized, positive_class_weight)
    if case["kktViolation"] >= 1e-8 and solver == "lbfgs":
        polished = fit_once(name, data, x, y, sample_weight, c, l1_ratio, "newton-cholesky", standardized,
                            positive_class_weight)
        a, b = np.array(case["coefficients"]), np.array(polished["coefficients"])
        assert np.all(np.abs(a - b) <= 1e-3 * np.maximum(np.abs(b), 1e-2)), f"{name}: lbfgs and newton disagree"
        polished["solver"] = "lbfgs, polished by newton-cholesky"
        polished["lbfgsKktViolation"] = case["kktViolation"]
        case = polished
    assert case["kktViolation"] < 1e-8, f"{name}: reference not converged (KKT violation {case['kktViolation']:g})"
    return case


def fit_once(name, data, x, y, sample_weight, c, l1_ratio, solver, standardized, positive_class_weight):
    x64 = x.astype(np.float64)
    kwargs = dict(C=c, l1_ratio=l1_ratio, solver=solver, tol=1e-12, max_iter=1_000_000)
    if positive_class_weight != 1.0:
        kwargs["class_weight"] = {0: 1.0, 1: positive_class_weight}
    if solver == "saga":
        kwargs["random_state"] = 0
    model = LogisticRegression(**kwargs)
    sw = None if sample_weight is None else sample_weight.astype(np.float64)
    if standardized:
        scaler = StandardScaler().fit(x64)
        model.fit(scaler.transform(x64), y, sample_weight=sw)
        coef = model.coef_[0] / scaler.scale_
        intercept = model.intercept_[0] - float(np.dot(coef, scaler.mean_))
        prob = model.predict_proba(scaler.transform(x64))[:, 1]
        design = scaler.transform(x64)
        kkt = kkt_violation(design, y, effective_weights(y, sw, positive_class_weight), model.coef_[0],
                            model.intercept_[0], (1 - l1_ratio) / c, l1_ratio / c)
    else:
        model.fit(x64, y, sample_weight=sw)
        coef, intercept = model.coef_[0], model.intercept_[0]
        prob = model.predict_proba(x64)[:, 1]
        kkt = kkt_violation(x64, y, effective_weights(y, sw, positive_class_weight), coef, intercept,
                            (1 - l1_ratio) / c, l1_ratio / c)
    return {
        "name": name, "data": data, "solver": solver, "C": c, "l1Ratio": l1_ratio,
        "l2Regularization": (1 - l1_ratio) / c, "l1Regularization": l1_ratio / c,
        "standardize": standardized, "sampleWeights": sample_weight is not None,
        "positiveClassWeight": positive_class_weight,
        "intercept": float(intercept), "coefficients": [float(v) for v in coef],
        "probabilities": [float(v) for v in prob], "kktViolation": float(kkt),
        "iterations": int(np.max(model.n_iter_)),
    }


def effective_weights(y, sw, positive_class_weight):
    w = np.ones_like(y) if sw is None else sw.copy()
    return w * np.where(y == 1, positive_class_weight, 1.0)


def main():
    rng = np.random.default_rng(SEED)
    x, y, weights = make_data(rng)
    constant = x.copy()
    constant[:, 3] = np.float32(2.5)
    datasets = {"base": x, "constant": constant}
    cases = [
        fit("l2_lbfgs", "base", x, y, None, 1.0, 0.0, "lbfgs", False),
        fit("l2_weighted", "base", x, y, weights, 1.0, 0.0, "lbfgs", False, positive_class_weight=3.0),
        fit("l2_standardized", "base", x, y, None, 1.0, 0.0, "lbfgs", True),
        fit("l1_saga_standardized", "base", x, y, None, 0.05, 1.0, "saga", True),
        fit("elasticnet_saga_standardized", "base", x, y, None, 0.1, 0.5, "saga", True),
        fit("l2_constant_column", "constant", constant, y, None, 1.0, 0.0, "lbfgs", False),
    ]
    document = {
        "generator": "Tests/Fixtures/Generators/make_logistic_fixtures.py",
        "sklearn": __import__("sklearn").__version__,
        "rows": ROWS, "columns": COLUMNS, "seed": SEED,
        "labels": [float(v) for v in y],
        "sampleWeights": [float(v) for v in weights],
        "features": {k: [float(v) for v in m.T.reshape(-1)] for k, m in datasets.items()},  # column-major
        "cases": cases,
    }
    OUT.write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n")
    for case in cases:
        print(f"{case['name']}: iterations {case['iterations']}, KKT {case['kktViolation']:.2e}, "
              f"coef {np.round(case['coefficients'], 4)}")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
