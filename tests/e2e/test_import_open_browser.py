"""Issue 17 item 6: after an import, « Ouvrir sur la carte » opens the new inventory
with the map fitted to its data, in the browser (Leaflet's own bounds are read)."""

from __future__ import annotations

import pytest

from tests.conftest import upload_and_analyse, wait_idle
from tests.e2e.test_map_browser import wait_map
from tests.e2e.test_navigation_browser import menu, query

pytestmark = pytest.mark.e2e

# three structures of Finistère, located by their own coordinates
FINISTERE = ("Nom de la structure;Type;Code INSEE;Latitude;Longitude\n"
             "Ressourcerie du Ponant;Association;29019;48.3904;-4.4861\n"
             "Scop Penn ar Bed;Entreprise de l'ESS;29232;47.9960;-4.1024\n"
             "Épicerie solidaire du Pays de Morlaix;association;29151;48.5777;-3.8277\n")
POINTS = [(48.3904, -4.4861), (47.9960, -4.1024), (48.5777, -3.8277)]
BOUNDS = "() => { const b = (window.map || map_div).getBounds(); " \
         "return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"


def test_open_on_the_map_fits_the_map_to_the_imported_points(app_server, offline_page, tmp_path):
    path = tmp_path / "finistere.csv"
    path.write_text(FINISTERE, encoding="utf-8")
    # the analyst looked at the map of France first, then went to the Importer
    page = offline_page.open(app_server.url + "/carte")
    wait_map(page)
    menu(page, "Importer")
    upload_and_analyse(page, path, "Finistère maison")
    page.get_by_text("Lignes lues 3 = enregistrées 3 + fusionnées 0 + écartées 0").wait_for(
        timeout=90_000)
    wait_idle(page)
    page.locator('[data-testid="stBaseButton-primary"]').filter(has_text="Enregistrer").click()
    opener = page.get_by_role("button", name="Ouvrir « Finistère maison » sur la carte")
    opener.wait_for(timeout=90_000)
    wait_idle(page)
    opener.click()
    page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
    page.get_by_text("3 acteurs et 0 projet dans la vue", exact=False).wait_for(timeout=60_000)
    frame = wait_map(page)
    wait_idle(page)
    assert query(page).get("inv") == "Finistère maison"
    south, west, north, east = frame.evaluate(BOUNDS)
    # the three points are in view...
    for lat, lng in POINTS:
        assert south < lat < north and west < lng < east, ((lat, lng), (south, west, north, east))
    # ...and the map shows Finistère, not France: Paris (2.35° E) and Lyon are out of
    # view, the view spans less than 4° of longitude (France spans about 14°)
    assert east < 2.35 and east - west < 4, (south, west, north, east)
    assert frame.evaluate("() => EcoExplorer.pointCount") == 3
    assert offline_page.external == [] and offline_page.errors == []
