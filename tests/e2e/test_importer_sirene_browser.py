"""The Importer page's SIRENE filter step in Debian's chromium, offline (issue 16 item 3)."""

from pathlib import Path

import duckdb
import pytest

from tests.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e
SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"


def test_filter_a_sirene_upload_to_the_ess_of_the_finistere(app_server, offline_page, tmp_path):
    joined = tmp_path / "sirene_joined.csv"
    duckdb.sql(f"""COPY (SELECT e.*, u.* EXCLUDE (siren)
        FROM read_csv('{SHAPED / "sirene_StockEtablissement.csv"}', all_varchar=true) e
        JOIN read_csv('{SHAPED / "sirene_StockUniteLegale.csv"}', all_varchar=true) u USING (siren)
        ORDER BY siret) TO '{joined}' (HEADER)""")
    page = offline_page.open(app_server.url + "/importer")
    page.get_by_role("heading", name="Importer des données").wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(joined))
    page.get_by_text("Filtrer ce fichier SIRENE : ESS et territoire").wait_for(timeout=90_000)
    wait_idle(page)
    page.get_by_text("Filtrer ce fichier SIRENE : ESS et territoire").click()
    wait_idle(page)
    screenshot(page, "importer_sirene_step_fr")
    page.get_by_label("Périmètre ESS").click()
    page.get_by_role("option", name="indicateur ESS et catégorie juridique de l'ESS").click()
    wait_idle(page)
    where = page.get_by_label("Territoire (ex. reg=53; dep=29,56; epci=…; commune=… ; vide : France)")
    where.fill("dep=29")
    where.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Filtrer le fichier").click()
    page.get_by_text("5 lignes retenues sur 14").wait_for(timeout=90_000)
    wait_idle(page)
    screenshot(page, "importer_sirene_filtered_fr")
    name = page.get_by_label("Nom du nouvel inventaire")
    name.fill("Test navigateur SIRENE")
    name.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Analyser").click()
    page.get_by_text("Lignes lues 5 = enregistrées 5 + fusionnées 0 + écartées 0").wait_for(timeout=90_000)
    # the linking review (issue 16): E1 and E3 share U1's SIREN and RNA number, E8 and E14
    # U4's SIREN, E4 is alone: 5 records in 3 structures, 4 linked, no conflict
    page.get_by_text("Relier les enregistrements (SIRET, numéro RNA, SIREN)").click()
    page.get_by_text("5 enregistrements (fichier et inventaire) en 3 structures ; 4 reliés à un "
                     "autre ; 0 structures en conflit.").wait_for(timeout=90_000)
    page.get_by_text("Aucun conflit : aucun groupe ne porte deux SIREN ou deux numéros RNA.").wait_for()
    screenshot(page, "importer_links_review_fr")
