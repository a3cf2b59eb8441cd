"""What a user would pick instead of the Carte map, built on the same actors.

* ``naive``: one ``folium.Marker`` per actor with a popup, as folium's
  documentation does it (kept as a footnote: nobody maps 10,000 points so);
* ``marker_cluster``: folium's ``MarkerCluster`` plugin holding one Marker with
  its popup per actor (the usual advice for "many markers");
* ``fast_marker_cluster``: folium's ``FastMarkerCluster`` (markers created by a
  JavaScript callback from one data array), with the same popup;
* ``pydeck``: ``st.pydeck_chart`` with a deck.gl ``ScatterplotLayer`` (the
  Streamlit user's choice for large point sets), coloured by actor type, tooltip
  with the name; no base map (ours has none either by default).

Every builder reads the same rows (:func:`ecosystem.render.mapview.actor_points` over
the whole view) and every folium map gets the same offline assets
(:func:`ecosystem.render.maps.localize`), so the browser loads nothing from outside.
"""

from __future__ import annotations

import branca
import folium
from folium import plugins

from ecosystem.render import maps, mapview
from ecosystem import vocabulary as voc
from ecosystem.render import safe
from ecosystem.analysis.view import View

#: every point of the view (no cap: a baseline shows what it is given)
ALL = 10**9


def _points(store, ref, filters):
    return mapview.actor_points(View(store, ref, filters), ALL)


def _popup(r) -> str:
    return (f"<b>{safe.html(r.name)}</b><br>{safe.html(voc.ACTOR_TYPES.label(r.actor_type))}"
            f"<br>{safe.html(r.commune)}<br>{int(r.n_projects)} projets, "
            f"{int(r.n_partners)} partenaires")


def _jquery_shim(m: folium.Map) -> None:
    """Folium's popup template calls jQuery, which an offline map does not load:
    a three-line ``$`` stand-in does what it needs (in the map's script, since
    streamlit-folium does not run header scripts)."""
    shim = branca.element.MacroElement()
    shim._template = branca.element.Template(
        "{% macro script(this, kwargs) %}window.$ = window.$ || function (h) {"
        " var d = document.createElement('div'); d.innerHTML = h;"
        " return [d.firstElementChild || d]; };{% endmacro %}")
    shim.add_to(m)


def naive_map(store, ref, filters, mode: str = "url") -> folium.Map:
    """One folium Marker per actor of the view with an escaped tooltip and popup."""
    m = maps.base_map(mode=mode)
    _jquery_shim(m)
    for r in _points(store, ref, filters).itertuples():
        folium.Marker([r.lat, r.lon], tooltip=safe.html(r.name),
                      popup=folium.Popup(_popup(r), max_width=300)).add_to(m)
    return maps.localize(m, mode)


def _cluster_base(mode: str) -> folium.Map:
    """The app's base map with a maximum zoom: without tiles it has none, and
    leaflet.markercluster then throws ("Map has no maxZoom specified") and draws nothing."""
    m = maps.base_map(mode=mode)
    m.options["max_zoom"] = 18
    return m


def marker_cluster_map(store, ref, filters, mode: str = "url") -> folium.Map:
    """folium.plugins.MarkerCluster of one Marker (tooltip, popup) per actor."""
    m = _cluster_base(mode)
    _jquery_shim(m)
    cluster = plugins.MarkerCluster(options={"maxClusterRadius": 60}).add_to(m)
    for r in _points(store, ref, filters).itertuples():
        folium.Marker([r.lat, r.lon], tooltip=safe.html(r.name),
                      popup=folium.Popup(_popup(r), max_width=300)).add_to(cluster)
    return maps.localize(m, mode)


FAST_CALLBACK = """function (row) {
    var marker = L.marker(new L.LatLng(row[0], row[1]));
    marker.bindTooltip(row[2]);
    marker.bindPopup(row[3], {maxWidth: 300});
    return marker;
}"""


def fast_marker_cluster_map(store, ref, filters, mode: str = "url") -> folium.Map:
    """folium.plugins.FastMarkerCluster: one data array, markers made in the
    browser by a callback, with the same (server-escaped) tooltip and popup."""
    m = _cluster_base(mode)
    df = _points(store, ref, filters)
    data = [[r.lat, r.lon, safe.html(r.name), _popup(r)] for r in df.itertuples()]
    plugins.FastMarkerCluster(data, callback=FAST_CALLBACK).add_to(m)
    return maps.localize(m, mode)


#: RGB per actor type for the deck (any fixed colours: the baseline's look is not measured)
_DECK_COLOURS = [[0, 114, 178], [230, 159, 0], [0, 158, 115], [204, 121, 167], [86, 180, 233],
                 [213, 94, 0], [240, 228, 66], [0, 0, 0]]


def pydeck_deck(store, ref, filters):
    """A pydeck Deck with a ScatterplotLayer of the view's actors (no base map)."""
    import pydeck as pdk

    df = _points(store, ref, filters)[["lon", "lat", "name", "actor_type"]].copy()
    codes = {c: i for i, c in enumerate(voc.ACTOR_TYPES.codes)}
    df["colour"] = [_DECK_COLOURS[codes.get(t, 7) % 8] for t in df.actor_type]
    layer = pdk.Layer("ScatterplotLayer", df, get_position="[lon, lat]", get_radius=2500,
                      radius_min_pixels=2, get_fill_color="colour", pickable=True)
    view = pdk.ViewState(latitude=46.6, longitude=2.2, zoom=4.6)
    return pdk.Deck(layers=[layer], initial_view_state=view, map_style=None,
                    tooltip={"text": "{name}"})
