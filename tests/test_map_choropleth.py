"""The Carte's territories: their shapes serialised once per process (a rerun with the
same territory only recomputes the values), and the values payload checked against
classes worked out by hand."""

import json
import math
import re

import pandas as pd
import shapely

from ecosystem.analysis.view import Filters, View
from ecosystem.render import maps, mapview
from ecosystem.render.mapview import MapOptions


def choropleth_args(html: str) -> tuple[dict, dict]:
    """The two arguments of ``EcoExplorer.choropleth``: territories and values."""
    m = re.search(r"EcoExplorer\.choropleth\([^,]+, (.*)\);", html)
    assert m, "no choropleth layer"
    fc, end = json.JSONDecoder().raw_decode(m.group(1))
    return fc, json.loads(m.group(1)[end + 2:])


def test_values_and_classes_worked_out_by_hand():
    """Actors 0, 0, 0, 0, 1, 3, 5 and one undefined. The sextiles of seven sorted
    values are the values themselves: 0, 0, 0, 0, 1, 3, 5 → breaks 0 | 1 | 3 | 5,
    three classes: [0, 1), [1, 3), [3, 5]."""
    table = pd.DataFrame({"code": list("ABCDEFGH"), "name": [f"T{c}" for c in "ABCDEFGH"],
                          "population": [1000, 2000, 3000, 4000, 5000, 6000, 7000, 1234567],
                          "actors": [0, 0, 0, 0, 1, 3, 5, None]})
    d, breaks = mapview.choropleth_data(table, "actors", "fr")
    assert breaks == [0.0, 1.0, 3.0, 5.0]
    assert d["k"] == list("ABCDEFGH")
    # three classes (the three darkest colours), then "no data"
    assert d["colors"] == maps.PALETTE[-3:] + [maps.NO_DATA]
    assert d["c"] == [0, 0, 0, 0, 1, 2, 2, 3]
    assert d["v"] == ["0 acteur", "0 acteur", "0 acteur", "0 acteur", "1 acteur", "3 acteurs",
                      "5 acteurs", "—"]
    assert d["p"][7] == "1\u202f234\u202f567" and d["n"][5] == "TF"
    # the same classes as one value at a time
    for v, c in zip([0, 1, 3, 5, math.nan], d["c"][3:]):
        assert d["colors"][c] == maps.color_for(v, breaks), v


def test_a_departement_cell_in_the_built_map(tiny_store, geo):
    """The tiny inventory by département: 44 holds 5 actors, 13 holds 3, 55 and 971
    one each, the 97 others none. Breaks: 0 alone (97 of 101), then the quantiles at
    0, .2, .4, .6, .8, 1 of 1, 1, 3, 5 (positions 0, .6, 1.2, 1.8, 2.4, 3): 1, 1, 1.4,
    2.6, 3.8, 5 → 0 | 1 | 1.4 | 2.6 | 3.8 | 5, five classes."""
    view = mapview.build(View(tiny_store, tiny_store.ref("tiny"), Filters(level="departement")),
                         geo, MapOptions(indicator="actors", layers=()))
    fc, d = choropleth_args(view.html())
    at = {k: i for i, k in enumerate(d["k"])}
    assert d["colors"] == maps.PALETTE[-5:] + [maps.NO_DATA]
    # 0 → [0, 1); 1 → [1, 1.4); 3 → [2.6, 3.8); 5 → [3.8, 5]
    assert [d["c"][at[k]] for k in ("01", "55", "971", "13", "44")] == [0, 1, 1, 3, 4]
    assert d["v"][at["13"]] == "3 acteurs" and d["n"][at["13"]] == "Bouches-du-Rhône"
    # the territories carry their shape and code only: values come with the view
    assert len(fc["features"]) == 101
    assert {tuple(f["properties"]) for f in fc["features"]} == {("k",)}


class CountingGeo:
    """The geography, counting the shapes it is asked for."""

    def __init__(self, geo):
        self._geo, self.calls = geo, 0

    def shapes(self, *args, **kwargs):
        self.calls += 1
        return self._geo.shapes(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._geo, name)


def test_a_rerun_with_the_same_territory_recomputes_no_shape(tiny_store, geo, monkeypatch):
    ref = tiny_store.ref("tiny")
    counting = CountingGeo(geo)
    serialised = []
    to_geojson = shapely.to_geojson
    monkeypatch.setattr(shapely, "to_geojson", lambda *a, **k: serialised.append(1) or to_geojson(*a, **k))
    options = MapOptions(layers=())
    first = Filters(level="commune", territory="departement:44")
    mapview.build(View(tiny_store, ref, first), counting, options)
    assert counting.calls >= 1 and len(serialised) == 1       # computed the first time
    calls = counting.calls
    for f in (first.with_(stages=("experimentation",)), first.with_(actor_types=("company",)),
              first):
        again = mapview.build(View(tiny_store, ref, f), counting,
                              MapOptions(indicator="projects_per_100k", layers=(), lang="en"))
        assert counting.calls == calls and len(serialised) == 1
    # the click lookup still has the shapes
    assert again.territory_at(47.22, -1.55) == "44109"
    # another territory: its shapes are computed (the spy sees them)
    mapview.build(View(tiny_store, ref, Filters(level="commune", territory="departement:13")),
                  counting, options)
    assert counting.calls > calls and len(serialised) == 2
