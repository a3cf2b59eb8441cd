"""One colour per actor type, the same on the home charts, the map explorer and
the network drawing (issue 15 section 2), from ecosystem/render/palette.py."""

import pandas as pd

from ecosystem.render import mapview
from ecosystem.analysis import network as net
from ecosystem import vocabulary as voc
from ecosystem.render import charts, palette

# Okabe & Ito's eight colours, assigned by hand in the vocabulary's order
EXPECTED = {"association": "#0072B2", "foundation": "#CC79A7", "local_authority": "#009E73",
            "research": "#56B4E9", "social_enterprise": "#E69F00", "company": "#D55E00",
            "network": "#F0E442", "funder": "#000000"}
TYPES = list(EXPECTED)


def test_palette_covers_the_eight_actor_types_with_distinct_colours():
    assert voc.ACTOR_TYPES.codes == TYPES
    assert palette.ACTOR_TYPES == EXPECTED
    assert palette.actor_type("unknown") == palette.UNKNOWN == "#999999"


def test_map_points_and_legend_use_the_palette():
    df = pd.DataFrame({"lon": [2.0 + i for i in range(8)], "lat": [46.0] * 8, "dep": ["44"] * 8,
                       "actor_type": TYPES, "name": [f"n{i}" for i in range(8)],
                       "actor_id": [f"a{i}" for i in range(8)], "commune": ["Nantes"] * 8,
                       "domains": [[]] * 8, "n_projects": [0] * 8, "n_partners": [0] * 8})
    data = mapview.points_data(df, "fr", False, "acteur?actor=")
    assert [data["colors"][k] for k in data["t"]] == [EXPECTED[c] for c in TYPES]
    legend = mapview.type_legend("fr")
    for c in TYPES:
        assert f"background:{EXPECTED[c]};border-radius:50%;width:10px\"></i>" \
               f"{voc.ACTOR_TYPES.label(c, 'fr').replace(chr(39), '&#x27;')}</div>" in legend


def test_network_drawing_and_legend_use_the_palette():
    nodes = pd.DataFrame({"actor_id": [f"a{i}" for i in range(8)], "name": [f"n{i}" for i in range(8)],
                          "actor_type": TYPES, "degree": [1, 2, 2, 2, 2, 2, 2, 1],
                          "betweenness": [0.0, 6, 10, 12, 12, 10, 6, 0], "community": [0] * 8})
    edges = pd.DataFrame({"a": [f"a{i}" for i in range(7)], "b": [f"a{i + 1}" for i in range(7)],
                          "weight": [1.0] * 7})
    data = net.drawing_data(net.Graph(nodes, edges), "en", "type")
    assert {n["id"]: n["c"] for n in data["nodes"]} == {f"a{i}": EXPECTED[c] for i, c in enumerate(TYPES)}
    assert data["legend"] == [(voc.ACTOR_TYPES.label(c, "en"), EXPECTED[c]) for c in TYPES]


def test_home_chart_bars_use_the_palette():
    fig = charts.actor_type_bars(["funder", "association", "company"], [3, 10, 1], "fr", "Acteurs")
    bar = fig.data[0]
    assert list(bar.y) == ["Entreprise engagée (RSE)", "Financeur", "Association"]   # smallest first
    assert list(bar.marker.color) == ["#D55E00", "#000000", "#0072B2"]
