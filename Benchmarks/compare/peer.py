#!/usr/bin/env python3
"""Runs one peer library on one task and prints one JSON object (used by compare.py).

Every figure is measured inside this process, around the library call alone (data loading excluded):
  train_seconds           wall time of fit()
  auc                     ROC AUC on the test matrix
  predict_rows_per_s      batch prediction throughput on the whole test matrix
  single_row_us           median latency of predicting one row (fastest public API path)
  shap_rows_per_s         SHAP contributions throughput (gbt only; pred_contrib / TreeExplainer)
  peak_rss_mb             peak resident memory of this process (includes the interpreter and pandas)
"""
import argparse, json, resource, statistics, sys, time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score


def load(path):
    frame = pd.read_csv(path, dtype={"id": str}, low_memory=False)
    if "id" in frame.columns:
        frame.pop("id")
    y = frame.pop("label").to_numpy(dtype=np.float32)
    return np.ascontiguousarray(frame.to_numpy(dtype=np.float32)), y, list(frame.columns)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def single_row_latency(predict_one, X, repeats=2000, budget_seconds=3.0):
    """Median latency of predicting one row: up to `repeats` calls, stopping after `budget_seconds`
    (sklearn needs milliseconds per call) but never before 50 calls."""
    samples = []
    started = time.perf_counter()
    for i in range(repeats):
        row = X[i % len(X): i % len(X) + 1]
        t = time.perf_counter()
        predict_one(row)
        samples.append(time.perf_counter() - t)
        if i >= 50 and time.perf_counter() - started > budget_seconds:
            break
    return statistics.median(samples) * 1e6


def run_gbt(lib, args):
    Xtr, ytr, _ = load(args.train)
    Xte, yte, _ = load(args.test)
    out = {"library": lib, "task": "gbt", "rows": len(Xtr), "features": Xtr.shape[1]}
    if lib == "lightgbm":
        import lightgbm as lgb
        out["version"] = lgb.__version__
        params = dict(objective="binary", num_leaves=args.leaves, learning_rate=args.learning_rate,
                      max_bin=args.bins, num_threads=args.threads, min_data_in_leaf=20, lambda_l2=1.0,
                      min_sum_hessian_in_leaf=1e-3, verbose=-1, seed=1, deterministic=True, force_col_wise=True)
        t = time.perf_counter()
        data = lgb.Dataset(Xtr, ytr, params={"max_bin": args.bins})
        model = lgb.train(params, data, num_boost_round=args.iterations)
        out["train_seconds"] = time.perf_counter() - t
        predict = lambda X: model.predict(X, num_threads=args.threads)
        shap_fn = lambda X: model.predict(X, pred_contrib=True, num_threads=args.threads)
    elif lib == "xgboost":
        import xgboost as xgb
        out["version"] = xgb.__version__
        t = time.perf_counter()
        model = xgb.XGBClassifier(tree_method="hist", n_estimators=args.iterations, max_leaves=args.leaves,
                                  grow_policy="lossguide", max_depth=0, learning_rate=args.learning_rate,
                                  max_bin=args.bins, n_jobs=args.threads, reg_lambda=1.0, min_child_weight=1e-3,
                                  random_state=1)
        model.fit(Xtr, ytr)
        out["train_seconds"] = time.perf_counter() - t
        booster = model.get_booster()
        # inplace_predict is XGBoost's fastest public path (no DMatrix per call).
        predict = lambda X: booster.inplace_predict(X)
        shap_fn = lambda X: booster.predict(xgb.DMatrix(X), pred_contribs=True)
    elif lib == "sklearn":
        import sklearn
        from sklearn.ensemble import HistGradientBoostingClassifier
        from threadpoolctl import threadpool_limits
        out["version"] = sklearn.__version__
        with threadpool_limits(limits=args.threads):
            t = time.perf_counter()
            model = HistGradientBoostingClassifier(max_iter=args.iterations, max_leaf_nodes=args.leaves,
                                                   learning_rate=args.learning_rate, max_bins=args.bins,
                                                   l2_regularization=1.0, min_samples_leaf=20,
                                                   early_stopping=False, random_state=1)
            model.fit(Xtr, ytr)
            out["train_seconds"] = time.perf_counter() - t
        predict = lambda X: model.predict_proba(X)[:, 1]
        shap_fn = None
    else:
        raise SystemExit(f"unknown library {lib}")
    t = time.perf_counter()
    p = predict(Xte)
    out["predict_rows_per_s"] = len(Xte) / (time.perf_counter() - t)
    out["auc"] = float(roc_auc_score(yte, p))
    out["single_row_us"] = single_row_latency(predict, Xte)
    if shap_fn is not None and args.shap_rows > 0:
        Xs = Xte[: args.shap_rows]
        t = time.perf_counter()
        shap_fn(Xs)
        out["shap_rows_per_s"] = len(Xs) / (time.perf_counter() - t)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def run_logistic(args):
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits
    Xtr, ytr, _ = load(args.train)
    Xte, yte, _ = load(args.test)
    Xtr = Xtr.astype(np.float64)
    out = {"library": "sklearn", "task": "logistic", "version": sklearn.__version__, "rows": len(Xtr),
           "features": Xtr.shape[1]}
    with threadpool_limits(limits=args.threads):
        t = time.perf_counter()
        model = LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000, tol=1e-6)
        model.fit(Xtr, ytr)
        out["train_seconds"] = time.perf_counter() - t
    out["iterations"] = int(model.n_iter_[0])
    out["auc"] = float(roc_auc_score(yte, model.predict_proba(Xte)[:, 1]))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--library", required=True, choices=["lightgbm", "xgboost", "sklearn"])
    ap.add_argument("--task", required=True, choices=["gbt", "logistic"])
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--leaves", type=int, default=63)
    ap.add_argument("--learning-rate", type=float, default=0.1)
    ap.add_argument("--bins", type=int, default=255)
    ap.add_argument("--shap-rows", type=int, default=100000)
    args = ap.parse_args()
    result = run_gbt(args.library, args) if args.task == "gbt" else run_logistic(args)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
