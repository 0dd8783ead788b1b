"""Parity fixtures for RiskMetricsTests (scikit-learn reference values).

Run from the repository root with the peers venv:
    /work/peers-venv/bin/python Tests/Fixtures/Generators/make_metric_fixtures.py
Writes Tests/RiskMetricsTests/Fixtures/sklearn_metrics.json (deterministic: fixed seeds).

Each case holds the inputs (scores with ties, 0/1 labels, positive weights, probabilities,
revenue) and scikit-learn's values for: roc_auc_score, average_precision_score, log_loss,
brier_score_loss (unweighted and weighted); IsotonicRegression(out_of_bounds="clip") thresholds and
predictions at query points; a plain Platt fit (LogisticRegression on the 1-D score with no
penalty) and Platt's smoothed-target fit (sklearn.calibration._sigmoid_calibration).
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.calibration import _sigmoid_calibration
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

OUT = pathlib.Path(__file__).resolve().parents[2] / "RiskMetricsTests" / "Fixtures" / "sklearn_metrics.json"


def make_case(name, n, seed, signal, tie_decimals):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    labels = (rng.uniform(size=n) < 1 / (1 + np.exp(-(signal * latent - 1.5)))).astype(int)
    # Raw scores (log-odds-like) rounded so that many rows tie.
    scores = np.round(signal * latent + rng.normal(scale=0.7, size=n) - 1.0, tie_decimals)
    probabilities = 1 / (1 + np.exp(-scores))
    # Multiples of 1/64, exactly representable as Float32 (the Swift API's weight type).
    weights = np.round(rng.uniform(0.25, 3.0, size=n) * 64) / 64
    revenue = np.where(labels == 1, np.round(rng.lognormal(7, 1, size=n), 2), 0.0)

    expected = {}
    for weighted in (False, True):
        w = weights if weighted else None
        suffix = "_weighted" if weighted else ""
        expected["roc_auc" + suffix] = roc_auc_score(labels, scores, sample_weight=w)
        expected["average_precision" + suffix] = average_precision_score(labels, scores, sample_weight=w)
        expected["log_loss" + suffix] = log_loss(labels, probabilities, sample_weight=w)
        expected["brier" + suffix] = brier_score_loss(labels, probabilities, sample_weight=w)

        iso = IsotonicRegression(out_of_bounds="clip").fit(scores, labels, sample_weight=w)
        queries = np.concatenate([[scores.min() - 1, scores.max() + 1],
                                  np.linspace(scores.min(), scores.max(), 41),
                                  rng.choice(scores, 10)])
        expected["isotonic" + suffix] = {
            "thresholds": iso.X_thresholds_.tolist(),
            "values": iso.y_thresholds_.tolist(),
            "queries": queries.tolist(),
            "predictions": iso.predict(queries).tolist(),
        }

        plain = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000)  # no penalty
        plain.fit(scores.reshape(-1, 1), labels, sample_weight=w)
        a, b = _sigmoid_calibration(scores, labels, sample_weight=w)
        expected["platt_plain" + suffix] = {"slope": float(plain.coef_[0, 0]), "intercept": float(plain.intercept_[0])}
        # sklearn's sigmoid is 1 / (1 + exp(a·s + b)): slope = −a, intercept = −b.
        expected["platt_smoothed" + suffix] = {"slope": -float(a), "intercept": -float(b)}

    return {
        "name": name,
        "scores": scores.tolist(),
        "probabilities": probabilities.tolist(),
        "labels": labels.tolist(),
        "weights": weights.tolist(),
        "revenue": revenue.tolist(),
        "expected": expected,
    }


def main():
    cases = [
        make_case("small-strong-signal", 60, seed=11, signal=2.0, tie_decimals=1),
        make_case("medium-weak-signal", 400, seed=12, signal=0.6, tie_decimals=1),
        make_case("large-few-ties", 1500, seed=13, signal=1.2, tie_decimals=3),
    ]
    document = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "cases": cases}
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
