#!/usr/bin/env bash
# CI smoke test of the benchmark commands (a few seconds; never the full comparison):
# generates 20,000 declarations, builds the tree and linear feature matrices, then runs
# `riskctl bench gbt` (20 iterations) and `riskctl bench logistic` and checks that each
# completes and prints one JSON object with the expected keys. Timings are printed, not judged.
#
#   bash Benchmarks/smoke.sh                  # uses .build/release/riskctl, building it if missing
#   RISKCTL=.build/debug/riskctl bash Benchmarks/smoke.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
riskctl="${RISKCTL:-.build/release/riskctl}"
if [ ! -x "$riskctl" ]; then
    swift build -c release --product riskctl
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/customsrisk-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$riskctl" synth --rows 20000 --seed 1 --out "$work/d.csv" >/dev/null
"$riskctl" split --data "$work/d.csv" --schema "$work/d.schema.json" --test-fraction 0.25 \
    --out-train "$work/train.csv" --out-test "$work/test.csv" >/dev/null
for kind in trees linear; do
    "$riskctl" features --data "$work/train.csv" --schema "$work/d.schema.json" --kind "$kind" \
        --out "$work/train.$kind.csv" --apply "$work/test.csv" --apply-out "$work/test.$kind.csv" \
        --threads 2 >/dev/null
done

# check NAME JSON KEY… : the last line of JSON is one object holding every KEY with a number.
check() {
    local name="$1" line="$2"; shift 2
    case "$line" in
        "{"*"}") ;;
        *) echo "smoke: riskctl bench $name did not print a JSON object; got: $line" >&2; exit 1 ;;
    esac
    for key in "$@"; do
        if ! grep -Eq "\"$key\":-?[0-9]" <<<"$line"; then
            echo "smoke: riskctl bench $name JSON lacks a numeric \"$key\": $line" >&2
            exit 1
        fi
    done
    echo "smoke: bench $name ok: $line"
}

gbt="$("$riskctl" bench gbt --train "$work/train.trees.csv" --test "$work/test.trees.csv" \
    --iterations 20 --max-leaves 63 --shap-rows 1000 --threads 2 --json | tail -n 1)"
check gbt "$gbt" train_seconds auc predict_rows_per_s single_row_us shap_rows_per_s single_row_shap_us peak_rss_mb trees

logistic="$("$riskctl" bench logistic --train "$work/train.linear.csv" --test "$work/test.linear.csv" \
    --threads 2 --json | tail -n 1)"
check logistic "$logistic" train_seconds auc iterations peak_rss_mb
echo "smoke: benchmark commands OK"
