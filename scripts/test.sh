#!/usr/bin/env bash
# Install everything and run the whole test suite: unit, AppTest and
# Playwright end-to-end tests in Debian's chromium (installed with apt-get).
# Extra arguments go to pytest, e.g. ./scripts/test.sh -k geo
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }
if ! command -v chromium >/dev/null; then
  echo "==> installing chromium with apt-get"
  as_root apt-get update -qq
  as_root apt-get install -y -qq chromium fonts-dejavu-core
fi
# shellcheck source=scripts/setup_env.sh
source scripts/setup_env.sh requirements-dev.txt
# pytest exits 5 when no test was collected: that fails this script too.
exec .venv/bin/python -m pytest "$@"
