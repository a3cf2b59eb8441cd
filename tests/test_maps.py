"""Map builders: no remote asset, every user string escaped, insets for overseas."""

import json
import re

import folium
import folium.plugins
import pandas as pd
import pytest
import shapely

from ecosystem.render import maps
from ecosystem.analysis import overview
from ecosystem.analysis.view import Filters, View

PAYLOAD = '<img src=x onerror=alert(1)>'


def test_home_map_has_no_external_asset(tiny_store, geo):
    regions = overview.by_region(View(tiny_store, tiny_store.ref("tiny"), Filters()))
    html = maps.render(maps.home_map(geo, regions, "fr"))
    assert maps.external_assets(html) == []
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', html)
    assert scripts == ["/app/static/vendor/leaflet/leaflet.js"]
    assert styles == ["/app/static/vendor/leaflet/leaflet.css"]
    for url in scripts + styles:
        assert (maps.STATIC / url.removeprefix("/app/static/")).exists()
    assert "Pays de la Loire" in html and "Acteurs pour 10" in html


def test_inline_mode_embeds_leaflet(tiny_store, geo):
    regions = overview.by_region(View(tiny_store, tiny_store.ref("tiny"), Filters()))
    html = maps.render(maps.home_map(geo, regions, "en", mode="inline"))
    assert maps.external_assets(html) == []
    assert "<script src=" not in html
    assert "Leaflet" in html and len(html) > 150_000


def test_plugins_are_localised_or_refused():
    m = maps.base_map()
    folium.plugins.MarkerCluster().add_to(m)
    html = maps.render(maps.localize(m))
    assert maps.external_assets(html) == []
    assert "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    m = maps.base_map()
    folium.plugins.Fullscreen().add_to(m)  # a plugin we do not ship
    with pytest.raises(maps.RemoteAssetError):
        maps.localize(m)


def test_external_asset_detector_catches_cdn_links():
    page = ('<script src="https://cdn.jsdelivr.net/npm/leaflet.js"></script>'
            '<link rel="stylesheet" href="//unpkg.com/x.css"/><script src="/app/static/a.js">')
    assert len(maps.external_assets(page)) == 2


def test_feature_properties_are_escaped(geo):
    props = pd.DataFrame({"code": ["44"], "name": [PAYLOAD], "value": [1.0]})
    fc = maps.features(geo.shapes("departement", ["44"]), props)
    name = fc["features"][0]["properties"]["name"]
    assert name == "&lt;img src=x onerror=alert(1)&gt;"
    m = maps.base_map()
    maps.choropleth(m, fc, "value", [0, 1, 2], ["name"], [PAYLOAD], name="x")
    html = maps.render(maps.localize(m))
    assert PAYLOAD not in html


def test_legend_and_labels_are_escaped():
    html = maps.legend_html(PAYLOAD, [0, 1, 2], unit=PAYLOAD, no_data=PAYLOAD)
    assert "<img" not in html and "&lt;img" in html
    m = maps.base_map()
    maps.Label([46, 2], PAYLOAD).add_to(m)
    assert PAYLOAD not in maps.render(m)


def test_overseas_insets_move_next_to_the_metropole(geo):
    guadeloupe = geo.shapes("departement", ["971"]).iloc[0]
    moved = maps.inset_geometry(guadeloupe, "971")
    minx, miny, maxx, maxy = shapely.bounds(moved)
    assert -10 < minx < maxx < -6 and 46 < miny < maxy < 49.5
    lon, lat = maps.inset_points([-61.5, 2.0], [16.2, 47.0], ["971", "44"])
    assert -10 < lon[0] < -6 and lon[1] == 2.0 and lat[1] == 47.0
    assert maps.inset_geometry(guadeloupe, "44") is guadeloupe


def test_class_breaks_and_colours():
    breaks = maps.class_breaks(pd.Series([1, 2, 3, 4, 5, 6, 7, None]))
    assert breaks[0] == 1 and breaks[-1] == 7 and breaks == sorted(breaks)
    assert maps.color_for(None, breaks) == maps.NO_DATA
    assert maps.color_for(7, breaks) == maps.PALETTE[-1]
    assert maps.color_for(1, breaks) != maps.color_for(7, breaks)
    assert maps.class_breaks(pd.Series([None])) == []


def test_scale_bar_is_metric_only():
    """Issue 17: the scale bar in kilometres, never in miles."""
    html = maps.render(maps.base_map())
    assert "L.control.scale({metric: true, imperial: false})" in html
    assert "L.control.scale()" not in html


def test_plotly_toolbar_is_hidden():
    from ecosystem.render import charts
    assert charts.plotly_config("fr") == {"displaylogo": False, "displayModeBar": False}


def test_legend_never_repeats_a_class_bound():
    """Issue 17 item 8: "0,01 – 0,01" gets the decimals that tell the bounds apart."""
    from ecosystem import numbers
    breaks = [0.0101, 0.0123, 0.0149, 0.5]
    html = maps.legend_html("Taux", breaks, fmt=lambda v: numbers.number(v, "fr", 2), lang="fr")
    assert "0,01 – 0,01" not in html
    assert "0,010 – 0,012" in html and "0,012 – 0,015" in html and "0,015 – 0,500" in html
    # distinct bounds keep the caller's format
    assert maps.distinct_labels([1, 2.5, 10], lambda v: numbers.number(v, "fr", 1)) == \
        ["1,0", "2,5", "10,0"]


def test_clusters_are_neutral_not_traffic_lights():
    """Issue 17 item 8: cluster circles in the neutral slate, never the plugin's
    green / yellow / orange that read as actor types."""
    html = maps.render(maps.base_map())
    for size in ("small", "medium", "large"):
        assert f".leaflet-container .marker-cluster-{size} div{{background-color:#52606dd9" in html


def test_legends_fold_to_their_title():
    """Issue 17 item 8: a click on a legend's title hides its rows (and shows them again)."""
    m = maps.base_map()
    maps.Legend(maps.legend_html("Taux", [0, 1, 2])).add_to(m)
    html = maps.render(m)
    assert "d.classList.toggle('eco-folded')" in html
    assert ".eco-folded .eco-legend>:not(.eco-fold){display:none}" in html


def test_classes_do_not_collapse_when_most_territories_are_at_zero():
    """An overseas-only inventory ranked by département: 98 at 0, three at 0.01, 0.02,
    0.04 actors per 10,000. Quantiles collapse to one class (0 – 0.04) and the ranking
    map painted France in the darkest shade. Now 0 is a class of its own and the three
    others get the quantiles of (0.01, 0.02, 0.04) at 0, 1/5 … 1: positions 0, 0.4, 0.8,
    1.2, 1.6, 2 → 0.01, 0.014, 0.018, 0.024, 0.032, 0.04."""
    values = pd.Series([0.0] * 98 + [0.01, 0.02, 0.04])
    breaks = maps.class_breaks(values)
    assert breaks == [0.0, 0.01, 0.014, 0.018, 0.024, 0.032, 0.04]
    assert maps.color_for(0.0, breaks) == maps.PALETTE[-6]      # the lightest of six
    assert maps.color_for(0.01, breaks) == maps.PALETTE[-5]
    assert maps.color_for(0.02, breaks) == maps.PALETTE[-3]     # 0.018 <= 0.02 < 0.024
    assert maps.color_for(0.04, breaks) == maps.PALETTE[-1]


def test_communes_mostly_at_zero_spread_the_others_over_the_classes():
    """Communes: 900 at 0, 100 at 1 … 100. Equal intervals (0, 20, …, 100) put 919
    communes in the first class beside the zeros; now 0 alone, then the quintiles of
    1 … 100 (1, 20.8, 40.6, 60.4, 80.2, 100): 20 communes in each of the five."""
    values = pd.Series([0.0] * 900 + [float(i) for i in range(1, 101)])
    breaks = maps.class_breaks(values)
    assert breaks == [0.0, 1.0, 20.8, 40.6, 60.4, 80.2, 100.0]
    shades = pd.Series([maps.color_for(x, breaks) for x in values]).value_counts()
    assert shades.loc[maps.PALETTE[-6:]].tolist() == [900, 20, 20, 20, 20, 20]


def test_collapsed_quantiles_not_held_by_the_minimum_get_equal_intervals():
    """Most territories at the maximum (60 at 5, then 0, 1, 2): equal intervals of 0 … 5."""
    breaks = maps.class_breaks(pd.Series([5.0] * 60 + [0.0, 1.0, 2.0]))
    assert breaks == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]


def test_one_value_everywhere_is_the_lightest_shade():
    """Every territory at 0 (nothing located): one class, drawn light, not as the
    darkest "most" colour."""
    breaks = maps.class_breaks(pd.Series([0.0, 0.0, 0.0]))
    assert maps.color_for(0.0, breaks) == maps.PALETTE[0]
    assert maps.PALETTE[0] in maps.legend_html("Acteurs", breaks)
    assert maps.PALETTE[-1] not in maps.legend_html("Acteurs", breaks)


def test_first_view_is_set_without_animation():
    """The fit and a shared link's position are set in place: Leaflet ignores a pan
    or zoom made while a zoom animates, and the map reported its construction place
    (France, zoom 5) before the animation ran (maps.DRAWN_IN_PLACE)."""
    m = maps.base_map(bounds=[[47.0, -2.0], [48.0, -1.0]])
    maps.SetView(47.2, -1.55, 9).add_to(m)
    html = maps.render(m)
    fit = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\]),\s*(\{.*?\})\s*\);", html, re.S)
    assert fit is not None and json.loads(fit.group(2)) == {"animate": False}
    assert re.search(r"\.setView\(\[47\.2, -1\.55\], 9\.0, \{animate: false\}\);", html)
    # the fit comes first, the link's position after it (the last view wins)
    assert html.index(".fitBounds(") < html.index(".setView([47.2")
