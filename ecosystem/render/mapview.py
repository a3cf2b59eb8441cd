"""The map explorer ("Carte"): one pure builder from a view to a folium map.

:func:`build` takes the store, the geography, an inventory, the :class:`Filters`
and :class:`MapOptions` (indicator, layers, language) and returns a
:class:`MapView`: the folium map (offline assets, see :func:`maps.localize`),
the counts the page shows and the displayed territory shapes (to turn a click
into a territory).

Scale strategy (national inventories of 1.5 M actors):

* territories are drawn at the level of the view (:func:`map_level`), never
  more than :data:`MAX_FEATURES` of them (all communes of France would be
  ~12 MB of GeoJSON: communes appear within a région, département or EPCI);
* the browser receives at most :data:`POINT_CAP` actor points, as one compact
  array drawn by ``static/map/explorer.js`` (canvas circle markers clustered
  with leaflet.markercluster), never one folium ``Marker`` per actor. Above the
  cap the map shows server-side counts per grid cell (SQL GROUP BY) and the page
  invites the user to zoom in (pick a territory) or filter;
* partnership and funding lines are aggregated in SQL (one line per pair of
  actors, weighted by shared projects / fundings) and only the strongest
  :data:`LINE_CAP` / :data:`FUNDING_CAP` are sent.

Strings travel as plain data: every JSON payload is embedded with
:func:`ecosystem.render.safe.script_json` (no ``<``, ``>``, ``&`` or line separator
survives, so nothing from an inventory can close the script), and
``static/map/explorer.js`` builds popups and tooltips as DOM nodes with
``textContent``, never by parsing HTML. The folium baseline (:func:`naive_map`)
and the HTML legends use :func:`ecosystem.render.safe.html`.
"""

from __future__ import annotations

import dataclasses

from dataclasses import dataclass, field
from functools import lru_cache

import branca
import folium
import numpy as np
import pandas as pd
import shapely

from ecosystem import access
from ecosystem.analysis import flows as flow
from ecosystem.analysis import indicators as ind
from ecosystem.render import maps
from ecosystem import vocabulary as voc
from ecosystem.analysis.view import Filters, View, level_column
from ecosystem.geo import LEVELS, is_zoning_level
from ecosystem import numbers
from ecosystem.i18n import t
from ecosystem.render import palette, safe

#: most actor points the browser ever receives
POINT_CAP = 20_000
#: most partnership lines (shared projects) and funding lines sent
LINE_CAP = 1_500
FUNDING_CAP = 800
#: most territories drawn (every région's communes fit below)
MAX_FEATURES = 6_000
#: the map page (HTML) stays below this size at every view
HTML_BUDGET = 2_000_000
#: target number of grid cells across the view when points are aggregated
GRID_CELLS = 70
LAYERS = ("points", "lines", "funders", "tiles")
DEFAULT_LAYERS = ("points",)
DEFAULT_INDICATOR = "actors_per_10k"
#: the partnership layer draws flows between territories of a level up to this zoom
#: (France fitted in the frame is zoom ~5.25, a région ~7.5-8, a département ~9): on the
#: 5,000-actor demo, France has 16,478 partnerships (1,500 drawn), 1,415 pairs of
#: départements and 109 of régions; Provence-Alpes-Côte d'Azur 1,493 and 55
FLOW_MAX_ZOOM = {"region": 6.0, "departement": 8.5}
EXPLORER_JS = f"{maps.STATIC_URL}/map/explorer.js"


# ------------------------------------------------------------------- options
@dataclass(frozen=True)
class MapOptions:
    """What the map shows besides the filters: indicator, layers, language."""

    indicator: str = DEFAULT_INDICATOR
    layers: tuple[str, ...] = DEFAULT_LAYERS
    lang: str = "fr"
    point_cap: int = POINT_CAP
    line_cap: int = LINE_CAP
    funding_cap: int = FUNDING_CAP
    height: int = 620

    def has(self, layer: str) -> bool:
        return layer in self.layers

    def to_params(self) -> dict[str, str]:
        out = {}
        if self.indicator != DEFAULT_INDICATOR:
            out["ind"] = self.indicator
        if tuple(self.layers) != DEFAULT_LAYERS:
            out["layers"] = ",".join(self.layers) or "none"
        return out

    @classmethod
    def from_params(cls, params, lang: str = "fr") -> "MapOptions":
        """Parse ``ind`` and ``layers``; unknown values are dropped."""
        indicator = params.get("ind")
        indicator = indicator if indicator in ind.INDICATORS else DEFAULT_INDICATOR
        raw = params.get("layers")
        layers = DEFAULT_LAYERS if raw is None else \
            tuple(x for x in LAYERS if x in str(raw).split(","))
        return cls(indicator=indicator, layers=layers, lang=lang)


@dataclass
class MapView:
    map: folium.Map
    level: str
    within: tuple[str, str] | None
    level_note: str | None
    counts: dict
    shapes: pd.Series = field(repr=False)
    table: pd.DataFrame = field(repr=False)

    def html(self) -> str:
        return maps.render(self.map)

    def territory_at(self, lat: float, lon: float) -> str | None:
        """Code of the displayed territory under a clicked point (None outside)."""
        if lat is None or lon is None or self.shapes.empty:
            return None
        p = shapely.Point(float(lon), float(lat))
        hits = [code for code, g in self.shapes.items() if g.covers(p)]
        return hits[0] if hits else None


# --------------------------------------------------------------------- level
def map_level(filters: Filters, geo=None) -> tuple[str, tuple[str, str] | None, str | None]:
    """(level drawn, parent territory it is limited to, note key) for a view.

    The sidebar level is drawn when it lies below the selected territory;
    otherwise the territory's communes. Communes of all France are too many:
    départements are drawn instead (note ``map.note.communes``).
    """
    level, scope = filters.level, filters.scope
    if is_zoning_level(level) or (scope and is_zoning_level(scope[0])):
        return (level if is_zoning_level(level) else scope[0]), None, None  # every zone
    if scope is None:
        if level == "commune":
            return "departement", None, "map.note.communes"
        return level, None, None
    if LEVELS.index(level) > LEVELS.index(scope[0]):
        return level, scope, None
    return "commune", scope, ("map.note.scope" if level != "commune" else None)


# ----------------------------------------------------------------------- SQL
def _scope_where(alias: str, scope) -> tuple[str, list]:
    if scope is None:
        return "TRUE", []
    return f"{alias}.{level_column(scope[0])} = ?", [scope[1]]


def _position(a: str, c: str) -> tuple[str, str]:
    """Longitude and latitude of an actor: its own coordinates (both of them: a lone
    longitude or latitude is no position), else its commune's centre spread
    deterministically (by a hash of the id) over ~ the commune's size, so actors of
    one commune do not sit on one pixel."""
    spread = f"least(greatest(sqrt(coalesce({c}.area_km2, 1)) / 111.0 * 0.35, 0.002), 0.08)"
    jx = f"((hash({a}.actor_id) % 2001)::DOUBLE / 1000.0 - 1.0)"
    jy = f"((hash({a}.actor_id || '#') % 2001)::DOUBLE / 1000.0 - 1.0)"
    own = f"({a}.lon IS NOT NULL AND {a}.lat IS NOT NULL)"
    lon = f"CASE WHEN {own} THEN {a}.lon ELSE {c}.lon + {jx} * {spread} / cos(radians({c}.lat)) END"
    lat = f"CASE WHEN {own} THEN {a}.lat ELSE {c}.lat + {jy} * {spread} END"
    return lon, lat


def counts(view: View) -> dict:
    """Actors and projects of the view (filters and territory), and how many
    actors have a position (own coordinates or a known commune)."""
    # an actor's commune is known when the derived table found its département
    store = view.store
    sql = view.sql("""
        SELECT (SELECT count(*) FROM fa) AS actors, (SELECT count(*) FROM fp) AS projects,
               (SELECT count(*) FROM fa WHERE (lon IS NOT NULL AND lat IS NOT NULL)
                OR dep IS NOT NULL) AS located""")
    row = store.query(sql.text, sql.params).iloc[0]
    return {k: int(row[k]) for k in ("actors", "projects", "located")}


def actor_points(view: View, limit: int) -> pd.DataFrame:
    """Located actors of the view with what their popup shows: name, type,
    domains, commune, number of filtered projects they take part in and of
    distinct partners in those projects. At most ``limit`` rows."""
    access.require_records(view)
    store, ref, filters = view.store, view.ref, view.filters
    lon, lat = _position("a", "c")
    where, params = _scope_where("fa", filters.scope)
    body = f"""
        , va AS MATERIALIZED (SELECT * FROM fa WHERE {where} LIMIT {int(limit)})
        , mine AS MATERIALIZED (SELECT m.project_id, m.actor_id
                  FROM {ref.derived('d_members')} m
                  SEMI JOIN va USING (actor_id) SEMI JOIN fp USING (project_id))
        , co AS (SELECT m.project_id, m.actor_id FROM {ref.derived('d_members')} m
                 SEMI JOIN (SELECT DISTINCT project_id FROM mine) USING (project_id))
        , stats AS (SELECT x.actor_id, count(DISTINCT x.project_id) AS n_projects,
                           count(DISTINCT y.actor_id) FILTER (WHERE y.actor_id <> x.actor_id)
                             AS n_partners
                    FROM mine x JOIN co y USING (project_id) GROUP BY 1)
        SELECT a.actor_id, a.name, a.actor_type, a.domains, a.commune_code, a.dep,
               c.name AS commune, {lon} AS lon, {lat} AS lat,
               coalesce(s.n_projects, 0) AS n_projects, coalesce(s.n_partners, 0) AS n_partners
        FROM va a LEFT JOIN geo_communes c ON c.code = a.commune_code
        LEFT JOIN stats s USING (actor_id)
        WHERE {lon} IS NOT NULL AND {lat} IS NOT NULL
        ORDER BY a.actor_id"""
    sql = view.sql(body, territory=False)
    return store.query(sql.text, sql.params + params)


def grid_cells(view: View, cell: float) -> pd.DataFrame:
    """Actors of the view counted per lon/lat grid cell of ``cell`` degrees (at their
    commune's centre), with the cell's mean position, its most frequent actor type
    and its département (for the overseas insets)."""
    access.require_records(view)
    # actors are counted per commune and type first (≤ 35,000 × 8 rows), then those
    # counts are joined to the communes' centres: no join over every actor
    store = view.store
    sql = view.sql(f"""
        , per AS (SELECT commune_code, actor_type, count(*) AS n FROM fa GROUP BY 1, 2)
        , typed AS (
            SELECT floor(c.lon / {cell}) AS gx, floor(c.lat / {cell}) AS gy, p.actor_type,
                   sum(p.n) AS n, sum(p.n * c.lon) AS slon, sum(p.n * c.lat) AS slat,
                   min(c.dep) AS dep
            FROM per p JOIN geo_communes c ON c.code = p.commune_code GROUP BY 1, 2, 3)
        SELECT gx, gy, sum(n) AS n, sum(slon) / sum(n) AS lon, sum(slat) / sum(n) AS lat,
               arg_max(actor_type, n) AS actor_type, min(dep) AS dep
        FROM typed GROUP BY 1, 2 ORDER BY n DESC, gx, gy""")
    return store.query(sql.text, sql.params)


def partnership_lines(view: View,
                      limit: int) -> tuple[pd.DataFrame, int]:
    """Pairs of actors of the view that share filtered projects, weighted by the
    number of shared projects; the ``limit`` strongest, and how many pairs there are."""
    lines, total, _ = partnerships(view, limit, [])
    return lines, total


def partnerships(view: View, limit: int,
                 levels) -> tuple[pd.DataFrame, int, dict[str, pd.DataFrame]]:
    """:func:`partnership_lines` and the same pairs aggregated between territories of
    ``levels`` (:func:`ecosystem.analysis.flows.flows_by_level`), from one query: the
    pairs of actors are computed once for both."""
    access.require_records(view)
    store, filters = view.store, view.filters
    levels = list(dict.fromkeys(levels))
    lon, lat = _position("a", "ca")
    where_v, pv = _scope_where("fa", filters.scope)
    mine, pm = flow.scope_members(filters.scope)
    where_a, pa = _scope_where("a", filters.scope)
    flows = (f"UNION ALL BY NAME SELECT 'flow' AS part, * FROM ({flow.flows_select(levels)})"
             if levels else "")
    # positions are computed per actor of the view (not per pair: millions at national
    # scale); each participation carries whether its actor is located, so the pairs
    # know it without a join, and only the ``limit`` strongest are joined to positions
    body = f"""
        , va AS MATERIALIZED (SELECT actor_id FROM fa WHERE {where_v})
        , pos AS MATERIALIZED (SELECT a.actor_id, {lon} AS lon, {lat} AS lat, a.dep FROM fa a
                  LEFT JOIN geo_communes ca ON ca.code = a.commune_code WHERE {where_a})
        , mem AS MATERIALIZED (SELECT DISTINCT m.project_id, m.actor_id,
                  v.lon IS NOT NULL AS located FROM fma m JOIN pos v ON v.actor_id = m.actor_id
                  WHERE {mine})
        , {flow.pairs_cte("x.located AND y.located AS located")}
        , shown AS MATERIALIZED (SELECT id_a, id_b, w FROM pairs WHERE located)
        , top AS (SELECT * FROM shown ORDER BY w DESC, id_a, id_b LIMIT {int(limit)})
        SELECT 'line' AS part, t.*, a.lon AS lon_a, a.lat AS lat_a, a.dep AS dep_a,
               b.lon AS lon_b, b.lat AS lat_b, b.dep AS dep_b,
               (SELECT count(*) FROM shown) AS total
        FROM top t JOIN pos a ON a.actor_id = t.id_a JOIN pos b ON b.actor_id = t.id_b
        {flows}"""
    sql = view.sql(body, territory=False)
    raw = store.query(sql.text, sql.params + pv + pa + pm)
    df = raw[raw.part == "line"]
    df = df[[c for c in df.columns if c != "part" and not (c[0] in "ab" and c[1:].isdigit())]]
    df = df.astype({"w": "int64"}).sort_values(["w", "id_a", "id_b"], ascending=[False, True, True])
    df = df.reset_index(drop=True)
    total = int(df.total.iloc[0]) if len(df) else 0
    tiers = flow.rollup(raw[raw.part == "flow"], levels) if levels else {}
    return df.drop(columns=["total", "n", "projects"], errors="ignore"), total, tiers


def funding_lines(view: View,
                  limit: int) -> tuple[pd.DataFrame, int]:
    """Funder → lead of each funded project of the view (funders anywhere, leads in
    the view), weighted by the number of fundings, with the total amount."""
    access.require_records(view)
    store, ref, filters = view.store, view.ref, view.filters
    lon_a, lat_a = _position("a", "ca")
    lon_b, lat_b = _position("b", "cb")
    where_b, pb = _scope_where("b", filters.scope)
    body = f"""
        , links AS (SELECT f.funder_actor_id AS id_a, p.lead_actor_id AS id_b,
                           count(*) AS w, sum(f.amount_eur) AS amount
                    FROM {ref.table('fundings')} f JOIN fp p USING (project_id)
                    WHERE f.funder_actor_id IS NOT NULL AND f.funder_actor_id <> p.lead_actor_id
                    GROUP BY 1, 2)
        , shown AS (SELECT l.*, {lon_a} AS lon_a, {lat_a} AS lat_a, a.dep AS dep_a,
                           {lon_b} AS lon_b, {lat_b} AS lat_b, b.dep AS dep_b
                    FROM links l JOIN {ref.derived('d_actors')} a ON a.actor_id = l.id_a
                    JOIN fa b ON b.actor_id = l.id_b
                    LEFT JOIN geo_communes ca ON ca.code = a.commune_code
                    LEFT JOIN geo_communes cb ON cb.code = b.commune_code
                    WHERE {where_b})
        SELECT *, count(*) OVER () AS total FROM shown
        WHERE lon_a IS NOT NULL AND lon_b IS NOT NULL
        ORDER BY w DESC, amount DESC, id_a, id_b LIMIT {int(limit)}"""
    sql = view.sql(body, territory=False)
    df = store.query(sql.text, sql.params + pb)
    total = int(df.total.iloc[0]) if len(df) else 0
    return df.drop(columns="total"), total


# ------------------------------------------------------------- JS elements
class _Explorer(folium.elements.JSCSSMixin, maps.Macro):
    """Calls one function of static/map/explorer.js with pre-serialised data
    (serialised once per view, so re-rendering a cached map costs nothing)."""

    default_js = [("markerclusterjs", maps.LOCAL_JS["markerclusterjs"]),
                  ("eco_explorer", EXPLORER_JS)]
    default_css = [("markerclustercss", maps.LOCAL_CSS["markerclustercss"]),
                   ("markerclusterdefaultcss", maps.LOCAL_CSS["markerclusterdefaultcss"])]
    _template = branca.element.Template("""
        {% macro script(this, kwargs) %}
        EcoExplorer.{{ this.fn }}({{ this._parent.get_name() }}, {{ this.payload }}
        {%- if this.extra %}, {{ this.extra }}{% endif %});
        {% endmacro %}
    """)

    def __init__(self, fn: str, data: dict | str, extra: dict | str | None = None):
        super().__init__()
        self._name = f"Eco{fn.title()}"
        self.fn = fn
        # a str is already safe JSON text (serialised once, e.g. the cached territories)
        self.payload = data if isinstance(data, str) else safe.script_json(data)
        self.extra = "" if extra is None else extra if isinstance(extra, str) \
            else safe.script_json(extra)


def _round(a, d=5) -> list:
    return np.round(np.asarray(a, dtype=float), d).tolist()


def _place(lon, lat, deps, insets: bool):
    if insets:
        return maps.inset_points(lon, lat, deps)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _inset_group(deps) -> list[int]:
    """Each point's cluster group on a map with insets: 0 for the metropole, 1… for
    each overseas département's inset (``maps.INSETS`` order). The browser clusters
    each group apart: insets drawn 1° apart (La Réunion, Mayotte) never share a cluster."""
    index = {dep: i + 1 for i, dep in enumerate(maps.INSETS)}
    return [index.get(x, 0) for x in pd.Series(deps, dtype=object).tolist()]


def _type_index() -> dict[str, int]:
    return {c: i for i, c in enumerate(voc.ACTOR_TYPES.codes)}


def _codes(value) -> list:
    """The codes of a list cell: a missing value (None, NaN, pd.NA: an actor with no
    domain) is no code."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    return []


def points_data(df: pd.DataFrame, lang: str, insets: bool, link: str) -> dict:
    """The compact array the browser draws (strings as plain text, see the module
    docstring). Columns are read with ``tolist()`` (iterating an Arrow-backed column
    costs a Python object per step) and each distinct set of domains is written once."""
    lon, lat = _place(df.lon, df.lat, df.dep, insets)
    tidx = _type_index()
    dom_idx = {c: str(i) for i, c in enumerate(voc.DOMAINS.codes)}
    communes = pd.Series(df.commune.fillna("").astype(str))
    cat = pd.Categorical(communes)
    doms: dict[tuple, str] = {}
    d = []
    for ds in df.domains.tolist():
        key = tuple(_codes(ds))
        if key not in doms:
            doms[key] = ".".join(dom_idx[x] for x in key if x in dom_idx)
        d.append(doms[key])
    return {
        "lat": _round(lat), "lon": _round(lon),
        "t": [tidx.get(x, len(tidx)) for x in df.actor_type.tolist()],
        "n": [safe.text(x) for x in df.name.tolist()],
        "id": [safe.text(x) for x in df.actor_id.tolist()],
        "c": cat.codes.tolist(), "communes": [str(x) for x in cat.categories],
        "d": d,
        "p": df.n_projects.astype(int).tolist(), "q": df.n_partners.astype(int).tolist(),
        "colors": [palette.actor_type(c) for c in voc.ACTOR_TYPES.codes] + [palette.UNKNOWN],
        "types": [voc.ACTOR_TYPES.label(c, lang) for c in voc.ACTOR_TYPES.codes]
        + ["—"],
        "domains": [voc.DOMAINS.label(c, lang) for c in voc.DOMAINS.codes],
        "labels": {k: t(f"map.popup.{k}", lang) for k in
                   ("type", "domains", "commune", "projects", "partners", "open")}
        | {"sep": " : " if lang == "fr" else ": ", "group": numbers.plotly_separators(lang)[1]},
        "link": link,
        **({"g": _inset_group(df.dep)} if insets else {}),
    }


def _plurals(key: str, counts, lang: str) -> list[str]:
    """``numbers.plural(key, n)`` of each count, each distinct count formatted once
    (1,500 grid cells hold a few hundred distinct counts)."""
    done: dict[int, str] = {}
    out = []
    for n in pd.Series(counts).astype(int).tolist():
        if n not in done:
            done[n] = numbers.plural(key, n, lang)
        out.append(done[n])
    return out


def cells_data(df: pd.DataFrame, lang: str, insets: bool) -> dict:
    lon, lat = _place(df.lon, df.lat, df.dep, insets)
    tidx = _type_index()
    return {
        "lat": _round(lat, 4), "lon": _round(lon, 4), "n": df.n.astype(int).tolist(),
        "t": [tidx.get(x, len(tidx)) for x in df.actor_type],
        "colors": [palette.actor_type(c) for c in voc.ACTOR_TYPES.codes] + [palette.UNKNOWN],
        "nfmt": _plurals("map.cell_tip", df.n, lang),
        "max": int(df.n.max()) if len(df) else 1,
    }


def lines_data(df: pd.DataFrame, insets: bool, style: dict, tip: str, lang: str) -> dict:
    """``tip`` is a plural message key: each line's tooltip reads "3 projets en commun".
    ``ia`` / ``ib`` are the two actors' ids (a selected actor's lines are drawn at
    any zoom)."""
    lon_a, lat_a = _place(df.lon_a, df.lat_a, df.dep_a, insets)
    lon_b, lat_b = _place(df.lon_b, df.lat_b, df.dep_b, insets)
    out = {"a": [_round(lat_a, 4), _round(lon_a, 4)], "b": [_round(lat_b, 4), _round(lon_b, 4)],
           "w": df.w.astype(int).tolist(), "style": style,
           "wfmt": _plurals(tip, df.w, lang),
           "wmax": int(df.w.max()) if len(df) else 1}
    if "id_a" in df:
        out["ia"] = [safe.text(x) for x in df.id_a]
        out["ib"] = [safe.text(x) for x in df.id_b]
    return out


def flows_data(df: pd.DataFrame, geo, level: str, insets: bool, lang: str) -> dict:
    """One tier of the partnership layer: a line per pair of territories of ``level``
    (:func:`ecosystem.analysis.flows.territory_flows`) between their centres, width by
    the number of partnerships, tooltip "3 partenariats entre X et Y"; drawn up to
    :data:`FLOW_MAX_ZOOM` (overseas centres moved into their insets)."""
    table = geo.table(level)
    known = df[df.code_a.isin(table.index) & df.code_b.isin(table.index)]
    ends = {}
    for side in ("a", "b"):
        codes = known[f"code_{side}"].to_numpy()
        lon, lat = table.lon.reindex(codes).to_numpy(), table.lat.reindex(codes).to_numpy()
        if insets:
            parents = maps._overseas_parents(geo, level, codes)
            lon, lat = maps.inset_points(lon, lat, [parents.get(c) for c in codes])
        ends[side] = [_round(lat, 4), _round(lon, 4)]
    names = table.name
    return {"level": level, "maxzoom": FLOW_MAX_ZOOM.get(level, 0.0), **ends,
            "n": known.n.astype(int).tolist(),
            "tip": [numbers.plural("map.flow_tip", int(r.n), lang,
                                   a=safe.text(names[r.code_a]), b=safe.text(names[r.code_b]))
                    for r in known.itertuples()],
            "nmax": int(known.n.max()) if len(known) else 1}


# ------------------------------------------------------------------ builder
@lru_cache(maxsize=64)
def _bounds(geo, level: str, codes: tuple[str, ...]):
    # the extent of every shape's own bounds: the union's bounds, without the union
    # (union_all of a région's 4,000 communes cost ~0.3 CPU-s of a map rerun)
    x0, y0, x1, y1 = shapely.total_bounds(geo.shapes(level, codes).values).tolist()
    return [[y0, x0], [y1, x1]], max(x1 - x0, y1 - y0)


def class_breaks(values: pd.Series) -> list[float]:
    """Quantile breaks, or equal intervals when quantiles collapse (e.g. most
    communes at zero), so a map never paints every territory one colour."""
    breaks = maps.class_breaks(values)
    v = values.dropna()
    if len(breaks) < 4 and v.nunique() > 2:
        breaks = np.unique(np.round(np.linspace(v.min(), v.max(), 6), 6)).tolist()
    return breaks


@lru_cache(maxsize=32)
def display_shapes(geo, level: str, codes: tuple[str, ...], insets: bool, precision: int,
                   tolerance: float) -> tuple[dict[str, str], pd.Series]:
    """Displayed geometry of each territory (overseas moved to insets when asked,
    simplified, rounded) as GeoJSON text and as shapes for click lookup. It does not
    depend on filters: cached, so a filter change only recolours."""
    geoms = geo.shapes(level, codes)
    parents = maps._overseas_parents(geo, level, codes) if insets else {}
    moved = [maps.inset_geometry(g, parents.get(c)) for c, g in geoms.items()] if insets \
        else geoms.to_numpy()
    arr = np.asarray(moved, dtype=object)
    if tolerance:  # shapely's array functions: one call for every territory
        arr = shapely.simplify(arr, tolerance, preserve_topology=True)
    arr = shapely.set_precision(arr, 10 ** -precision)
    texts = dict(zip(geoms.index, shapely.to_geojson(arr).tolist()))
    shown = pd.Series(list(arr), index=geoms.index, dtype=object)
    return texts, shown


@lru_cache(maxsize=32)
def territory_features(geo, level: str, codes: tuple[str, ...], insets: bool, precision: int,
                       tolerance: float) -> str:
    """GeoJSON FeatureCollection text of the displayed territories: each feature's
    geometry (:func:`display_shapes`) and its code (``k``), nothing that a filter,
    an indicator or the language changes. The geography never changes at run time:
    serialised once per (level, territories, precision) and process, and sent as is
    on every rerun; :func:`choropleth_data` gives the values that ``explorer.js``
    joins to it by code."""
    shapes, _ = display_shapes(geo, level, codes, insets, precision, tolerance)
    feats = ['{"type":"Feature","geometry":' + shapes[c] + ',"properties":{"k":'
             + safe.script_json(safe.text(c)) + "}}" for c in codes if c in shapes]
    return '{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}"


@lru_cache(maxsize=64)
def _numbers(values: tuple, lang: str) -> tuple[str, ...]:
    # the territories' populations: the same for every filter of a level
    return tuple(numbers.number(v, lang) for v in values)


def choropleth_data(table: pd.DataFrame, indicator: str, lang: str) -> tuple[dict, list[float]]:
    """What the territories show for one view, as parallel arrays in the table's order:
    code ``k``, name ``n``, formatted value ``v`` and population ``p``, class ``c``
    (an index into ``colors``; the last colour is "no data"), and the labels once;
    and the class breaks. ``explorer.js`` joins it to :func:`territory_features` by
    code. Each distinct value is formatted once."""
    i = ind.get(indicator)
    values = pd.to_numeric(table[indicator], errors="coerce").astype(float)
    breaks = class_breaks(values)
    arr = values.to_numpy(dtype=float, na_value=np.nan)
    texts: dict = {}
    v_txt = []
    for v in arr.tolist():
        key = None if v != v else v
        if key not in texts:
            texts[key] = ind.format_value(indicator, key, lang, with_unit=True)
        v_txt.append(texts[key])
    colors = maps.class_palette(len(breaks) - 1) + [maps.NO_DATA]
    pops = pd.to_numeric(table.population, errors="coerce").astype(float)
    labels = {"ind": i.label(lang), "pop": t("col.population", lang),
              "hint": t("map.click_profile", lang), "sep": " : " if lang == "fr" else ": "}
    # tolist(): iterating an Arrow-backed column yields one Python object per step
    return {"labels": labels, "k": [safe.text(c) for c in table.code.tolist()],
            "n": [safe.text(x) for x in table.name.tolist()], "v": v_txt,
            "p": list(_numbers(tuple(pops.tolist()), lang)),
            "c": maps.class_index(arr, breaks).tolist(), "colors": colors}, breaks


def type_legend(lang: str, present=None) -> str:
    rows = "".join(
        f'<div><i style="background:{colour};border-radius:50%;width:10px"></i>'
        f'{safe.html(label)}</div>' for label, colour in palette.actor_type_legend(lang, present))
    return f'<div class="eco-legend"><b>{safe.html(t("map.legend.types", lang))}</b>{rows}</div>'


def build(view: View, geo, options: MapOptions,
          link: str = "acteur?actor=", mode: str = "url") -> MapView:
    """The map of a view and its figures (see the module docstring)."""
    filters = view.filters
    lang = options.lang
    level, within, note = map_level(filters)
    n = counts(view)
    i = ind.get(options.indicator)
    table = ind.compute(view, level, list(dict.fromkeys(
        [options.indicator, "actors", "projects"])), within=within)
    if len(table) > MAX_FEATURES:  # e.g. a commune level the caller forced
        raise ValueError(f"{len(table)} territories: more than {MAX_FEATURES}")
    codes = tuple(table.code)
    zoning = is_zoning_level(level)  # a user zoning: fitted to its zones, no insets
    insets = within is None and not zoning
    bounds = None
    extent = 14.0
    if (within is not None or zoning) and len(codes):
        bounds, extent = _bounds(geo, level, codes)
    # about a pixel of a 1,000-pixel-wide view: invisible, and halves the payload
    # (commune and EPCI boundaries; régions and départements are few)
    precision = 3 if level in ("commune", "epci") else 4
    tolerance = extent / 800 if level in ("commune", "epci") else 0.0
    key = (geo, level, codes, insets, precision, round(tolerance, 5))
    _, shown = display_shapes(*key)
    fc = territory_features(*key)
    values, breaks = choropleth_data(table, options.indicator, lang)
    values = safe.script_json(values)
    m = maps.base_map(height=options.height, bounds=bounds, tiles=options.has("tiles"), mode=mode)
    m.get_root().header.add_child(maps.Raw(
        "<style>.eco-pop{font-size:12px;line-height:1.4}.eco-pop b{font-size:13px}"
        ".eco-pop a{font-weight:600}.eco-cell{background:transparent;border:0}</style>"),
        name="eco_map_style")
    _Explorer("choropleth", fc, values).add_to(m)
    if insets:
        maps.inset_frames(m, lang)

    out = {**n, "level": level, "territories": len(table), "points": 0, "cells": 0,
           "aggregated": False, "lines": 0, "lines_total": 0, "fundings": 0, "fundings_total": 0}
    # the cap applies to the actors of the view, whether drawn as points or not;
    # points are also aggregated when they would push the page over the budget
    out["aggregated"] = n["located"] > options.point_cap
    if not getattr(view.ref, "records", True):  # aggregates only: no actor-level layer
        options = dataclasses.replace(options, layers=tuple(
            x for x in options.layers if x not in ("points", "lines", "funders")))
        out["records"] = False
    if options.has("points") and not out["aggregated"]:
        pts = actor_points(view, options.point_cap)
        element = _Explorer("points", points_data(pts, lang, insets, link))
        if len(element.payload) + len(fc) + len(values) > HTML_BUDGET - 200_000:
            out["aggregated"] = True
        else:
            out["points"] = len(pts)
            element.add_to(m)
    if options.has("points") and out["aggregated"]:
        cell = round(max(extent / GRID_CELLS, 0.01), 3)
        cells = grid_cells(view, cell)
        out["cells"], out["cell_deg"] = len(cells), cell
        _Explorer("cells", cells_data(cells, lang, insets)).add_to(m)
    if options.has("lines"):
        # at low zoom, partnerships aggregated between territories (explorer.js
        # switches): the same pairs of actors, from the same query
        lines, total, tiers = partnerships(view, options.line_cap, flow.flow_levels(filters))
        out["lines"], out["lines_total"] = len(lines), total
        data = lines_data(lines, insets, {"color": "#3b3b98", "dash": None}, "map.line_tip", lang)
        data["tiers"] = [flows_data(df, geo, lv, insets, lang) for lv, df in tiers.items()]
        out["flows"] = {tier["level"]: len(tier["n"]) for tier in data["tiers"]}
        _Explorer("lines", data).add_to(m)
    if options.has("funders"):
        fl, total = funding_lines(view, options.funding_cap)
        out["fundings"], out["fundings_total"] = len(fl), total
        _Explorer("lines", lines_data(fl, insets, {"color": "#b45309", "dash": "4 4"},
                                      "map.funding_tip", lang)).add_to(m)

    decimals = i.decimals if i.unit_fr != "%" else 1
    fmt = (lambda v: ind.format_value(options.indicator, v, lang)) if i.unit_fr == "%" else \
        (lambda v: numbers.number(v, lang, decimals))
    maps.Legend(maps.legend_html(i.titled(lang), breaks, "", fmt=fmt,
                                 no_data=t("terr.no_data", lang), lang=lang)).add_to(m)
    if options.has("points") and not out["aggregated"] and out["points"]:
        # the types of the points drawn (none drawn: no legend of types)
        maps.Legend(type_legend(lang, set(pts.actor_type)), position="topright").add_to(m)
    return MapView(map=maps.localize(m, mode), level=level, within=within, level_note=note,
                   counts=out, shapes=shown, table=table)

