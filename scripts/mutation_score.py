"""Mutation score of one module from `mutmut results --all true` on stdin.

score = (killed + timeout) / (total - equivalent). The equivalent mutants are the lines
``MODULE NAME  reason`` of scripts/mutation_equivalent.txt; a listed name that mutmut no
longer generates is reported (its function changed: look at it again).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path


def main(module: str, equivalent_file: str) -> int:
    status: dict[str, str] = {}
    for line in sys.stdin:
        name, sep, state = line.strip().rpartition(": ")
        if sep and name:
            status[name] = state
    equivalent = {}
    for line in Path(equivalent_file).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            mod, name, *reason = line.split(maxsplit=2)
            if mod == module:
                equivalent[name] = reason[0] if reason else ""
    stale = sorted(n for n in equivalent if n not in status)
    counts = Counter(state for name, state in status.items() if name not in equivalent)
    total = sum(counts.values())
    detected = counts["killed"] + counts["timeout"]
    print(f"{module}: {len(status)} mutants, {len(equivalent) - len(stale)} equivalent listed, "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if total:
        print(f"{module}: score {detected}/{total} = {100 * detected / total:.1f} %")
    ran = total - counts["not checked"]
    if ran and counts["not checked"]:  # a partial run: the score of what ran
        print(f"{module}: score of the {ran} mutants run {detected}/{ran} = "
              f"{100 * detected / ran:.1f} % ({counts['not checked']} not run)")
    by_function: dict[str, Counter] = {}
    for name, state in status.items():
        function = name.rsplit("__mutmut_", 1)[0].rsplit(".x_", 1)[-1]
        by_function.setdefault(function, Counter())[
            "equivalent" if name in equivalent else state] += 1
    for function, c in sorted(by_function.items()):
        run = sum(c.values()) - c["equivalent"] - c["not checked"]
        print(f"  {function}: {c['killed'] + c['timeout']}/{run} killed of those run, "
              f"{c['equivalent']} equivalent, {c['not checked']} not run "
              f"({sum(c.values())} mutants)")
    for name, state in sorted(status.items()):
        if name not in equivalent and state not in ("killed", "timeout"):
            print(f"    {name}: {state}")
    for name in stale:
        print(f"    listed as equivalent but not generated any more: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
