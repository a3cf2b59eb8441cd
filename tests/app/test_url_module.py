"""pages/_url.py: the addresses a menu click opens, and the legacy-run test outside a
real server (the menu's click handler itself is tested in the browser:
tests/e2e/test_navigation_browser.py)."""

import re

from streamlit.testing.v1 import AppTest

from pages import _url


def test_menu_queries_give_the_views_keys_and_each_pages_own_parameters():
    """The view's parameters are read from the address bar at click time (the run's
    menu script arrives after the run's query string): the script carries their names
    only, and each page's own remembered parameters."""
    queries = _url.menu_queries(("lang", "terr", "stages"),
                                {"accueil": {}, "comparer": {"cmp": "region:53,region:52"},
                                 "carte": {"at": "47.2,-1.55,9", "asof": ""}}, home="accueil")
    assert queries == {"keys": ["lang", "terr", "stages"],
                       "own": {"": "", "comparer": "cmp=region%3A53%2Cregion%3A52",
                               "carte": "at=47.2%2C-1.55%2C9"}}


def test_menu_script_survives_streamlits_sanitiser():
    """st.html passes the script through DOMPurify, which drops a <script> whose text
    holds '<' then '/', a letter, a digit or '!' (the menu then never came)."""
    script = _url.MENU_JS % __import__("ecosystem.render.safe", fromlist=["x"]).script_json(
        _url.menu_queries(("terr",), {"carte": {"at": "1,2,3"}}, home="accueil"))
    assert re.findall(r"<[/\w!]", script) == []


def test_menu_script_cannot_be_closed_by_an_inventory_name():
    script = _url.MENU_JS % __import__("ecosystem.render.safe", fromlist=["x"]).script_json(
        _url.menu_queries(["</script><script>alert(1)</script>"],
                          {"carte": {"at": "</script><script>alert(1)</script>"}}, home="accueil"))
    assert "</script>" not in script and "<script>" not in script


PROBE = """
import importlib.util
import streamlit as st
spec = importlib.util.spec_from_file_location("url_probe", {path!r})
url = importlib.util.module_from_spec(spec)
spec.loader.exec_module(url)
st.write("legacy" if url.legacy_run() else "not legacy")
"""


def test_no_legacy_restart_under_apptest(tmp_path):
    """AppTest resets Streamlit's pages/ mode before each run of an app that has a
    pages/ folder: every run looks legacy, and restarting each would never end."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "other.py").write_text("")
    (tmp_path / "probe.py").write_text(PROBE.format(path=_url.__file__))
    at = AppTest.from_file(str(tmp_path / "probe.py")).run(timeout=30)
    assert not at.exception
    assert [m.value for m in at.markdown] == ["not legacy"]


def test_no_legacy_run_outside_a_script_run():
    assert _url.legacy_run() is False
    assert _url.history_navigation() is False


def test_streamlits_page_not_found_dialog_is_replaced_by_a_note_on_the_run():
    """st.navigation calls navigation.send_page_not_found for an address that is no
    page: importing pages._url replaces it by a note that pages/_not_found reads."""
    from types import SimpleNamespace

    from streamlit.commands import navigation

    run = SimpleNamespace(pages_manager=SimpleNamespace(intended_page_name="nimportequoi"),
                          enqueue=lambda msg: sent.append(msg))
    sent: list = []
    navigation.send_page_not_found(run)
    assert sent == [] and run.eco_page_not_found == "nimportequoi"
    assert _url.page_not_found() is None  # outside a script run
