"""The Importer page's SIRENE filter step (issue 16 item 3): ESS and territory before mapping.

The upload is the hand-written fixture's 14 establishments joined to their legal units
(tests/ingest/test_sirene.py): "both" (flag and category) in the Finistère keeps E1, E3,
E4, E8, E14 — 5 rows of 14."""

from pathlib import Path

import duckdb

from ecosystem.i18n import catalogue
from tests.app.pagetest import ok, page_test, texts

SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"
FR = catalogue("fr")


def joined_csv(tmp_path) -> bytes:
    out = tmp_path / "sirene_joined.csv"
    duckdb.sql(f"""COPY (SELECT e.*, u.* EXCLUDE (siren)
        FROM read_csv('{SHAPED / "sirene_StockEtablissement.csv"}', all_varchar=true) e
        JOIN read_csv('{SHAPED / "sirene_StockUniteLegale.csv"}', all_varchar=true) u USING (siren)
        ORDER BY siret) TO '{out}' (HEADER)""")
    return out.read_bytes()


def test_filter_step_keeps_the_ess_of_a_departement(tmp_path):
    at = ok(page_test("pages/importer.py").run())
    at.file_uploader[0].set_value(("sirene_joined.csv", joined_csv(tmp_path), "text/csv"))
    at = ok(at.run())
    assert FR["sirene.page.title"] in [e.label for e in at.expander]
    assert [s.options for s in at.selectbox if s.key == "imp_sirene_ess"][0][3] == FR["sirene.ess.both"]
    at.session_state["imp_sirene_ess"] = "both"   # AppTest cannot set a select box with format_func
    next(t for t in at.text_input if t.key == "imp_sirene_where").set_value("dep=29")
    at = ok(at.run())
    next(b for b in at.button if b.key == "imp_sirene_apply").click()
    at = ok(at.run())
    body = " ".join(texts(at).split())
    assert "5 lignes retenues sur 14" in body
    assert [m.value for m in at.metric if m.label == FR["imp.file.rows"]] == ["5"]


def test_bad_territory_is_said(tmp_path):
    at = ok(page_test("pages/importer.py").run())
    at.file_uploader[0].set_value(("sirene_joined.csv", joined_csv(tmp_path), "text/csv"))
    at = ok(at.run())
    next(t for t in at.text_input if t.key == "imp_sirene_where").set_value("dep=2")
    at = ok(at.run())
    next(b for b in at.button if b.key == "imp_sirene_apply").click()
    at = ok(at.run())
    assert "dep=2 n'est pas un territoire" in " ".join(texts(at).split())
