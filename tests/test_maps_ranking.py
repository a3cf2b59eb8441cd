"""Ranking map: offline, coloured by the indicator, fitted to the parent territory."""

import pandas as pd

from ecosystem.render import maps


def table(geo, level, codes, values):
    tb = geo.table(level).loc[codes]
    return pd.DataFrame({"code": codes, "name": tb.name.tolist(),
                         "population": tb.population.tolist(), "v": values})


def test_ranking_map_of_departements_is_offline_with_insets(geo):
    deps = geo.table("departement").code.tolist()
    t = table(geo, "departement", deps, [float(i) for i in range(len(deps))])
    t.loc[t.code == "75", "v"] = float("nan")
    m = maps.ranking_map(geo, t, "departement", "v", "Acteurs <b>", "pour 10 000 hab.", "fr")
    html = maps.render(m)
    assert maps.external_assets(html) == []
    assert "Guadeloupe" in html                       # inset frames for the whole of France
    # escaped once (then JSON-encoded inside the script)
    assert "Acteurs \\u0026lt;b\\u0026gt;" in html and "Acteurs <b>" not in html
    assert "Non d\\u00e9fini" in html                # Paris has no value: no-data class
    assert maps.NO_DATA in html


def test_ranking_map_within_a_departement_fits_its_communes(geo):
    codes = geo.communes_in("departement", "44").tolist()
    t = table(geo, "commune", codes, [1.0] * len(codes))
    m = maps.ranking_map(geo, t, "commune", "v", "x", lang="en", within=("departement", "44"),
                         selected=("commune", "44109"))
    html = maps.render(m)
    assert maps.external_assets(html) == [] and "Guadeloupe" not in html
    bounds = [c for c in m._children.values() if type(c).__name__ == "FitBounds"]
    (s, w), (n, e) = bounds[0].bounds
    # the east widened by 40 % of the width, room for the legends (maps.legend_room)
    east = (e + maps.LEGEND_ROOM * w) / (1 + maps.LEGEND_ROOM)
    assert 46.8 < s < 47.2 and -2.7 < w < -2.4 and 47.7 < n < 47.9 and -1.0 < east < -0.9
    assert "#c2410c" in html                          # Nantes outlined


def test_ranking_map_of_no_territory_renders(geo):
    """A ranking with no territory (e.g. a filter leaving none) still draws a map:
    folium refuses a tooltip whose fields no feature has."""
    empty = pd.DataFrame({"code": [], "name": [], "population": [], "actors_per_10k": []})
    m = maps.ranking_map(geo, empty, "epci", "actors_per_10k", "Acteurs", within=("departement", "44"))
    assert "GeoJsonTooltip" not in maps.render(m)
