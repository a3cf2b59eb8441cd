#!/usr/bin/env bash
# Install everything and run the whole test suite: unit, AppTest and
# Playwright end-to-end tests in Debian's chromium (installed with apt-get).
# Extra arguments go to pytest, e.g. ./scripts/test.sh -k geo
#
# Without arguments (CI) the suite runs as two pytest processes at once: the
# browser tests (tests/e2e, which mostly wait on their Streamlit server and
# chromium) and the property suite (tests/property) beside all the others, so
# the two streams fill the two cores. Both keep pytest.ini's -m "not slow"; each
# fails on its own on a failure, on no test collected and on a skip; the script
# fails if either does. ECOSYSTEM_TEST_STREAMS=1 runs one process.
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
if [ "$#" -gt 0 ] || [ "${ECOSYSTEM_TEST_STREAMS:-2}" = 1 ]; then
  exec .venv/bin/python -m pytest "$@"
fi

logs=$(mktemp -d)
start=$(date +%s)
trap 'kill "${e2e:-}" "${other:-}" 2>/dev/null || true' INT TERM
.venv/bin/python -m pytest tests/e2e tests/property -o cache_dir=.pytest_cache/e2e \
  >"$logs/e2e.log" 2>&1 &
e2e=$!
.venv/bin/python -m pytest --ignore=tests/e2e --ignore=tests/property \
  -o cache_dir=.pytest_cache/other >"$logs/other.log" 2>&1 &
other=$!
e2e_status=0; other_status=0
wait "$e2e" || e2e_status=$?
wait "$other" || other_status=$?
echo "==> browser and property tests (tests/e2e, tests/property): exit $e2e_status"
cat "$logs/e2e.log"
echo "==> all other tests: exit $other_status"
cat "$logs/other.log"
echo "==> whole suite: $(( $(date +%s) - start )) s; browser and property tests exit $e2e_status, others exit $other_status"
rm -rf "$logs"
[ "$e2e_status" = 0 ] && [ "$other_status" = 0 ]
