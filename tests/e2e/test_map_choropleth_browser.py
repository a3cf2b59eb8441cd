"""The Carte's territories in Debian's chromium: explorer.js joins each view's values
to the territories' shapes by code (mapview.territory_features + choropleth_data),
so a territory's tooltip and colour are its own."""

import pytest

from ecosystem import numbers
from ecosystem.analysis.view import Filters, View
from ecosystem.render import maps, mapview
from tests.conftest import OfflinePage

pytestmark = pytest.mark.e2e

TIP = """code => {
  let found = null;
  EcoExplorer.choroplethLayer.eachLayer(l => {
    if (l.feature.properties.k === code) {
      l.openTooltip(l.getBounds().getCenter());
      found = {text: l.getTooltip().getElement().innerText, fill: l.options.fillColor};
    }
  });
  return found; }"""


def test_a_territory_shows_its_own_name_value_population_and_class(browser, tiny_store, geo):
    """The tiny inventory by département (44: 5 actors, 13: 3, 01: none); classes
    worked out in tests/test_map_choropleth.py: 44 the darkest of five, 13 the
    fourth, 01 the first (PALETTE[-5])."""
    view = mapview.build(View(tiny_store, tiny_store.ref("tiny"), Filters(level="departement")),
                         geo, mapview.MapOptions(indicator="actors", layers=()), mode="inline")
    p = OfflinePage(browser)
    try:
        page = p.page
        page.set_content(view.html(), wait_until="load")
        page.wait_for_function("() => window.EcoExplorer && EcoExplorer.ready", timeout=60_000)
        pops = geo.table("departement").population
        for code, name, value, fill in (("44", "Loire-Atlantique", "5 acteurs", maps.PALETTE[-1]),
                                        ("13", "Bouches-du-Rhône", "3 acteurs", maps.PALETTE[-2]),
                                        ("01", "Ain", "0 acteur", maps.PALETTE[-5])):
            tip = page.evaluate(TIP, code)
            assert tip is not None, code
            lines = tip["text"].split("\n")
            assert lines[0] == f"{name} ({code})"
            assert lines[1] == f"Acteurs : {value}"
            assert lines[2] == f"Population : {numbers.number(pops[code], 'fr')}"
            assert tip["fill"] == fill, code
        assert p.dialogs == [] and p.errors == [] and p.external == []
    finally:
        p.close()
