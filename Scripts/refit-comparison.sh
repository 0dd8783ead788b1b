#!/bin/sh
# Issue 15: today's defaults (--no-refit) against the new defaults (select, then refit) on the Korea
# Customs files and on generated declarations, over seeds. Every run appends one JSON line (test
# metrics from `evaluate --json`, bundle metadata from `inspect --json`) to $OUT/results.jsonl;
# Docs/Results.md reports them.
#
#   swift build -c release --product riskctl
#   Scripts/refit-comparison.sh .build/release/riskctl /tmp/refit-runs "1 2 3" "no-refit refit"
# (The "cross-fit" variant needs a build of commit c6307f2, which had --calibration-rows.)
set -eu
R=$1; OUT=$2; SEEDS=${3:-"1 2 3"}; VARIANTS=${4:-"no-refit refit"}
D=${KOREA:-../shared/data/customs-synthetic}; S=Docs/examples/korea.schema.json
SYNTH_ROWS=${SYNTH_ROWS:-100000}
mkdir -p "$OUT/synth"
if [ ! -f "$OUT/synth/test.csv" ]; then
    $R synth --rows "$SYNTH_ROWS" --seed 1 --out "$OUT/synth/d.csv" >/dev/null
    $R split --data "$OUT/synth/d.csv" --schema "$OUT/synth/d.schema.json" \
        --out-train "$OUT/synth/train.csv" --out-test "$OUT/synth/test.csv" >/dev/null
fi
flags() {
    case $1 in
        no-refit) echo "--no-refit" ;;
        refit) echo "" ;;
        cross-fit) echo "--calibration-rows cross-fit" ;;
    esac
}
run() { # name seed variant test train-arguments…
    name=$1; seed=$2; variant=$3; test=$4; shift 4
    model="$OUT/$name-seed$seed-$variant.bundle"
    # shellcheck disable=SC2046
    $R train "$@" --seed "$seed" $(flags "$variant") --force --out "$model" > "$model.train.txt" 2>/dev/null
    printf '{"data":"%s","seed":%s,"variant":"%s","evaluation":' "$name" "$seed" "$variant" >> "$OUT/results.jsonl"
    $R evaluate --model "$model" --data "$test" --json | tr -d '\n' >> "$OUT/results.jsonl"
    printf ',"metadata":' >> "$OUT/results.jsonl"
    $R inspect --model "$model" --json | tr -d '\n' >> "$OUT/results.jsonl"
    printf '}\n' >> "$OUT/results.jsonl"
}
for seed in $SEEDS; do
    for variant in $VARIANTS; do
        run synth "$seed" "$variant" "$OUT/synth/test.csv" --data "$OUT/synth/train.csv" \
            --schema "$OUT/synth/d.schema.json"
    done
    for variant in $VARIANTS; do
        run korea "$seed" "$variant" "$D/df_syn_test_eng.csv" --data "$D/df_syn_train_eng.csv" --schema "$S" \
            --valid "$D/df_syn_valid_eng.csv"
    done
done
