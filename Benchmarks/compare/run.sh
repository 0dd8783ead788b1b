#!/usr/bin/env bash
# One command for the peer comparison: installs the peers in a local virtual environment,
# builds riskctl (release), and runs compare.py with any arguments given (e.g. --rows 100000).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q lightgbm xgboost scikit-learn shap numpy pandas threadpoolctl
fi
(cd "$root" && swift build -c release --product riskctl)
exec "$venv/bin/python" "$here/compare.py" "$@"
