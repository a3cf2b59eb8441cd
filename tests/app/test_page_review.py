"""Faults found by the screenshot review of every page (FR and EN, 1280 × 800), each
checked on what the page draws."""

import json

import pytest

from ecosystem.analysis.grid import DEFAULT_GRID
from ecosystem.render import safe
from tests.app.pagetest import ok, page_test


@pytest.mark.parametrize("lang, first, last", [
    ("fr", "Le projet répond à un besoin social nouveau ou mal satisfait par le marché ou les "
           "politiques publiques (loi ESS 2014, art. 15).",
     "Le projet combine ressources publiques, privées et recettes propres."),
    ("en", "The project meets a social need that is new or poorly met by the market or public "
           "policy (ESS law 2014, art. 15).",
     "The project combines public, private and earned resources."),
])
def test_grid_criteria_are_a_table_whose_descriptions_wrap(lang, first, last):
    """Grille at 1280 px: the criteria were a data grid, whose cells do not wrap, and
    the description column was cut. They are a static table (text wraps), every
    description whole, in the page's language."""
    at = ok(page_test("pages/grille.py", {"lang": lang}).run())
    assert len(at.table) == 1
    criteria = at.table[0].value
    assert len(criteria) == 12
    desc = criteria["Description"].tolist()
    # table cells are Markdown: each one is the escaped text
    assert desc[0] == safe.markdown(first) and desc[-1] == safe.markdown(last)


def test_grid_criteria_of_a_users_file_are_inert_in_the_table():
    grid = json.loads(DEFAULT_GRID.read_text(encoding="utf-8"))
    grid["criteria"][0]["label_fr"] = "[x](javascript:alert(1)) | **gras**"
    grid["criteria"][0]["help_fr"] = "<b>texte</b>\n# titre"
    at = ok(page_test("pages/grille.py").run())
    at.file_uploader[0].set_value(("grille.json", json.dumps(grid).encode(), "application/json"))
    ok(at.run())
    row = at.table[0].value.iloc[0]
    # a word joiner (U+2060) breaks the "javascript:" autolink
    assert row["Critère"] == "\\[x\\](javascript\u2060\\:alert(1)) \\| \\*\\*gras\\*\\*"
    assert row["Description"] == "\\<b\\>texte\\</b\\> \\# titre"
