"""Offline geocoding with the shipped geography: every record in a current commune, or a reason.

Methods, tried in this order for each record (the first that succeeds wins):

1. ``commune_code`` — the code is a current commune (after the lost leading
   zero is put back); ``old_code`` — a former, delegated or associated
   commune, or a municipal arrondissement, mapped to today's commune.
2. ``coordinates`` — WGS84 latitude/longitude, or projected x/y converted by
   pyproj (Lambert-93 EPSG:2154 in mainland France and Corsica, UTM 20N
   EPSG:5490 in the Antilles, UTM 22N EPSG:2972 in Guyane, UTM 40S EPSG:2975
   at La Réunion, UTM 38S EPSG:4471 at Mayotte), placed by point in polygon.
3. ``postal_city`` — the postal code's communes, the city name matched with
   rapidfuzz (current and former names, score ≥ 85); ``postal_code`` — a
   postal code with a single commune; ``city_name`` — a city name alone,
   unique in France (or in the postal code's département for CEDEX codes).

Records placed by a code or a name get their commune's representative point
as coordinates (``geo_method`` says how precise they are). Everything runs on
distinct values: the records a current code places are joined to the
communes in SQL (:func:`locate` only takes the others), Python only sees
distinct coordinates and distinct (postal code, city) pairs.

Reasons reported when a method fails (:data:`REASONS`): ``code_unknown``,
``coords_invalid``, ``coords_outside``, ``postal_unknown``, ``city_unmatched``,
``postal_ambiguous``, ``city_unknown``, ``city_ambiguous``, ``no_location``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import pyproj
import shapely
from rapidfuzz import fuzz, process

from ecosystem.geo import Geography, normalize_name
from ecosystem.ingest.sql import ident

METHODS = ("commune_code", "old_code", "coordinates", "postal_city", "postal_code", "city_name",
           "none")
REASONS = ("code_unknown", "coords_invalid", "coords_outside", "postal_unknown", "city_unmatched",
           "postal_ambiguous", "city_unknown", "city_ambiguous", "no_location")
CITY_SCORE = 85
#: a record whose commune code and coordinates disagree is placed by its point when the
#: point lies in France farther than this from the declared commune (docs/import.md)
MISMATCH_KM = 1.0
EARTH_KM = 6371.0088

#: CRS of projected coordinates by département (SIRENE's rule), the rest is Lambert-93
DEP_CRS = {"971": 5490, "972": 5490, "977": 5490, "978": 5490, "973": 2972, "974": 2975,
           "976": 4471}
#: when no département is known: the CRS whose usual range holds the point
CRS_RANGES = (  # epsg, xmin, xmax, ymin, ymax
    (2154, 50_000, 1_300_000, 6_000_000, 7_200_000),
    (5490, 400_000, 800_000, 1_500_000, 2_100_000),
    (2972, 50_000, 500_000, 150_000, 700_000),
    (2975, 280_000, 400_000, 7_600_000, 7_720_000),
    (4471, 480_000, 550_000, 8_540_000, 8_630_000),
)


@lru_cache(maxsize=None)
def _transformer(epsg: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(epsg, 4326, always_xy=True)


def crs_for(x: np.ndarray, y: np.ndarray, dep: np.ndarray | None = None,
            fixed: int | None = None) -> np.ndarray:
    """EPSG code of each projected point: fixed, else by département, else by range."""
    out = np.zeros(len(x), dtype=np.int64)
    if fixed:
        out[:] = fixed
        return out
    if dep is not None:
        for d, epsg in DEP_CRS.items():
            out[dep == d] = epsg
        known = np.array([isinstance(d, str) and len(d) >= 2 for d in dep], dtype=bool)
        out[(out == 0) & known] = 2154
    for epsg, x0, x1, y0, y1 in CRS_RANGES:
        hit = (out == 0) & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
        out[hit] = epsg
    return out


def project(x, y, dep=None, fixed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Projected coordinates to WGS84 (lon, lat); NaN where no CRS applies."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    lon = np.full(len(x), np.nan)
    lat = np.full(len(x), np.nan)
    epsg = crs_for(x, y, None if dep is None else np.asarray(dep, dtype=object), fixed)
    for code in np.unique(epsg):
        if code == 0:
            continue
        m = epsg == code
        lon[m], lat[m] = _transformer(int(code)).transform(x[m], y[m])
    return lon, lat


# ------------------------------------------------------------------ postal code and city

class PlaceNames:
    """Commune names for matching: current, former, delegated (keys normalised)."""

    def __init__(self, geo: Geography):
        idx = geo.names_index
        self.geo = geo
        self.by_key = idx.groupby("key").code.agg(lambda s: sorted(set(s))).to_dict()
        idx = idx.assign(dep=idx.code.str[:2].where(~idx.code.str.startswith("97"), idx.code.str[:3]))
        self.by_dep = {d: list(zip(g.key, g.code)) for d, g in idx.groupby("dep")}
        self.by_code: dict[str, list[str]] = idx.groupby("code").key.agg(list).to_dict()

    @staticmethod
    def dep_of_postal(postal: str) -> list[str]:
        if postal.startswith("97"):
            return [postal[:3]]
        if postal.startswith("20"):
            return ["2A", "2B"]
        return [postal[:2]]

    def _in(self, key: str, pairs: list[tuple[str, str]]) -> tuple[str | None, str | None]:
        exact = sorted({c for k, c in pairs if k == key})
        if len(exact) == 1:
            return exact[0], None
        if len(exact) > 1:
            return None, "city_ambiguous"
        keys = list({k for k, _ in pairs})
        best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=CITY_SCORE)
        if best is None:
            return None, "city_unknown"
        codes = sorted({c for k, c in pairs if k == best[0]})
        return (codes[0], None) if len(codes) == 1 else (None, "city_ambiguous")

    def match(self, postal: str | None, city: str | None) -> tuple[str | None, str, str | None]:
        """(commune code, method, reason) for one (postal code, city) pair."""
        key = normalize_name(city) if city else ""
        if postal:
            cands = self.geo.communes_for_postal_code(postal)
            if cands:
                if key:
                    pairs = [(k, c) for c in cands for k in self.by_code.get(c, [])]
                    code, _ = self._in(key, pairs)
                    if code:
                        return code, "postal_city", None
                    if len(cands) == 1:
                        return cands[0], "postal_code", "city_unmatched"
                    return None, "none", "city_unmatched"
                if len(cands) == 1:
                    return cands[0], "postal_code", None
                return None, "none", "postal_ambiguous"
            if key:  # CEDEX and unknown postal codes: the city in the postal code's département
                pairs = [p for d in self.dep_of_postal(postal) for p in self.by_dep.get(d, [])]
                code, _ = self._in(key, pairs)
                if code:
                    return code, "city_name", "postal_unknown"
            return None, "none", "postal_unknown"
        if key:
            codes = self.by_key.get(key, [])
            if len(codes) == 1:
                return codes[0], "city_name", None
            return None, "none", "city_ambiguous" if codes else "city_unknown"
        return None, "none", "no_location"


_NAMES: dict[int, PlaceNames] = {}


def place_names(geo: Geography) -> PlaceNames:
    """The name index of a geography, built once per process."""
    key = id(geo)
    if key not in _NAMES or _NAMES[key].geo is not geo:
        _NAMES[key] = PlaceNames(geo)
    return _NAMES[key]


# ------------------------------------------------------------------ the whole table

@dataclass
class GeoReport:
    total: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, int] = field(default_factory=dict)     # unplaced records
    fallbacks: dict[str, int] = field(default_factory=dict)     # placed after a failed method

    @property
    def placed(self) -> int:
        return self.total - self.by_method.get("none", 0)

    @property
    def share_placed(self) -> float:
        return self.placed / self.total if self.total else 0.0


def register_geography(con, geo: Geography) -> None:
    """Current communes (with their point) and aliases as tables of the pipeline."""
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "geo_c" not in have:
        communes = geo.communes.reset_index(drop=True)[["code", "lat", "lon"]]
        con.register("_gc", communes)
        con.execute("CREATE TABLE geo_c AS SELECT code, lat, lon FROM _gc")
        con.unregister("_gc")
    if "geo_alias" not in have:
        aliases = geo.aliases[["alias", "code"]].drop_duplicates("alias")
        con.register("_ga", aliases)
        con.execute("CREATE TABLE geo_alias AS SELECT alias, code FROM _ga")
        con.unregister("_ga")


def geocode(con, geo: Geography, norm: str, out: str, columns: set[str], crs: str = "auto",
            names: PlaceNames | None = None) -> None:
    """Create table ``out`` (_row, commune_code, geo_method, lat, lon, geo_reason) from the
    normalised table ``norm`` (text columns named like the model's, plus _x, _y)."""
    register_geography(con, geo)
    t = ident(norm)
    has = columns.__contains__
    code = "n.commune_code" if has("commune_code") else "NULL"
    # 1. codes, in SQL
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _g1 AS
        SELECT n._row, {code} AS src_code,
               coalesce(c.code, a.code) AS code1,
               CASE WHEN c.code IS NOT NULL THEN 'commune_code'
                    WHEN a.code IS NOT NULL THEN 'old_code' END AS method1
               {", TRY_CAST(n.lat AS DOUBLE) AS lat0, TRY_CAST(n.lon AS DOUBLE) AS lon0" if has("lat") and has("lon") else ", NULL::DOUBLE AS lat0, NULL::DOUBLE AS lon0"}
               {", TRY_CAST(n._x AS DOUBLE) AS x0, TRY_CAST(n._y AS DOUBLE) AS y0" if has("_x") and has("_y") else ", NULL::DOUBLE AS x0, NULL::DOUBLE AS y0"}
               {", n.postal_code AS postal" if has("postal_code") else ", NULL::VARCHAR AS postal"}
               {", n.city AS city" if has("city") else ", NULL::VARCHAR AS city"}
        FROM {t} n
        LEFT JOIN geo_c c ON c.code = {code}
        LEFT JOIN geo_alias a ON a.alias = {code}""")
    # 2. projected coordinates → WGS84 (distinct points), then point in polygon
    if has("_x") and has("_y"):
        pts = con.execute("SELECT DISTINCT x0, y0, left(coalesce(code1, src_code), 3) AS dep "
                          "FROM _g1 WHERE x0 IS NOT NULL AND y0 IS NOT NULL AND lat0 IS NULL").df()
        if len(pts):
            fixed = None
            if crs not in ("auto", "sirene"):
                fixed = int(str(crs).split(":")[-1])
            dep = pts.dep.where(pts.dep.notna(), None).to_numpy(dtype=object)
            dep = np.array([d if isinstance(d, str) and d.startswith("97") else
                            (d[:2] if isinstance(d, str) else None) for d in dep], dtype=object)
            pts["lon"], pts["lat"] = project(pts.x0, pts.y0, dep, fixed)
            con.register("_proj", pts)
            con.execute("""CREATE OR REPLACE TEMP TABLE _g1 AS SELECT g.* REPLACE (
                              coalesce(g.lat0, p.lat) AS lat0, coalesce(g.lon0, p.lon) AS lon0)
                           FROM _g1 g LEFT JOIN _proj p ON p.x0 = g.x0 AND p.y0 = g.y0
                             AND p.dep IS NOT DISTINCT FROM left(coalesce(g.code1, g.src_code), 3)""")
            con.unregister("_proj")
    valid = "lat0 BETWEEN -90 AND 90 AND lon0 BETWEEN -180 AND 180"
    pts = con.execute(f"SELECT DISTINCT lat0, lon0 FROM _g1 WHERE code1 IS NULL AND {valid}").df()
    pts["code"] = geo.locate(pts.lon0.to_numpy(), pts.lat0.to_numpy()) if len(pts) else []
    pts = pts.astype({"code": "object"})
    con.register("_pts", pts)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _g2 AS
        SELECT g.*, p.code AS code2,
               CASE WHEN g.lat0 IS NULL AND g.lon0 IS NULL THEN NULL
                    WHEN NOT ({valid.replace('lat0', 'g.lat0').replace('lon0', 'g.lon0')})
                         OR g.lat0 IS NULL OR g.lon0 IS NULL THEN 'coords_invalid'
                    WHEN p.code IS NULL AND g.code1 IS NULL THEN 'coords_outside' END AS reason2
        FROM _g1 g LEFT JOIN _pts p ON p.lat0 = g.lat0 AND p.lon0 = g.lon0 AND g.code1 IS NULL""")
    con.unregister("_pts")
    # 3. postal code and city (distinct pairs of the records still unplaced)
    pairs = con.execute("SELECT DISTINCT postal, city FROM _g2 WHERE code1 IS NULL AND code2 IS NULL "
                        "AND (postal IS NOT NULL OR city IS NOT NULL)").fetchall()
    names = names or (place_names(geo) if pairs else None)
    rows = [(p, c, *names.match(p, c)) for p, c in pairs]
    frame = pd.DataFrame(rows, columns=["postal", "city", "code", "method", "reason"], dtype="object")
    con.register("_pc", frame)
    con.execute(f"""CREATE OR REPLACE TABLE {ident(out)} AS
        SELECT g._row,
               coalesce(g.code1, g.code2, pc.code) AS commune_code,
               coalesce(g.method1, CASE WHEN g.code2 IS NOT NULL THEN 'coordinates' END,
                        CASE WHEN pc.code IS NOT NULL THEN pc.method END, 'none') AS geo_method,
               coalesce(CASE WHEN g.reason2 IS NULL OR g.reason2 <> 'coords_invalid' THEN g.lat0 END, gc.lat) AS lat,
               coalesce(CASE WHEN g.reason2 IS NULL OR g.reason2 <> 'coords_invalid' THEN g.lon0 END, gc.lon) AS lon,
               CASE WHEN g.code1 IS NOT NULL THEN NULL
                    WHEN g.src_code IS NOT NULL THEN 'code_unknown'
                    WHEN g.reason2 IS NOT NULL AND g.code2 IS NULL THEN g.reason2
                    ELSE coalesce(pc.reason, CASE WHEN g.code2 IS NULL AND pc.code IS NULL
                                                  THEN 'no_location' END) END AS geo_reason,
               g.src_code, g.postal, g.city
        FROM _g2 g
        LEFT JOIN _pc pc ON coalesce(pc.postal, '') = coalesce(g.postal, '')
                        AND coalesce(pc.city, '') = coalesce(g.city, '')
                        AND g.code1 IS NULL AND g.code2 IS NULL
        LEFT JOIN geo_c gc ON gc.code = coalesce(g.code1, g.code2, pc.code)""")
    con.unregister("_pc")
    for tmp in ("_g1", "_g2"):
        con.execute(f"DROP TABLE IF EXISTS {tmp}")


def place_others(con, geo: Geography, checked: str, out: str, hows: dict[str, str],
                 crs: str = "auto") -> int:
    """Place the records of the checked table that no current commune code placed
    (no code, a former or unknown code) and those with projected coordinates: table
    ``out`` (the placements, with the reason of any method that failed), then the
    checked table updated for them. Returns how many records were looked at."""
    register_geography(con, geo)
    t = ident(checked)
    has = set(hows)
    cols = {"commune_code": "_in_commune_code", "lat": "_in_lat", "lon": "_in_lon",
            "_x": "_in__x", "_y": "_in__y", "postal_code": "postal_code", "city": "city"}
    select = ", ".join(f"CAST({ident(src)} AS VARCHAR) AS {ident(name)}" if name in has
                       else f"NULL::VARCHAR AS {ident(name)}" for name, src in cols.items())
    projected = "OR (_in__x IS NOT NULL AND _in__y IS NOT NULL)" if {"_x", "_y"} <= has else ""
    columns = {r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()}
    method = "geo_method = 'none'" if "geo_method" in columns else "commune_code IS NULL"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _gx AS SELECT _row, {select} FROM {t} "
                f"WHERE {method} {projected}")
    n = con.execute("SELECT count(*) FROM _gx").fetchall()[0][0]
    geocode(con, geo, "_gx", out, has & set(cols), crs)
    con.execute("DROP TABLE IF EXISTS _gx")
    if n:  # a current code keeps its placement; converted coordinates are kept in any case
        point = (f"geo_method = CASE WHEN {t}.commune_code IS NOT NULL THEN {t}.geo_method "
                 f"ELSE p.geo_method END, lat = coalesce(p.lat, {t}.lat), lon = coalesce(p.lon, {t}.lon), "
                 if method.startswith("geo") else "")
        con.execute(f"UPDATE {t} SET {point}commune_code = coalesce({t}.commune_code, p.commune_code) "
                    f"FROM {ident(out)} p WHERE {t}._row = p._row")
    mismatches(con, geo, checked)
    return int(n)


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km (arrays of degrees)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.asarray(lon2) - np.asarray(lon1)) / 2) ** 2)
    return 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def mismatches(con, geo: Geography, checked: str) -> int:
    """Records placed by their commune code whose own point lies outside that commune:
    table ``<checked>_mismatch`` (_row, declared, located, km, placed_by, labels), and the
    decision applied to the checked table. Returns how many records disagree.

    Rule: the point wins (``geo_method = coordinates``, commune from the point) when it
    lies in a French commune more than :data:`MISMATCH_KM` from the declared one — a
    mistyped code (a postal code in the INSEE column) lands far away, a point rarely
    does; otherwise the code wins: the point is kept when it is in France (an address on
    the border), replaced by the commune's point when it is not. The distance is from
    the point to the nearest point of the declared commune's boundary. Only distinct
    (code, point) pairs are tested, and only those that differ from the commune's own
    point (records without coordinates carry it)."""
    t = ident(checked)
    out = ident(f"{checked}_mismatch")
    columns = {r[0] for r in con.execute(f"DESCRIBE {t}").fetchall()}
    if not {"lat", "lon", "geo_method", "commune_code"} <= columns:
        return 0
    con.execute(f"CREATE OR REPLACE TABLE {out} (_row BIGINT, declared VARCHAR, located VARCHAR, "
                "km DOUBLE, placed_by VARCHAR, declared_label VARCHAR, located_label VARCHAR)")
    tree, codes = geo._locator  # the detailed boundaries geo.locate uses
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'geo_loc'"
                       ).fetchall()[0][0]:
        con.register("_gl", pd.DataFrame({"code": codes, "i": np.arange(len(codes))}))
        con.execute("CREATE TABLE geo_loc AS SELECT * FROM _gl")
        con.unregister("_gl")
    # a commune without a detailed boundary is not checked
    pts = con.execute(f"""SELECT DISTINCT c.commune_code AS code, c.lat, c.lon, l.i FROM {t} c
        JOIN geo_c g ON g.code = c.commune_code JOIN geo_loc l ON l.code = c.commune_code
        WHERE c.geo_method IN ('commune_code', 'old_code') AND c.lat IS NOT NULL AND c.lon IS NOT NULL
          AND NOT (c.lat = g.lat AND c.lon = g.lon)""").df()
    if pts.empty:
        return 0
    geoms = tree.geometries.take(pts.pop("i").to_numpy())
    inside = shapely.intersects_xy(geoms, pts.lon.to_numpy(), pts.lat.to_numpy())
    bad = pts[~inside].reset_index(drop=True)
    if bad.empty:
        return 0
    shapes = geoms[~inside]
    near = shapely.get_coordinates(shapely.shortest_line(shapes, shapely.points(bad.lon, bad.lat)))[0::2]
    bad["km"] = np.round(haversine_km(bad.lat, bad.lon, near[:, 1], near[:, 0]), 1)
    bad["located"] = pd.Series(geo.locate(bad.lon.to_numpy(), bad.lat.to_numpy()), dtype=object)
    win = bad.located.notna() & (bad.km > MISMATCH_KM)
    bad["placed_by"] = np.where(win, "coordinates", "commune_code")
    names = geo.communes.set_index("code")["name"]

    def label(code):
        return None if code is None or code != code else f"{code} {names.get(code, '')}".strip()

    bad["declared_label"] = bad.code.map(label)
    bad["located_label"] = bad.located.map(label)
    con.register("_mm", bad)
    con.execute(f"""INSERT INTO {out} SELECT c._row, m.code, m.located, m.km, m.placed_by,
            m.declared_label, m.located_label
        FROM {t} c JOIN _mm m ON m.code = c.commune_code AND m.lat = c.lat AND m.lon = c.lon
        WHERE c.geo_method IN ('commune_code', 'old_code')""")
    con.unregister("_mm")
    con.execute(f"""UPDATE {t} SET commune_code = m.located, geo_method = 'coordinates'
        FROM {out} m WHERE {t}._row = m._row AND m.placed_by = 'coordinates'""")
    con.execute(f"""UPDATE {t} SET lat = g.lat, lon = g.lon FROM {out} m, geo_c g
        WHERE {t}._row = m._row AND m.located IS NULL AND g.code = m.declared""")
    return int(con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0])


def report(con, checked: str, place: str) -> GeoReport:
    """Counts by method (from the checked table), reasons (from the placement table)."""
    total = con.execute(f"SELECT count(*) FROM {ident(checked)}").fetchall()[0][0]
    t = ident(place)
    columns = {r[0] for r in con.execute(f"DESCRIBE {ident(checked)}").fetchall()}
    if "geo_method" in columns:
        method = "c.geo_method"
    else:  # projects: no method column, the placement says
        method = ("CASE WHEN p._row IS NOT NULL THEN coalesce(p.geo_method, 'none') "
                  "WHEN c.commune_code IS NULL THEN 'none' ELSE 'commune_code' END")
    by_method = dict(con.execute(f"SELECT {method} AS m, count(*) FROM {ident(checked)} c "
                                 f"LEFT JOIN {t} p ON p._row = c._row GROUP BY 1").fetchall())
    by_reason = dict(con.execute(f"SELECT geo_reason, count(*) FROM {t} WHERE commune_code IS NULL "
                                 "GROUP BY 1").fetchall())
    fallbacks = dict(con.execute(f"SELECT geo_reason, count(*) FROM {t} WHERE commune_code IS NOT "
                                 "NULL AND geo_reason IS NOT NULL GROUP BY 1").fetchall())
    return GeoReport(int(total), {k: int(v) for k, v in by_method.items()},
                     {k: int(v) for k, v in by_reason.items()},
                     {k: int(v) for k, v in fallbacks.items()})


def failures(con, place: str, limit: int | None = None) -> pd.DataFrame:
    """Records not placed, or placed after a failed method: row, what was given, reason."""
    lim = f"LIMIT {int(limit)}" if limit else ""
    return con.execute(f"SELECT _row AS row, src_code AS commune_code, postal AS postal_code, city, "
                       f"geo_method, commune_code AS placed_in, geo_reason AS reason FROM {ident(place)} "
                       f"WHERE geo_reason IS NOT NULL ORDER BY _row {lim}").df()
