"""An address that is no page of the app (a mistyped or outdated link): the reader is
told, in the app's language, that the page does not exist and is offered the home
page, with the view of the address kept; no English "Page not found" dialog of
Streamlit's (pages/_url.quiet_page_not_found)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import AppServer, screenshot, wait_idle

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang, query, said, home, home_title", [
    ("fr", "?terr=departement:44", "La page « nimportequoi » n'existe pas",
     "Continuer sur l'accueil",
     "Écosystème territorial d'innovation sociale"),
    ("en", "?lang=en&terr=departement:44", "The page “nimportequoi” does not exist",
     "Continue on the home page", "Territorial social innovation ecosystem"),
])
def test_unknown_page_says_so_in_the_readers_language(app_server, offline_page, browser, lang,
                                                      query, said, home, home_title):
    # not the first session of a fresh server (that one runs in Streamlit's legacy
    # pages/ mode: test_first_session_of_a_fresh_server_says_so_in_french)
    offline_page.open(app_server.url + "/a_propos")
    page = offline_page.context.new_page()
    page.goto(app_server.url + "/nimportequoi" + query)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(said).wait_for(timeout=60_000)
    wait_idle(page)
    screenshot(page, f"not_found_{lang}")
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[role="dialog"]').count() == 0
    # the address bar shows the home page's address with the link's view
    assert re.fullmatch(r"http://[^/]+/\?(lang=en&)?terr=departement(:|%3A)44", page.url), page.url
    main.get_by_text(said).wait_for()  # the runs that follow the first keep the note
    # the reader carries on on the home page: the note goes
    main.get_by_role("button", name=home).click()
    wait_idle(page)
    main.get_by_role("heading", name=home_title, level=1).wait_for(timeout=60_000)
    # the note goes with the home page's run (under load a run may still follow the
    # first one drawn): wait until it is gone, fail if it stays
    main.get_by_text(said).wait_for(state="detached", timeout=30_000)


@pytest.fixture
def fresh_server(tmp_path):
    """A server that has had no session yet: its first one runs in Streamlit's legacy
    ``pages/`` mode (pages/_url.py, note 1)."""
    server = AppServer(tmp_path / "fresh.duckdb")
    yield server
    server.stop()


def test_first_session_of_a_fresh_server_says_so_in_french(fresh_server, offline_page):
    """The legacy mode's own navigation sent Streamlit's English "Page not found" dialog
    before any app code ran, and the run that followed had lost the page's name: the
    very first reader of a mistyped link saw English only. The note is in French, the
    dialog is closed."""
    page = offline_page.page
    page.goto(fresh_server.url + "/nimportequoi?terr=departement:44")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("La page « nimportequoi » n'existe pas").wait_for(timeout=90_000)
    wait_idle(page)
    page.locator('[role="dialog"]').wait_for(state="detached", timeout=30_000)
    screenshot(page, "not_found_first_session_fr")
    assert page.get_by_text("Page not found").count() == 0
    assert main.get_by_role("button", name="Continuer sur l'accueil").is_visible()
    assert re.fullmatch(r"http://[^/]+/\?terr=departement(:|%3A)44", page.url), page.url
