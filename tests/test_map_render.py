"""Rendering a built map (what streamlit-folium does on every run of the Carte page):
rendered text is never compiled or evaluated again as a Jinja template — the payload
of a 4,000-commune map was lexed as a template twice per run, and an inventory string
such as ``{{ 7*7 }}`` came out as ``49``, evaluated on the server."""

import json
import re

import jinja2
import pandas as pd
import pytest
from streamlit_folium import _get_map_string

from ecosystem import model
from ecosystem.analysis.view import Filters, View
from ecosystem.render import maps, mapview
from ecosystem.render.mapview import MapOptions
from tests import fixtures

#: a name a Jinja template would evaluate: 49 and "IF"
TEMPLATED = "AB{{ 7*7 }}CD{% if 1 %}IF{% endif %}{# gone #}"


@pytest.fixture
def templated(store):
    store.create("tpl", model.InventoryData(actors=fixtures.frame([
        dict(actor_id="T1", name=TEMPLATED, actor_type="association", commune_code="44109",
             source="t")])))
    return store, store.ref("tpl")


def points_names(text: str) -> list[str]:
    m = re.search(r"EcoExplorer\.points\([^,]+, (.*)\);", text)
    assert m, "no points layer"
    return json.loads(m.group(1))["n"]


def test_an_actor_name_with_template_syntax_is_drawn_as_written(templated, geo):
    store, ref = templated
    view = mapview.build(View(store, ref, Filters()), geo, MapOptions())
    html = view.html()
    assert points_names(html) == [TEMPLATED]
    assert "AB49CD" not in html
    # what st_folium sends: the map's script, rendered after the figure
    assert points_names(_get_map_string(view.map)) == [TEMPLATED]
    assert points_names(view.html()) == [TEMPLATED]      # a rerun re-renders the same map


def test_a_territory_name_with_template_syntax_on_a_ranking_map(geo):
    """A user zoning's zone names reach the ranking map through folium's own GeoJson
    element: its rendered script is kept as text too (``safe.html`` leaves braces)."""
    table = pd.DataFrame({"code": ["44"], "name": [TEMPLATED], "population": [1_400_000],
                          "v": [2.0]})
    html = maps.render(maps.ranking_map(geo, table, "departement", "v", "Acteurs"))
    assert TEMPLATED in html and "AB49CD" not in html


def test_rendering_compiles_no_template_from_the_data(tiny_store, geo, monkeypatch):
    """Before: each explorer layer's rendered script (the whole GeoJSON of the
    territories, the points) was compiled as a new template on every render."""
    view = mapview.build(View(tiny_store, tiny_store.ref("tiny"), Filters(level="departement")),
                         geo, MapOptions(layers=("points", "lines")))
    compiled = []
    original = jinja2.Environment.from_string

    def spy(self, source, *args, **kwargs):
        compiled.append(source)
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "from_string", spy)
    html = view.html()
    _get_map_string(view.map)
    assert "EcoExplorer.choropleth" in html and "Entraide Nantes" in html
    assert [s[:60] for s in compiled if "EcoExplorer" in s or "Entraide Nantes" in s] == []
    assert [s[:60] for s in compiled if "eco-legend" in s] == []
