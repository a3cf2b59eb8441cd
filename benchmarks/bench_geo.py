"""Geography before and after the GeoPandas build (issue 14): the GeoParquet
files of ``data/geo`` against the plain-Parquet files of an earlier commit, in
the same run, on the same inventory.

* load: ``Geography()`` tables, display geometries and the point-in-polygon
  index (what the app's first map and first import pay), cold, best of five;
* locate: ``Geography.locate`` on 200,000 points (commune centres jittered by
  up to ~2 km, fixed seed), best of seven, and how many points land in the
  same commune with both geographies;
* map build: ``mapview.build`` + streamlit-folium's rendering for the views of
  :mod:`benchmarks.bench_map` on the 10k demo inventory, best of three.
  Before and after runs alternate; times are CPU seconds (see :func:`pair`).
  Target: no slowdown beyond 10 %.

``python -m benchmarks.bench_geo [SIZE] [--before REV]`` (default: 10000 and
the commit before GeoParquet, ``6ddeaa4``); through the runner:
``python -m benchmarks --only geo``.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import ROOT, Result, inventory_store
from ecosystem.geo import FILES, Geography

NAME = "geo"
SIZES = [10_000]
BEFORE = "6ddeaa4"
N_POINTS = 200_000
TARGET = 1.10  # at most 10 % slower than before


def geography_at(rev: str, out: Path) -> Path:
    """``data/geo`` as it was at ``rev`` (files read from git, not checked out)."""
    out.mkdir(parents=True, exist_ok=True)
    for name in [*FILES.values(), "communes_detail.parquet", "aliases.parquet",
                 "postal_codes.parquet", "meta.json"]:
        blob = subprocess.run(["git", "show", f"{rev}:data/geo/{name}"], cwd=ROOT,
                              capture_output=True, check=True).stdout
        (out / name).write_bytes(blob)
    return out


def load(root) -> Geography:
    g = Geography(root)
    g.table("epci"), g.shapes("commune"), g._locator  # noqa: B018 - what a first map/import reads
    return g


def pair(before, after, n: int) -> tuple[float, float]:
    """Best of ``n`` CPU times (all threads of this process) for each, alternating
    runs. CPU time, not wall time: on a shared machine the wall time of identical
    runs varied threefold, the CPU time by a few per cent."""
    times: tuple[list, list] = ([], [])
    for _ in range(n):
        for fn, out in ((before, times[0]), (after, times[1])):
            start = time.process_time()
            fn()
            out.append(time.process_time() - start)
    return min(times[0]), min(times[1])


def points(geo: Geography, n: int, seed: int = 14):
    rng = np.random.default_rng(seed)
    com = geo.communes.dropna(subset=["lon", "lat"])
    pick = com.iloc[rng.integers(0, len(com), n)]
    return (pick.lon.to_numpy() + rng.uniform(-0.02, 0.02, n),
            pick.lat.to_numpy() + rng.uniform(-0.02, 0.02, n))


def run(size: int, before: str = BEFORE) -> list[Result]:
    from benchmarks.bench_map import VIEWS, build_and_render

    out = []
    with tempfile.TemporaryDirectory(prefix="geo-before-") as tmp:
        old_root = geography_at(before, Path(tmp) / "geo")
        new_root = ROOT / "data" / "geo"
        t_old, t_new = pair(lambda: load(old_root), lambda: load(new_root), 5)
        out.append(Result(NAME, "geography load (tables, display shapes, locator)", size, t_new,
                          baseline=t_old, baseline_name=f"plain Parquet ({before})",
                          target="≤ +10 %", ok=t_new <= TARGET * t_old))
        old, new = load(old_root), load(new_root)
        lon, lat = points(new, N_POINTS)
        l_old, l_new = pair(lambda: old.locate(lon, lat), lambda: new.locate(lon, lat), 7)
        a, b = old.locate(lon, lat), new.locate(lon, lat)
        same = float(np.mean([x == y for x, y in zip(a, b)]))
        out.append(Result(NAME, f"geo.locate, {N_POINTS:,} points", size, l_new, baseline=l_old,
                          baseline_name=f"plain Parquet ({before})", target="≤ +10 %",
                          ok=l_new <= TARGET * l_old,
                          extra={"same_commune_share": round(same, 6),
                                 "located_before": int(sum(x is not None for x in a)),
                                 "located_after": int(sum(x is not None for x in b))}))
        store, ref = inventory_store(size)
        total_old = total_new = 0.0
        for label, (f, o) in VIEWS.items():
            build_and_render(store, new, ref, f, o)  # warm the view cache for both
            t_o, t_n = pair(lambda: build_and_render(store, old, ref, f, o),
                            lambda: build_and_render(store, new, ref, f, o), 3)
            total_old += t_o
            total_new += t_n
            out.append(Result(NAME, f"map build + render: {label}", size, t_n, baseline=t_o,
                              baseline_name=f"plain Parquet ({before})"))
        out.append(Result(NAME, "map build + render, all five views", size, total_new,
                          baseline=total_old, baseline_name=f"plain Parquet ({before})",
                          target="≤ +10 %", ok=total_new <= TARGET * total_old))
        sizes = {p.name: p.stat().st_size for p in new_root.iterdir()}
        old_sizes = {p.name: p.stat().st_size for p in old_root.iterdir()}
        out.append(Result(NAME, "data/geo size", size, sum(sizes.values()) / 1e6, unit="MB",
                          baseline=sum(old_sizes.values()) / 1e6,
                          baseline_name=f"plain Parquet ({before})"))
    return out


if __name__ == "__main__":
    import sys

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rev = sys.argv[sys.argv.index("--before") + 1] if "--before" in sys.argv else BEFORE
    if rev in args:
        args.remove(rev)
    for r in run(int(args[0]) if args else 10_000, rev):
        base = f"(before {r.baseline:.3f}, ×{r.ratio:.2f} faster)" if r.ratio else ""
        print(f"{r.metric:<60} {r.value:8.3f} {r.unit:2} {base} {r.target} "
              f"{'' if r.ok is None else ('OK' if r.ok else 'MISSED')} {r.extra or ''}")
