#!/usr/bin/env bash
# Mutation testing (mutmut 3) of one module at a time, against the tests that exercise it.
#
#   scripts/mutation.sh MODULE                        fresh run of every mutant, then the score
#   scripts/mutation.sh MODULE run 'NAME*' ...        rerun only those mutants (after a new test)
#   scripts/mutation.sh MODULE resume                 run only the mutants without a result: never
#                                                     run, or of a function whose source changed
#                                                     (mutmut keeps a hash per function and forgets
#                                                     the results of the changed ones)
#   scripts/mutation.sh MODULE survivors              rerun only the mutants not killed yet
#                                                     (after adding tests: a killed mutant
#                                                     stays killed when tests are only added)
#   scripts/mutation.sh MODULE score                  print the score of the last run
#   scripts/mutation.sh MODULE show NAME              show one mutant's diff
#
# MODULE: indicators | view | exports | safe | checks.
# Each module gets its own working folder .mutation/MODULE/ (links to ecosystem/, tests/,
# data/ and a setup.cfg written here), so mutmut's mutants/ copy and cache of results
# stay apart per module and nothing mutmut writes lands in the worktree.
# Score = (killed + timeout) / (total - equivalent), where the equivalent mutants are
# the names listed for the module in scripts/mutation_equivalent.txt (with the reason).
# MUTATION_CHILDREN (default 1) sets mutmut's --max-children: the machine is shared.
# MUTATION_TIMEOUT_MULTIPLIER (default 60) sets mutmut's timeout_multiplier (see below).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULE="${1:-}"
case "$MODULE" in
  indicators) SOURCE=ecosystem/analysis/indicators.py
              TESTS="tests/test_indicators.py tests/test_indicators_doc.py" ;;
  view)       SOURCE=ecosystem/analysis/view.py
              TESTS="tests/test_view.py tests/test_view_filters.py tests/test_filter_choices.py
                    tests/test_view_zoning.py" ;;
  exports)    SOURCE=ecosystem/render/exports.py
              TESTS="tests/test_exports.py tests/ingest/test_exports_cli.py" ;;
  safe)       SOURCE=ecosystem/render/safe.py
              TESTS="tests/test_safe.py" ;;
  checks)     SOURCE=ecosystem/ingest/checks.py
              # the fast unit tests of checks first; the CLI continuation test (a whole
              # import into a store, 5-7 s each) is left out: test_continuation's
              # in-process tests reach the same code
              TESTS="tests/ingest/test_checks_sql.py tests/ingest/test_checks_controls_once.py
                    tests/ingest/test_checks.py tests/ingest/test_controls.py tests/ingest/test_continuation.py
                    --deselect tests/ingest/test_continuation.py::test_cli_continuation_option" ;;
  *) echo "usage: $0 indicators|view|exports|safe|checks [score|show NAME|mutmut run args]" >&2
     exit 2 ;;
esac
shift

PY="$ROOT/.venv/bin/python"
MUTMUT="$ROOT/.venv/bin/mutmut"
WORK="$ROOT/.mutation/$MODULE"
mkdir -p "$WORK"
for link in ecosystem tests data static app.py pages scripts docs pytest.ini; do
  [ -e "$WORK/$link" ] || ln -s "$ROOT/$link" "$WORK/$link"
done
{
  echo "[mutmut]"
  echo "source_paths = ecosystem"
  echo "only_mutate = $SOURCE"
  echo "also_copy ="
  for extra in data static app.py pages scripts docs pytest.ini; do echo "    $extra"; done
  echo "pytest_add_cli_args_test_selection ="
  for t in $TESTS; do echo "    $t"; done
  # mutmut stops a mutant's tests after (estimated + 1) x multiplier seconds of wall clock
  # and counts it as detected ("timeout"); the estimate is measured once, and on a shared
  # machine whose load grows 10-20x later a surviving mutant overran its default 15x
  # (view.py, 2026-12-07): a larger multiplier keeps timeouts for real hangs only
  echo "timeout_multiplier = ${MUTATION_TIMEOUT_MULTIPLIER:-60}"
  echo "pytest_add_cli_args ="
  echo "    -p"
  echo "    no:cacheprovider"
} > "$WORK/setup.cfg.new"
# a changed config invalidates mutmut's cache: only rewrite it when it changed
cmp -s "$WORK/setup.cfg.new" "$WORK/setup.cfg" 2>/dev/null && rm "$WORK/setup.cfg.new" \
  || mv "$WORK/setup.cfg.new" "$WORK/setup.cfg"

# mutmut copies tests/ once, when it makes mutants/: a rerun of some mutants after new
# tests were written must see them
sync_tests() {
  [ -d "$WORK/mutants/tests" ] && cp -r "$ROOT/tests/." "$WORK/mutants/tests/"
  return 0
}

score() {
  cd "$WORK"
  "$MUTMUT" results --all true 2>/dev/null | "$PY" "$ROOT/scripts/mutation_score.py" \
    "$MODULE" "$ROOT/scripts/mutation_equivalent.txt"
}

case "${1:-run}" in
  score) score ;;
  show)  cd "$WORK" && "$MUTMUT" show "$2" ;;
  resume)
    sync_tests
    (cd "$WORK" && "$MUTMUT" run --max-children "${MUTATION_CHILDREN:-1}" > run.log 2>&1) \
      || { tail -c 3000 "$WORK/run.log"; echo; echo "mutmut run failed (log: $WORK/run.log)" >&2; exit 1; }
    score ;;
  survivors)
    mapfile -t names < <(cd "$WORK" && "$MUTMUT" results 2>/dev/null | sed -n 's/^ *\([^ :]*\): .*/\1/p')
    [ ${#names[@]} -eq 0 ] && { score; exit 0; }
    sync_tests
    (cd "$WORK" && "$MUTMUT" run --max-children "${MUTATION_CHILDREN:-1}" "${names[@]}" > run.log 2>&1) \
      || { tail -c 3000 "$WORK/run.log"; echo; echo "mutmut run failed (log: $WORK/run.log)" >&2; exit 1; }
    score ;;
  *)
    [ "${1:-}" = run ] && shift
    # no names: start from scratch, so no result is kept from older tests
    [ $# -eq 0 ] && rm -rf "$WORK/mutants"
    sync_tests
    # mutmut's progress spinner goes to .mutation/MODULE/run.log
    (cd "$WORK" && "$MUTMUT" run --max-children "${MUTATION_CHILDREN:-1}" "$@" > run.log 2>&1) \
      || { tail -c 3000 "$WORK/run.log"; echo; echo "mutmut run failed (log: $WORK/run.log)" >&2; exit 1; }
    tail -c 200 "$WORK/run.log" | tr '\r' '\n' | grep -a "mutations/second" || true
    score ;;
esac
