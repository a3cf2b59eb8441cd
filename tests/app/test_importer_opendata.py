"""The Importer page recognises SCDL grants and data·inclusion structures (issue 16,
items 1 and 2); figures worked out by hand from the fixtures of tests/data/shaped/."""

from pathlib import Path

from ecosystem.i18n import catalogue
from tests.app.pagetest import ok, page_test, texts
from tests.app.test_importer import button, frame_with, get_store, upload

SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"
FR = catalogue("fr")


def test_scdl_grants_on_the_page():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "scdl_subventions_nantes_2023.csv",
                (SHAPED / "scdl_subventions_nantes_2023.csv").read_bytes())
    assert any(FR["imp.format.scdl"] in str(s.value) for s in at.success)
    at.text_input(key="imp_target_name").set_value("Test SCDL Nantes")
    button(at, "imp_analyse").click()
    ok(at.run())
    # a new inventory: no beneficiary matched; the Collectif (rows 8, 9) and the Café
    # (id "123") without a usable SIRET; the 9 other rows' beneficiaries new
    assert FR["imp.scdl.grants"].format(matched="0", new="9", unmatched="3") in texts(at)
    funders = frame_with(at, FR["imp.scdl.col.funder"])
    assert funders[FR["imp.scdl.col.amount"]].tolist() == [31500.5, 30010.09]
    assert funders[FR["imp.scdl.col.grants"]].tolist() == [6, 4]
    button(at, "imp_save").click()
    ok(at.run())
    info = get_store().info("Test SCDL Nantes")
    # 2 funders + 8 beneficiaries (Jardins, Régie, SCIC, Entraide, Accueil, Collectif,
    # Atelier, Café)
    assert info["n_actors"] == 10


def test_dataincl_structures_on_the_page():
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "structures.csv", (SHAPED / "dataincl_structures_loire_atlantique.csv").read_bytes())
    assert any(FR["imp.format.dataincl"] in str(s.value) for s in at.success)



def test_sirene_establishments_after_their_units_on_the_page():
    """The two SIRENE files one after the other (tests/ingest/test_sirene_two_files.py):
    the 14 establishments saved apart, completed from their 8 units."""
    import uuid

    from ecosystem.ingest.pipeline import run_import

    store, name = get_store(), f"Test SIRENE {uuid.uuid4().hex[:8]}"
    run_import(SHAPED / "sirene_StockUniteLegale.csv", store, name, geo=store.geo)[0].close()
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "StockEtablissement.csv", (SHAPED / "sirene_StockEtablissement.csv").read_bytes())
    at.radio(key="imp_target_mode").set_value("existing")
    ok(at.run())
    at.selectbox(key="imp_target_pick").set_value(name)
    button(at, "imp_analyse").click()
    ok(at.run())
    assert FR["sirene.from_unit.other"].format(n="14") in texts(at)
    button(at, "imp_save").click()
    ok(at.run())
    assert store.info(name)["n_actors"] == 8 + 14
