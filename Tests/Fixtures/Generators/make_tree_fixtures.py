"""Generates the LightGBM parity fixture for RiskTreesTests (run once, output committed).

    /work/peers-venv/bin/python Tests/Fixtures/Generators/make_tree_fixtures.py

Writes Tests/RiskTreesTests/Fixtures/:
  trees_parity_train.csv  3000 rows: f0..f9, label   (f9 categorical codes 0..7; "" = missing)
  trees_parity_test.csv   1000 rows: f0..f9, label, lightgbm_raw (LightGBM raw score, log-odds)
  trees_parity.json       parameters, LightGBM test AUC, versions

Values are rounded to 1 decimal (≤ ~80 distinct values per column, so both libraries give every
distinct value its own bin and bin edges agree) *before* training so the CSV holds exactly the data LightGBM saw.
"""
import json
import os

import lightgbm as lgb
import numpy as np
from sklearn.metrics import roc_auc_score

SEED = 20240611
TRAIN, TEST, FEATURES = 3000, 1000, 10
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "RiskTreesTests", "Fixtures")

rng = np.random.default_rng(SEED)
n = TRAIN + TEST
X = rng.normal(size=(n, FEATURES))
X[:, 9] = rng.integers(0, 8, size=n)  # categorical, 8 levels
category_effect = np.array([-1.0, 0.8, -0.3, 1.5, 0.0, -1.2, 0.5, 2.0])
z = (-2.6 + 1.2 * X[:, 0] - 0.8 * X[:, 1] + 0.9 * (X[:, 2] > 0.5) + 0.6 * X[:, 3] * X[:, 4]
     - 0.7 * np.abs(X[:, 5]) + 0.4 * X[:, 6] + category_effect[X[:, 9].astype(int)])
y = (rng.uniform(size=n) < 1 / (1 + np.exp(-z))).astype(int)
X[:, :9] = np.round(X[:, :9], 1)
# Missing values: 8% of f0, 15% of f3, 5% of f7 and of the categorical f9; f0's missingness carries signal.
for column, rate in [(0, 0.08), (3, 0.15), (7, 0.05), (9, 0.05)]:
    X[rng.uniform(size=n) < rate, column] = np.nan

# Count-based limits are chosen where LightGBM's hessian-estimated counts (cnt_factor) cannot differ
# from exact counts: min_data_in_leaf = 1, cat_smooth = 1, min_data_per_group = 1; the hessian floor
# min_sum_hessian_in_leaf = 3 is the binding constraint (exact in both). cat_l2 = 0 so categorical
# splits use lambda_l2 alone, as ours do.
params = dict(
    objective="binary", num_iterations=100, learning_rate=0.1, num_leaves=15, max_depth=-1,
    min_data_in_leaf=1, min_sum_hessian_in_leaf=3.0, lambda_l1=0.0, lambda_l2=1.0, min_gain_to_split=0.0,
    bagging_fraction=1.0, bagging_freq=0, feature_fraction=1.0, max_bin=255, min_data_in_bin=1,
    cat_smooth=1.0, cat_l2=0.0, max_cat_threshold=32, min_data_per_group=1, max_cat_to_onehot=4,
    boost_from_average=True, use_missing=True, zero_as_missing=False, num_threads=1, deterministic=True,
    seed=SEED, verbose=-1,
)
train = lgb.Dataset(X[:TRAIN], label=y[:TRAIN], categorical_feature=[9], free_raw_data=False)
booster = lgb.train(params, train)
raw = booster.predict(X[TRAIN:], raw_score=True)
auc = roc_auc_score(y[TRAIN:], raw)


def fmt(v):
    return "" if np.isnan(v) else (str(int(v)) if v == int(v) else f"{v:.1f}")


def write(path, rows, labels, extra=None):
    with open(path, "w") as f:
        f.write(",".join([f"f{j}" for j in range(FEATURES)] + ["label"] + (["lightgbm_raw"] if extra is not None else [])) + "\n")
        for i in range(len(rows)):
            cells = [fmt(v) for v in rows[i]] + [str(labels[i])]
            if extra is not None:
                cells.append(f"{extra[i]:.6f}")
            f.write(",".join(cells) + "\n")


os.makedirs(OUT, exist_ok=True)
write(os.path.join(OUT, "trees_parity_train.csv"), X[:TRAIN], y[:TRAIN])
write(os.path.join(OUT, "trees_parity_test.csv"), X[TRAIN:], y[TRAIN:], raw)
with open(os.path.join(OUT, "trees_parity.json"), "w") as f:
    json.dump({"lightgbm_version": lgb.__version__, "seed": SEED, "params": params,
               "lightgbm_test_auc": auc, "train_positive_rate": float(y[:TRAIN].mean()),
               "lightgbm_tree_count": booster.num_trees()}, f, indent=2)
print(f"LightGBM test AUC {auc:.5f}; positive rate {y[:TRAIN].mean():.3f}")
