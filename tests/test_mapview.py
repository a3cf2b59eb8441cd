"""The map explorer builder (ecosystem.render.mapview) on the hand-made tiny inventory:
counts, points, lines and aggregates checked against values worked out by hand
from tests/fixtures.py, escaping of hostile names, payload bounds."""

import dataclasses
import json
import re

import pandas as pd
import pytest

from ecosystem.render import mapview, maps
from ecosystem.analysis.view import Filters, View
from ecosystem.render.mapview import MapOptions
from tests import fixtures
from tests.xss_inventory import PAYLOADS, hostile

ALL = MapOptions(layers=("points", "lines", "funders"))
EVIL = "<img src=x onerror=alert(1)>"


def payload(view, fn: str) -> dict:
    """The data of the first explorer call ``fn`` in the rendered map. The choropleth
    gets the territories (shapes and codes) and this view's values as two arguments:
    they are joined by code here as ``explorer.js`` does."""
    html = view.html()
    m = re.search(r"EcoExplorer\.%s\([^,]+, (.*)\);" % fn, html)
    assert m, f"no {fn} layer"
    text = m.group(1).replace("<\\/", "</")
    if fn != "choropleth":
        return json.loads(text)
    decoder = json.JSONDecoder()
    fc, end = decoder.raw_decode(text)
    assert text[end:end + 2] == ", "
    d = json.loads(text[end + 2:])
    at = {k: i for i, k in enumerate(d["k"])}
    for f in fc["features"]:
        j = at[f["properties"]["k"]]
        f["properties"].update(n=d["n"][j], v=d["v"][j], p=d["p"][j], c=d["colors"][d["c"][j]])
    return fc | {"labels": d["labels"]}


@pytest.fixture
def tiny(tiny_store):
    return tiny_store, tiny_store.ref("tiny")


def test_map_level_follows_the_sidebar_and_the_scope():
    assert mapview.map_level(Filters()) == ("region", None, None)
    assert mapview.map_level(Filters(level="epci")) == ("epci", None, None)
    # communes of all France are too many: départements, with a note
    assert mapview.map_level(Filters(level="commune")) == ("departement", None, "map.note.communes")
    dep = ("departement", "44")
    assert mapview.map_level(Filters(level="epci", territory="departement:44")) == ("epci", dep, None)
    assert mapview.map_level(Filters(level="commune", territory="departement:44")) == \
        ("commune", dep, None)
    assert mapview.map_level(Filters(level="region", territory="departement:44")) == \
        ("commune", dep, "map.note.scope")


def test_counts_of_the_view(tiny):
    store, ref = tiny
    assert mapview.counts(View(store, ref, Filters())) == {"actors": 10, "projects": 5, "located": 10}
    # Loire-Atlantique: A1, A2, A3, A4, A9; projects P1 (Nantes), P2 (Saint-Herblain)
    assert mapview.counts(View(store, ref, Filters(territory="departement:44"))) == \
        {"actors": 5, "projects": 2, "located": 5}
    # experimentation: P1 (A1, A3, A4) and P5 (A5, A6)
    assert mapview.counts(View(store, ref, Filters(stages=("experimentation",)))) == \
        {"actors": 5, "projects": 2, "located": 5}


def test_points_carry_projects_and_partners(tiny, geo):
    store, ref = tiny
    view = mapview.build(View(store, ref, Filters()), geo, ALL)
    assert view.counts["points"] == 10 and not view.counts["aggregated"]
    d = payload(view, "points")
    by_id = {i: k for k, i in enumerate(d["id"])}
    # A1 leads P1 (with A3, A4) and partners P2 (with A2): 2 projects, 3 partners
    a1 = by_id["A1"]
    assert (d["p"][a1], d["q"][a1]) == (2, 3)
    # A5: partner of P3 and lead of P5, both with A6 only
    assert (d["p"][by_id["A5"]], d["q"][by_id["A5"]]) == (2, 1)
    assert (d["p"][by_id["A7"]], d["q"][by_id["A7"]]) == (1, 0)
    assert (d["p"][by_id["A9"]], d["q"][by_id["A9"]]) == (0, 0)
    assert d["communes"][d["c"][a1]] == "Nantes"
    assert d["types"][d["t"][a1]] == "Association"
    assert sorted(d["domains"][int(k)] for k in d["d"][a1].split(".")) == \
        ["Cohésion sociale et lien social", "Pauvreté et exclusion"]
    # Nantes is near (47.22, -1.55); Les Abymes is moved into the Guadeloupe inset
    assert abs(d["lat"][a1] - 47.22) < 0.1 and abs(d["lon"][a1] + 1.55) < 0.1
    a7 = by_id["A7"]
    assert abs(d["lon"][a7] - maps.INSETS["971"][0]) < 1.2


def test_filters_apply_to_points_and_counts(tiny, geo):
    store, ref = tiny
    view = mapview.build(View(store, ref, Filters(stages=("experimentation",))), geo, ALL)
    d = payload(view, "points")
    assert sorted(d["id"]) == ["A1", "A3", "A4", "A5", "A6"]
    a1 = d["id"].index("A1")
    assert (d["p"][a1], d["q"][a1]) == (1, 2)      # P1 only, with A3 and A4
    assert view.counts["lines_total"] == 4          # A1-A3, A1-A4, A3-A4, A5-A6
    view = mapview.build(View(store, ref, Filters(actor_types=("association",))), geo, ALL)
    assert sorted(payload(view, "points")["id"]) == ["A1", "A10", "A2", "A7"]


def test_partnership_lines_count_a_project_once_and_only_located_actors(store):
    """A1 takes part in P1 twice (its lead and a partner): its pairs there still weigh
    one project; A11 (no commune, no coordinates) shares P1 with A1, A3 and A4, but a
    pair needs both ends on the map, so it is neither drawn nor counted."""
    data = fixtures.tiny()
    actors = pd.concat([data.actors, fixtures.frame([dict(
        actor_id="A11", name="Sans adresse", actor_type="association", domains="food",
        source="test")])], ignore_index=True)
    partners = pd.concat([data.partners, fixtures.frame([
        dict(project_id="P1", actor_id="A11", role="operational"),
        dict(project_id="P1", actor_id="A1", role="operational")])], ignore_index=True)
    store.create("dup", dataclasses.replace(data, actors=actors, partners=partners))
    view = View(store, store.ref("dup"), Filters())
    lines, total = mapview.partnership_lines(view, 100)
    assert [(r.id_a, r.id_b, r.w) for r in lines.itertuples()] == [
        ("A5", "A6", 2), ("A1", "A2", 1), ("A1", "A3", 1), ("A1", "A4", 1), ("A3", "A4", 1)]
    assert total == 5
    lines, total = mapview.partnership_lines(view, 1)
    assert [(r.id_a, r.id_b) for r in lines.itertuples()] == [("A5", "A6")] and total == 5
    # ends placed: A1's own commune (Nantes, 44), A5 in Marseille (13)
    first = mapview.partnership_lines(view, 100)[0].set_index(["id_a", "id_b"])
    assert (first.loc[("A1", "A2")].dep_a, first.loc[("A1", "A2")].dep_b) == ("44", "44")
    assert first.loc[("A5", "A6")].dep_a == "13"


def test_partnership_and_funding_lines(tiny):
    store, ref = tiny
    lines, total = mapview.partnership_lines(View(store, ref, Filters()), 100)
    pairs = {(r.id_a, r.id_b): r.w for r in lines.itertuples()}
    # P1: A1-A3, A1-A4, A3-A4; P2: A1-A2; P3 and P5: A5-A6 twice
    assert pairs == {("A1", "A3"): 1, ("A1", "A4"): 1, ("A3", "A4"): 1, ("A1", "A2"): 1,
                     ("A5", "A6"): 2}
    assert total == 5 and lines.iloc[0].id_a == "A5"       # strongest first
    lines, total = mapview.partnership_lines(View(store, ref, Filters()), 2)
    assert len(lines) == 2 and total == 5                   # capped, total still known
    lines, total = mapview.partnership_lines(View(store, ref, Filters(territory="departement:44")), 100)
    assert total == 4 and "A5" not in set(lines.id_a)
    funds, total = mapview.funding_lines(View(store, ref, Filters()), 100)
    # F1 A8 → A1 (P1), F2 A3 → A1 (P1), F3 A5 → A6 (P3); F5 is A5 funding its own P5
    assert {(r.id_a, r.id_b): r.amount for r in funds.itertuples()} == \
        {("A8", "A1"): 10000.0, ("A3", "A1"): 5000.0, ("A5", "A6"): 20000.0}
    funds, total = mapview.funding_lines(View(store, ref, Filters(territory="departement:13")), 100)
    assert total == 1 and funds.iloc[0].id_b == "A6"


def test_above_the_cap_the_map_sends_grid_counts(tiny, geo):
    store, ref = tiny
    view = mapview.build(View(store, ref, Filters()), geo, MapOptions(point_cap=3))
    assert view.counts["aggregated"] and view.counts["points"] == 0
    d = payload(view, "cells")
    assert sum(d["n"]) == 10                      # every located actor counted once
    assert "EcoExplorer.points" not in view.html()


def test_the_page_budget_forces_aggregates(tiny, geo, monkeypatch):
    store, ref = tiny
    monkeypatch.setattr(mapview, "HTML_BUDGET", 200_500)
    view = mapview.build(View(store, ref, Filters()), geo, MapOptions())
    assert view.counts["aggregated"] and view.counts["cells"] > 0


def test_line_and_cell_tooltips_take_plural_forms():
    lines = pd.DataFrame({"lon_a": [-1.5, -1.6], "lat_a": [47.2, 47.3], "dep_a": ["44", "44"],
                          "lon_b": [-1.4, -1.7], "lat_b": [47.1, 47.0], "dep_b": ["44", "44"],
                          "w": [1, 1200]})
    fr = mapview.lines_data(lines, False, {}, "map.line_tip", "fr")
    assert fr["wfmt"] == ["1 projet en commun", "1\u202f200 projets en commun"]
    en = mapview.lines_data(lines, False, {}, "map.funding_tip", "en")
    assert en["wfmt"] == ["1 funding", "1,200 fundings"]


def test_choropleth_values_legend_and_click_lookup(tiny, geo):
    store, ref = tiny
    view = mapview.build(View(store, ref, Filters(level="departement")), geo,
                         MapOptions(indicator="actors", layers=()))
    assert view.level == "departement" and view.counts["territories"] == 101
    fc = payload(view, "choropleth")
    props = {f["properties"]["k"]: f["properties"] for f in fc["features"]}
    assert props["44"]["n"] == "Loire-Atlantique" and props["44"]["v"] == "5 acteurs"
    assert props["13"]["v"] == "3 acteurs" and props["55"]["v"] == "1 acteur"
    assert props["01"]["v"] == "0 acteur" and props["13"]["p"] == "2\u202f087\u202f658"
    assert fc["labels"]["ind"] == "Acteurs"
    # colours follow the values: the département with most actors is the darkest
    assert props["44"]["c"] == maps.PALETTE[-1] and props["01"]["c"] != props["44"]["c"]
    html = view.html()
    assert "eco-legend" in html and "Acteurs" in html
    assert view.territory_at(47.22, -1.55) == "44"             # Nantes
    abymes = geo.communes.loc["97101"]                          # Guadeloupe, in its inset
    x, y = maps.inset_coords(abymes.lon, abymes.lat, "971")
    assert view.territory_at(float(y), float(x)) == "971"
    assert view.territory_at(30.0, -30.0) is None


def test_scoped_view_draws_the_communes_of_the_departement(tiny, geo):
    store, ref = tiny
    view = mapview.build(View(store, ref, Filters(territory="departement:44")), geo, ALL)
    assert view.level == "commune" and view.counts["territories"] == 207
    assert view.counts["points"] == 5 and view.counts["lines"] == 4
    assert view.territory_at(47.22, -1.55) == "44109"


def test_offline_assets_only(tiny, geo):
    store, ref = tiny
    html = mapview.build(View(store, ref, Filters()), geo, ALL).html()
    assert maps.external_assets(html) == []
    assert "/app/static/map/explorer.js" in html
    assert "/app/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    inline = mapview.build(View(store, ref, Filters()), geo, ALL, mode="inline").html()
    assert "EcoExplorer = window.EcoExplorer" in inline and "/app/static/" not in inline


def test_every_user_string_is_escaped(store, geo):
    data = hostile()
    data.actors.loc[1, "name"] = EVIL
    store.create("evil", data)
    ref = store.ref("evil")
    view = mapview.build(View(store, ref, Filters()), geo, ALL)
    html = view.html()
    # the name travels as text in the script's JSON (drawn with textContent)
    assert EVIL not in html and "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    for p in PAYLOADS:
        if "<" in p:
            assert p not in html, p
    assert "<script>alert" not in html and "</script><script>" not in html


def test_options_round_trip():
    o = MapOptions(indicator="projects_per_100k", layers=("points", "lines"))
    assert o.to_params() == {"ind": "projects_per_100k", "layers": "points,lines"}
    assert MapOptions.from_params(o.to_params()) == o
    assert MapOptions().to_params() == {}
    assert MapOptions.from_params({"layers": "none"}).layers == ()
    bad = MapOptions.from_params({"ind": "<script>", "layers": "points,evil"})
    assert bad.indicator == mapview.DEFAULT_INDICATOR and bad.layers == ("points",)


def test_payload_strings_are_plain_text_in_script_json(tiny):
    """Names reach explorer.js unescaped (it sets textContent) inside JSON where
    no ``<``, ``>`` or ``&`` is left to close the script."""
    import pandas as pd
    df = pd.DataFrame({"lon": [-1.55], "lat": [47.22], "dep": ["44"], "actor_type": ["association"],
                       "name": ["</script><b>A & B</b>"], "actor_id": ["a&1"],
                       "commune": ["Nantes"], "domains": [["health"]], "n_projects": [1],
                       "n_partners": [0]})
    data = mapview.points_data(df, "fr", False, "acteur?actor=")
    assert data["n"] == ["</script><b>A & B</b>"] and data["id"] == ["a&1"]
    element = mapview._Explorer("points", data)
    assert "<" not in element.payload and "&" not in element.payload
    assert json.loads(element.payload)["n"] == ["</script><b>A & B</b>"]


def test_the_type_legend_lists_the_types_drawn_only(store):
    """An overseas-only inventory of an association and an ESS enterprise: the legend of
    the points names those two types, not the eight; an inventory without any located
    actor draws no point and gets no type legend (the sweep saw eight types listed
    above "0 acteur dessiné")."""
    from ecosystem import model, vocabulary as voc
    store.create("om", model.InventoryData(actors=fixtures.frame([
        dict(actor_id="O1", name="Guadeloupe", actor_type="association", commune_code="97101",
             source="t"),
        dict(actor_id="O2", name="Réunion", actor_type="social_enterprise", commune_code="97411",
             source="t")])))
    store.create("nowhere", model.InventoryData(actors=fixtures.frame([
        dict(actor_id="N1", name="Nulle part", actor_type="association", source="t")])))
    options = MapOptions(layers=("points",), lang="fr")
    def type_legends(name):
        m = mapview.build(View(store, store.ref(name), Filters()), store.geo, options).map
        bodies = [c.body for c in m._children.values() if isinstance(c, maps.Legend)]
        return [re.findall(r"</i>([^<]+)</div>", b) for b in bodies if "border-radius:50%" in b]

    assert type_legends("om") == [[voc.ACTOR_TYPES.label("association", "fr"),
                                   voc.ACTOR_TYPES.label("social_enterprise", "fr")
                                   .replace("'", "&#x27;")]]
    assert type_legends("nowhere") == []


def test_each_inset_is_its_own_cluster_group():
    """With insets, a point's group is 0 in the metropole and its inset's rank in
    ``maps.INSETS`` (971, 972, 973, 974, 976) overseas; without insets, no groups."""
    import pandas as pd
    df = pd.DataFrame({"lon": [-1.55, 55.45, 45.23, -61.5], "lat": [47.22, -20.88, -12.78, 16.27],
                       "dep": ["44", "974", "976", "971"], "actor_type": ["association"] * 4,
                       "name": ["a", "b", "c", "d"], "actor_id": ["1", "2", "3", "4"],
                       "commune": ["x"] * 4, "domains": [[]] * 4, "n_projects": [0] * 4,
                       "n_partners": [0] * 4})
    assert mapview.points_data(df, "fr", True, "acteur?actor=")["g"] == [0, 4, 5, 1]
    assert "g" not in mapview.points_data(df, "fr", False, "acteur?actor=")
