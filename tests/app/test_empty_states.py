"""Empty states say what is missing (issue 17 item 10): an actor-only inventory has no
stage chart on Accueil but a message, an all-zero indicator in Comparer no −1…1 chart,
and the France figure beside a territory's is called a reference."""

import pytest

from ecosystem.i18n import t
from tests.app.pagetest import ok, page_test, texts
from tests.app.test_plain_inventory import plain_inventories


@pytest.fixture(scope="module")
def plain_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("empty") / "plain.duckdb"
    plain_inventories(path)          # "Sans domaine": the tiny actors, no project
    return path


def test_home_without_projects_says_so_instead_of_a_blank_funnel(plain_db, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_DB", str(plain_db))
    at = ok(page_test("pages/accueil.py", {"inv": "Sans domaine"}).run())
    assert t("empty.no_projects_stage", "fr") in texts(at)
    assert len(at.get("plotly_chart")) == 1            # actors by type only
    # the tiny projects (all domains emptied) still get their funnel
    at = ok(page_test("pages/accueil.py", {"inv": "Projets sans domaine"}).run())
    assert t("empty.no_projects_stage", "fr") not in texts(at)
    assert len(at.get("plotly_chart")) == 2


def test_compare_shows_no_chart_of_zeros(plain_db, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_DB", str(plain_db))
    at = ok(page_test("pages/comparer.py", {"inv": "Sans domaine",
                                            "cmp": "departement:44,departement:13",
                                            "ind": "projects_per_100k,actors_per_10k"}).run())
    shown = texts(at)
    # no project: 0 projects per 100,000 inhabitants in 44, 13 and France
    assert t("empty.all_zero", "fr", indicator="Projets pour 100 000 habitants") in shown
    # actors per 10,000 are not all zero (5 actors in 44, 2 in 13): no message for them
    assert t("empty.all_zero", "fr", indicator="Acteurs pour 10 000 habitants") not in shown


def test_the_france_figure_is_called_a_reference(plain_db, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_DB", str(plain_db))
    at = ok(page_test("pages/territoires.py", {"inv": "Projets sans domaine",
                                               "terr": "departement:44"}).run())
    actors = [m for m in at.metric if m.label == "Acteurs"][0]
    # Loire-Atlantique has A1, A2, A3, A4, A9; all France the 10 actors
    assert (actors.value, actors.delta) == ("5", "Référence France : 10")
    assert t("empty.ref_france_total", "fr") in actors.help
