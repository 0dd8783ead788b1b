#!/usr/bin/env bash
# One command for the peer comparison: installs the peers in a local virtual environment,
# builds riskctl (release), and runs compare.py with any arguments given (e.g. --rows 100000).
#
#   bash Benchmarks/compare/run.sh --rows 100000            # or: make compare ARGS="--rows 100000"
#   COMPARE_PYTHON=/path/to/python bash Benchmarks/compare/run.sh …   # reuse an existing environment
#
# The environment needs python3 with the venv module (Debian: apt-get install python3-venv).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${COMPARE_PYTHON:-}"
if [ -z "$python" ]; then
    venv="$here/.venv"
    python="$venv/bin/python"
    # The marker is written only after every package installed, so an interrupted install is redone.
    if [ ! -f "$venv/.complete" ]; then
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --upgrade pip
        "$venv/bin/pip" install -q lightgbm xgboost scikit-learn shap numpy pandas threadpoolctl
        touch "$venv/.complete"
    fi
fi
"$python" -c "import lightgbm, xgboost, sklearn, numpy, pandas, threadpoolctl" || {
    echo "error: $python lacks one of lightgbm, xgboost, scikit-learn, numpy, pandas, threadpoolctl." >&2
    echo "       Delete $here/.venv to reinstall, or point COMPARE_PYTHON at a complete environment." >&2
    exit 1
}
(cd "$root" && swift build -c release --product riskctl)
exec "$python" "$here/compare.py" "$@"
