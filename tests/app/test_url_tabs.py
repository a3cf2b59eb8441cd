"""Issue 17 item 4: the selected tab of a page lives in the URL (a code, the same in
French and English; the first tab is the default and is left out)."""

from __future__ import annotations

import pytest

from tests.app.pagetest import ok, page_test


def opened(at) -> str:
    return at.session_state["w_grid_tab"]


@pytest.mark.parametrize("lang, label", [("fr", "Par domaine"), ("en", "By domain")])
def test_grid_opens_on_the_tab_of_its_url(lang, label):
    at = ok(page_test("pages/grille.py", {"lang": lang, "tab": "domain"}).run())
    assert opened(at) == label
    assert at.query_params["tab"] == "domain"


def test_grid_writes_the_tab_the_user_opens_and_drops_the_first():
    at = ok(page_test("pages/grille.py").run())
    assert opened(at) == "Par territoire" and "tab" not in at.query_params
    at.session_state["w_grid_tab"] = "Par projet"  # the user opens the third tab
    ok(at.run())
    assert at.query_params["tab"] == "project"
    at.session_state["w_grid_tab"] = "Par territoire"  # back to the first: a clean URL
    ok(at.run())
    assert "tab" not in at.query_params


def test_an_unknown_tab_in_the_url_opens_the_first():
    at = ok(page_test("pages/grille.py", {"tab": "nope"}).run())
    assert opened(at) == "Par territoire"
    assert "tab" not in at.query_params


def test_import_report_keeps_the_opened_tab_in_the_url():
    from tests.app.test_importer import button, upload

    csv = ("Nom de la structure;Type;Code INSEE\n"
           "Entraide Nantaise;Association;44109\n"
           "Scop Bois Vert;Entreprise de l'ESS;44162\n").encode()
    at = ok(page_test("pages/importer.py", {"tab": "geo"}).run())
    at = upload(at, "structures.csv", csv)
    at.text_input(key="imp_target_name").set_value("Onglets")
    button(at, "imp_analyse").click()
    ok(at.run())
    assert at.session_state["w_imp_tab_0"] == "Géocodage"  # opened on the URL's tab
    assert at.query_params["tab"] == "geo"
    at.session_state["w_imp_tab_0"] = "Doublons (0)"  # the user opens the duplicates
    ok(at.run())
    assert at.query_params["tab"] == "dedup"
