"""User zonings: placing located actors in a 2,000-polygon zoning.

The zoning is made of real boundaries: the 34,875 communes (detailed boundaries
of data/geo) grouped into 2,000 zones around 2,000 seed communes (each commune
joins its nearest seed), dissolved and validated by ``zonings.from_polygons`` —
shaped like a user's zones d'emploi or project territories, with their real
edges. Points are drawn in communes with probability proportional to their
population and spread around their centre, like located actors.

Measured: the validation of the 2,000 zones (reprojection, repairs, overlaps and
gaps); placing ``size`` points with ``zonings.assign_points`` (coordinates
bucketed in a grid, each zone prepared and tested with ``shapely.contains_xy``: no
point objects), with ``zonings.assign_sjoin`` (GeoPandas ``sjoin``), and the
baseline a user would write with shapely alone — point objects queried against an
STRtree of the zones with ``predicate="within"`` (DuckDB's spatial extension is
not installed here) — all three in the same run, with the same answers checked;
and, up to 100 k, the whole placement of a demo inventory stored in DuckDB
(``storage.zonings.assign``: read, place, write the assignment tables).

Target (issue 14): 1.5 M located actors in a 2,000-polygon zoning ≤ 10 s.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from benchmarks.common import Result, timed

NAME = "zonings"
SIZES = [100_000, 1_500_000]
N_ZONES = 2000
STORE_UP_TO = 100_000


def zoning_frame(geo, n_zones: int = N_ZONES, seed: int = 14):
    """A GeoDataFrame of ``n_zones`` zones made of whole communes (WGS84)."""
    import geopandas as gpd

    try:  # detailed boundaries when data/geo has them, else the display ones
        df = geo._read("communes_detail.parquet")
        shapes = pd.Series(shapely.from_wkb(df.geometry.values), index=df.code.values)
    except Exception:  # noqa: BLE001 - another data/geo layout
        shapes = geo.shapes("commune")
    communes = geo.communes.loc[geo.communes.index.isin(shapes.index)]
    rng = np.random.default_rng(seed)
    seeds = communes.iloc[rng.choice(len(communes), n_zones, replace=False)]
    tree = shapely.STRtree(shapely.points(seeds.lon, seeds.lat))
    nearest = tree.query_nearest(shapely.points(communes.lon, communes.lat), return_distance=False,
                                 all_matches=False)[1]
    gdf = gpd.GeoDataFrame({"zone": [f"Z{i:04d}" for i in nearest]},
                           geometry=shapes.reindex(communes.index).to_numpy(), crs="EPSG:4326")
    try:
        zones = gdf.dissolve(by="zone", method="coverage").reset_index()
    except shapely.errors.GEOSException:  # detailed boundaries overlap by a hair
        zones = gdf.dissolve(by="zone").reset_index()
    zones["name"] = zones.zone
    return zones


def points(geo, n: int, seed: int = 15) -> tuple[np.ndarray, np.ndarray]:
    c = geo.communes.dropna(subset=["lat", "lon"])
    rng = np.random.default_rng(seed)
    p = c.population.clip(lower=1).to_numpy(dtype=float)
    pick = rng.choice(len(c), n, p=p / p.sum())
    spread = np.sqrt(c.area_km2.fillna(1).to_numpy()[pick]) / 111.0 * 0.3
    lon = c.lon.to_numpy()[pick] + rng.normal(0, 1, n) * spread
    lat = c.lat.to_numpy()[pick] + rng.normal(0, 1, n) * spread
    return lon, lat


def run(size: int) -> list[Result]:
    from ecosystem import zonings
    from ecosystem.geo import Geography

    geo = Geography()
    out = []
    with timed() as t:
        frame = zoning_frame(geo)
    out.append(Result(NAME, f"build {N_ZONES} zones from communes (not counted)", size, t.seconds))
    with timed() as t:
        zoning = zonings.from_polygons(frame, "zone", "name")
    out.append(Result(NAME, f"validate {N_ZONES} zones (repairs, overlaps, gaps, display)", size,
                      t.seconds, extra={"issues": len(zoning.issues)}))
    shapes = pd.Series(zoning.zones.geometry.to_numpy(), index=zoning.zones.code.to_numpy())
    lon, lat = points(geo, size)
    with timed() as t:
        got = zonings.assign_points(shapes, lon, lat)
    placed = int((got != None).sum())  # noqa: E711 - numpy element test
    with timed() as g:
        by_sjoin = zonings.assign_sjoin(shapes, lon, lat)
    with timed() as b:
        base = zonings.assign_baseline(shapes, lon, lat)
    same = bool((got == base).all() and (got == by_sjoin).all())
    target = "≤ 10 s" if size == 1_500_000 else ""
    out.append(Result(NAME, f"place {size:,} points in {N_ZONES} zones (grid + contains_xy)", size,
                      t.seconds, baseline=b.seconds,
                      baseline_name="shapely STRtree of the zones, points queried with within",
                      target=target, ok=(t.seconds <= 10) if target else None,
                      extra={"placed": placed, "same_answers": same}))
    out.append(Result(NAME, f"place {size:,} points in {N_ZONES} zones (GeoPandas sjoin)", size,
                      g.seconds, baseline=b.seconds,
                      baseline_name="shapely STRtree of the zones, points queried with within",
                      extra={"placed": int((by_sjoin != None).sum())}))  # noqa: E711
    if size <= STORE_UP_TO:
        from benchmarks.common import inventory_store
        from ecosystem.storage import zonings as zstore

        store, ref = inventory_store(size)
        name = f"bench-{N_ZONES}"
        found = zstore.listing(store)
        zid = int(found.set_index("name").id[name]) if name in found.name.tolist() else \
            zstore.add(store, name, zoning)
        with timed() as t:
            counts = zstore.assign(store, ref, zid)
        out.append(Result(NAME, f"place a stored {size:,}-actor inventory (read, place, write)",
                          size, t.seconds, extra=counts))
        store.close()
    return out
