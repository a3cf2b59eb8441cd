"""The Importer's SIRENE step loads an establishment file as the full establishment
counts (denominator of the ESS share only), in French and English.

``sirene_StockEtablissement.csv`` (14 establishments, counted by hand): one closed (E9,
Brest); 13 active in 6 communes — Brest 29019: E1 (03), E7 (01), E11 (no band), E12 (01);
Nantes 44109: E2 (11); Quimper 29232: E3 (NN), E8 (01); Morlaix 29151: E4 (02), E13 (NN),
E14 (21); Rennes 35238: E5 (00), E10 (03); Orvault 44184: E6 (11) — employing: 3 + 1 + 1 +
2 + 1 + 1 = 9; nothing abroad, no unknown code."""

from pathlib import Path

import pytest

from ecosystem.geo import Geography
from ecosystem.ingest.pipeline import run_import
from ecosystem.storage import establishment_counts as ec
from ecosystem.storage.store import Store
from tests.app.pagetest import ok, page_test

SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"
ETABS = SHAPED / "sirene_StockEtablissement.csv"


@pytest.fixture
def own_db(tmp_path, monkeypatch):
    """A database of its own: the counts are store-wide, the shared one must not get them."""
    db = tmp_path / "counts.duckdb"
    geo = Geography()
    store = Store(db, geo=geo)
    run_import(SHAPED / "actors_inventory_base.csv", store, "Base", geo=geo)[0].close()
    store.close()
    monkeypatch.setenv("ECOSYSTEM_DB", str(db))
    return db


@pytest.mark.parametrize("lang, counted, left_out, saved", [
    ("fr", "sirene_StockEtablissement.csv : 14 établissements lus ; 13 établissements actifs "
           "comptés dans 6 communes (dont 9 employeurs)",
     "Laissés de côté : fermés 1 ; sans code commune (à l'étranger) 0 ; code qui n'est pas une "
     "commune 0 (codes distincts : 0)", "Effectifs enregistrés pour toute la base"),
    ("en", "sirene_StockEtablissement.csv: 14 establishments read; 13 active establishments "
           "counted in 6 communes (9 employing)",
     "Left out: closed 1; without a commune code (abroad) 0; code that is no commune 0 "
     "(distinct codes: 0)",
     "Counts stored for the whole database")])
def test_load_the_establishments_as_counts(own_db, monkeypatch, lang, counted, left_out, saved):
    # AppTest formats the select boxes' values in the test process, outside the script
    # run, where the session's language is unknown: give it the page's
    monkeypatch.setattr("pages._state.DEFAULT_LANG", lang)
    at = ok(page_test("pages/importer.py", {"inv": "Base", "lang": lang}).run())
    at.file_uploader[0].set_value(("sirene_StockEtablissement.csv", ETABS.read_bytes(), "text/csv"))
    at = ok(at.run())
    title = "Charger comme effectifs complets" if lang == "fr" else "Load as full establishment counts"
    assert any(e.label.startswith(title) for e in at.expander)
    next(b for b in at.button if b.key == "imp_counts_apply").click()
    at = ok(at.run())
    said = " ".join(str(s.value) for s in at.success).replace("\\", "").replace("\u2060", "")  # Markdown escapes
    body = " ".join(said.split())
    assert counted in body and left_out in body and saved in body
    store = Store(own_db, geo=Geography())
    try:
        assert ec.per_commune(store).values.tolist() == [
            ["29019", 4, 3], ["29151", 3, 2], ["29232", 2, 1], ["35238", 2, 1],
            ["44109", 1, 1], ["44184", 1, 1]]
        assert ec.info(store)["file"] == "sirene_StockEtablissement.csv"
        assert store.list().name.tolist() == ["Base"]        # no actor imported
    finally:
        store.close()
