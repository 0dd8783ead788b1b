#!/usr/bin/env python3
"""Side-by-side comparison of CustomsRisk with LightGBM, XGBoost and scikit-learn, in one run.

Same data, same thread count, same hyperparameters. Writes results.json (machine-readable) and
Docs/Performance.md (a table with the machine, date and command). Run through run.sh / `make compare`.
"""
import argparse, datetime, json, os, platform, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RISKCTL = os.path.join(ROOT, ".build", "release", "riskctl")
NOTES_MARKER = "<!-- Hand-written notes below this line are kept by compare.py. -->"


THREAD_ENV = dict(os.environ)


def sh(cmd, capture=False):
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    if capture:
        return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=THREAD_ENV).stdout
    subprocess.run(cmd, check=True, env=THREAD_ENV, stdout=sys.stderr)  # keep stdout for the JSON


def json_of(cmd):
    out = sh(cmd, capture=True)
    return json.loads(out.strip().splitlines()[-1])


def write_fixed_csv(handle, X, y):
    """Writes rows as fixed-width "+d.ddd" fields (values clipped to ±9.999, quantised to 0.001).

    Vectorised byte assembly: about 100× faster than np.savetxt for 1M × 50, and every reader
    (ours, pandas) parses the same decimal text. Returns nothing; the quantised values are what
    both sides read.
    """
    import numpy as np
    n, f = X.shape
    q = np.clip(np.rint(X * 1000.0), -9999, 9999).astype(np.int32)
    a = np.abs(q)
    buf = np.empty((n, f * 7 + 2), dtype=np.uint8)
    v = buf[:, : f * 7].reshape(n, f, 7)
    v[:, :, 0] = np.where(q < 0, ord("-"), ord("+"))
    v[:, :, 1] = 48 + a // 1000
    v[:, :, 2] = ord(".")
    v[:, :, 3] = 48 + (a // 100) % 10
    v[:, :, 4] = 48 + (a // 10) % 10
    v[:, :, 5] = 48 + a % 10
    v[:, :, 6] = ord(",")
    buf[:, f * 7] = 48 + y.astype(np.uint8)
    buf[:, f * 7 + 1] = ord("\n")
    handle.write(buf.tobytes())


def make_dense(path_train, path_test, rows, features, seed=7, chunk=200_000):
    """Dense standard-normal features with a logistic label (intercept −1), written in chunks."""
    import numpy as np
    rng = np.random.default_rng(seed)
    w = rng.normal(size=features) / np.sqrt(features)
    header = (",".join([f"x{j}" for j in range(features)] + ["label"]) + "\n").encode()
    for path, n in ((path_train, rows), (path_test, max(rows // 4, 1000))):
        tmp = path + ".partial"
        with open(tmp, "wb") as handle:
            handle.write(header)
            for start in range(0, n, chunk):
                m = min(chunk, n - start)
                X = rng.normal(size=(m, features))
                p = 1 / (1 + np.exp(-(X @ w - 1.0)))
                y = (rng.random(m) < p).astype(np.uint8)
                write_fixed_csv(handle, X, y)
        os.replace(tmp, path)


def timed_command(cmd):
    """Runs cmd; returns (wall seconds, peak RSS MB or None) of that process alone."""
    wrapper = []
    if os.path.exists("/usr/bin/time"):
        wrapper = ["/usr/bin/time", "-f", "MAXRSS_KB=%M"]
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    t = time.perf_counter()
    done = subprocess.run(wrapper + cmd, check=True, stderr=subprocess.PIPE, text=True, env=THREAD_ENV)
    wall = time.perf_counter() - t
    peak = None
    for line in done.stderr.splitlines():
        if line.startswith("MAXRSS_KB="):
            peak = int(line.split("=", 1)[1]) / 1024.0
        else:
            print(line, file=sys.stderr)
    return wall, peak


def ratio(ours, theirs, key, lower_is_better=True):
    if ours.get(key) is None or theirs.get(key) is None:
        return None
    return ours[key] / theirs[key] if lower_is_better else theirs[key] / ours[key]


def checkpoint(results, args):
    """Keeps what has been measured so far (work/partial-results.json) in case a later step fails."""
    with open(os.path.join(args.work, "partial-results.json"), "w") as f:
        json.dump(results, f, indent=2)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000, help="declarations generated for the GBT comparison")
    ap.add_argument("--logistic-rows", type=int, default=1_000_000, help="rows of the dense logistic data")
    ap.add_argument("--logistic-features", type=int, default=50)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--leaves", type=int, default=63)
    ap.add_argument("--shap-rows", type=int, default=10_000,
                    help="test rows explained for the SHAP throughput (peers need ~1 s per 400 rows)")
    ap.add_argument("--score-train-rows", type=int, default=200_000,
                    help="declarations the scoring bundle is trained on (riskctl train)")
    ap.add_argument("--score-reasons-rows", type=int, default=20_000,
                    help="declarations scored with 3 reasons (exact TreeSHAP costs ~1-2 ms per declaration for "
                         "200 trees, so the full file would take long); scoring without reasons uses all --rows")
    ap.add_argument("--peers", default="lightgbm,xgboost,sklearn")
    ap.add_argument("--omp-wait-policy", default="passive", choices=["passive", "active", "default"],
                    help="OMP_WAIT_POLICY for the peers (libgomp). Default passive: idle OpenMP workers sleep "
                         "instead of spinning, which on a shared machine makes the peers up to ~10x faster; "
                         "'default' leaves their out-of-the-box behaviour")
    ap.add_argument("--skip", default="",
                    help="comma-separated parts to skip: gbt, symmetric, logistic, scoring; a skipped part keeps "
                         "its results from the previous results.json (marked with that run's date)")
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite Docs/Performance.md")
    ap.add_argument("--docs-only", action="store_true",
                    help="only rewrite Docs/Performance.md from the existing results.json")
    args = ap.parse_args()
    if args.docs_only:
        with open(os.path.join(HERE, "results.json")) as f:
            results = json.load(f)
        for key, value in results["parameters"].items():
            setattr(args, key, value)
        write_markdown(results, os.path.join(ROOT, "Docs", "Performance.md"), args)
        return
    skip = {p for p in args.skip.split(",") if p}
    # Every OpenMP / BLAS pool in every process (ours and the peers') gets the same thread count,
    # including calls made outside the libraries' own thread parameters (sklearn's predict).
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        THREAD_ENV[name] = str(args.threads)
    if args.omp_wait_policy != "default":
        THREAD_ENV["OMP_WAIT_POLICY"] = args.omp_wait_policy.upper()
    os.makedirs(args.work, exist_ok=True)
    w = lambda name: os.path.join(args.work, name)

    results = {"machine": {"platform": platform.platform(), "processor": cpu_model(), "cpus": os.cpu_count(),
                           "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
               "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "command": "make compare ARGS='" + " ".join(sys.argv[1:]) + "'",
               "parameters": {"rows": args.rows, "threads": args.threads, "iterations": args.iterations,
                              "leaves": args.leaves, "learning_rate": 0.1, "bins": 255,
                              "shap_rows": args.shap_rows, "logistic_rows": args.logistic_rows,
                              "logistic_features": args.logistic_features,
                              "score_train_rows": args.score_train_rows,
                              "score_reasons_rows": args.score_reasons_rows,
                              "omp_wait_policy": args.omp_wait_policy},
               "gbt": [], "logistic": [], "scoring": []}
    previous_path = os.path.join(HERE, "results.json")
    if skip and os.path.exists(previous_path):
        with open(previous_path) as f:
            previous = json.load(f)
        parts = {"gbt": ["gbt"], "symmetric": ["gbt_symmetric"], "logistic": ["logistic"], "scoring": ["scoring"]}
        for part in skip:
            for key in parts.get(part, []):
                if previous.get(key):
                    results[key] = previous[key]
                    results.setdefault("reused", {})[key] = previous.get("reused", {}).get(key, previous["date"])

    # 1. Data: generated declarations → split by date → our feature matrices (trees view).
    decl = w(f"declarations-{args.rows}.csv")
    schema = decl.replace(".csv", ".schema.json")
    if not os.path.exists(decl):
        sh([RISKCTL, "synth", "--rows", str(args.rows), "--seed", "1", "--out", decl, "--force"])
    train, test = w(f"train-{args.rows}.csv"), w(f"test-{args.rows}.csv")
    if not os.path.exists(test):
        sh([RISKCTL, "split", "--data", decl, "--schema", schema, "--test-fraction", "0.2",
            "--out-train", train, "--out-test", test, "--force"])
    common = ["--threads", str(args.threads), "--iterations", str(args.iterations)]

    # 2. GBT: ours and each peer, same matrices and hyperparameters.
    ftrain, ftest = w(f"train-{args.rows}.features.csv"), w(f"test-{args.rows}.features.csv")
    if not ({"gbt", "symmetric"} <= skip) and not os.path.exists(ftest):
        sh([RISKCTL, "features", "--data", train, "--schema", schema, "--kind", "trees", "--out", ftrain,
            "--apply", test, "--apply-out", ftest, "--threads", str(args.threads), "--force"])
    if "gbt" not in skip:
        ours = json_of([RISKCTL, "bench", "gbt", "--train", ftrain, "--test", ftest, "--max-leaves", str(args.leaves),
                        "--learning-rate", "0.1", "--bins", "255", "--shap-rows", str(args.shap_rows), "--json"]
                       + common)
        results["gbt"].append(ours)
        for lib in [p for p in args.peers.split(",") if p]:
            r = json_of([sys.executable, os.path.join(HERE, "peer.py"), "--library", lib, "--task", "gbt",
                         "--train", ftrain, "--test", ftest, "--leaves", str(args.leaves), "--learning-rate", "0.1",
                         "--bins", "255", "--shap-rows", str(args.shap_rows)] + common)
            r["ratio_train_time"] = ratio(ours, r, "train_seconds")
            r["ratio_predict_throughput"] = ratio(ours, r, "predict_rows_per_s", lower_is_better=False)
            r["ratio_single_row_latency"] = ratio(ours, r, "single_row_us")
            r["ratio_shap_throughput"] = ratio(ours, r, "shap_rows_per_s", lower_is_better=False)
            r["ratio_peak_memory"] = ratio(ours, r, "peak_rss_mb")
            r["auc_difference"] = ours["auc"] - r["auc"]
            results["gbt"].append(r)
            checkpoint(results, args)
    # Ours again with symmetric (oblivious) trees of depth 6 (64 leaves): tabulated TreeSHAP.
    if "symmetric" not in skip:
        sym = json_of([RISKCTL, "bench", "gbt", "--train", ftrain, "--test", ftest, "--growth", "symmetric",
                       "--max-depth", "6", "--learning-rate", "0.1", "--bins", "255",
                       "--shap-rows", str(args.shap_rows), "--json"] + common)
        results["gbt_symmetric"] = [sym]
        checkpoint(results, args)

    # 3. Logistic regression on dense standardised data.
    if "logistic" not in skip:
        dtrain = w(f"dense-{args.logistic_rows}x{args.logistic_features}.csv")
        dtest = w(f"dense-{args.logistic_rows}x{args.logistic_features}-test.csv")
        if not os.path.exists(dtest):
            t = time.perf_counter()
            make_dense(dtrain, dtest, args.logistic_rows, args.logistic_features)
            print(f"dense data written in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        ours_lr = json_of([RISKCTL, "bench", "logistic", "--train", dtrain, "--test", dtest, "--threads",
                           str(args.threads), "--json"])
        results["logistic"].append(ours_lr)
        sk = json_of([sys.executable, os.path.join(HERE, "peer.py"), "--library", "sklearn", "--task", "logistic",
                      "--train", dtrain, "--test", dtest, "--threads", str(args.threads)])
        sk["ratio_train_time"] = ratio(ours_lr, sk, "train_seconds")
        sk["auc_difference"] = ours_lr["auc"] - sk["auc"]
        results["logistic"].append(sk)
        checkpoint(results, args)

    # 4. Scoring throughput: the whole `riskctl score` command, CSV in → CSV out with 3 reasons each.
    if "scoring" not in skip:
        sdecl = w(f"score-train-{args.score_train_rows}.csv")
        sschema = sdecl.replace(".csv", ".schema.json")
        if not os.path.exists(sdecl):
            sh([RISKCTL, "synth", "--rows", str(args.score_train_rows), "--seed", "2", "--out", sdecl, "--force"])
        bundle = w(f"bundle-{args.score_train_rows}-{args.iterations}x{args.leaves}.json")
        if not os.path.exists(bundle):
            sh([RISKCTL, "train", "--data", sdecl, "--schema", sschema, "--model", "gbt", "--seed", "1",
                "--iterations", str(args.iterations), "--max-leaves", str(args.leaves), "--learning-rate", "0.1",
                "--early-stopping-rounds", "0", "--threads", str(args.threads), "--out", bundle, "--force"])
        reasons_rows = min(args.score_reasons_rows, args.rows)
        head = decl if reasons_rows == args.rows else w(f"declarations-{args.rows}-head-{reasons_rows}.csv")
        if not os.path.exists(head):
            with open(decl, "rb") as source, open(head + ".partial", "wb") as target:
                for _ in range(reasons_rows + 1):
                    target.write(source.readline())
            os.replace(head + ".partial", head)
        # The same declarations and settings with symmetric trees of depth 6 (tabulated TreeSHAP).
        sym_bundle = w(f"bundle-{args.score_train_rows}-{args.iterations}xsym6.json")
        if not os.path.exists(sym_bundle):
            sh([RISKCTL, "train", "--data", sdecl, "--schema", sschema, "--model", "gbt", "--seed", "1",
                "--iterations", str(args.iterations), "--growth", "symmetric", "--max-depth", "6",
                "--learning-rate", "0.1", "--early-stopping-rounds", "0", "--threads", str(args.threads),
                "--out", sym_bundle, "--force"])
        runs = ((f"leaf-wise, ≤ {args.leaves} leaves", bundle, 0, decl, args.rows),
                (f"leaf-wise, ≤ {args.leaves} leaves", bundle, 3, head, reasons_rows),
                ("symmetric, depth 6", sym_bundle, 0, decl, args.rows),
                ("symmetric, depth 6", sym_bundle, 3, decl, args.rows))
        for model, model_file, reasons, data, rows in runs:
            out = w(f"scores-{rows}-r{reasons}.csv")
            wall, peak = timed_command([RISKCTL, "score", "--model", model_file, "--data", data, "--out", out,
                                        "--reasons", str(reasons), "--inspection-rate", "0.05",
                                        "--threads", str(args.threads), "--force"])
            results["scoring"].append({"library": "customsrisk", "task": "score", "model": model, "rows": rows,
                                       "reasons": reasons, "wall_seconds": wall,
                                       "declarations_per_s": rows / wall, "peak_rss_mb": peak,
                                       "input_mb": os.path.getsize(data) / 1e6})
            os.remove(out)
            checkpoint(results, args)

    with open(os.path.join(HERE, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    if not args.no_docs:
        write_markdown(results, os.path.join(ROOT, "Docs", "Performance.md"), args)
    print(json.dumps(results, indent=2))


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


def write_markdown(results, path, args):
    """Writes the generated tables, keeping any hand-written text after NOTES_MARKER."""
    g, m = results["gbt"], results["machine"]
    lines = [
        "# Performance",
        "",
        "Generated by `Benchmarks/compare/compare.py` (run it with `make compare`); do not edit by hand.",
        "The analysis below the tables (where we lose, where the time goes) is hand-written and kept "
        "across runs.",
        "",
        f"- Date: {results['date']}",
        f"- Machine: {m['processor']}, {m['cpus']} logical CPUs, {m['platform']}; "
        f"load average at start {m['load_average_at_start']} (the machine is shared: expect ±20–30 % noise)",
        f"- Command: `{results['command']}`",
        f"- Data: `riskctl synth --rows {args.rows} --seed 1`, split by date (latest 20 % = test), "
        f"our tree feature matrix ({g[0].get('features') if g else '–'} features) fed to every library "
        f"({g[0].get('rows') if g else '–'} training rows).",
        f"- Hyperparameters: {args.iterations} iterations, {args.leaves} leaves, learning rate 0.1, 255 bins, "
        f"{args.threads} threads, L2 1.0, at least 20 rows per leaf (sklearn: its own defaults otherwise).",
        "- Train time = wall time of the library's fit call, data already in memory (LightGBM: Dataset "
        "construction included, XGBoost: DMatrix/quantile sketch included; ours: binning included).",
        f"- Peers run with `OMP_WAIT_POLICY={getattr(args, 'omp_wait_policy', 'passive')}` (their OpenMP workers "
        "sleep when idle; with the default spinning policy sklearn spent 95 % of its time in libgomp's spin loop "
        "on this shared machine). `OMP_NUM_THREADS` = the thread count for every process.",
        "- Peak memory is each process's maximum resident set, reading the CSV included "
        "(peers include the Python interpreter, numpy and pandas).",
    ]
    for key, date in results.get("reused", {}).items():
        lines.append(f"- Section `{key}` was not rerun: its numbers are from the run of {date}.")
    lines.append("")
    if g:
        lines += [
            "## Gradient-boosted trees",
            "",
            "| library | version | train s | test AUC | predict rows/s | 1-row µs | SHAP rows/s | peak MB |",
            "|---|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in g:
            lines.append(f"| {r['library']} | {r.get('version','')} | {fmt(r.get('train_seconds'), '.2f')} | "
                         f"{fmt(r.get('auc'), '.4f')} | {fmt(r.get('predict_rows_per_s'), ',.0f')} | "
                         f"{fmt(r.get('single_row_us'), '.1f')} | {fmt(r.get('shap_rows_per_s'), ',.0f')} | "
                         f"{fmt(r.get('peak_rss_mb'), '.0f')} |")
        lines += ["", "Our ratios (below 1.0 = we are better for time/latency/memory; throughput ratios are theirs ÷ ours "
                  "inverted so that below 1.0 is also better for us):", "",
                  "| vs | train time | predict throughput | 1-row latency | SHAP throughput | peak memory | AUC ours − theirs |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in g[1:]:
            lines.append(f"| {r['library']} | {fmt(r.get('ratio_train_time'), '.2f')} | "
                         f"{fmt(r.get('ratio_predict_throughput'), '.2f')} | {fmt(r.get('ratio_single_row_latency'), '.3f')} | "
                         f"{fmt(r.get('ratio_shap_throughput'), '.3f')} | {fmt(r.get('ratio_peak_memory'), '.2f')} | "
                         f"{fmt(r.get('auc_difference'), '+.4f')} |")
        if g[0].get("single_row_shap_us") is not None:
            lines += ["", f"One declaration explained (TreeSHAP, {g[0].get('trees')} trees, one thread): "
                      f"{g[0]['single_row_shap_us']:.1f} µs median (ours)."]
        lines += ["", f"SHAP throughput is measured on the first {args.shap_rows:,} test rows "
                  "(LightGBM `pred_contrib`, XGBoost `pred_contribs`; sklearn has no built-in SHAP).", ""]
        for r in results.get("gbt_symmetric", []):
            lines += ["Ours with symmetric (oblivious) trees of depth 6 (`--growth symmetric`; TreeSHAP tabulated "
                      "per tree, Docs/Explanations.md), same data and settings otherwise:", "",
                      "| library | train s | test AUC | predict rows/s | 1-row µs | SHAP rows/s | 1-row SHAP µs | peak MB |",
                      "|---|---:|---:|---:|---:|---:|---:|---:|",
                      f"| customsrisk symmetric | {fmt(r.get('train_seconds'), '.2f')} | {fmt(r.get('auc'), '.4f')} | "
                      f"{fmt(r.get('predict_rows_per_s'), ',.0f')} | {fmt(r.get('single_row_us'), '.1f')} | "
                      f"{fmt(r.get('shap_rows_per_s'), ',.0f')} | {fmt(r.get('single_row_shap_us'), '.1f')} | "
                      f"{fmt(r.get('peak_rss_mb'), '.0f')} |", ""]
    if results["logistic"]:
        lines += ["## Logistic regression (dense standardised data, L2, C = 1)", "",
                  "| library | rows × features | train s | iterations | test AUC | peak MB | our time ratio |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for r in results["logistic"]:
            lines.append(f"| {r['library']}{' (' + r['solver'] + ')' if r.get('solver') else ' (lbfgs)'} | "
                         f"{r.get('rows')} × {r.get('features')} | {fmt(r.get('train_seconds'), '.2f')} | "
                         f"{r.get('iterations', '–')} | {fmt(r.get('auc'), '.4f')} | {fmt(r.get('peak_rss_mb'), '.0f')} | "
                         f"{fmt(r.get('ratio_train_time'), '.2f')} |")
        lines.append("")
    if results["scoring"]:
        lines += ["## Scoring declarations end to end (`riskctl score`, CSV → CSV)", "",
                  f"A bundle trained by `riskctl train` on {args.score_train_rows:,} other generated declarations "
                  f"({args.iterations} trees, leaf-wise of ≤ {args.leaves} leaves or symmetric of depth 6, plus the "
                  "revenue model), applied to "
                  "generated declarations: read, feature transform, predict, calibrate, (explain and pick "
                  "reasons), rank and select 5 %, write. Whole command, process start to exit.", "",
                  "| model | declarations | reasons | input MB | wall s | declarations/s | peak MB |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for r in results["scoring"]:
            lines.append(f"| {r.get('model', '–')} | {r['rows']:,} | {r['reasons']} | {r['input_mb']:.0f} | "
                         f"{r['wall_seconds']:.2f} | "
                         f"{r['declarations_per_s']:,.0f} | {fmt(r.get('peak_rss_mb'), '.0f')} |")
        lines.append("")
    notes = NOTES_MARKER + "\n"
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        if NOTES_MARKER in old:
            notes = old[old.index(NOTES_MARKER):]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n" + notes)


if __name__ == "__main__":
    main()
