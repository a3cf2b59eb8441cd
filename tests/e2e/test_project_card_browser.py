"""Issue 13: the project card in a real server (st.navigation routes ``/projet``, a
page hidden from the menu) and its lead's link to the actor card."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from ecosystem import demo
from ecosystem.geo import Geography
from ecosystem.storage.bootstrap import DEMO_ACTORS, DEMO_NAME
from tests.conftest import screenshot, wait_idle

pytestmark = pytest.mark.e2e


def test_project_card_by_url_and_its_lead_link(app_server, offline_page):
    data = demo.generate(DEMO_ACTORS, seed=demo.DEFAULT_SEED, geo=Geography())  # the server's demo
    p = data.projects.set_index("project_id").loc["P0000001"]
    lead = data.actors.set_index("actor_id").loc[p.lead_actor_id, "name"]
    page = offline_page.open(f"{app_server.url}/projet?inv={quote(DEMO_NAME)}&project=P0000001")
    page.get_by_role("heading", name=p.title).wait_for(timeout=60_000)
    page.get_by_role("tab", name="Historique").wait_for()
    assert page.get_by_role("tab", name="Modifier").count() == 1  # local mode: the administrator
    wait_idle(page)
    # the project is not in the menu
    assert page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Projet", exact=True).count() == 0
    screenshot(page, "project_card_fr")
    link = page.locator('[data-testid="stMarkdownContainer"] a', has_text=lead)
    with page.context.expect_page() as opened:  # Streamlit opens Markdown links in a new tab
        link.click()
    card = opened.value
    card.get_by_role("heading", name=lead).wait_for(timeout=90_000)
    q = {k: v[0] for k, v in parse_qs(urlsplit(card.url).query).items()}
    assert "/acteur" in card.url and q.get("actor") == p.lead_actor_id
    assert q.get("inv", DEMO_NAME) == DEMO_NAME  # no inv: the inventory a new session opens
    card.close()


@pytest.mark.parametrize("path,name", [("projet", "project=P0000001"), ("acteur", "actor=A0000001")])
def test_a_card_link_opens_its_history_tab(app_server, offline_page, path, name):
    """``?tab=history`` (the Journal's links) opens the card on Historique, in a real browser."""
    page = offline_page.open(f"{app_server.url}/{path}?inv={quote(DEMO_NAME)}&{name}&tab=history")
    tab = page.get_by_role("tab", name="Historique")
    tab.wait_for(timeout=60_000)
    wait_idle(page)
    assert tab.get_attribute("aria-selected") == "true"
    assert parse_qs(urlsplit(page.url).query).get("tab") == ["history"]
    screenshot(page, f"{path}_history_tab")
