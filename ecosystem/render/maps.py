"""Folium map builders that work offline and escape every user string.

* Leaflet and its plugins are served by the app (``/app/static/vendor/``) or
  inlined into standalone HTML (reports): :func:`localize` rewrites every
  element's ``default_js`` / ``default_css`` and refuses any remote asset.
* No base tiles by default: our own boundaries make the map readable.
* Overseas départements are drawn as insets next to metropolitan France
  (:func:`inset_geometry`, :func:`inset_points`), as INSEE maps do.
* Legends are plain HTML (a branca colormap would make streamlit-folium load
  d3 from a CDN).
* Rendered text is never read again as a Jinja template: branca's
  ``MacroElement.render`` wraps each macro's output in ``Element(text)``, which
  compiles it (a 1 MB GeoJSON payload: ~0.1-0.3 CPU-s per render, twice per
  ``st_folium`` call) and renders it, so an inventory string such as ``{{ 7*7 }}``
  was evaluated on the server. Our elements derive from :class:`Macro` (macro output
  added as :class:`Raw` text), and :func:`localize` makes the figure's header, html
  and script boxes keep what folium's own elements add as raw text.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache

import branca
import folium
import folium.elements
import numpy as np
import pandas as pd
import shapely

from ecosystem import numbers
from ecosystem.render import palette, safe

from ecosystem import ROOT
STATIC = ROOT / "static"
STATIC_URL = "/app/static"

#: local files standing in for folium's CDN assets, by folium's asset name
LOCAL_JS = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
}
LOCAL_CSS = {
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
}
#: assets folium lists that our maps do not need (Bootstrap, jQuery, icon fonts)
DROPPED = {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
           "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css"}

FRANCE_BOUNDS = [[41.2, -9.8], [51.2, 9.7]]  # metropole + insets

# ------------------------------------------------------------------ raw rendering
class Raw(branca.element.Element):
    """Text that renders as itself (no Jinja template is compiled from it)."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class Macro(branca.element.MacroElement):
    """A MacroElement whose ``header`` / ``html`` / ``script`` macros' output goes into
    the figure as :class:`Raw` text. (branca compiles that output as a new template
    and renders it again: slow for big payloads, and it evaluates any ``{{ }}`` or
    ``{% %}`` in the data.) The class's own template is compiled once, at import."""

    def render(self, **kwargs):
        figure = self.get_root()
        assert isinstance(figure, branca.element.Figure), "not in a Figure"
        module = self._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(Raw(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _RawBox(branca.element.Element):
    """A figure's header, html or script box: a plain ``Element`` added to it (the
    rendered output of one of folium's own elements) is kept as :class:`Raw` text,
    so it is not rendered a second time as a template."""

    def add_child(self, child, name=None, index=None):
        if type(child) is branca.element.Element and child._template_str is not None:
            child = Raw(child._template_str)
        return super().add_child(child, name=name, index=index)


def _raw_boxes(figure) -> None:
    for part in ("header", "html", "script"):
        box = getattr(figure, part, None)
        if box is None or type(box) not in (branca.element.Element, _RawBox):
            continue
        box.__class__ = _RawBox
        for key, child in list(box._children.items()):
            if type(child) is branca.element.Element and child._template_str is not None:
                raw = Raw(child._template_str)
                raw._parent = box
                box._children[key] = raw


# ------------------------------------------------------------------ offline assets


class RemoteAssetError(RuntimeError):
    """A map element wants a script or stylesheet from the Internet."""


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localize(m: folium.Map, mode: str = "url") -> folium.Map:
    """Point every element's JS/CSS at our vendored copies.

    ``mode="url"`` links ``/app/static/...`` (served by Streamlit);
    ``mode="inline"`` embeds the files' text in the page header (standalone
    HTML such as reports). Raises :class:`RemoteAssetError` for an asset we do
    not ship.
    """
    _raw_boxes(m.get_root())
    js, css = [], []
    for el in _walk(m):
        if not isinstance(el, folium.elements.JSCSSMixin) and el is not m:
            continue
        new_js = _local(getattr(el, "default_js", []), LOCAL_JS, js, "script")
        new_css = _local(getattr(el, "default_css", []), LOCAL_CSS, css, "stylesheet")
        el.default_js = [] if mode == "inline" else new_js
        el.default_css = [] if mode == "inline" else new_css
    if mode == "inline":
        header = m.get_root().header
        for i, rel in enumerate(dict.fromkeys(css)):
            header.add_child(Raw(f"<style>{_asset(rel)}</style>"),
                             name=f"inline_css_{i}")
        for i, rel in enumerate(dict.fromkeys(js)):
            header.add_child(Raw(f"<script>{_asset(rel)}</script>"),
                             name=f"inline_js_{i}")
    return m


def _local(assets, local: dict[str, str], used: list[str], what: str) -> list[tuple[str, str]]:
    """An element's (name, url) assets pointed at our copies; files used go in ``used``."""
    out = []
    for name, url in assets:
        if name in DROPPED:
            continue
        if name in local:
            out.append((name, f"{STATIC_URL}/{local[name]}"))
            used.append(local[name])
        elif url.startswith(STATIC_URL):  # one of our own scripts (static/map, …)
            out.append((name, url))
            used.append(url[len(STATIC_URL) + 1:])
        else:
            raise RemoteAssetError(f"no local copy of {what} {name} ({url})")
    return out


@lru_cache(maxsize=None)
def _asset(rel: str) -> str:
    text = (STATIC / rel).read_text(encoding="utf-8")
    if rel.endswith(".css"):
        # image references inside leaflet.css become data-free: drop them
        text = re.sub(r"url\((?!data:)[^)]*\)", "none", text)
    return text.replace("</script", "<\\/script")


EXTERNAL_RE = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE)


def external_assets(page: str) -> list[str]:
    """Tags of an HTML page that would load something from another host."""
    return [m.group(0) for m in EXTERNAL_RE.finditer(page)]


#: the legends stand in the map's right column (~270 px of a ~1,000 px map): the view
#: is fitted to the data widened eastwards by this share of its width, so no legend
#: covers Alsace, Corsica, the Riviera or their clusters
LEGEND_ROOM = 0.4


def legend_room(bounds) -> list[list[float]]:
    """``[[south, west], [north, east]]`` with the east moved out by
    :data:`LEGEND_ROOM` of the width: the data fills the left of the frame."""
    (s, w), (n, e) = bounds
    return [[float(s), float(w)], [float(n), float(e) + (float(e) - float(w)) * LEGEND_ROOM]]


#: The map's first view (the fit, a shared link's position) is set without animation.
#: Leaflet animates a zoom on the next animation frames and, until the animation ends,
#: ignores any other ``setView`` (``_tryAnimatedZoom`` returns at once while
#: ``_animatingZoom``): a pan or zoom made then was lost, the map sprang back to the
#: link's place. And streamlit-folium reports the position as soon as the map script
#: has run, before those frames: the first report was the construction place (France,
#: zoom 5), which Carte wrote into the URL, and the animation's end sent a second one —
#: two reruns after the page looked finished instead of one.
DRAWN_IN_PLACE = {"animate": False}


def base_map(height: int = 560, bounds=None, tiles: bool = False, mode: str = "url") -> folium.Map:
    """An empty offline map fitted to ``bounds`` (default: France with insets)."""
    m = folium.Map(location=[46.6, 2.2], zoom_start=5, tiles=None, control_scale=False,
                   prefer_canvas=True, height=height, zoom_snap=0.25)
    MetricScale().add_to(m)  # folium's own scale bar also shows miles
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(m)
    fit = folium.map.FitBounds(legend_room(bounds or FRANCE_BOUNDS))
    fit.options.update(DRAWN_IN_PLACE)
    m.add_child(fit)
    m.get_root().header.add_child(Raw(
        "<style>.leaflet-container{background:#f4f6f8;font-family:system-ui,sans-serif}"
        ".eco-legend{background:rgba(255,255,255,.92);padding:6px 8px;border-radius:4px;"
        "font-size:12px;line-height:1.35;box-shadow:0 1px 4px rgba(0,0,0,.25)}"
        ".eco-legend i{display:inline-block;width:14px;height:10px;margin-right:6px}"
        ".eco-fold{cursor:pointer}.eco-fold::after{content:' \\25BE';color:#52606d}"
        ".eco-folded .eco-legend>:not(.eco-fold){display:none}"
        ".eco-folded .eco-fold::after{content:' \\25B8'}"
        + "".join(f".leaflet-container .marker-cluster-{size}{{background-color:{palette.CLUSTER}40}}"
                  f".leaflet-container .marker-cluster-{size} div{{background-color:{palette.CLUSTER}d9;"
                  "color:#fff}" for size in ("small", "medium", "large"))
        + "</style>"),
        name="eco_style")
    return m


# --------------------------------------------------------------------- insets
#: overseas départements drawn next to the metropole: target centre (lon, lat)
#: and scale factor
INSETS = {
    "971": (-8.2, 47.9, 1.6),   # Guadeloupe
    "972": (-8.2, 46.6, 1.9),   # Martinique
    "973": (-8.2, 44.9, 0.38),  # Guyane
    "974": (-8.2, 43.45, 1.35), # La Réunion
    "976": (-8.2, 42.3, 2.2),   # Mayotte
}
REGION_DEP = {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}


@lru_cache(maxsize=None)
def _inset_params(dep: str, cx: float, cy: float):
    tx, ty, s = INSETS[dep]
    sy = s * math.cos(math.radians(ty)) / math.cos(math.radians(cy))
    return cx, cy, tx, ty, s, sy


#: source centre of each overseas département (fixed so every level agrees)
INSET_SOURCE_CENTRE = {"971": (-61.55, 16.2), "972": (-61.02, 14.65), "973": (-53.2, 3.95),
                       "974": (55.53, -21.13), "976": (45.15, -12.82)}


def inset_coords(lon, lat, dep: str):
    cx, cy = INSET_SOURCE_CENTRE[dep]
    cx, cy, tx, ty, s, sy = _inset_params(dep, cx, cy)
    return tx + (np.asarray(lon) - cx) * s, ty + (np.asarray(lat) - cy) * sy


def inset_geometry(geom, dep: str | None):
    """Move an overseas geometry into its inset (identity for the metropole)."""
    if dep not in INSETS:
        return geom

    def move(coords):
        x, y = inset_coords(coords[:, 0], coords[:, 1], dep)
        return np.column_stack([x, y])

    return shapely.transform(geom, move)


def inset_points(lon: np.ndarray, lat: np.ndarray, deps: np.ndarray):
    """Move overseas points (by their département) into the insets."""
    lon = np.asarray(lon, dtype=float).copy()
    lat = np.asarray(lat, dtype=float).copy()
    deps = np.asarray(deps, dtype=object)
    for dep in INSETS:
        m = deps == dep
        if m.any():
            lon[m], lat[m] = inset_coords(lon[m], lat[m], dep)
    return lon, lat


def inset_frames(m: folium.Map, lang: str = "fr") -> None:
    """Thin frames and names around the insets."""
    names = {"971": "Guadeloupe", "972": "Martinique", "973": "Guyane",
             "974": "La Réunion" if lang == "fr" else "Réunion", "976": "Mayotte"}
    for dep, (x, y, _) in INSETS.items():
        folium.Rectangle([[y - 0.62, x - 1.15], [y + 0.62, x + 1.15]], color="#9aa5b1", weight=1,
                         fill=False, interactive=False).add_to(m)
        Label([y + 0.6, x - 1.12], names[dep], anchor=(0, 0)).add_to(m)


class Label(Macro):
    """A non-interactive text label (a divIcon marker, no default icon image)."""

    _template = branca.element.Template("""
        {% macro script(this, kwargs) %}
        L.marker({{ this.location|tojson }}, {interactive: false, keyboard: false,
          icon: L.divIcon({className: 'eco-label', iconSize: null,
                           iconAnchor: {{ this.anchor|tojson }},
                           html: {{ this.html|tojson }}})}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, location, text: str, style: str = "font-size:10px;color:#52606d",
                 anchor=(0, 14)):
        super().__init__()
        self._name = "Label"
        self.anchor = list(anchor)
        self.location = [float(location[0]), float(location[1])]
        self.html = f'<div style="{style};white-space:nowrap">{safe.html(text)}</div>'


# ---------------------------------------------------------------- choropleths
PALETTE = list(palette.SEQUENTIAL)
NO_DATA = palette.NO_DATA


def class_breaks(values: pd.Series, k: int = 6) -> list[float]:
    """Quantile class breaks (unique, increasing) of the non-null values. When the
    quantiles collapse into fewer than three classes over more than two distinct values
    (most territories at zero: communes, an inventory of one département, overseas
    only), the minimum gets a class of its own and the values above it their quantiles
    (``k - 1`` classes), so the few territories with actors are told apart instead of
    sharing the first class of equal intervals; equal intervals when the minimum is not
    what most territories hold. A map never paints every territory one colour."""
    v = pd.to_numeric(values, errors="coerce").dropna()
    if v.empty:
        return []
    qs = np.unique(np.round(np.quantile(v, np.linspace(0, 1, k + 1)), 6))
    if len(qs) == 1:
        qs = np.array([qs[0], qs[0] + 1])
    elif len(qs) < 4 and v.nunique() > 2:
        low = v.min()
        if (v == low).mean() >= 0.5:
            above = np.unique(np.round(np.quantile(v[v > low], np.linspace(0, 1, k)), 6))
            qs = np.concatenate([[round(low, 6)], above])
        else:
            qs = np.unique(np.round(np.linspace(v.min(), v.max(), k), 6))
    return qs.tolist()


def class_palette(n: int) -> list[str]:
    """Colours of ``n`` classes: the darkest ``n`` of the palette; one class (every
    territory at the same value, e.g. all at zero) is the lightest, not "the most"."""
    if n <= 0:
        return []
    if n == 1:
        return PALETTE[:1]
    return PALETTE[-n:] if n <= len(PALETTE) else PALETTE


def class_index(values, breaks: list[float]) -> np.ndarray:
    """The class of each value: an index into ``class_palette(len(breaks) - 1)``,
    one past its end for a missing value (no data). One ``searchsorted`` for a whole
    map; :func:`color_for` for one value."""
    v = np.asarray(values, dtype=float)
    k = len(class_palette(len(breaks) - 1))  # the colours there are; k: no data
    if not k:
        return np.full(len(v), k, dtype=np.int64)
    i = np.searchsorted(np.asarray(breaks[1:-1], dtype=float), v, side="right")
    return np.where(np.isnan(v), k, np.minimum(i, k - 1)).astype(np.int64)


def color_for(value, breaks: list[float]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or not breaks:
        return NO_DATA
    i = int(np.searchsorted(breaks[1:-1], value, side="right"))
    palette = class_palette(len(breaks) - 1)
    return palette[min(i, len(palette) - 1)]


def features(geoms: pd.Series, props: pd.DataFrame, parents: dict | None = None,
             precision: int = 4) -> dict:
    """GeoJSON FeatureCollection from geometries by code and a property table.

    Every string property is HTML-escaped here, once, because folium's tooltips
    insert properties as raw HTML.
    """
    feats = []
    props = props.set_index("code", drop=False) if "code" in props.columns else props
    for code, geom in geoms.items():
        if code not in props.index:
            continue
        dep = (parents or {}).get(code)
        g = inset_geometry(geom, dep)
        gj = json.loads(shapely.to_geojson(shapely.set_precision(g, 10 ** -precision)))
        row = props.loc[code]
        properties = {k: (safe.html(v) if isinstance(v, str) else _json_value(v)) for k, v in row.items()}
        feats.append({"type": "Feature", "geometry": gj, "properties": properties})
    return {"type": "FeatureCollection", "features": feats}


def _json_value(v):
    if v is None:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if v is pd.NA:
        return None
    return v


def distinct_labels(breaks: list[float], fmt, lang: str = "fr") -> list[str]:
    """The class bounds as the legend writes them, with more decimals (up to 6) when
    ``fmt`` writes two different bounds the same ("0,01 – 0,01")."""
    labels = [fmt(b) for b in breaks]
    places = 2
    while len(set(labels)) < len(labels) and places <= 6:
        labels = [numbers.number(b, lang, places) for b in breaks]
        places += 1
    return labels


def legend_html(title: str, breaks: list[float], unit: str = "", fmt=None,
                no_data: str = "", lang: str = "fr") -> str:
    fmt = fmt or (lambda v: numbers.number(v, lang, 1))
    labels = distinct_labels(breaks, fmt, lang)
    fmt = dict(zip(breaks, labels)).get
    rows = []
    palette = class_palette(len(breaks) - 1)
    for i in range(len(breaks) - 1):
        rows.append(f'<div><i style="background:{palette[i]}"></i>{safe.html(fmt(breaks[i]))} – '
                    f'{safe.html(fmt(breaks[i + 1]))}</div>')
    if no_data:
        rows.append(f'<div><i style="background:{NO_DATA}"></i>{safe.html(no_data)}</div>')
    # the unit on a line of its own: beside the title the legend grew to ~350 px and
    # covered Corsica (the map keeps ~270 px of its east for it: LEGEND_ROOM)
    unit_html = (f'<div class="eco-unit" style="color:#52606d">({safe.html(unit)})</div>'
                 if unit else "")
    return f'<div class="eco-legend"><b>{safe.html(title)}</b>{unit_html}{"".join(rows)}</div>'


class MetricScale(Macro):
    """Leaflet's scale bar in kilometres and metres only (no miles or feet)."""

    _template = branca.element.Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"


class SetView(Macro):
    """Moves the map to a place and zoom once drawn (a shared link's map position);
    added after the map's own ``fit_bounds``, so it wins; without animation, like the
    fit (:data:`DRAWN_IN_PLACE`)."""

    _template = branca.element.Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.setView([{{ this.lat }}, {{ this.lng }}], {{ this.zoom }}, {animate: false});
        {% endmacro %}
    """)

    def __init__(self, lat: float, lng: float, zoom: float):
        super().__init__()
        self._name = "SetView"
        self.lat, self.lng, self.zoom = float(lat), float(lng), float(zoom)


class Legend(Macro):
    """A Leaflet control holding plain, already-escaped HTML."""

    _template = branca.element.Template("""
        {% macro script(this, kwargs) %}
        (function(){
          var ctl = L.control({position: {{ this.position|tojson }}});
          ctl.onAdd = function(){ var d = L.DomUtil.create('div'); d.innerHTML = {{ this.body|tojson }};
            // a click on the title folds the legend to its title: it never hides data for good
            var b = d.querySelector('.eco-legend > b');
            if (b) { b.className = 'eco-fold'; b.onclick = function(){ d.classList.toggle('eco-folded'); }; }
            L.DomEvent.disableClickPropagation(d); return d; };
          ctl.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, body: str, position: str = "bottomright"):
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.position = position


def choropleth(m: folium.Map, fc: dict, value_field: str, breaks: list[float],
               tooltip_fields: list[str], tooltip_aliases: list[str], name: str,
               highlight: bool = True) -> folium.GeoJson:
    """Add a choropleth layer; ``fc`` properties must already be escaped (see :func:`features`)."""
    def style(feature):
        v = feature["properties"].get(value_field)
        return {"fillColor": color_for(v, breaks), "color": "#ffffff", "weight": 0.8,
                "fillOpacity": 0.85}

    # folium refuses a tooltip whose fields no feature has: an empty layer gets none
    # direction "auto": left of the pointer in the map's east half, so it stays inside
    tooltip = folium.GeoJsonTooltip(fields=tooltip_fields, aliases=[safe.html(a) for a in tooltip_aliases],
                                    localize=False, sticky=True, labels=True, direction="auto") \
        if fc.get("features") else None
    layer = folium.GeoJson(
        fc, name=name, style_function=style,
        highlight_function=(lambda f: {"weight": 2.5, "color": "#1f2933"}) if highlight else None,
        tooltip=tooltip, zoom_on_click=False,
    )
    layer.add_to(m)
    return layer


def render(m: folium.Map) -> str:
    """Full standalone HTML of a map (for tests, reports and size checks)."""
    return m.get_root().render()


# ------------------------------------------------------------------ home map
def home_map(geo, regions: pd.DataFrame, lang: str = "fr", selected=None,
             mode: str = "url") -> folium.Map:
    """Régions coloured by actors per 10,000 inhabitants (``regions`` from
    :func:`ecosystem.analysis.overview.by_region`), overseas as insets."""
    from ecosystem.i18n import t

    props = pd.DataFrame({
        "code": regions.code,
        "name": regions.name,
        "value": regions.actors_per_10k,
        "actors_txt": [numbers.number(v, lang) for v in regions.actors],
        "rate_txt": [numbers.number(v, lang, 2) for v in regions.actors_per_10k],
        "pop_txt": [numbers.number(v, lang) for v in regions.population],
    })
    fc = features(geo.shapes("region"), props, parents=REGION_DEP)
    breaks = class_breaks(props.value)
    m = base_map(mode=mode)
    choropleth(m, fc, "value", breaks, ["name", "actors_txt", "rate_txt", "pop_txt"],
               [t("col.region", lang), t("home.actors", lang), t("col.actors_per_10k", lang),
                t("col.population", lang)], name=t("col.actors_per_10k", lang))
    if selected and selected[0] == "region":
        geom = geo.shapes("region", [selected[1]])
        if len(geom):
            g = inset_geometry(geom.iloc[0], REGION_DEP.get(selected[1]))
            folium.GeoJson(json.loads(shapely.to_geojson(g)), interactive=False,
                           style_function=lambda f: {"fill": False, "color": "#c2410c",
                                                     "weight": 3}).add_to(m)
    inset_frames(m, lang)
    decimals = 2 if breaks and breaks[-1] < 10 else 1
    Legend(legend_html(t("col.actors_per_10k", lang), breaks,
                       fmt=lambda v: numbers.number(v, lang, decimals), lang=lang)).add_to(m)
    return localize(m, mode)


# --------------------------------------------------------------- ranking map
#: above this many territories a ranking map is not drawn (all 34,875 communes
#: would be ~12 MB of GeoJSON); every région's communes fit below it
MAX_RANKING_FEATURES = 6000


def _overseas_parents(geo, level: str, codes) -> dict:
    """Département of each territory, for the overseas insets."""
    if level == "region":
        return REGION_DEP
    if level == "departement":
        return {c: c for c in codes}
    table = geo.table(level)
    return table.dep.to_dict() if "dep" in table else {}  # a user zoning's zones stay put


def ranking_map(geo, table: pd.DataFrame, level: str, value: str, title: str, unit: str = "",
                lang: str = "fr", value_fmt=None, within=None, selected=None,
                mode: str = "url") -> folium.Map:
    """Territories of ``level`` coloured by ``value`` (a column of ``table``, which
    holds ``code``, ``name`` and ``population``; e.g. :func:`ecosystem.analysis.territories.ranking`).

    Within a parent territory the map is fitted to it, overseas stay in place;
    for the whole of France overseas départements are drawn as insets.
    ``selected`` (level, code) is outlined.
    """
    from ecosystem.i18n import t

    value_fmt = value_fmt or (lambda v: numbers.number(v, lang, 2))
    props = pd.DataFrame({
        "code": table.code, "name": table.name, "value": table[value],
        "value_txt": [value_fmt(v) for v in table[value]],
        "pop_txt": [numbers.number(v, lang) for v in table.population],
    })
    geoms = geo.shapes(level, props.code)
    parents = None if within else _overseas_parents(geo, level, props.code)
    fc = features(geoms, props, parents=parents)
    bounds = None
    if within and len(geoms):
        x0, y0, x1, y1 = shapely.total_bounds(geoms.values).tolist()  # = the union's bounds
        bounds = [[y0, x0], [y1, x1]]
    breaks = class_breaks(props.value)
    m = base_map(bounds=bounds, mode=mode)
    choropleth(m, fc, "value", breaks, ["name", "value_txt", "pop_txt"],
               [voc_level_label(level, lang), title, t("col.population", lang)], name=title)
    if selected and selected[0] == level and selected[1] in geoms.index:
        g = inset_geometry(geoms[selected[1]], (parents or {}).get(selected[1]))
        folium.GeoJson(json.loads(shapely.to_geojson(g)), interactive=False,
                       style_function=lambda f: {"fill": False, "color": "#c2410c",
                                                 "weight": 3}).add_to(m)
    if not within:
        inset_frames(m, lang)
    Legend(legend_html(title, breaks, unit, fmt=value_fmt,
                       no_data=t("terr.no_data", lang), lang=lang)).add_to(m)
    return localize(m, mode)


def voc_level_label(level: str, lang: str) -> str:
    from ecosystem.vocabulary import LEVELS
    return LEVELS.label(level, lang)
