#!/usr/bin/env bash
# Builds and runs CustomsRisk's libFuzzer targets (nested package Fuzz/), each for a given time.
#
#   Scripts/fuzz.sh [seconds-per-target] [target…]      (default: 60 s, all targets)
#   FUZZ_JOBS=2 Scripts/fuzz.sh 600                      (run two targets at a time)
#   FUZZ_ARGS=-max_len=8192 Scripts/fuzz.sh 600 FuzzBundle (extra libFuzzer flags)
#
# Targets: FuzzDeclarationReader, FuzzSchema, FuzzBundle (bytes), FuzzBundleStructure (edit programs on a
# trained bundle: valid JSON, hostile shapes). Seed corpora are committed under
# Fuzz/Corpus/<target>/ and are read-only here: new inputs go to Fuzz/.build/fuzz-corpus/<target>/,
# crashes to Fuzz/.build/fuzz-artifacts/<target>/, logs to Fuzz/.build/fuzz-logs/<target>.log.
# Each target is built with libFuzzer and AddressSanitizer and run with a 10 s per-input timeout,
# a 2 GiB RSS limit and a 1 GiB single-allocation limit, so hangs and unbounded allocations are
# findings too. See Docs/Testing.md.
set -euo pipefail

cd "$(dirname "$0")/../Fuzz"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(FuzzDeclarationReader FuzzSchema FuzzBundle FuzzBundleStructure); fi
jobs="${FUZZ_JOBS:-1}"

corpus_name() {
    case "$1" in
        FuzzDeclarationReader) echo declaration-reader ;;
        FuzzSchema) echo schema ;;
        FuzzBundle) echo bundle ;;
        FuzzBundleStructure) echo bundle-structure ;;
        *) echo "unknown fuzz target $1 (expected FuzzDeclarationReader, FuzzSchema, FuzzBundle or FuzzBundleStructure)" >&2
           exit 2 ;;
    esac
}

for target in "${targets[@]}"; do
    corpus_name "$target" > /dev/null
    echo "building $target"
    swift build -c debug --product "$target" --sanitize=fuzzer --sanitize=address -Xswiftc -parse-as-library
done

run() {
    local target="$1" name
    name="$(corpus_name "$target")"
    mkdir -p ".build/fuzz-corpus/$name" ".build/fuzz-artifacts/$name" .build/fuzz-logs
    echo "running $target for $seconds s (log: Fuzz/.build/fuzz-logs/$target.log)"
    local status=0
    # ASan's leak checker would report the Swift runtime's intentional process-lifetime caches.
    ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "./.build/debug/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 ${FUZZ_ARGS:-} \
        -artifact_prefix=".build/fuzz-artifacts/$name/" ".build/fuzz-corpus/$name" "Corpus/$name" \
        > ".build/fuzz-logs/$target.log" 2>&1 || status=$?
    grep -E "^(stat::number_of_executed_units|stat::average_exec_per_sec|Done )" ".build/fuzz-logs/$target.log" \
        | sed "s/^/$target: /" || true
    if [ $status -ne 0 ]; then
        echo "$target FAILED (exit $status); see Fuzz/.build/fuzz-logs/$target.log and Fuzz/.build/fuzz-artifacts/$name/" >&2
    fi
    return $status
}

failed=0
pids=()
for target in "${targets[@]}"; do
    run "$target" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$jobs" ]; then
        wait "${pids[0]}" || failed=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
exit $failed
