"""A user zoning in chromium with no network: the Carte draws its zones fitted to
them (no overseas insets), the sidebar names the zoning."""

from __future__ import annotations

import pytest

from ecosystem import zonings
from ecosystem.storage import zonings as zstore
from ecosystem.storage.store import Store
from tests import zoning_fixtures as zf
from tests.conftest import AppServer, screenshot
from tests.e2e.test_home_browser import painted_pixels
from tests.e2e.test_map_browser import wait_map

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def zoned_server(tmp_path_factory, geo):
    db = tmp_path_factory.mktemp("zon") / "zon.duckdb"
    store = Store(db, geo=geo)
    store.create("Zones", zf.inventory())
    z = zonings.from_polygons(zonings.read(zf.geojson(), "z.geojson"), "code_z", "lib_z", "pop_z")
    level = f"z{zstore.add(store, 'Zones de test', z)}"
    store.close()
    server = AppServer(db)
    yield server, level
    server.stop()


@pytest.mark.timeout(600)
def test_map_of_a_zoning(zoned_server, offline_page):
    server, level = zoned_server
    page = offline_page.open(f"{server.url}/carte?level={level}&ind=actors")
    page.get_by_text("Territoires dessinés : Zones de test (3)").wait_for()
    frame = wait_map(page)
    # the view is fitted to the zones (Nantes to Marseille), not to France with insets
    west, south, east, north = frame.evaluate(
        "() => { const m = window.map || map_div; const b = m.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
    assert west < -1.70 and east > 5.60 and south < 43.15 and north > 47.30
    assert east - west < 12  # not the whole of France and its overseas insets
    # the zones are filled (three small zones; since the legends got a column of their own
    # east of the data, the view is 40 % wider and the zones smaller: 1,556 pixels here)
    assert painted_pixels(page, minimum=1_000) >= 1_000
    assert frame.evaluate("() => EcoExplorer.pointCount") == 7  # no territory: every actor
    screenshot(page, "zonings_map")
    # a zone as the territory: its actors only (B1 and B7 in Nantes ouest)
    page = offline_page.open(f"{server.url}/carte?level={level}&terr={level}:NA&ind=actors")
    page.get_by_text("2 acteurs et 1 projet dans la vue").wait_for()
    frame = wait_map(page)
    assert frame.evaluate("() => EcoExplorer.pointCount") == 2
    assert offline_page.external == [] and offline_page.errors == []
