"""The Importer's SIRENE step loads an establishment file as the full counts (the ESS
share's denominator), in Debian's chromium, offline. Expected figures: the hand count of
``sirene_StockEtablissement.csv`` in tests/app/test_importer_sirene_counts.py."""

from pathlib import Path

import pytest

from tests.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e
SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"


def test_load_an_establishment_file_as_counts(app_server, offline_page):
    page = offline_page.open(app_server.url + "/importer")
    page.get_by_role("heading", name="Importer des données").wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(SHAPED / "sirene_StockEtablissement.csv"))
    title = "Charger comme effectifs complets (dénominateur seulement)"
    page.get_by_text(title).wait_for(timeout=90_000)
    wait_idle(page)
    page.get_by_text(title).click()
    wait_idle(page)
    page.get_by_role("button", name="Compter et enregistrer les effectifs").click()
    page.get_by_text("13 établissements actifs comptés dans 6 communes (dont 9 employeurs)",
                     exact=False).wait_for(timeout=90_000)
    page.get_by_text("Laissés de côté : fermés 1 ;", exact=False).wait_for()
    page.get_by_text("Effectifs chargés : sirene_StockEtablissement.csv", exact=False).wait_for()
    screenshot(page, "importer_sirene_counts_fr")
