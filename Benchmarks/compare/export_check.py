#!/usr/bin/env python3
"""Does LightGBM score a model exported by `riskctl export` exactly as riskctl does?

For each case (generated declarations with leaf-wise and symmetric trees; the Korea Customs synthetic
data with its schema when --korea-dir exists), this script runs, from the repository root:
  riskctl train …            a boosted-trees bundle
  riskctl export …           its LightGBM text model
  riskctl features --model … the encoded feature vectors of the test declarations
  riskctl score --reasons 0  riskctl's raw scores (log-odds) of the same declarations
then loads the text model with lightgbm.Booster and predicts raw scores from the feature columns,
once as float32 arrays and once as float64 parsed from the CSV text. Tolerance: 1e-6 absolute on the
raw score (the issue's bar); the export is designed to agree bit for bit, and the script reports how
many rows do.

Usage (needs lightgbm, numpy, pandas; `make compare` builds such an environment in .venv):
    python Benchmarks/compare/export_check.py [--work DIR] [--korea-dir ../shared/data/customs-synthetic]
Exits 1 when a case exceeds the tolerance.
"""
import argparse, os, subprocess, sys, tempfile

import lightgbm as lgb
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RISKCTL = os.environ.get("RISKCTL", os.path.join(ROOT, ".build", "release", "riskctl"))


def sh(*args):
    subprocess.run([RISKCTL, *args], check=True, stdout=subprocess.DEVNULL)


def check(name, work, train, test, schema, extra):
    model, text = os.path.join(work, name + ".json"), os.path.join(work, name + ".lgb.txt")
    features, scores = os.path.join(work, name + ".features.csv"), os.path.join(work, name + ".scores.csv")
    sh("train", "--data", train, "--schema", schema, "--model", "gbt", "--seed", "1", "--out", model, "--force", *extra)
    sh("export", "--model", model, "--out", text, "--force")
    for path in (features, scores):
        if os.path.exists(path):
            os.remove(path)
    sh("features", "--model", model, "--data", test, "--out", features)
    sh("score", "--model", model, "--data", test, "--reasons", "0", "--out", scores)
    booster = lgb.Booster(model_file=text)
    frame = pd.read_csv(features)
    columns = [c for c in frame.columns if c not in ("id", "label")]
    ours = pd.read_csv(scores)["raw_score"].to_numpy()
    worst = 0.0
    for kind, dtype in (("float32", np.float32), ("float64", np.float64)):
        raw = booster.predict(frame[columns].to_numpy(dtype=dtype), raw_score=True)
        diff = float(np.max(np.abs(raw - ours)))
        worst = max(worst, diff)
        print(f"| {name} | {kind} | {len(raw)} | {booster.num_trees()} | {diff:.3g} | {int(np.sum(raw == ours))} |")
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", default=None)
    parser.add_argument("--korea-dir", default=os.path.join(ROOT, "..", "shared", "data", "customs-synthetic"))
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="export-check-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "synth.csv")
    sh("synth", "--rows", "20000", "--seed", "1", "--out", data, "--force")
    schema = os.path.join(work, "synth.schema.json")
    train, test = os.path.join(work, "train.csv"), os.path.join(work, "test.csv")
    sh("split", "--data", data, "--schema", schema, "--test-fraction", "0.25", "--out-train", train,
       "--out-test", test, "--force")
    print(f"lightgbm {lgb.__version__}\n")
    print("| case | input | rows | trees | max abs diff | identical rows |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    worst = check("synth-leafwise", work, train, test, schema, ["--iterations", "100"])
    worst = max(worst, check("synth-symmetric", work, train, test, schema, ["--iterations", "100", "--growth", "symmetric"]))
    korea = os.path.abspath(args.korea_dir)
    if os.path.exists(os.path.join(korea, "df_syn_train_eng.csv")):
        worst = max(worst, check("korea", work, os.path.join(korea, "df_syn_train_eng.csv"),
                                 os.path.join(korea, "df_syn_test_eng.csv"),
                                 os.path.join(ROOT, "Docs", "examples", "korea.schema.json"), ["--iterations", "100"]))
    print(f"\nworst |diff| {worst:.3g} (tolerance 1e-6)")
    sys.exit(0 if worst <= 1e-6 else 1)


if __name__ == "__main__":
    main()
