#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and then ThreadSanitizer, each in its own scratch
# folder (.build-asan, .build-tsan) so the normal .build stays as it is.
#
#   Scripts/sanitize.sh [address|thread|all] [extra swift test arguments…]
#   Scripts/sanitize.sh all --filter RiskScoringTests
#
# ASan's leak checker is off: the Swift runtime keeps process-lifetime caches it would report.
# TSan findings are timing-dependent; the concurrency stress test (HardeningConcurrencyTests)
# gives it 64 tasks sharing one scorer. Address and thread cannot be combined in one build.
# See Docs/Testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
shift || true
status=0
if [ "$which" = all ] || [ "$which" = address ]; then
    echo "== swift test --sanitize=address"
    ASAN_OPTIONS=detect_leaks=0 swift test --sanitize=address --scratch-path .build-asan "$@" || status=1
fi
if [ "$which" = all ] || [ "$which" = thread ]; then
    echo "== swift test --sanitize=thread"
    TSAN_OPTIONS=halt_on_error=1 swift test --sanitize=thread --scratch-path .build-tsan "$@" || status=1
fi
exit $status
