"""Issue 17 item 6: the box an imported inventory's map is fitted to."""

from ecosystem.analysis import overview
from ecosystem.analysis.view import Filters, View
from tests import fixtures


def test_extent_of_tiny_leaves_guadeloupe_out(tiny_store):
    # tiny's actors (no coordinates: their communes' centres): Nantes and Saint-Herblain
    # (44), Marseille and Aix (13), Guadeloupe's 97101 and a Meuse commune (55039):
    # metropolitan box from Marseille (south, ~43.3° N) to the Meuse (north, ~49° N),
    # from Saint-Herblain (west, ~-1.65°) to Marseille (east, ~5.4°)
    south, west, north, east = overview.extent(View(tiny_store, tiny_store.ref("tiny"), Filters()))
    assert 43.2 < south < 43.6 and 48.5 < north < 49.6
    assert -1.8 < west < -1.5 and 5.2 < east < 5.6


def test_extent_of_a_territory_and_of_nothing(tiny_store):
    ref = tiny_store.ref("tiny")
    south, west, north, east = overview.extent(View(tiny_store, ref, Filters(territory="departement:44")))
    assert 47.1 < south <= north < 47.3 and -1.8 < west <= east < -1.5  # Nantes and Saint-Herblain
    gua = overview.extent(View(tiny_store, ref, Filters(territory="departement:971")))
    assert gua is not None and 15.8 < gua[0] < 16.6  # only overseas actors: their own box
    assert overview.extent(View(tiny_store, ref, Filters(territory="departement:75"))) is None
