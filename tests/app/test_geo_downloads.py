"""Carte: the GIS downloads (GeoPackage, GeoJSON) under the map (AppTest)."""

from ecosystem.i18n import t
from ecosystem.render import geo_exports
from tests.app.pagetest import ok, page_test, texts


def _buttons(at) -> dict:
    return {b.proto.label: b.proto for b in at.get("download_button")}


def test_map_page_offers_the_view_for_a_gis():
    at = ok(page_test("pages/carte.py", {"lang": "en"}).run())
    buttons = _buttons(at)
    for key in ("geo_export.gpkg", "geo_export.geojson_territories", "geo_export.geojson_actors"):
        assert not buttons[t(key, "en")].disabled


def test_actors_left_out_of_app_downloads_above_the_cap(monkeypatch):
    monkeypatch.setattr(geo_exports, "APP_ACTOR_CAP", 4_999)  # the demo has 5,000 actors
    at = ok(page_test("pages/carte.py").run())
    buttons = _buttons(at)
    assert buttons[t("geo_export.geojson_actors", "fr")].disabled
    assert not buttons[t("geo_export.gpkg", "fr")].disabled
    assert "5\u202f000 acteurs dans la vue, plus que les 4\u202f999" in texts(at)


def test_map_at_a_year_downloads_that_year(downloads):
    """The map as of 2015 is the view a GIS user downloads: its actors layer holds the
    actors alive in 2015 (created by then, not closed; recomputed from the generator
    with the rules of docs/time.md), not today's, and the file names say the year."""
    import json

    from ecosystem import demo

    a = demo.generate(5000).actors
    active = a.active.fillna(True).astype(bool)
    alive = ((a.creation_year <= 2015)
             & ((a.closing_year > 2015) | (a.closing_year.isna() & active))).fillna(False)
    located = a.lat.notna() | a.commune_code.notna()
    expected, today = int((alive & located).sum()), int((active & located).sum())
    assert 0 < expected < today
    ok(page_test("pages/carte.py", {"lang": "en", "asof": "2015"}).run())
    actors = json.loads(downloads["carte-region-2015-acteurs.geojson"])
    assert len(actors["features"]) == expected
    zones = json.loads(downloads["carte-region-2015-territoires.geojson"])
    assert sum(f["properties"]["actors"] for f in zones["features"]) == expected
    assert "carte-region-2015.gpkg" in downloads
