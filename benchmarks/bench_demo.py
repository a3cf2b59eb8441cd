"""Demo generation: vectorised generator vs a row-by-row Python baseline.

Target (issue 3): 1.5 million actors in one call in ≤ 90 s. The baseline
generates the actors table only, one row at a time with ``random`` (what a
straightforward generator does); it runs at min(size, 100k) actors and its
time is scaled linearly to the size. It builds far less than the real
generator (no projects, partners, fundings…), which flatters it.
"""

from __future__ import annotations

import itertools
import random

import numpy as np

from benchmarks.common import Result, timed
from ecosystem import demo
from ecosystem import vocabulary as voc
from ecosystem.geo import Geography

NAME = "demo"
SIZES = [10_000, 100_000, 1_500_000]


def naive_actors(n: int, geo: Geography, seed: int = 1) -> list[dict]:
    rnd = random.Random(seed)
    com = geo.communes
    codes, names = com.code.tolist(), com.name.tolist()
    cum = list(itertools.accumulate(com.population.fillna(0).tolist()))
    types = list(demo.TYPE_MIX)
    cum_types = list(itertools.accumulate(demo.TYPE_MIX.values()))
    idx = range(len(codes))
    rows = []
    for i in range(n):
        j = rnd.choices(idx, cum_weights=cum)[0]
        typ = rnd.choices(types, cum_weights=cum_types)[0]
        dom = rnd.sample(voc.DOMAINS.codes, rnd.randint(1, 3))
        rows.append({"actor_id": f"A{i:07d}", "name": f"Association {rnd.choice(dom)} {names[j]}",
                     "actor_type": typ, "domains": ";".join(dom), "commune_code": codes[j]})
    return rows


def run(size: int) -> list[Result]:
    geo = Geography()
    geo.communes  # noqa: B018 - load outside the timing
    with timed() as t:
        data = demo.generate(size, geo=geo)
    with timed() as a:
        demo._actors(np.random.default_rng(1), size, geo)
    n_base = min(size, 100_000)
    with timed() as b:
        naive_actors(n_base, geo)
    baseline = b.seconds * size / n_base
    counts = data.counts()
    target = "≤ 90 s" if size >= 1_500_000 else ""
    base_name = f"row-by-row Python actors, {n_base:,} rows" + (" scaled" if n_base < size else "")
    return [
        Result("demo", "whole inventory (all 7 tables)", size, t.seconds, target=target,
               ok=(t.seconds <= 90) if target else None,
               extra={k: int(v) for k, v in counts.items()}),
        Result("demo", "actors table only", size, a.seconds, baseline=baseline,
               baseline_name=base_name),
    ]
