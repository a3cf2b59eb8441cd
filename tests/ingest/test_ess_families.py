"""ESS families stored on the actor (issue 16, what was left of item 5).

The family comes from the SIRENE legal category, the ESS flag and the activity of the
legal unit (``tests/data/shaped/sirene_StockUniteLegale.csv``, worked out by hand):

====  =========  ====  ======  ====  =============================================
unit  siren      cat.  NAF     flag  family
====  =========  ====  ======  ====  =============================================
U1    100000017  9220  88.99B  O     association
U2    100000025  5458  16.23Z  O     cooperative (a SCOP)
U3    100000033  8210  65.12Z  N     mutual (its category, flag or not)
U4    100000041  9300  88.10A  O     foundation
U5    100000058  5710  38.32Z  O     commercial (a company flagged ESS)
U6    100000066  5499  45.20A  N     none (a garage)
U7    100000074  9220  94.92Z  N     none (a political association: activity left out)
U8    100000082  7210  84.11Z  N     none (a commune)
====  =========  ====  ======  ====  =============================================
"""

from pathlib import Path

import pytest

from ecosystem import vocabulary as voc
from ecosystem.analysis import indicators as I
from ecosystem.analysis.view import Filters, View
from ecosystem.ingest import sirene
from ecosystem.ingest.pipeline import run_import
from ecosystem.storage.store import Store

SHAPED = Path(__file__).resolve().parent.parent / "data" / "shaped"
UNITS = SHAPED / "sirene_StockUniteLegale.csv"
ETABS = SHAPED / "sirene_StockEtablissement.csv"
FAMILY_IDS = ["ess_establishments_association", "ess_establishments_cooperative",
              "ess_establishments_mutual", "ess_establishments_foundation",
              "ess_establishments_commercial"]


def test_family_stored_from_the_legal_unit(store, geo):
    imp, ref = run_import(UNITS, store, "Unités", geo=geo)
    imp.close()
    got = dict(store.query(f"SELECT siren, ess_family FROM {ref.table('actors')}").values.tolist())
    assert got == {"100000017": "association", "100000025": "cooperative", "100000033": "mutual",
                   "100000041": "foundation", "100000058": "commercial", "100000066": "none",
                   "100000074": "none", "100000082": "none"}


def test_family_vocabulary_has_both_languages():
    assert voc.ESS_FAMILIES.label("commercial", "fr") == "Société commerciale de l'ESS"
    assert voc.ESS_FAMILIES.label("mutual", "en") == "Mutual"
    assert voc.ALL["ess_family"] is voc.ESS_FAMILIES


def _all_establishments(tmp_path, store, geo):
    """Every establishment (``--ess all``), no territory: 14 rows, E14 closed."""
    out = tmp_path / "all.parquet"
    sirene.extract(out, units=UNITS, establishments=ETABS, ess="all", where=[], geo=geo)
    imp, _ = run_import(out, store, "Tout", geo=geo)
    imp.close()
    return View(store, store.ref("Tout"), Filters())


def test_establishments_by_family_per_departement(tmp_path, store, geo):
    view = _all_establishments(tmp_path, store, geo)
    df = I.compute(view, "departement", FAMILY_IDS + ["ess_establishments"]).set_index("code")
    # 29: E1 Brest, E3 Quimper (U1); E4 Morlaix (U2); E7 Brest (U3); E8 Quimper (U4; E14
    # closed); E10 Brest (U5); E11, E12, E13 outside the ESS
    assert df.loc["29", FAMILY_IDS].tolist() == [2, 1, 1, 1, 1]
    assert df.loc["29", "ess_establishments"] == 6      # E12 no longer counted by its type
    # 35: E5 Rennes (U2), E9 Rennes (U5); 44: E2 Nantes (U1), E6 Saint-Nazaire (U3)
    assert df.loc["35", FAMILY_IDS].tolist() == [0, 1, 0, 0, 1]
    assert df.loc["44", FAMILY_IDS].tolist() == [1, 0, 1, 0, 0]
    # France: 13 active establishments (E14 closed), 10 of the ESS (all but E11, E12, E13)
    fr = I.national(view, ["ess_establishment_share"] + FAMILY_IDS)
    assert fr[FAMILY_IDS].tolist() == [3, 2, 2, 1, 2]
    assert fr.ess_establishment_share == pytest.approx(10 / 13)
    assert not I.denominator_missing(view)


def test_share_undefined_without_the_other_establishments(tmp_path, store, geo):
    out = tmp_path / "ess.parquet"
    sirene.extract(out, units=UNITS, establishments=ETABS, ess="either", where=[], geo=geo)
    imp, _ = run_import(out, store, "ESS", geo=geo)
    imp.close()
    view = View(store, store.ref("ESS"), Filters())
    fr = I.national(view, ["ess_establishments", "ess_establishment_share"])
    assert fr.ess_establishments == 10                     # not 100 %: undefined
    assert fr.ess_establishment_share != fr.ess_establishment_share
    assert I.denominator_missing(view)


def test_registry_has_one_indicator_per_family():
    for i, f in zip(FAMILY_IDS, ["association", "cooperative", "mutual", "foundation", "commercial"]):
        ind = I.get(i)
        assert ind.group == "employment" and "total" in ind.tags
        assert voc.ESS_FAMILIES.term(f).help_fr in ind.definition_fr


def test_old_store_gets_the_new_columns(tmp_path, geo):
    path = tmp_path / "old.duckdb"
    store = Store(path, geo=geo)
    imp, ref = run_import(UNITS, store, "Unités", geo=geo)
    imp.close()
    for table, col in ((ref.table("actors"), "ess_family"), (ref.table("fundings"), "outside_territory")):
        store.con.execute(f'ALTER TABLE {table} DROP COLUMN "{col}"')
    store.close()
    store = Store(path, geo=geo)
    try:
        cols = set(store.query(f"SELECT * FROM {ref.table('actors')} LIMIT 0").columns)
        assert "ess_family" in cols
        assert "outside_territory" in set(store.query(
            f"SELECT * FROM {ref.table('fundings')} LIMIT 0").columns)
        view = View(store, store.ref("Unités"), Filters())
        assert I.national(view, ["ess_establishments_association"]).ess_establishments_association == 0
    finally:
        store.close()


def test_family_in_the_csv_export(store, geo, tmp_path):
    import pandas as pd

    from ecosystem.render.exports import export_inventory

    run_import(UNITS, store, "Unités", geo=geo)[0].close()
    path, = export_inventory(store, "Unités", "csv", tmp_path / "actors.csv", tables=["actors"])
    df = pd.read_csv(path, dtype=str, encoding="utf-8-sig", sep=";")
    assert dict(zip(df.siren, df.ess_family)) == {
        "100000017": "association", "100000025": "cooperative", "100000033": "mutual",
        "100000041": "foundation", "100000058": "commercial", "100000066": "none",
        "100000074": "none", "100000082": "none"}


def test_import_rule_agrees_with_the_extract_rule(tmp_path, geo):
    """codes.ess_family (the import) and sirene.family_sql (``familleEss`` of an extract)
    give every legal unit of the fixture the same family (the extract leaves "none" empty)."""
    import duckdb

    from ecosystem.ingest import codes

    out = tmp_path / "units.parquet"
    sirene.extract(out, units=UNITS, ess="all", geo=geo)
    rows = duckdb.sql(f"SELECT categorieJuridiqueUniteLegale, economieSocialeSolidaireUniteLegale, "
                      f"activitePrincipaleUniteLegale, familleEss FROM read_parquet('{out}') "
                      "ORDER BY siren").fetchall()
    assert [codes.ess_family(c, f, n) for c, f, n, _ in rows] == \
        [fam or "none" for *_, fam in rows] == \
        ["association", "cooperative", "mutual", "foundation", "commercial", "none", "none", "none"]


SHARE_IDS = ["ess_family_share_association", "ess_family_share_cooperative",
             "ess_family_share_mutual", "ess_family_share_foundation",
             "ess_family_share_commercial"]


def test_family_shares_compare_territories(tmp_path, store, geo):
    """Each family's share of the ESS establishments whose family is known: comparable
    across territories of different sizes (Comparer offers only such indicators)."""
    from ecosystem.analysis import territories as terr

    view = _all_establishments(tmp_path, store, geo)
    assert set(SHARE_IDS) <= set(I.COMPARABLE_IDS) and len(SHARE_IDS) == 5
    table = terr.compare(view, ["departement:29", "departement:35"], SHARE_IDS).set_index("key")
    # 29: families 2, 1, 1, 1, 1 of 6; 35: 0, 1, 0, 0, 1 of 2; France: 3, 2, 2, 1, 2 of 10
    assert table.loc["departement:29", SHARE_IDS].tolist() == pytest.approx([2 / 6] + [1 / 6] * 4)
    assert table.loc["departement:35", SHARE_IDS].tolist() == pytest.approx([0, 0.5, 0, 0, 0.5])
    assert table.loc["france", SHARE_IDS].tolist() == pytest.approx([0.3, 0.2, 0.2, 0.1, 0.2])
    # 44: E2 Nantes (U1, association), E6 Saint-Nazaire (U3, mutual): 1 / 2 each
    df = I.compute(view, "departement", SHARE_IDS).set_index("code")
    assert df.loc["44", SHARE_IDS].tolist() == pytest.approx([0.5, 0, 0.5, 0, 0])
    assert I.get("ess_family_share_mutual").label("en") == "Share of mutuals among ESS establishments"


def test_family_shares_undefined_without_a_known_family(store, geo, tmp_path):
    """Actors of other sources (no family) leave the shares undefined, not 0 %."""
    src = tmp_path / "rna.csv"
    src.write_text("actor_id;name;actor_type;siret;commune_code;source\n"
                   "A1;Entraide;association;10000001700010;29019;cress\n", encoding="utf-8")
    imp, ref = run_import(src, store, "Autres", geo=geo)
    imp.close()
    fr = I.national(View(store, ref, Filters()), ["ess_establishments"] + SHARE_IDS)
    assert fr.ess_establishments == 1
    assert all(fr[i] != fr[i] for i in SHARE_IDS)                  # NaN: undefined
