#!/usr/bin/env bash
# Install (once) and run the app on its embedded default: a DuckDB file under
# data/ (or $ECOSYSTEM_DB) holding the demo inventory, created on first run.
# Usage: ./scripts/app.sh [extra streamlit options, e.g. --server.port 8600]
#
# Without an [auth] section in .streamlit/secrets.toml the app runs in local mode
# (one implicit administrator, no sign-in): the server then listens on 127.0.0.1
# only, unless --server.address is given. With [auth] (docs/deploy.md) it listens
# where Streamlit's configuration says.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup_env.sh
source scripts/setup_env.sh requirements.txt
address=()
if ! .venv/bin/python - <<'PY' 2>/dev/null; then
import sys, tomllib
with open(".streamlit/secrets.toml", "rb") as f:
    sys.exit(0 if "auth" in tomllib.load(f) else 1)
PY
  case " $* " in
    *" --server.address"*) ;;
    *) address=(--server.address 127.0.0.1) ;;
  esac
fi
exec .venv/bin/streamlit run app.py --server.headless true "${address[@]}" "$@"
