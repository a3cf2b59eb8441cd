"""Geo exports for GIS users: a map view as GeoPackage or GeoJSON, ready for QGIS.

What a Carte view shows, as files (EPSG:4326, written by GeoPandas/pyogrio):

* ``territories`` — the territories drawn by the map (:func:`mapview.map_level`:
  the sidebar level, or the communes of the selected territory) with their
  display boundaries, ``code``, ``name``, ``level``, ``population`` and the
  value of every registry indicator (SQL engine) under the view's filters, one
  column per indicator id;
* ``actors`` — the actors of the view (filters and territory) that have a
  position, as points: their own coordinates, else their commune's centre
  (column ``position``: ``own`` / ``commune``), with their attributes;
  multi-valued codes (``domains``) as ``a;b``. Long free text (``description``)
  and personal fields (model columns declared ``personal``) are left out unless
  ``personal=True``;
* ``definitions`` — one row per indicator column: id, label, unit, definition
  and formula in the export's language (a table without geometry in the
  GeoPackage; in the territories GeoJSON, a foreign member ``indicators``,
  RFC 7946 §6.1).

Text values are written as text, as they are: a value such as ``=1+1`` stays
the string ``=1+1`` in a text field (GeoPackage and GeoJSON have typed fields
and no formulas). Control and zero-width characters are removed
(:func:`ecosystem.render.safe.strip_controls`): invisible, they could hide part
of a value.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecosystem import model
from ecosystem.analysis import indicators as ind
from ecosystem.analysis.view import View
from ecosystem.render import safe
from ecosystem.render.mapview import map_level

CRS = "EPSG:4326"
FORMATS = ("gpkg", "geojson")
MIME = {"gpkg": "application/geopackage+sqlite3", "geojson": "application/geo+json"}
#: most actors the app puts in a download (the command line has no limit): 1.5 M points
#: would be a ~400 MB GeoPackage and minutes of work; 10,000 take ~1 s and 2.8 MB
APP_ACTOR_CAP = 200_000
#: actor columns exported (model order); free text left out
ACTOR_COLUMNS = [c.name for c in model.ACTORS.columns if c.name not in ("description", "lat", "lon")]


def personal_columns(table: model.Table = model.ACTORS) -> set[str]:
    """Columns the model declares personal (``Col.personal``), left out by default."""
    return {c.name for c in table.columns if getattr(c, "personal", False)}


def _text(value):
    if isinstance(value, (list, tuple, np.ndarray)):
        value = ";".join(str(v) for v in value)
    if isinstance(value, str):
        return safe.strip_controls(value)
    return value


def _clean(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(_text, na_action="ignore").astype(object)
    return out


def indicator_ids() -> list[str]:
    return list(ind.SQL_IDS)


def definitions(ids, lang: str = "fr") -> pd.DataFrame:
    """One row per indicator column: id, label, unit, definition, formula."""
    rows = [{"id": i, "label": ind.get(i).label(lang), "unit": ind.get(i).unit(lang),
             "definition": ind.get(i).definition(lang), "formula": ind.get(i).formula}
            for i in ids]
    return _clean(pd.DataFrame(rows, columns=["id", "label", "unit", "definition", "formula"]))


def territories(view: View, geo, ids=None) -> gpd.GeoDataFrame:
    """The territories the map of this view draws, with every indicator."""
    level, within, _ = map_level(view.filters)
    ids = list(ids or indicator_ids())
    table = ind.compute(view, level, ids, within=within)
    shapes = geo.shapes(level, table.code)
    cols = ["code", "name", "population", *ids]
    df = table[cols].copy()
    df.insert(2, "level", level)
    df["population"] = pd.to_numeric(df.population, errors="coerce").astype("Int64")
    for i in ids:
        df[i] = pd.to_numeric(df[i], errors="coerce").astype(float)
    geometry = gpd.GeoSeries(df.code.map(shapes), crs=CRS)
    return gpd.GeoDataFrame(_clean(df), geometry=geometry.values, crs=CRS)


def actors(view: View, personal: bool = False) -> gpd.GeoDataFrame:
    """Located actors of the view as points (own coordinates, else the commune's
    centre), with their attributes; personal fields only when ``personal`` and the
    view's ref allows them. Refused on a view seen as aggregates only."""
    from ecosystem import access

    access.require_records(view.ref)
    personal = personal and getattr(view.ref, "personal", True)
    hidden = set() if personal else personal_columns()
    columns = [c for c in ACTOR_COLUMNS if c not in hidden]
    ref = view.ref
    own = "a.lon IS NOT NULL AND a.lat IS NOT NULL"
    select = ", ".join(f"a.{c}" for c in columns)
    body = f"""
        SELECT {select}, c.name AS commune, g.dep, g.reg, g.epci,
               CASE WHEN {own} THEN a.lon ELSE c.lon END AS x,
               CASE WHEN {own} THEN a.lat ELSE c.lat END AS y,
               CASE WHEN {own} THEN 'own' ELSE 'commune' END AS position
        FROM {ref.actors} a JOIN fa g USING (actor_id)
        LEFT JOIN geo_communes c ON c.code = a.commune_code
        WHERE ({own}) OR c.lon IS NOT NULL
        ORDER BY a.actor_id"""
    df = view.query(body)
    points = shapely.points(df.x.to_numpy(dtype=float), df.y.to_numpy(dtype=float))
    df = df.drop(columns=["x", "y"])
    return gpd.GeoDataFrame(_clean(df), geometry=points, crs=CRS)


def located_actors(view: View) -> int:
    """How many actors of the view the actors layer would hold."""
    from ecosystem.render.mapview import counts

    return counts(view)["located"]


def to_gpkg(view: View, geo, lang: str = "fr", personal: bool = False, ids=None,
            with_actors: bool = True) -> bytes:
    """A GeoPackage with three layers: ``territories``, ``actors`` (unless
    ``with_actors`` is False, or the view is seen as aggregates only), ``definitions``."""
    ids = list(ids or indicator_ids())
    with_actors = with_actors and getattr(view.ref, "records", True)
    with tempfile.TemporaryDirectory(prefix="eco-gpkg-") as tmp:
        path = Path(tmp) / "export.gpkg"
        territories(view, geo, ids).to_file(path, layer="territories", driver="GPKG")
        if with_actors:
            actors(view, personal).to_file(path, layer="actors", driver="GPKG")
        import pyogrio
        pyogrio.write_dataframe(definitions(ids, lang), path, layer="definitions", driver="GPKG")
        return path.read_bytes()


def to_geojson(view: View, geo, layer: str = "territories", lang: str = "fr",
               personal: bool = False, ids=None) -> bytes:
    """One layer as a GeoJSON FeatureCollection (RFC 7946, WGS84). The
    territories carry the indicator definitions in a foreign member
    ``indicators``."""
    ids = list(ids or indicator_ids())
    if layer == "territories":
        gdf = territories(view, geo, ids)
    elif layer == "actors":
        gdf = actors(view, personal)
    else:
        raise ValueError(f"unknown layer {layer!r}")
    data = json.loads(gdf.to_json(na="null", drop_id=True, to_wgs84=True))
    data["name"] = layer
    if layer == "territories":
        data["indicators"] = definitions(ids, lang).to_dict("records")
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def file_stem(view: View, geo) -> str:
    """``carte-departement`` or ``carte-commune-44`` (territory level and code),
    ``carte-departement-2015`` as of a year."""
    level, within, _ = map_level(view.filters)
    stem = f"carte-{level}"
    if within is not None:
        stem += f"-{within[1]}"
    if view.filters.as_of:
        stem += f"-{int(view.filters.as_of)}"
    return stem


__all__ = ["FORMATS", "MIME", "APP_ACTOR_CAP", "located_actors", "definitions", "territories", "actors", "to_gpkg", "to_geojson",
           "personal_columns", "file_stem"]
