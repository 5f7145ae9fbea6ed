#!/usr/bin/env bash
# The project's checks, as CI runs them: lint, types, then the whole test suite (real pcscd,
# real Qt offscreen, real databases). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
