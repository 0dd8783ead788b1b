"""Fixture for RiskExplainTests: a small XGBoost model, its trees and its TreeSHAP contributions.

Run: /work/peers-venv/bin/python Tests/Fixtures/Generators/make_shap_fixtures.py
Writes Tests/RiskExplainTests/Fixtures/xgboost_shap.json:
  trees         -- get_dump(dump_format="json", with_stats=True) parsed: nodeid, split (feature index),
                   split_condition, yes, no, missing, cover, leaf
  base_score    -- the model's base_score (a probability for binary:logistic; margin = logit)
  rows          -- 50 rows (null = NaN)
  contributions -- xgboost predict(pred_contribs=True): 5 features + bias column (float32 internally)
  base_margin   -- logit(base_score) as XGBoost computes it (float32), for reference only
(shap.TreeExplainer on an XGBoost Booster returns these same pred_contribs numbers, checked
with shap 0.51.0, so they are not stored twice.)
  margins       -- predict(output_margin=True)
"""
import json
import os

import numpy as np
import xgboost as xgb

SEED = 20260611
rng = np.random.default_rng(SEED)
n, p = 300, 5
X = rng.normal(size=(n, p)).astype(np.float32)
logit = 1.2 * X[:, 0] - 0.8 * X[:, 1] + 0.5 * X[:, 2] * X[:, 3] - 0.6
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(np.float32)
X[rng.uniform(size=(n, p)) < 0.1] = np.nan  # some missing values, after the labels

booster = xgb.train(
    {"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "seed": SEED, "tree_method": "hist",
     "nthread": 1, "min_child_weight": 1.0},
    xgb.DMatrix(X, label=y, missing=np.nan), num_boost_round=10)

rows = X[:50]
dm = xgb.DMatrix(rows, missing=np.nan)
contribs = booster.predict(dm, pred_contribs=True)
margins = booster.predict(dm, output_margin=True)
config = json.loads(booster.save_config())
base_score = float(config["learner"]["learner_model_param"]["base_score"].strip("[]"))
base_margin = float(np.log(np.float32(base_score) / (np.float32(1) - np.float32(base_score))))


def flatten(node, out):
    entry = {"nodeid": node["nodeid"], "cover": node["cover"]}
    if "leaf" in node:
        entry["leaf"] = node["leaf"]
    else:
        entry.update({"split": int(node["split"].lstrip("f")), "split_condition": node["split_condition"],
                      "yes": node["yes"], "no": node["no"], "missing": node["missing"]})
        for child in node["children"]:
            flatten(child, out)
    out.append(entry)
    return out


trees = [sorted(flatten(json.loads(t), []), key=lambda e: e["nodeid"])
         for t in booster.get_dump(dump_format="json", with_stats=True)]

fixture = {
    "seed": SEED,
    "xgboost_version": xgb.__version__,
    "base_score": base_score,
    "base_margin": base_margin,
    "trees": trees,
    "rows": [[None if np.isnan(v) else float(v) for v in r] for r in rows],
    "contributions": contribs.astype(float).tolist(),
    "margins": margins.astype(float).tolist(),
}
here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, "..", "..", "RiskExplainTests", "Fixtures", "xgboost_shap.json")
with open(path, "w") as f:
    json.dump(fixture, f, indent=None, separators=(",", ":"))
print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")
