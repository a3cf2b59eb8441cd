"""Peer territories (issue 14): the 5 nearest territories of the same level on
the context variables, for 50 territories of each level, against a brute-force
pandas computation in the same run (every variable rebuilt, the whole distance
column sorted). Target: a commune's peers in ≤ 0.5 s.

The first search of a level also builds that level's context table (cached for
the process, as in the app): it is timed apart ("first search").

``python -m benchmarks.bench_peers``; through the runner ``python -m benchmarks
--only peers``. Peers depend on the geography only: the size is ignored.
"""

from __future__ import annotations

import numpy as np

from benchmarks.common import Result, timed
from ecosystem.analysis import peers
from ecosystem.geo import LEVELS, Geography

NAME = "peers"
SIZES = [10_000]
TARGET = 0.5
N = 50


def run(size: int) -> list[Result]:
    geo = Geography()
    geo.communes, geo.table("epci")  # noqa: B018 - geography loaded before timing
    rng = np.random.default_rng(14)
    out = []
    for level in LEVELS:
        codes = geo.table(level).code.to_numpy()
        sample = rng.choice(codes, size=min(N, len(codes)), replace=False)
        with timed() as first:
            peers.explained(geo, level, sample[0], k=5)
        ours, base = [], []
        for code in sample:
            with timed() as t:
                fast = peers.explained(geo, level, code, k=5)
            ours.append(t.seconds)
            with timed() as t:
                slow = peers.brute_force(geo, level, code, k=5)
            base.append(t.seconds)
            if fast.code.tolist() != slow:
                raise AssertionError(f"{level} {code}: {fast.code.tolist()} != {slow}")
        worst = max(ours)
        target = TARGET if level == "commune" else None
        out.append(Result(NAME, f"peers of a {level} (k=5, with explanations), worst of {len(sample)}",
                          size, worst, baseline=max(base), baseline_name="brute-force pandas",
                          target=f"≤ {TARGET:g} s" if target else "",
                          ok=(worst <= target) if target else None,
                          extra={"median": float(np.median(ours)),
                                 "baseline_median": float(np.median(base))}))
        out.append(Result(NAME, f"first {level} search (context table built)", size,
                          first.seconds, target=f"≤ {TARGET:g} s" if target else "",
                          ok=(first.seconds <= target) if target else None))
    return out


if __name__ == "__main__":
    for r in run(10_000):
        base = f"(brute force {r.baseline:.4f}, ×{r.ratio:.1f})" if r.baseline else ""
        print(f"{r.metric:<66} {r.value:8.4f} s {base} {r.target} "
              f"{'' if r.ok is None else ('OK' if r.ok else 'MISSED')}")
