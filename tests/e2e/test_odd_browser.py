"""Pages on inventories that are not the demo, in chromium (the sweep's findings):
an overseas-only inventory's ranking map is coloured in classes, not one shade; an
actor without any link is said, not drawn; a 10,000-character name is cut in the
card's title. Screenshots in tests/artifacts/odd_*.png."""

import pytest

from ecosystem import model
from ecosystem.storage.store import Store
from tests.conftest import AppServer, screenshot, wait_drawn
from tests.fixtures import frame

pytestmark = pytest.mark.e2e
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def odd_server(tmp_path_factory, geo):
    """"Outre-mer": three actors in Les Abymes (971), Saint-Denis (974), Mamoudzou (976);
    "Un acteur": one association in Nantes named with 10,000 characters."""
    db = tmp_path_factory.mktemp("e2e-odd") / "odd.duckdb"
    store = Store(db, geo=geo)
    store.create("Outre-mer", model.InventoryData(actors=frame([
        dict(actor_id="O1", name="Guadeloupe", actor_type="association", commune_code="97101", source="t"),
        dict(actor_id="O2", name="Réunion", actor_type="company", commune_code="97411", source="t"),
        dict(actor_id="O3", name="Mayotte", actor_type="association", commune_code="97611", source="t")])))
    store.create("Un acteur", model.InventoryData(actors=frame([
        dict(actor_id="A1", name="Association " + "x" * 9988, actor_type="association",
             commune_code="44109", source="t")])))
    store.close()
    server = AppServer(db)
    yield server
    server.stop()


def test_an_overseas_only_ranking_map_has_classes(odd_server, offline_page):
    """98 départements at 0 and three overseas above (the map was one dark shade, legend
    "0,00 – 0,04"): 0 is a class of its own, the three others spread over the five
    quantile classes of their values (six distinct breaks above 0)."""
    page = offline_page.open(odd_server.url + "/territoires?inv=Outre-mer&level=departement"
                                              "&view=ranking")
    legend = page.frame_locator(MAP_FRAME).locator(".eco-legend").first
    legend.wait_for(timeout=90_000)
    wait_drawn(page)
    rows = legend.locator("div:has(> i)").all_inner_texts()  # a class: its colour, its bounds
    assert len(rows) == 7, rows  # the class of 0, five above it and "Non défini"
    assert legend.locator(".eco-unit").inner_text() == "(pour 10 000 hab.)"
    assert rows[0].startswith("0,000 – ") and rows[-1] == "Non défini", rows
    screenshot(page, "odd_overseas_ranking")
    assert offline_page.external == []


def test_no_link_and_a_huge_name(odd_server, offline_page):
    page = offline_page.open(odd_server.url + "/reseau?inv=Un%20acteur")
    page.get_by_text("Aucun lien pour cet acteur").wait_for(timeout=90_000)
    wait_drawn(page)
    assert page.locator("iframe").count() == 0  # no drawing
    screenshot(page, "odd_network_no_link")
    page = offline_page.open(odd_server.url + "/acteur?inv=Un%20acteur&actor=A1")
    title = page.locator("h1").first
    title.wait_for(timeout=90_000)
    wait_drawn(page)
    assert len(title.inner_text().strip()) == 200
    screenshot(page, "odd_actor_long_name")
