#!/usr/bin/env python3
"""What is our feature engineering worth? LightGBM on our exported features vs LightGBM on raw columns.

For each data set, the same LightGBM configuration is trained twice on the same rows:
  1. "ours": the trees-view matrix that `riskctl features` exports (out-of-fold risk profiles for the
     training rows, the fitted pipeline applied to the test rows, as scoring would);
  2. "raw":  the declaration columns themselves, numbers as numbers and text columns as pandas
     `category` dtype (LightGBM's native categorical splits), dates as day-of-year and weekday.
and both are scored on the same test rows: ROC AUC and precision at the top 5 % of declarations.

Data sets:
  - synth: `riskctl synth --rows 200000 --seed 1`, split by date (`riskctl split`, latest 25 % → test);
  - korea: the Korea Customs synthetic declarations (train / test files given by --korea-dir), with
    Docs/examples/korea.schema.json. The data are read in place and never copied into the repository.

No hyperparameter is tuned on the test rows: LightGBM uses one fixed configuration for every run
(learning rate 0.05, 31 leaves, min_child_samples 40, 0.8 row/column subsampling, 500 rounds; when a
validation file exists, early stopping on it after 50 rounds without AUC gain).

Usage (from the repository root, after `swift build -c release --product riskctl`):
    /work/peers-venv/bin/python Benchmarks/compare/feature_value.py [--work DIR] [--only synth|korea]
Prints a Markdown table and writes DIR/feature_value.json.
"""
import argparse, json, os, subprocess, sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RISKCTL = os.path.join(ROOT, ".build", "release", "riskctl")
KOREA_SCHEMA = os.path.join(ROOT, "Docs", "examples", "korea.schema.json")


def sh(cmd):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def precision_at(scores, labels, fraction):
    """Precision among the top `fraction` of rows by score (ties broken by row order, stable)."""
    k = max(1, int(round(fraction * len(scores))))
    order = np.argsort(-scores, kind="stable")[:k]
    return float(labels[order].mean())


def auc(scores, labels):
    from sklearn.metrics import roc_auc_score
    return float(roc_auc_score(labels, scores))


LGB_PARAMS = dict(objective="binary", learning_rate=0.05, num_leaves=31, min_child_samples=40,
                  subsample=0.8, subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0, n_estimators=500,
                  n_jobs=2, random_state=42, verbose=-1)


def fit_lightgbm(X, y, Xv=None, yv=None):
    import lightgbm as lgb
    model = lgb.LGBMClassifier(**LGB_PARAMS)
    if Xv is not None:
        model.fit(X, y, eval_set=[(Xv, yv)], eval_metric="auc",
                  callbacks=[lgb.early_stopping(50, first_metric_only=True, verbose=False)])
    else:
        model.fit(X, y)
    return model


def raw_frame(path, schema, categories=None):
    """The declaration columns as LightGBM sees them natively: numbers, `category` text, date parts."""
    roles = {f["column"]: f["role"] for f in schema["fields"]}
    drop = {schema["id"], schema.get("label"), schema.get("revenue")} | {c for c, r in roles.items() if r == "ignore"}
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    label = df[schema["label"]].astype(float).to_numpy()
    out = pd.DataFrame(index=df.index)
    numeric_roles = {"customs_value", "fob_value", "quantity", "gross_weight", "net_weight", "taxes", "numeric"}
    for column in df.columns:
        if column in drop:
            continue
        if column == schema.get("date"):
            d = pd.to_datetime(df[column], errors="coerce")
            out["day_of_year"] = d.dt.dayofyear.astype(float)
            out["weekday"] = d.dt.weekday.astype(float)
            continue
        if roles.get(column) in numeric_roles:
            out[column] = pd.to_numeric(df[column].replace("", np.nan), errors="coerce")
        else:
            values = df[column].replace("", np.nan)
            if categories is not None:
                out[column] = pd.Categorical(values, categories=categories[column])
            else:
                out[column] = values.astype("category")
    return out, label


def matrix_frame(path, sidecar):
    """An exported feature matrix; the columns the sidecar (`riskctl features` writes it beside
    --out) calls categorical become pandas categories over codes 0..<levels, so LightGBM splits
    them as categories, not as ordered numbers."""
    df = pd.read_csv(path)
    label = df["label"].to_numpy(dtype=float) if "label" in df.columns else None
    X = df.drop(columns=[c for c in ("id", "label") if c in df.columns])
    for column in sidecar["columns"]:
        if column["kind"] == "categorical":
            X[column["name"]] = pd.Categorical(X[column["name"]], categories=list(range(column["levels"])))
    return X, label


def sidecar_of(path):
    return json.load(open(os.path.splitext(path)[0] + ".columns.json"))


def evaluate(name, train, test, schema_path, valid=None, work="."):
    schema = json.load(open(schema_path))
    results = {}
    # 1. Our features (trees view), exported by riskctl.
    f_train, f_test = os.path.join(work, f"{name}_f_train.csv"), os.path.join(work, f"{name}_f_test.csv")
    sh([RISKCTL, "features", "--data", train, "--schema", schema_path, "--kind", "trees",
        "--out", f_train, "--apply", test, "--apply-out", f_test, "--force"])
    sidecar = sidecar_of(f_train)
    X, y = matrix_frame(f_train, sidecar)
    Xt, _ = matrix_frame(f_test, sidecar)
    yt = raw_frame(test, schema)[1]
    Xv = yv = None
    if valid:
        f_valid = os.path.join(work, f"{name}_f_valid.csv")
        sh([RISKCTL, "features", "--data", train, "--schema", schema_path, "--kind", "trees",
            "--out", os.path.join(work, f"{name}_f_train2.csv"), "--apply", valid, "--apply-out", f_valid, "--force"])
        Xv, _ = matrix_frame(f_valid, sidecar)
        yv = raw_frame(valid, schema)[1]
    model = fit_lightgbm(X, y, Xv, yv)
    s = model.predict_proba(Xt)[:, 1]
    results["ours"] = dict(auc=auc(s, yt), precision_at_5=precision_at(s, yt, 0.05),
                           features=X.shape[1], trees=int(model.booster_.num_trees()))
    # 2. Raw columns, text as pandas category.
    R, y = raw_frame(train, schema)
    categories = {c: R[c].cat.categories for c in R.columns if str(R[c].dtype) == "category"}
    Rt, yt = raw_frame(test, schema, categories)
    Rv = yv2 = None
    if valid:
        Rv, yv2 = raw_frame(valid, schema, categories)
    model = fit_lightgbm(R, y, Rv, yv2)
    s = model.predict_proba(Rt)[:, 1]
    results["raw"] = dict(auc=auc(s, yt), precision_at_5=precision_at(s, yt, 0.05),
                          features=R.shape[1], trees=int(model.booster_.num_trees()))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(HERE, "work", "feature_value"))
    ap.add_argument("--korea-dir", default=os.path.join(ROOT, "..", "shared", "data", "customs-synthetic"))
    ap.add_argument("--only", choices=["synth", "korea"])
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    w = lambda name: os.path.join(args.work, name)
    all_results = {}
    if args.only in (None, "synth"):
        sh([RISKCTL, "synth", "--rows", "200000", "--seed", "1", "--out", w("synth.csv"), "--force"])
        sh([RISKCTL, "split", "--data", w("synth.csv"), "--schema", w("synth.schema.json"),
            "--out-train", w("synth_train.csv"), "--out-test", w("synth_test.csv"), "--force"])
        all_results["synth"] = evaluate("synth", w("synth_train.csv"), w("synth_test.csv"),
                                        w("synth.schema.json"), work=args.work)
    if args.only in (None, "korea"):
        k = os.path.abspath(args.korea_dir)
        if os.path.exists(os.path.join(k, "df_syn_train_eng.csv")):
            all_results["korea"] = evaluate("korea", os.path.join(k, "df_syn_train_eng.csv"),
                                            os.path.join(k, "df_syn_test_eng.csv"), KOREA_SCHEMA,
                                            valid=os.path.join(k, "df_syn_valid_eng.csv"), work=args.work)
        else:
            print(f"skipping korea: no df_syn_train_eng.csv in {k}", file=sys.stderr)
    json.dump(all_results, open(w("feature_value.json"), "w"), indent=2)
    print("| data | LightGBM input | features | trees | test ROC AUC | precision@5% |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for data, r in all_results.items():
        for kind, label in (("ours", "our features (`riskctl features`)"), ("raw", "raw columns (category dtype)")):
            m = r[kind]
            print(f"| {data} | {label} | {m['features']} | {m['trees']} | {m['auc']:.4f} | {m['precision_at_5']:.4f} |")


if __name__ == "__main__":
    main()
