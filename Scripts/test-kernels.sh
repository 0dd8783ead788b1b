#!/usr/bin/env bash
# Kernel independence (CI, after `make test`): re-run the suites whose results pass through OpenBLAS
# — logistic training, scoring, the CLI's score/explain/jsonl equality tests — under every OpenBLAS
# kernel family this CPU can run. Scoring promises bit-identical results (single vs batch, segmented
# vs whole table, CSV vs JSONL, any thread count, the released reference scores) by construction, and
# training promises documented tolerances; a test that only passed with one kernel's rounding fails
# here. Debian's OpenBLAS 0.3.21 picks Zen on AMD EPYC and Prescott on AVX-512 Xeons by itself.
#
# Usage: Scripts/test-kernels.sh [CORETYPE ...]   (default: every family the CPU supports)
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
if [ "$#" -gt 0 ]; then
    cores=("$@")
else
    cores=(Prescott)
    flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
    [[ " $flags " == *" avx2 "* && " $flags " == *" fma "* ]] && cores+=(Haswell)
    [[ " $flags " == *" avx512f "* && " $flags " == *" avx512bw "* ]] && cores+=(SkylakeX)
    grep -q -m1 AuthenticAMD /proc/cpuinfo && [[ " $flags " == *" avx2 "* ]] && cores+=(Zen)
fi
filter='RiskLinearAlgebraTests|RiskLinearTests|RiskScoringTests|RiskCLITests'
$SWIFT build --build-tests >/dev/null
status=0
for core in "${cores[@]}"; do
    echo "== OPENBLAS_CORETYPE=$core: $filter"
    log=$(mktemp)
    if OPENBLAS_CORETYPE=$core $SWIFT test --skip-build --filter "$filter" >"$log" 2>&1; then
        grep -E '^(✔|✘) Test run with' "$log" || tail -n 3 "$log"
    else
        grep -E '^✘ ' "$log" | cut -c1-300 | head -n 40
        tail -n 3 "$log"
        status=1
    fi
    rm -f "$log"
done
exit $status
