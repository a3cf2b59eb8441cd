"""The Importer page in Debian's chromium, offline: upload, analyse, save."""

from pathlib import Path

import pytest

from tests.conftest import screenshot, upload_and_analyse, wait_idle

pytestmark = pytest.mark.e2e
REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def test_upload_analyse_and_save_a_map_export(app_server, offline_page):
    page = offline_page.open(app_server.url + "/importer")  # a deep link to the page
    upload_and_analyse(page, REAL / "transiscope_niort_transiscopeDatas.js", "Test navigateur Niort",
                       recognised="Format reconnu : Export de carte GoGoCarto / Transiscope "
                                  "(transiscope) → Acteurs")
    page.get_by_text("Rapport avant enregistrement").wait_for(timeout=90_000)
    wait_idle(page)
    # nothing lost: the equation, and which mapping was applied
    page.get_by_text("Lignes lues 100 = enregistrées 100 + fusionnées 0 + écartées 0").wait_for()
    page.get_by_text("Correspondance : format reconnu (Export de carte GoGoCarto / Transiscope).").wait_for()
    page.get_by_role("tab", name="Géocodage").click()
    page.wait_for_url("**tab=geo**", timeout=60_000)  # the app keeps the tab in the URL
    wait_idle(page)
    placed = page.get_by_text("100 / 100")
    placed.wait_for()
    placed.scroll_into_view_if_needed()
    screenshot(page, "importer_report_fr")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert placed.is_visible()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("Import enregistré").wait_for(timeout=90_000)
    wait_idle(page)
    screenshot(page, "importer_saved_fr")
    assert "Test navigateur Niort" in page.get_by_text("Import enregistré").inner_text()
    # nothing left localhost, no script error, no dialog
    assert offline_page.external == []
    assert offline_page.errors == [] and offline_page.dialogs == []
