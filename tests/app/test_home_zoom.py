"""Issue 17 item 7: Accueil with a région selected zooms to it and shows its départements."""

from ecosystem.i18n import t
from tests.app.pagetest import ok, page_test


def test_home_with_a_region_shows_its_departements():
    at = ok(page_test("pages/accueil.py", {"terr": "region:53"}).run())
    subheaders = [s.value for s in at.subheader]
    assert "Acteurs pour 10 000 habitants, par département" in subheaders
    assert t("home.map_title", "fr") not in subheaders  # not the régions of France


def test_home_of_france_keeps_the_regions_map():
    at = ok(page_test("pages/accueil.py").run())
    assert t("home.map_title", "fr") in [s.value for s in at.subheader]
