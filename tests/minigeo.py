"""A small geography written the way ``scripts/build_geo.py`` writes the real
one (GeoParquet, EPSG:4326), for tests whose answers are worked out by hand.

Each commune is a square given by its lower-left corner; départements, régions
and EPCI are the unions of their communes, with populations and areas summed.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

CRS = "EPSG:4326"


def write_geography(root: Path, communes: list[dict], size: float = 0.1) -> Path:
    """``communes``: dicts with code, name, dep, reg, epci (or None),
    population, area_km2, x, y (lower-left corner of its square, degrees).
    Département and région names are ``Dep <code>`` / ``Reg <code>``."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    com = pd.DataFrame(communes)
    geoms = [shapely.box(r.x, r.y, r.x + size, r.y + size) for r in com.itertuples()]
    com = gpd.GeoDataFrame(com.drop(columns=["x", "y"]), geometry=geoms, crs=CRS)
    pts = com.geometry.representative_point()
    com["lat"], com["lon"] = pts.y, pts.x
    com["boundary_from"] = "source"
    com["population"] = com.population.astype("Int64")
    com[["code", "name", "dep", "reg", "epci", "population", "lat", "lon", "area_km2",
         "boundary_from", "geometry"]].to_parquet(root / "communes.parquet", index=False)
    com[["code", "geometry"]].to_parquet(root / "communes_detail.parquet", index=False)

    def level(key: str, extra: dict) -> gpd.GeoDataFrame:
        part = com[com[key].notna()]
        g = part[[key, "geometry"]].dissolve(by=key).geometry
        agg = part.groupby(key).agg(population=("population", "sum"), n_communes=("code", "size"),
                                    area_km2=("area_km2", "sum"))
        out = gpd.GeoDataFrame(agg, geometry=g.reindex(agg.index), crs=CRS)
        out.insert(0, "code", out.index.astype(str))
        p = out.geometry.representative_point()
        out["lat"], out["lon"] = p.y, p.x
        out["population"] = out.population.astype("Int64")
        out["n_communes"] = out.n_communes.astype("Int64")
        for col, fn in extra.items():
            out[col] = [fn(c, part[part[key] == c]) for c in out.code]
        return out.reset_index(drop=True)

    first = lambda col: (lambda c, rows: rows[col].iloc[0])  # noqa: E731
    level("reg", {"name": lambda c, r: f"Reg {c}", "chef_lieu": first("code")}).to_parquet(
        root / "regions.parquet", index=False)
    level("dep", {"name": lambda c, r: f"Dep {c}", "chef_lieu": first("code"),
                  "reg": first("reg")}).to_parquet(root / "departements.parquet", index=False)
    level("epci", {"name": lambda c, r: f"EPCI {c}", "short_name": lambda c, r: f"EPCI {c}",
                   "kind": lambda c, r: "CC", "dep": first("dep"), "reg": first("reg")}).to_parquet(
        root / "epci.parquet", index=False)
    pd.DataFrame({"alias": pd.Series([], dtype=str), "name": pd.Series([], dtype=str),
                  "kind": pd.Series([], dtype=str), "code": pd.Series([], dtype=str)}).to_parquet(
        root / "aliases.parquet", index=False)
    pd.DataFrame({"postal_code": pd.Series([], dtype=str), "code": pd.Series([], dtype=str)}) \
        .to_parquet(root / "postal_codes.parquet", index=False)
    (root / "meta.json").write_text(json.dumps({"sources": [], "cog": 2025, "test": True}))
    return root
