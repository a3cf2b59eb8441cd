"""Every page on inventories that are not the demo: an ordinary file of actors with no
domain column (no project at all), and actors and projects without domains
(issue 12, item 13)."""

import pytest

from ecosystem import model
from ecosystem.geo import Geography
from ecosystem.storage.store import Store
from tests import fixtures
from tests.app.pagetest import ok, page_test

PAGES = ["pages/accueil.py", "pages/carte.py", "pages/territoires.py", "pages/comparer.py",
         "pages/reseau.py", "pages/grille.py", "pages/acteur.py"]


def plain_inventories(path):
    """A store with "Sans domaine" (actors only, no domain, A9 with no commune) and
    "Projets sans domaine" (the tiny inventory with every domain emptied)."""
    store = Store(path, geo=Geography())
    actors = fixtures.tiny().actors.assign(domains=None)
    actors.loc[9, "commune_code"] = None
    store.create("Sans domaine", model.InventoryData(actors=actors))
    both = fixtures.tiny()
    both.actors["domains"] = None
    both.projects["domains"] = None
    store.create("Projets sans domaine", both)
    store.close()


@pytest.fixture(scope="module")
def plain_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "plain.duckdb"
    plain_inventories(path)
    return path


@pytest.mark.parametrize("inventory", ["Sans domaine", "Projets sans domaine"])
@pytest.mark.parametrize("terr", [None, "departement:44"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_open_on_inventories_without_domains(plain_db, monkeypatch, page, terr, inventory):
    monkeypatch.setenv("ECOSYSTEM_DB", str(plain_db))
    params = {"inv": inventory, "layers": "points,lines,funders"}
    if terr:
        params["terr"] = terr
    if page.endswith("acteur.py"):
        params["actor"] = "A1"
    at = ok(page_test(page, params).run())
    assert at.title


def test_actor_only_inventory_says_it_has_no_projects(plain_db, monkeypatch):
    """Issue 17 item 10: not "17/17 white zones" and an empty funnel, but what is missing."""
    from ecosystem.i18n import t
    from tests.app.pagetest import texts
    monkeypatch.setenv("ECOSYSTEM_DB", str(plain_db))
    at = ok(page_test("pages/territoires.py", {"inv": "Sans domaine"}).run())
    shown = texts(at)
    assert t("terr.no_projects", "fr") in shown and t("terr.no_projects_zones", "fr") in shown
    assert "17 domaines" not in shown
    # an inventory with projects shows neither message
    at = ok(page_test("pages/territoires.py", {"inv": "Projets sans domaine"}).run())
    assert t("terr.no_projects", "fr") not in texts(at)
