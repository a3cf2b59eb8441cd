"""ESS family on the actor card; the territory pages explain a missing denominator of the
ESS share (issue 16). Inventories from the hand-written SIRENE fixture: "Unités" (the 8
legal units, U3 = 100000033 a mutual) and "ESS seule" (the ESS establishments only,
``--ess either``: no establishment outside the ESS, so no share)."""

from pathlib import Path

import pytest

from ecosystem.geo import Geography
from ecosystem.i18n import catalogue
from ecosystem.ingest import sirene
from ecosystem.ingest.pipeline import run_import
from ecosystem.storage.store import Store
from tests.app.pagetest import ok, page_test, texts

SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"
UNITS = SHAPED / "sirene_StockUniteLegale.csv"
ETABS = SHAPED / "sirene_StockEtablissement.csv"


@pytest.fixture(scope="module")
def sirene_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ess")
    geo = Geography()
    store = Store(folder / "ess.duckdb", geo=geo)
    run_import(UNITS, store, "Unités", geo=geo)[0].close()
    for name, ess in (("ESS seule", "either"), ("Tout", "all")):
        out = folder / f"{ess}.parquet"
        sirene.extract(out, units=UNITS, establishments=ETABS, ess=ess, where=[], geo=geo)
        run_import(out, store, name, geo=geo)[0].close()
    store.close()
    return folder / "ess.duckdb"


@pytest.mark.parametrize("lang, expected", [("fr", "famille de l'ESS : Mutuelle"),
                                            ("en", "ESS family: Mutual")])
def test_actor_card_shows_the_family(sirene_db, monkeypatch, lang, expected):
    monkeypatch.setenv("ECOSYSTEM_DB", str(sirene_db))
    at = ok(page_test("pages/acteur.py", {"inv": "Unités", "actor": "sirene:100000033",
                                          "lang": lang}).run())
    assert expected in texts(at)


def test_profile_explains_the_missing_denominator(sirene_db, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_DB", str(sirene_db))
    note = catalogue("fr")["ess.share.needs_all"]
    at = ok(page_test("pages/territoires.py", {"inv": "ESS seule"}).run())
    assert note in [str(i.value) for i in at.info]
    at = ok(page_test("pages/territoires.py", {"inv": "Tout"}).run())
    assert note not in [str(i.value) for i in at.info]


@pytest.mark.parametrize("lang, title, label", [
    ("fr", "Familles de l'ESS (d'après la catégorie juridique SIRENE)", "Société commerciale de l'ESS"),
    ("en", "ESS families (from the SIRENE legal category)", "Commercial ESS company")])
def test_about_page_lists_the_families(lang, title, label):
    at = ok(page_test("pages/a_propos.py", {"lang": lang}).run())
    assert title in [s.value for s in at.subheader]
    table = next(t.value for t in at.table if label in t.value.to_string())
    assert len(table) == 6          # five families and "outside the ESS"
