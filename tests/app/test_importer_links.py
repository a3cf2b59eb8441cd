"""The Importer's linking review (issue 16 item 4 on the page): the SIRENE legal units of
the hand-written fixture imported into an inventory of three RNA records (the same case
as tests/ingest/test_links_review.py): 8 + 3 records in 8 structures, 5 records linked,
one conflict (R2 carries a garage's SIRET and U7's RNA number)."""

from pathlib import Path

from ecosystem.i18n import catalogue
from ecosystem.ingest.pipeline import run_import
from tests.app.pagetest import ok, page_test, texts
from tests.app.test_importer import button, frame_with, get_store, upload

SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"
FR = catalogue("fr")


def test_links_review_lists_structures_rules_and_the_conflict(tmp_path):
    store = get_store()
    src = tmp_path / "rna.csv"
    src.write_text("actor_id;name;actor_type;rna_id;siret;commune_code;source\n"
                   "rna:W291000001;Entraide;association;W291000001;10000001700010;29019;rna\n"
                   "rna:W291000007;Parti local;association;W291000007;10000006600017;29151;rna\n"
                   "rna:W292000002;Club;association;W292000002;;29019;rna\n", encoding="utf-8")
    run_import(src, store, "Test liens RNA", geo=store.geo)[0].close()
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "StockUniteLegale.csv", (SHAPED / "sirene_StockUniteLegale.csv").read_bytes())
    at.radio(key="imp_target_mode").set_value("existing")
    ok(at.run())
    at.selectbox(key="imp_target_pick").set_value("Test liens RNA")
    button(at, "imp_analyse").click()
    ok(at.run())
    assert FR["links.review.title"] in [t.label for t in at.toggle]
    at.toggle(key="imp_links_run_0").set_value(True)
    ok(at.run())
    assert FR["links.review.summary"].format(records="11", structures="8", linked="5",
                                             conflicts="1") in texts(at)
    rules = frame_with(at, FR["links.col.rule"])
    assert dict(zip(rules[FR["links.col.actor_id"]], rules[FR["links.col.rule"]])) == {
        "file:2": "rna_id+siren", "rna:W291000001": "rna_id+siren", "file:7": "siren",
        "file:8": "rna_id", "rna:W291000007": "rna_id+siren"}
    # the editor: merged by default (the import's exact pairs)
    conflicts = next(d.value for d in at.dataframe if {"merge", "structure"} <= set(d.value.columns))
    assert conflicts[["merge", "structure", "values"]].values.tolist() == [
        [True, "actor:file:7", "100000066;100000074"]]
