"""User zonings: any set of zones (zones d'emploi, QPV, project territories) as a
level of analysis.

A zoning comes from a spatial file — GeoPackage, GeoJSON, zipped Shapefile, read
by GeoPandas through pyogrio — or from a commune → zone table (CSV / XLSX, like
INSEE's published zonage tables: a commune code column, a zone code, a zone
name). :func:`read` opens the file and says which columns it has;
:func:`from_polygons` / :func:`from_communes` build a validated :class:`Zoning`
from the columns the user picked:

* polygons: any CRS reprojected to WGS84 (Lambert-93, UTM overseas); invalid
  rings repaired with ``shapely.make_valid`` (listed), features with no usable
  polygon refused with a message naming them; features sharing a zone code
  dissolved into one zone; overlaps and enclosed gaps reported with their area
  and the features concerned; populations read from a chosen attribute, or
  unknown (per-capita indicators are then undefined);
* commune tables: codes resolved through :meth:`Geography.resolve_commune`
  (lost leading zeros, old codes of communes nouvelles, delegated communes,
  arrondissements), unknown codes listed with their row; populations summed from
  the communes; the zones' shapes are their communes' boundaries dissolved.

Display geometries are simplified like the built-in levels (coverage
simplification, so neighbouring zones keep their shared edges).
:func:`assign_points` places points in zones (prepared zones over a coordinate
grid; :func:`assign_sjoin` is the GeoPandas ``sjoin`` equivalent).

Nothing here touches the store (see :mod:`ecosystem.storage.zonings`).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecosystem.geo import Geography

WGS84 = "EPSG:4326"
#: equal-area projection used to measure areas (overlaps, gaps), metres
EQUAL_AREA = "EPSG:6933"
SPATIAL_SUFFIXES = (".gpkg", ".geojson", ".json", ".zip", ".shp")
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xls")
#: overlaps and gaps below this area (km²) are rounding slivers, not reported
MIN_REPORTED_KM2 = 0.0001
#: display tolerance (degrees) by the zones' median area, like data/geo's levels
#: (communes 0.004, EPCI 0.008, départements 0.01)
TOLERANCES = ((5.0, 0.0005), (50.0, 0.002), (500.0, 0.004), (5000.0, 0.008))
MAX_TOLERANCE = 0.01


class ZoningError(ValueError):
    """A zoning that cannot be loaded: ``issues`` say what and where."""

    def __init__(self, issues: list["Issue"]):
        super().__init__("; ".join(i.text() for i in issues[:5]))
        self.issues = issues


@dataclass(frozen=True)
class Issue:
    """One finding about the file: ``key`` (a message key of the ``zoning.issue.``
    catalogue), where it is (``row``: the feature's number or the table's line;
    ``column``), the ``value`` and message parameters."""

    key: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: tuple = ()

    def text(self) -> str:
        where = f"row {self.row}" if self.row is not None else ""
        if self.column:
            where += f", column {self.column}" if where else f"column {self.column}"
        return f"{self.key} ({where}): {self.value}" if where else f"{self.key}: {self.value}"

    def message(self, lang: str = "fr") -> str:
        from ecosystem.i18n import t
        return t(f"zoning.issue.{self.key}", lang, row=self.row if self.row is not None else "",
                 column=self.column or "", value=self.value or "", **dict(self.params))


@dataclass
class Zoning:
    """A validated zoning, ready to store.

    ``zones``: code, name, population (float, NaN when unknown), lat, lon,
    area_km2, ``geometry`` (WGS84, valid) and ``display`` (simplified) shapely
    geometries; ``communes``: commune_code → zone for commune-made zonings;
    ``issues``: warnings (repairs, overlaps, gaps, unknown codes)."""

    kind: str  # "polygons" | "communes"
    zones: pd.DataFrame
    communes: pd.DataFrame | None = None
    issues: list[Issue] = field(default_factory=list)
    source_crs: str | None = None
    columns: dict = field(default_factory=dict)

    @property
    def has_population(self) -> bool:
        return bool(self.zones.population.notna().any())


# --------------------------------------------------------------------- reading
def is_spatial(filename: str) -> bool:
    return Path(filename).suffix.lower() in SPATIAL_SUFFIXES


def read(data: bytes | str | Path, filename: str | None = None,
         layer: str | None = None) -> pd.DataFrame:
    """The file as a frame: a GeoDataFrame for a spatial file (any CRS, as it is),
    a DataFrame of text cells for a commune table. Raises :class:`ZoningError`
    (key ``unreadable`` / ``format``) for anything else."""
    if isinstance(data, (str, Path)):
        filename = filename or str(data)
        data = Path(data).read_bytes()
    name = filename or ""
    suffix = Path(name).suffix.lower()
    try:
        if suffix in SPATIAL_SUFFIXES:
            return _read_spatial(data, suffix, layer)
        if suffix in TABLE_SUFFIXES:
            return _read_table(data, suffix)
    except ZoningError:
        raise
    except Exception as exc:  # pyogrio, openpyxl and pandas raise many kinds
        raise ZoningError([Issue("unreadable", value=f"{Path(name).name}: {exc}")]) from exc
    raise ZoningError([Issue("format", value=Path(name).name)])


def _read_spatial(data: bytes, suffix: str, layer: str | None) -> gpd.GeoDataFrame:
    if suffix == ".zip":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            shps = [n for n in zf.namelist() if n.lower().endswith(".shp")
                    and not n.startswith("__MACOSX")]
            gpkgs = [n for n in zf.namelist() if n.lower().endswith((".gpkg", ".geojson"))]
        if not shps and not gpkgs:
            raise ZoningError([Issue("no_shapefile")])
        # GDAL's virtual file system reads the archive in place
        inner = (shps or gpkgs)[0]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        tmp.write(data)
        tmp.flush()
        path = f"/vsizip/{tmp.name}/{inner}" if suffix == ".zip" else tmp.name
        return gpd.read_file(path, layer=layer, engine="pyogrio")


def _read_table(data: bytes, suffix: str) -> pd.DataFrame:
    if suffix in (".xlsx", ".xls"):
        raw = pd.read_excel(io.BytesIO(data), header=None, dtype=str)
    else:
        text = _decode(data)
        sep = max((";", ",", "\t", "|"), key=lambda s: text.split("\n", 1)[0].count(s))
        raw = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str,
                          keep_default_na=False, skip_blank_lines=False)
        raw = raw.replace("", np.nan)
    return _with_header(raw)


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _with_header(raw: pd.DataFrame) -> pd.DataFrame:
    """Find the header below title rows (INSEE tables start with a title, a
    source line and two header rows: labels, then variable names such as CODGEO):
    the first row filled as widely as the widest row; when the next row is made
    of variable names, that one. Rows keep their line number in the file (1-based)
    as index."""
    raw = raw.dropna(how="all", axis=1)
    filled = raw.notna().sum(axis=1)
    width = int(filled.max()) if len(raw) else 0
    if width == 0:
        raise ZoningError([Issue("empty")])
    head = int(np.argmax(filled.to_numpy() >= width))
    nxt = head + 1
    if nxt < len(raw) and raw.iloc[nxt].notna().sum() >= width and all(
            re.fullmatch(r"[A-Z][A-Z0-9_]*", str(v)) for v in raw.iloc[nxt].dropna()):
        head = nxt
    names, seen = [], set()
    for i, v in enumerate(raw.iloc[head]):
        name = str(v).strip() if isinstance(v, str) and v.strip() else f"column_{i + 1}"
        while name in seen:
            name += "_"
        seen.add(name)
        names.append(name)
    body = raw.iloc[head + 1:].copy()
    body.columns = names
    body.index = pd.RangeIndex(head + 2, head + 2 + len(body))  # line numbers in the file
    return body.dropna(how="all")


def attribute_columns(frame: pd.DataFrame) -> list[str]:
    """The columns a user may pick (the geometry column left out)."""
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    return [str(c) for c in frame.columns if c != geom]


def guess_columns(frame: pd.DataFrame) -> dict[str, str | None]:
    """Suggested ``commune``, ``code``, ``name`` and ``population`` columns, from
    their names (CODGEO, ZE2020 / LIBZE2020, code_qp / lib_qp, POP…)."""
    cols = attribute_columns(frame)
    low = {c: c.lower() for c in cols}

    def first(pred):
        return next((c for c in cols if pred(low[c])), None)

    out: dict[str, str | None] = {"commune": None, "code": None, "name": None, "population": None}
    if not isinstance(frame, gpd.GeoDataFrame):
        out["commune"] = first(lambda s: s in ("codgeo", "code_commune", "insee", "code_insee",
                                               "com", "depcom", "code commune"))
    rest = [c for c in cols if c != out["commune"] and low[c] != "libgeo"]
    not_name = [c for c in rest if not re.match(r"(lib|nom|name)", low[c])]
    out["code"] = next((c for c in not_name if re.search(r"(^|_)(code|cod|id)($|_)", low[c])),
                       not_name[0] if not_name else None)
    out["name"] = next((c for c in rest if re.search(r"(^|_)(lib|nom|name|libelle)", low[c])
                        and c != out["code"]), None)
    out["population"] = next((c for c in rest if re.search(r"pop", low[c])), None)
    return out


# -------------------------------------------------------------------- polygons
def _code_text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text or None


def _number(value) -> float:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return np.nan


def _polygonal(geom):
    """The polygonal part of a geometry (None when it has none)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    if geom.geom_type == "GeometryCollection":
        parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        if parts:
            return shapely.union_all(parts)
    return None


def from_polygons(frame: gpd.GeoDataFrame, code_col: str, name_col: str | None = None,
                  population_col: str | None = None, *,
                  default_crs: str = WGS84) -> Zoning:
    """A zoning from a spatial file's features (see the module doc for the checks).

    Raises :class:`ZoningError` when a column is missing, a feature has no code
    or no usable polygon, or the file holds no feature."""
    issues: list[Issue] = []
    for role, col in (("code", code_col), ("name", name_col), ("population", population_col)):
        if col is not None and col not in frame.columns:
            raise ZoningError([Issue("missing_column", column=col, params=(("role", role),))])
    if frame.empty:
        raise ZoningError([Issue("empty")])
    gdf = frame.copy()
    rows = np.arange(1, len(gdf) + 1)  # feature numbers as a GIS shows them
    source_crs = gdf.crs.to_string() if gdf.crs is not None else None
    if gdf.crs is None:
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise ZoningError([Issue("no_crs")])
        gdf = gdf.set_crs(default_crs)
        issues.append(Issue("crs_assumed", value=default_crs))
    elif not gdf.crs.equals(WGS84):
        issues.append(Issue("reprojected", value=source_crs))
    refused: list[Issue] = []
    codes = [_code_text(v) for v in gdf[code_col]]
    for row, code in zip(rows, codes):
        if code is None:
            refused.append(Issue("no_code", row=int(row), column=code_col))
    geoms = np.array(gdf.geometry.values, dtype=object)
    valid = shapely.is_valid(geoms)
    for i in np.flatnonzero(~valid | (geoms == None)):  # noqa: E711 - numpy element test
        g = geoms[i]
        if g is None:
            refused.append(Issue("no_geometry", row=int(rows[i]), value=codes[i]))
            continue
        reason = shapely.is_valid_reason(g)
        fixed = _polygonal(shapely.make_valid(g))
        if fixed is None:
            refused.append(Issue("invalid_geometry", row=int(rows[i]), value=codes[i],
                                 params=(("reason", reason),)))
        else:
            geoms[i] = fixed
            issues.append(Issue("repaired", row=int(rows[i]), value=codes[i],
                                params=(("reason", reason),)))
    for i, g in enumerate(geoms):
        # no area: collinear points (GEOS calls them valid); the ratio needs no unit
        if g is not None and _polygonal(g) is not None and \
                shapely.area(g) <= 1e-9 * shapely.length(g) ** 2:
            refused.append(Issue("invalid_geometry", row=int(rows[i]), value=codes[i],
                                 params=(("reason", "area = 0"),)))
        elif g is not None and shapely.is_valid(g) and _polygonal(g) is None:
            refused.append(Issue("not_polygon", row=int(rows[i]), value=codes[i],
                                 params=(("kind", g.geom_type),)))
        elif g is not None and g.geom_type == "GeometryCollection":
            geoms[i] = _polygonal(g)
    if refused:
        raise ZoningError(refused)
    gdf = gpd.GeoDataFrame({"code": codes,
                            "name": [_code_text(v) for v in gdf[name_col]] if name_col else codes,
                            "population": [_number(v) for v in gdf[population_col]]
                            if population_col else np.nan,
                            "row": rows}, geometry=list(geoms), crs=gdf.crs)
    gdf = gdf.to_crs(WGS84)
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)  # reprojection can pinch rings
    issues += _overlaps_and_gaps(gdf)
    # several features with one code are one zone (a multi-part QPV, an island)
    repeated = gdf.code.duplicated(keep=False)
    for code, grp in gdf[repeated].groupby("code", sort=True):
        issues.append(Issue("dissolved", value=code, params=(("rows", _rows(grp.row)),)))
    zones = gdf.dissolve(by="code", aggfunc={"name": "first", "population": "sum", "row": "min"},
                         sort=False).reset_index()
    # a zone whose features have no population has none (not 0)
    missing = gdf.groupby("code").population.apply(lambda s: s.isna().all())
    zones.loc[zones.code.map(missing).fillna(False).astype(bool), "population"] = np.nan
    zones = zones.sort_values("row").reset_index(drop=True)
    return Zoning("polygons", _finish(zones), issues=issues, source_crs=source_crs,
                  columns={"code": code_col, "name": name_col, "population": population_col})


def _rows(rows) -> str:
    return ", ".join(str(int(r)) for r in sorted(rows))


def _overlaps_and_gaps(gdf: gpd.GeoDataFrame) -> list[Issue]:
    """Overlaps between features of different zones and enclosed gaps (holes of
    the union that no feature fills), each with its area in km² and the
    features concerned (their row numbers)."""
    out = []
    metric = gdf.to_crs(EQUAL_AREA)
    geoms = metric.geometry.values
    left, right = metric.sindex.query(geoms, predicate="intersects")
    pairs = (left < right) & (metric.code.to_numpy()[left] != metric.code.to_numpy()[right])
    left, right = left[pairs], right[pairs]
    # neighbours sharing an edge are most pairs: keep those whose interiors meet in 2D
    # (a DE-9IM test, much cheaper than computing every intersection)
    inner = shapely.relate_pattern(geoms[left], geoms[right], "2********")
    left, right = left[inner], right[inner]
    areas = shapely.area(shapely.intersection(geoms[left], geoms[right])) / 1e6
    for i, j, area in zip(left, right, areas):
        if area >= MIN_REPORTED_KM2:
            out.append(Issue("overlap", value=f"{gdf.code.iat[i]} / {gdf.code.iat[j]}",
                             params=(("rows", _rows([gdf.row.iat[i], gdf.row.iat[j]])),
                                     ("area", round(area, 4)))))
    # union_all, not coverage_union_all: zones rarely share their vertices exactly
    # (a T-junction), and the coverage union then silently loses the holes
    union = shapely.union_all(geoms)
    holes = []
    for part in shapely.get_parts(union):
        if part.geom_type == "Polygon":
            holes += [shapely.Polygon(r) for r in part.interiors]
    for hole in holes:
        area = hole.area / 1e6
        if area < MIN_REPORTED_KM2:
            continue
        near = metric.sindex.query(hole, predicate="intersects")
        out.append(Issue("gap", value=", ".join(sorted(set(gdf.code.iloc[near]))),
                         params=(("rows", _rows(gdf.row.iloc[near])), ("area", round(area, 4)))))
    return out


def tolerance(zones: gpd.GeoDataFrame) -> float:
    """Display simplification tolerance (degrees) for zones of this size."""
    median = float(np.median(zones.area_km2)) if len(zones) else 0.0
    for upto, tol in TOLERANCES:
        if median <= upto:
            return tol
    return MAX_TOLERANCE


def _finish(zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """Areas, label points and display geometries of dissolved zones."""
    zones = zones.copy()
    zones["area_km2"] = zones.to_crs(EQUAL_AREA).area.to_numpy() / 1e6
    points = zones.geometry.representative_point()
    zones["lon"], zones["lat"] = points.x.to_numpy(), points.y.to_numpy()
    geoms = np.array(zones.geometry.values, dtype=object)
    tol = tolerance(zones)
    try:
        simple = shapely.coverage_simplify(geoms, tol)
    except shapely.errors.GEOSException:  # overlapping zones are not a coverage
        simple = shapely.simplify(geoms, tol, preserve_topology=True)
    bad = ~shapely.is_valid(simple) | shapely.is_empty(simple)
    simple[bad] = shapely.make_valid(simple[bad])
    still = shapely.is_empty(simple)
    simple[still] = geoms[still]
    simple = shapely.set_precision(simple, 1e-5)
    out = pd.DataFrame({"code": zones.code.astype(str), "name": zones.name.astype(str),
                        "population": pd.to_numeric(zones.population, errors="coerce").astype(float),
                        "lat": zones.lat, "lon": zones.lon, "area_km2": zones.area_km2})
    out["geometry"] = list(geoms)
    out["display"] = list(simple)
    return out


# ------------------------------------------------------------ commune tables
def from_communes(frame: pd.DataFrame, geo: Geography, commune_col: str, code_col: str,
                  name_col: str | None = None) -> Zoning:
    """A zoning from a commune → zone table. Each row names a commune (current or
    former code) and its zone; unknown codes are listed with their row and
    column and left out; a commune given two zones keeps the first and is
    listed. Populations are the sums of the zones' current communes; shapes
    their boundaries dissolved."""
    for role, col in (("commune", commune_col), ("code", code_col), ("name", name_col)):
        if col is not None and col not in frame.columns:
            raise ZoningError([Issue("missing_column", column=col, params=(("role", role),))])
    issues: list[Issue] = []
    rows = []
    for line, raw, zone, zname in zip(frame.index, frame[commune_col], frame[code_col],
                                      frame[name_col] if name_col else frame[code_col]):
        zone = _code_text(zone)
        if _code_text(raw) is None and zone is None:
            continue
        current, method = geo.resolve_commune(_code_text(raw))
        if current is None:
            issues.append(Issue("unknown_commune", row=int(line), column=commune_col,
                                value=_code_text(raw) or ""))
            continue
        if zone is None:
            issues.append(Issue("no_code", row=int(line), column=code_col,
                                value=_code_text(raw)))
            continue
        if method == "old_code":
            issues.append(Issue("old_commune", row=int(line), column=commune_col,
                                value=_code_text(raw), params=(("current", current),)))
        rows.append((int(line), current, zone, _code_text(zname) or zone))
    if not rows:
        raise ZoningError(issues or [Issue("empty")])
    table = pd.DataFrame(rows, columns=["row", "commune_code", "zone", "name"])
    first = table.drop_duplicates("commune_code", keep="first")
    conflicts = table[~table.index.isin(first.index)]
    for r in conflicts.itertuples(index=False):
        kept = first.loc[first.commune_code == r.commune_code, "zone"].iat[0]
        if kept != r.zone:
            issues.append(Issue("two_zones", row=r.row, column=code_col, value=r.commune_code,
                                params=(("zone", r.zone), ("kept", kept))))
    communes = first[["commune_code", "zone"]].reset_index(drop=True)
    missing = len(geo.communes) - len(communes)
    if missing > 0:
        issues.append(Issue("communes_outside", value=str(missing)))
    names = first.drop_duplicates("zone").set_index("zone").name
    pop = geo.communes.population.reindex(communes.commune_code).to_numpy()
    population = pd.Series(pop, index=communes.zone.to_numpy()).groupby(level=0).sum(min_count=1)
    shapes = geo.shapes("commune")
    gdf = gpd.GeoDataFrame({"code": communes.zone,
                            "row": first.row.to_numpy()},
                           geometry=shapes.reindex(communes.commune_code).to_numpy(), crs=WGS84)
    gdf = gdf[gdf.geometry.notna()]
    try:  # communes form a coverage: its union is fast
        zones = gdf.dissolve(by="code", aggfunc={"row": "min"}, method="coverage", sort=False)
    except shapely.errors.GEOSException:  # boundaries overlapping by a hair
        zones = gdf.dissolve(by="code", aggfunc={"row": "min"}, sort=False)
    zones = zones.reset_index()
    zones["name"] = zones.code.map(names)
    zones["population"] = zones.code.map(population).astype(float)
    zones = zones.sort_values("row").reset_index(drop=True)
    return Zoning("communes", _finish(zones), communes=communes, issues=issues,
                  columns={"commune": commune_col, "code": code_col, "name": name_col})


def build(frame: pd.DataFrame, geo: Geography, *, code_col: str, name_col: str | None = None,
          population_col: str | None = None, commune_col: str | None = None) -> Zoning:
    """:func:`from_polygons` for a spatial file, :func:`from_communes` for a table."""
    if isinstance(frame, gpd.GeoDataFrame):
        return from_polygons(frame, code_col, name_col, population_col)
    if commune_col is None:
        raise ZoningError([Issue("missing_column", column="", params=(("role", "commune"),))])
    return from_communes(frame, geo, commune_col, code_col, name_col)


# ------------------------------------------------------------------ placing
#: cell of the grid bucketing points in :func:`assign_points` (degrees)
GRID_DEG = 0.02


def _points(lon, lat):
    """Coordinates as float arrays, the answer (one zone or None per point) and the
    indexes of the points with finite coordinates."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    return (lon, lat, np.full(lon.shape, None, dtype=object),
            np.flatnonzero(np.isfinite(lon) & np.isfinite(lat)))


def assign_points(zones: gpd.GeoSeries | pd.Series, lon, lat) -> np.ndarray:
    """Zone code of each WGS84 point (point in polygon); None outside every zone
    or without coordinates. A point in two overlapping zones gets the first zone
    in the zoning's order; a point on an edge is in no zone (strict containment,
    as GeoPandas' ``within``). ``zones``: shapely geometries indexed by zone code.

    No point objects are made: the coordinates are bucketed in a grid of
    :data:`GRID_DEG` cells (sorted once), each zone, prepared, tests the points of
    the cells its bounding box covers with ``shapely.contains_xy``. Same answers
    as :func:`assign_sjoin` (GeoPandas ``sjoin``), several times faster at 1.5 M
    points (benchmarks/bench_zonings.py)."""
    lon, lat, out, ok = _points(lon, lat)
    if not len(ok) or not len(zones):
        return out
    x, y = lon[ok], lat[ok]
    x0, y0 = x.min(), y.min()
    cols = int((x.max() - x0) / GRID_DEG) + 1
    cx = ((x - x0) / GRID_DEG).astype(np.int64)
    cy = ((y - y0) / GRID_DEG).astype(np.int64)
    order = np.argsort(cy * cols + cx, kind="stable")
    key = (cy * cols + cx)[order]
    xs, ys = x[order], y[order]
    free = np.ones(len(order), dtype=bool)
    found = np.full(len(order), -1, dtype=np.int64)
    geoms = np.asarray(zones.values, dtype=object)
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    rows = int(cy.max()) + 1
    for z, (bx0, by0, bx1, by1) in enumerate(bounds):
        if not np.isfinite(bx0):
            continue
        c0 = max(int((bx0 - x0) // GRID_DEG), 0)
        c1 = min(int((bx1 - x0) // GRID_DEG), cols - 1)
        r0 = max(int((by0 - y0) // GRID_DEG), 0)
        r1 = min(int((by1 - y0) // GRID_DEG), rows - 1)
        if c0 > c1 or r0 > r1:
            continue
        lo = np.searchsorted(key, np.arange(r0, r1 + 1) * cols + c0, "left")
        hi = np.searchsorted(key, np.arange(r0, r1 + 1) * cols + c1, "right")
        spans = [np.arange(a, b) for a, b in zip(lo, hi) if b > a]
        if not spans:
            continue
        cand = np.concatenate(spans)
        cand = cand[free[cand]]
        if not len(cand):
            continue
        inside = cand[shapely.contains_xy(geoms[z], xs[cand], ys[cand])]
        found[inside] = z
        free[inside] = False
    codes = np.asarray(zones.index, dtype=object)
    hit = found >= 0
    out[ok[order[hit]]] = codes[found[hit]]
    return out


def assign_sjoin(zones: gpd.GeoSeries | pd.Series, lon, lat) -> np.ndarray:
    """:func:`assign_points` with GeoPandas ``sjoin`` (point objects, an STRtree on
    them, each zone prepared): the same answers, kept as the benchmark's
    reference."""
    lon, lat, out, ok = _points(lon, lat)
    if not len(ok) or not len(zones):
        return out
    polys = gpd.GeoDataFrame({"zone": np.asarray(zones.index, dtype=object),
                              "order": np.arange(len(zones))},
                             geometry=list(zones.values), crs=WGS84)
    points = gpd.GeoDataFrame({"i": ok}, geometry=gpd.points_from_xy(lon[ok], lat[ok]), crs=WGS84)
    hits = gpd.sjoin(polys, points, how="inner", predicate="contains")
    hits = hits.sort_values(["i", "order"]).drop_duplicates("i")
    out[hits.i.to_numpy()] = hits.zone.to_numpy()
    return out


def assign_baseline(zones: pd.Series, lon, lat) -> np.ndarray:
    """What a user would write with shapely alone: point objects queried against an
    STRtree of the zones (``predicate="within"``), first zone kept (the
    benchmark's baseline; same answers as :func:`assign_points`)."""
    lon, lat, out, ok = _points(lon, lat)
    if not len(ok) or not len(zones):
        return out
    tree = shapely.STRtree(np.asarray(zones.values, dtype=object))
    pts, zs = tree.query(shapely.points(lon[ok], lat[ok]), predicate="within")
    order = np.lexsort((zs, pts))
    pts, zs = pts[order], zs[order]
    first = np.unique(pts, return_index=True)[1]
    out[ok[pts[first]]] = np.asarray(zones.index, dtype=object)[zs[first]]
    return out
