#!/usr/bin/env python3
"""Side-by-side comparison of CustomsRisk with LightGBM, XGBoost and scikit-learn, in one run.

Same data, same thread count, same hyperparameters. Writes results.json (machine-readable) and
Docs/Performance.md (a table with the machine, date and command). Run through run.sh / `make compare`.
"""
import argparse, datetime, json, os, platform, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RISKCTL = os.path.join(ROOT, ".build", "release", "riskctl")


def sh(cmd, capture=False):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    if capture:
        return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    subprocess.run(cmd, check=True)


def json_of(cmd):
    out = sh(cmd, capture=True)
    return json.loads(out.strip().splitlines()[-1])


def make_dense(path_train, path_test, rows, features, seed=7):
    import numpy as np
    rng = np.random.default_rng(seed)
    w = rng.normal(size=features) / np.sqrt(features)
    for path, n in ((path_train, rows), (path_test, max(rows // 4, 1000))):
        X = rng.normal(size=(n, features)).astype(np.float32)
        p = 1 / (1 + np.exp(-(X @ w - 1.0)))
        y = (rng.random(n) < p).astype(np.float32)
        header = ",".join([f"x{j}" for j in range(features)] + ["label"])
        np.savetxt(path, np.column_stack([X, y]), fmt="%.6g", delimiter=",", header=header, comments="")


def ratio(ours, theirs, key, lower_is_better=True):
    if ours.get(key) is None or theirs.get(key) is None:
        return None
    return ours[key] / theirs[key] if lower_is_better else theirs[key] / ours[key]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000, help="declarations generated for the GBT comparison")
    ap.add_argument("--logistic-rows", type=int, default=1_000_000, help="rows of the dense logistic data")
    ap.add_argument("--logistic-features", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--leaves", type=int, default=63)
    ap.add_argument("--shap-rows", type=int, default=100_000)
    ap.add_argument("--peers", default="lightgbm,xgboost,sklearn")
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite Docs/Performance.md")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    w = lambda name: os.path.join(args.work, name)

    # 1. Data: generated declarations → split by date → our feature matrices (trees view).
    decl = w(f"declarations-{args.rows}.csv")
    schema = decl.replace(".csv", ".schema.json")
    if not os.path.exists(decl):
        sh([RISKCTL, "synth", "--rows", str(args.rows), "--seed", "1", "--out", decl])
    train, test = w(f"train-{args.rows}.csv"), w(f"test-{args.rows}.csv")
    if not os.path.exists(test):
        sh([RISKCTL, "split", "--data", decl, "--schema", schema, "--test-fraction", "0.2",
            "--out-train", train, "--out-test", test])
    ftrain, ftest = w(f"train-{args.rows}.features.csv"), w(f"test-{args.rows}.features.csv")
    if not os.path.exists(ftest):
        sh([RISKCTL, "features", "--data", train, "--schema", schema, "--kind", "trees", "--out", ftrain,
            "--apply", test, "--apply-out", ftest])

    common = ["--threads", str(args.threads), "--iterations", str(args.iterations)]
    results = {"machine": {"platform": platform.platform(), "processor": platform.processor(),
                           "cpus": os.cpu_count()},
               "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "command": "make compare ARGS='" + " ".join(sys.argv[1:]) + "'",
               "gbt": [], "logistic": []}

    # 2. GBT: ours and each peer, same matrices and hyperparameters.
    ours = json_of([RISKCTL, "bench", "gbt", "--train", ftrain, "--test", ftest, "--max-leaves", str(args.leaves),
                    "--learning-rate", "0.1", "--bins", "255", "--shap-rows", str(args.shap_rows), "--json"] + common)
    results["gbt"].append(ours)
    for lib in [p for p in args.peers.split(",") if p]:
        r = json_of([sys.executable, os.path.join(HERE, "peer.py"), "--library", lib, "--task", "gbt",
                     "--train", ftrain, "--test", ftest, "--leaves", str(args.leaves), "--learning-rate", "0.1",
                     "--bins", "255", "--shap-rows", str(args.shap_rows)] + common)
        r["ratio_train_time"] = ratio(ours, r, "train_seconds")
        r["ratio_predict_throughput"] = ratio(ours, r, "predict_rows_per_s", lower_is_better=False)
        r["ratio_shap_throughput"] = ratio(ours, r, "shap_rows_per_s", lower_is_better=False)
        r["auc_difference"] = ours["auc"] - r["auc"]
        results["gbt"].append(r)

    # 3. Logistic regression on dense standardised data.
    dtrain, dtest = w(f"dense-{args.logistic_rows}x{args.logistic_features}.csv"), \
        w(f"dense-{args.logistic_rows}x{args.logistic_features}-test.csv")
    if not os.path.exists(dtest):
        make_dense(dtrain, dtest, args.logistic_rows, args.logistic_features)
    ours_lr = json_of([RISKCTL, "bench", "logistic", "--train", dtrain, "--test", dtest, "--threads",
                       str(args.threads), "--json"])
    results["logistic"].append(ours_lr)
    sk = json_of([sys.executable, os.path.join(HERE, "peer.py"), "--library", "sklearn", "--task", "logistic",
                  "--train", dtrain, "--test", dtest, "--threads", str(args.threads)])
    sk["ratio_train_time"] = ratio(ours_lr, sk, "train_seconds")
    results["logistic"].append(sk)

    with open(os.path.join(HERE, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    if not args.no_docs:
        write_markdown(results, os.path.join(ROOT, "Docs", "Performance.md"), args)
    print(json.dumps(results, indent=2))


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


def write_markdown(results, path, args):
    g = results["gbt"]
    lines = [
        "# Performance",
        "",
        "Generated by `Benchmarks/compare/compare.py` (run it with `make compare`); do not edit by hand.",
        "",
        f"- Date: {results['date']}",
        f"- Machine: {results['machine']['platform']}, {results['machine']['cpus']} logical CPUs",
        f"- Command: `{results['command']}`",
        f"- Data: `riskctl synth --rows {args.rows} --seed 1`, split by date (latest 20% = test), "
        f"our tree feature matrix ({g[0].get('features')} features) fed to every library.",
        f"- Hyperparameters: {args.iterations} iterations, {args.leaves} leaves, learning rate 0.1, 255 bins, "
        f"{args.threads} threads, L2 1.0.",
        "- Peak memory is each process's maximum resident set (peers include the Python interpreter and pandas).",
        "",
        "## Gradient-boosted trees",
        "",
        "| library | version | train s | test AUC | predict rows/s | 1-row µs | SHAP rows/s | peak MB | our time ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in g:
        lines.append(f"| {r['library']} | {r.get('version','')} | {fmt(r.get('train_seconds'), '.2f')} | "
                     f"{fmt(r.get('auc'), '.4f')} | {fmt(r.get('predict_rows_per_s'), ',.0f')} | "
                     f"{fmt(r.get('single_row_us'), '.1f')} | {fmt(r.get('shap_rows_per_s'), ',.0f')} | "
                     f"{fmt(r.get('peak_rss_mb'), '.0f')} | {fmt(r.get('ratio_train_time'), '.2f')} |")
    lines += ["", "Ratio = our training time ÷ theirs (below 1.0 means we are faster).", "",
              "## Logistic regression (dense standardised data)", "",
              "| library | rows × features | train s | iterations | test AUC | peak MB | our time ratio |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for r in results["logistic"]:
        lines.append(f"| {r['library']} | {r.get('rows')} × {r.get('features')} | {fmt(r.get('train_seconds'), '.2f')} | "
                     f"{r.get('iterations', '–')} | {fmt(r.get('auc'), '.4f')} | {fmt(r.get('peak_rss_mb'), '.0f')} | "
                     f"{fmt(r.get('ratio_train_time'), '.2f')} |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
