"""Indicators through time (issue 14): a 15-year series of one indicator for every
département (``timeline.series``, one DuckDB query), beside pandas computing the same
series on the same tables in memory (one boolean mask and groupby per year, the
straightforward way); and the Carte map of a year not seen before (the view's as-of
sets materialised, the indicators, the folium map built and rendered).

Targets (issue 14), at 1.5 M actors: the series ≤ 1 s; the map at a new year ≤ 1 s.
The inventories are demo inventories generated with their histories (closing and stage
years) under their own seed, kept in benchmarks/.cache/ like the others. Both engines
get one untimed warm-up, then the best of three timed runs; their values are compared.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from benchmarks.bench_indicators import warm_best_of
from benchmarks.common import Result, inventory_store, timed
from ecosystem.analysis import timeline
from ecosystem.analysis.view import Filters, View
from ecosystem.render.mapview import MapOptions

NAME = "time"
SIZES = [10_000, 100_000, 1_500_000]
SEED = 14  # demo with histories (issue 14); the other benchmarks' files predate them
YEARS = list(range(2012, 2027))


def load(store, ref) -> dict[str, pd.DataFrame]:
    """The tables the SQL reads, as DataFrames (not timed)."""
    a = store.query(f"SELECT dep, creation_year, closing_year, active "
                    f"FROM {ref.derived('d_actors')}")
    p = store.query(f"SELECT dep, start_year FROM {ref.derived('d_projects')}")
    pop = store.query("SELECT code, population FROM geo_territories WHERE level = 'departement'")
    return {"actors": a, "projects": p, "population": pop.set_index("code").population}


def pandas_series(t: dict, indicator: str) -> pd.DataFrame:
    """actors_per_10k or projects_per_100k per département and year, in pandas."""
    pop = t["population"].astype(float)
    frames = []
    for y in YEARS:
        if indicator == "actors_per_10k":
            a = t["actors"]
            alive = (a.creation_year <= y) & ((a.closing_year > y) |
                                              (a.closing_year.isna() & a.active.fillna(True)))
            n, per = a.dep[alive.fillna(False).astype(bool)].value_counts(), 10_000
        else:
            p = t["projects"]
            n, per = p.dep[(p.start_year <= y).fillna(False).astype(bool)].value_counts(), 100_000
        v = (n.reindex(pop.index).fillna(0) * per / pop).where(pop > 0)
        frames.append(pd.DataFrame({"code": pop.index, "year": y, "value": v.to_numpy()}))
    return pd.concat(frames, ignore_index=True).sort_values(["code", "year"]).reset_index(drop=True)


def run(size: int) -> list[Result]:
    from benchmarks.bench_map import build_and_render

    store, ref = inventory_store(size, seed=SEED)
    view = View(store, ref, Filters())
    target = size >= 1_500_000
    results = []
    with timed() as load_t:
        tables = load(store, ref)
    for indicator in ("actors_per_10k", "projects_per_100k"):
        best, runs, duck = warm_best_of(
            3, lambda: timeline.series(view, indicator, YEARS, "departement"))
        p_best, p_runs, pand = warm_best_of(3, lambda: pandas_series(tables, indicator))
        d = duck.sort_values(["code", "year"]).reset_index(drop=True)
        same = len(d) == len(pand) and (d.code == pand.code).all() and np.allclose(
            d.value.astype(float), pand.value.astype(float), equal_nan=True)
        results.append(Result(
            NAME, f"15-year series of {indicator}, every département ({len(duck):,} points)",
            size, best, baseline=p_best,
            baseline_name="pandas, one mask + groupby per year, tables in memory"
            + ("" if same else " — DIFFERS"),
            target="≤ 1 s" if target else "", ok=(best <= 1.0 and same) if target else
            (None if same else False), extra={"duckdb_runs": runs, "pandas_runs": p_runs,
                                              "same": bool(same)}))
    for indicator in ("funding_growth", "projects_diffusion_per_100k"):
        best, runs, _ = warm_best_of(
            3, lambda: timeline.series(view, indicator, YEARS, "departement"))
        results.append(Result(NAME, f"15-year series of {indicator}, every département", size,
                              best, target="≤ 1 s" if target else "",
                              ok=(best <= 1.0) if target else None, extra={"runs": runs}))
    # Territoires: the territory, its parent and France (three series)
    from ecosystem.render import evolution
    best, runs, _ = warm_best_of(3, lambda: evolution.data(
        view, "actors_per_10k", YEARS, [("departement", "44"), ("region", "52"), None]))
    results.append(Result(NAME, "Territoires evolution chart data (département, région, France)",
                          size, best, extra={"runs": runs}))
    # Carte: every step of the play is a year not seen before
    geo = store.geo
    build_and_render(store, geo, ref, Filters(level="departement"), MapOptions())  # warm
    times = []
    for y in (2014, 2017, 2020, 2023):
        with timed() as t:
            build_and_render(store, geo, ref, Filters(level="departement", as_of=y), MapOptions())
        times.append(t.seconds)
    other = []  # the same map after a filter not seen before: what any rerun costs
    for t_ in ("association", "company", "foundation", "network"):
        with timed() as t:
            build_and_render(store, geo, ref, Filters(level="departement", actor_types=(t_,)),
                             MapOptions())
        other.append(t.seconds)
    results.append(Result(NAME, "map at a new year (France by département, points), worst of 4",
                          size, max(times), baseline=max(other),
                          baseline_name="the same map at a new actor-type filter, worst of 4",
                          target="≤ 1 s" if target else "",
                          ok=(max(times) <= 1.0) if target else None,
                          extra={"runs": times, "filter_runs": other}))
    results.append(Result(NAME, "pandas: load tables (not counted)", size, load_t.seconds))
    return results


if __name__ == "__main__":  # quick look: python -m benchmarks.bench_time 10000
    import sys

    started = time.time()
    for r in run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000):
        print(r.metric, f"{r.value:.3f}", r.baseline, r.ok, r.extra)
    print(f"{time.time() - started:.1f} s")
