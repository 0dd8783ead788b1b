#!/usr/bin/env bash
# Regenerates the seed corpus of FuzzBundle (Fuzz/Corpus/bundle/) from a small real bundle:
# `riskctl train` (ModelTrainer) on SyntheticDeclarations(rowCount: 3000, seed: 1), 5 trees of at
# most 6 leaves, reproducible; the schema leaves out the revenue column so that the bundle has no
# revenue model and stays small (~70 KB). Plus a logistic bundle, and mutated variants of both:
# the harness reads each input as a whole document AND as bundle content sealed with a correct
# checksum, so content seeds reach decoding and validation.
#
#   Fuzz/make-bundle-corpus.sh        (from the repository root; needs `swift build --product riskctl`)
set -euo pipefail
cd "$(dirname "$0")/.."
riskctl=.build/debug/riskctl
out=Fuzz/Corpus/bundle
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$riskctl" synth --rows 3000 --seed 1 --out "$work/d.csv" > /dev/null 2>&1
grep -v '"revenue" : "revenue"' "$work/d.schema.json" | sed 's/"label" : "illicit",/"label" : "illicit"/' \
    > "$work/schema.json"
"$riskctl" train --data "$work/d.csv" --schema "$work/schema.json" --model gbt --seed 1 --iterations 5 \
    --max-leaves 6 --reproducible --threads 1 --out "$work/gbt.json" > /dev/null 2>&1
"$riskctl" train --data "$work/d.csv" --schema "$work/schema.json" --model logistic --seed 1 \
    --max-iterations 20 --reproducible --threads 1 --out "$work/logistic.json" > /dev/null 2>&1

# The envelope is {"content":CONTENT,"format":…,"format_version":"1.0.0","sha256":"<64 hex>"}\n.
tail_text=',"format":"customs-risk-bundle","format_version":"1.0.0","sha256":""}'
suffix=$(( ${#tail_text} + 64 + 1 ))
content() { head -c -"$suffix" "$1" | tail -c +12; }

mkdir -p "$out"
rm -f "$out"/*
cp "$work/gbt.json" "$out/document-gbt"
content "$work/gbt.json" > "$out/content-gbt"
content "$work/logistic.json" > "$out/content-logistic"
head -c 4000 "$work/gbt.json" > "$out/document-truncated"
printf '{"content":{},"format":"customs-risk-bundle","format_version":"2.0.0","sha256":"00"}\n' \
    > "$out/document-future-version"
printf '{"content":{"a":[1,{"b":"\\"}"}]},"format":"customs-risk-bundle","format_version":"1.0.0","sha256":"%064d"}\n' 0 \
    > "$out/document-bad-checksum"
sed 's/"splitFeature":\[/"splitFeature":[1000000000,/' "$out/content-gbt" > "$out/content-split-feature-huge"
sed 's/"leftChild":\[1,/"leftChild":[0,/' "$out/content-gbt" > "$out/content-cycle"
sed 's/"levelOfCode":\[0/"levelOfCode":[1000000000/' "$out/content-gbt" > "$out/content-level-huge"
sed 's/"scale":[0-9.e-]*/"scale":0/' "$out/content-logistic" > "$out/content-linear-scale-zero"
ls -la "$out"
