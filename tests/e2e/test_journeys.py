"""Issue 17's three journeys, each from the first page to its answer, in chromium offline:
a CRESS analyst explores a région, a foundation compares three régions, an analyst
imports a home-made CSV and sees it on the map."""

from __future__ import annotations

import re

import pytest

from tests.conftest import screenshot, upload_and_analyse, wait_idle
from tests.e2e.test_map_browser import wait_map
from tests.e2e.test_navigation_browser import menu, query

pytestmark = pytest.mark.e2e


def pick(page, label: str, option: str):
    """Choose ``option`` in the sidebar's selectbox ``label``."""
    label_el = page.locator('[data-testid="stWidgetLabel"]').filter(has_text=re.compile(f"^{label}$"))
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has=label_el)
    combo = box.locator('[role="combobox"]')
    page.wait_for_timeout(1000)  # the first runs (map component answers) settle
    wait_idle(page)
    combo.click(timeout=90_000)
    combo.fill(option)
    page.locator('[role="option"]').filter(has_text=re.compile(f"^{option}$")).first.click()
    wait_idle(page)


def test_journey_explore_a_region(app_server, offline_page):
    # the analyst opens the dashboard on Bretagne (the sidebar's pick is driven in
    # test_compare's search and the AppTests; here the view comes from the address)
    page = offline_page.open(app_server.url + "/?terr=region:53")
    # Accueil zooms to Bretagne and colours its départements
    page.get_by_role("heading", name="Acteurs pour 10 000 habitants, par département").wait_for(
        timeout=60_000)
    assert query(page).get("terr") == "region:53"
    screenshot(page, "journey_region_home_fr")
    # the map keeps the région; its territories are Bretagne's départements
    menu(page, "Carte")
    page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
    wait_map(page)
    assert query(page).get("terr") == "region:53"
    # the profile of the région, with its report
    menu(page, "Territoires")
    page.get_by_role("heading", name="Bretagne", level=1).wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "journey_region_profile_fr")
    assert offline_page.external == [] and offline_page.errors == []


def test_journey_compare_three_regions(app_server, offline_page):
    page = offline_page.open(app_server.url + "/comparer")
    page.get_by_role("heading", name="Comparer des territoires").wait_for()
    for name in ("Bretagne", "Occitanie", "Normandie"):
        box = page.get_by_role("textbox", name="Ajouter un territoire", exact=True)
        box.fill(name)
        box.press("Enter")
        add = page.get_by_role("button", name="Ajouter", exact=True)
        add.wait_for(timeout=60_000)
        # ranked search: the région itself comes first
        assert page.locator('[data-testid="stSelectbox"]').filter(
            has_text="Territoire").locator('[role="combobox"]').input_value().startswith(
            f"Région : {name}")
        add.click()
        add.wait_for(state="detached", timeout=60_000)
    page.get_by_role("heading", name="Tableau comparatif").wait_for(timeout=60_000)
    assert query(page).get("cmp") == "region:53,region:76,region:28"
    screenshot(page, "journey_compare_fr")
    # leaving and coming back keeps the three régions
    menu(page, "Accueil")
    menu(page, "Comparer")
    page.get_by_role("heading", name="Tableau comparatif").wait_for(timeout=60_000)
    assert query(page).get("cmp") == "region:53,region:76,region:28"
    assert offline_page.external == [] and offline_page.errors == []


HOME_MADE = ("Nom de la structure;Type;Code INSEE\n"
             "Entraide Nantaise;Association;44109\n"
             "Scop Bois Vert;Entreprise de l'ESS;44162\n"
             "Jardins de Rezé;association;44143\n")


def test_journey_import_a_home_made_csv_and_open_it(app_server, offline_page, tmp_path):
    path = tmp_path / "structures.csv"
    path.write_text(HOME_MADE, encoding="utf-8")
    page = offline_page.open(app_server.url + "/importer")
    upload_and_analyse(page, path, "Parcours maison")
    page.get_by_text("Rapport avant enregistrement").wait_for(timeout=90_000)
    wait_idle(page)
    page.get_by_text("Lignes lues 3 = enregistrées 3 + fusionnées 0 + écartées 0").wait_for()
    page.locator('[data-testid="stBaseButton-primary"]').filter(has_text="Enregistrer").click()
    opener = page.get_by_role("button", name="Ouvrir « Parcours maison » sur la carte")
    opener.wait_for(timeout=90_000)
    screenshot(page, "journey_import_saved_fr")
    opener.click()
    page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
    wait_idle(page)
    q = query(page)
    assert q.get("inv") == "Parcours maison"
    # (the map fitted to the imported points, read from Leaflet: test_import_open_browser.py)
    page.get_by_text(re.compile(r"3 acteurs et 0 projet")).wait_for(timeout=60_000)
    frame = wait_map(page)
    assert frame.evaluate("() => EcoExplorer.pointCount") == 3
    screenshot(page, "journey_import_map_fr")
    assert offline_page.external == [] and offline_page.errors == []
