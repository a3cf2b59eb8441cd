#!/usr/bin/env bash
# Install (once) and run the app on its embedded default: a DuckDB file under
# data/ (or $ECOSYSTEM_DB) holding the demo inventory, created on first run.
# Usage: ./scripts/app.sh [extra streamlit options, e.g. --server.port 8600]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup_env.sh
source scripts/setup_env.sh requirements.txt
exec .venv/bin/streamlit run app.py --server.headless true "$@"
