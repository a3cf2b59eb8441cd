"""The view computed once: what a filter change costs on the pages that run many
analyses of one view, with the view cache (:class:`ecosystem.analysis.view.View` reading
sets materialised once) against the same analyses computing the filtered sets
inside every query (the code before the view cache, still the read-only path),
in the same process on the same inventory.

For each of four filter changes (a view not seen before), timed cold:

* Territoires profile rerun: references (territory, parent, France), the four
  breakdowns, top actors and projects, white zones — what the page computes;
* territorial report build: ``report.build`` + HTML + PDF;
* Carte rerun: ``mapview.build`` and the rendering streamlit-folium does.

Each is also timed a second time on the same filters at another level (another page
or a rerun of the same view): the sets are then read from the cache.

Targets at 1.5 M actors: profile ≤ 1 s, report ≤ 1.5 s, map ≤ 0.5 s (worst of the
four). ``python -m benchmarks --only view``.
"""

from __future__ import annotations

import os
import resource
import time

from benchmarks.common import Result, inventory_store, timed
from ecosystem.analysis import indicators as ind
from ecosystem.render import mapview, report
from ecosystem.analysis import territories as terr
from ecosystem.analysis.view import Filters, View
from ecosystem.geo import Geography
from ecosystem.render.mapview import MapOptions

NAME = "view"
SIZES = [10_000, 100_000, 1_500_000]
#: filter changes, each in a territory (the profile and report need one)
CHANGES = [Filters(territory="region:53", actor_types=("association",)),
           Filters(territory="departement:44", domains=("food",)),
           Filters(territory="region:84", stages=("experimentation",)),
           Filters(territory="departement:13", actor_types=("association",), domains=("health",))]
TARGETS = {1_500_000: {"profile": 1.0, "report": 1.5, "map": 0.5}}


def profile(view: View) -> None:
    scope = view.scope
    terr.references(view, scope)
    for d in ("actor_type", "actor_domain", "project_domain", "stage"):
        ind.breakdown(view, d)
    terr.top_actors(view)
    terr.top_projects(view)
    ind.white_zones(view)


def build_report(view: View) -> None:
    r = report.build(view, "fr")
    report.to_html(r)
    report.to_pdf(r)


def map_rerun(view: View, geo) -> None:
    from streamlit_folium import _get_map_string

    m = mapview.build(view, geo, MapOptions()).map
    m.get_root().render()
    _get_map_string(m)


def cpu() -> float:
    """CPU seconds of this process, every thread (DuckDB's included)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class _NoCache:
    """The store with its view cache turned off (sets computed in each query)."""

    def __init__(self, store):
        self._store = store

    def view_sets(self, ref, filters):
        return None

    def __getattr__(self, name):
        return getattr(self._store, name)


def run(size: int) -> list[Result]:
    store, ref = inventory_store(size)
    geo = Geography()
    plain = _NoCache(store)
    warm = View(store, ref, Filters(territory="region:11"))
    profile(warm), build_report(warm), map_rerun(warm, geo)  # templates, fonts, file cache
    out = []
    for what, fn in (("profile", profile), ("report", build_report),
                     ("map", lambda v: map_rerun(v, geo))):
        ours, base, warm, cpu_ours, cpu_base = [], [], [], [], []
        for i, f in enumerate(CHANGES):
            # a level never seen by the cache for this change: cold for both paths
            f = f.with_(level=("departement", "epci", "commune", "region")[i])
            store._views.clear()
            c = cpu()
            with timed() as t:
                fn(View(plain, ref, f))
            base.append(t.seconds)
            cpu_base.append(round(cpu() - c, 3))
            c = cpu()
            with timed() as t:
                fn(View(store, ref, f))
            ours.append(t.seconds)
            cpu_ours.append(round(cpu() - c, 3))
            with timed() as t:  # the same view again (another page, or a rerun): sets cached
                fn(View(store, ref, f.with_(level="region")))
            warm.append(t.seconds)
        target = TARGETS.get(size, {}).get(what)
        label = {"profile": "Territoires profile rerun", "report": "territorial report build (HTML + PDF)",
                 "map": "Carte rerun (build + render)"}[what]
        out.append(Result(NAME, f"{label}, worst of {len(CHANGES)} filter changes", size, max(ours),
                          baseline=max(base), baseline_name="sets computed in every query",
                          target=f"≤ {target:g} s" if target else "",
                          ok=(max(ours) <= target) if target else None,
                          extra={"runs": ours, "baseline_runs": base,
                                 # CPU seconds of all threads: readable on a loaded machine
                                 "cpu_runs": cpu_ours, "baseline_cpu_runs": cpu_base,
                                 "load": [round(x, 1) for x in os.getloadavg()]}))
        out.append(Result(NAME, f"{label}, same filters again (sets cached)", size, max(warm),
                          baseline=max(base), baseline_name="sets computed in every query",
                          extra={"runs": warm}))
    return out


if __name__ == "__main__":  # quick look: python -m benchmarks.bench_view 10000
    import sys

    started = time.time()
    for r in run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000):
        print(f"{r.metric:<70} {r.value:7.3f} s  (baseline {r.baseline:.3f}, ×{r.ratio:.2f}) {r.target}")
        if "cpu_runs" in r.extra:
            print(f"    CPU s, ours {r.extra['cpu_runs']}  baseline {r.extra['baseline_cpu_runs']}  "
                  f"load {r.extra['load']}")
    print(f"{time.time() - started:.1f} s")
