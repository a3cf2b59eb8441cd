"""Layout faults found by the screenshot review of every page at 1280 × 800 that only a
browser shows (what is drawn is checked in tests/app/test_page_review.py)."""

import pytest

from ecosystem.analysis.grid import load_grid
from tests.conftest import screenshot, wait_drawn

pytestmark = pytest.mark.e2e

#: the criteria table's cells whose text is cut (wider than the cell) or whose box
#: leaves the page's main column, and the description cells' text
CELLS_JS = """() => {
  const tables = document.querySelectorAll('[data-testid="stMain"] [data-testid="stTable"]');
  if (tables.length !== 1) return {tables: tables.length};
  const t = tables[0], main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const right = main.getBoundingClientRect().right;
  const cells = [...t.querySelectorAll('td')];
  const cut = cells.filter(c => c.scrollWidth > c.clientWidth + 1
    || c.getBoundingClientRect().right > right + 1).map(c => c.innerText);
  const desc = [...t.querySelectorAll('tbody tr')].map(r => r.querySelectorAll('td')[2].innerText);
  return {tables: 1, cut, desc, scroll: t.scrollWidth - t.clientWidth};
}"""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_grid_descriptions_are_whole_at_1280_px(app_server, offline_page, lang):
    """Grille at 1280 px: the description column of the criteria was cut at the page's
    right edge (a data grid does not wrap its cells)."""
    page = offline_page.open(app_server.url + f"/grille?lang={lang}")
    wait_drawn(page)
    got = page.evaluate(CELLS_JS)
    assert got["tables"] == 1, got
    grid = load_grid()
    assert got["desc"] == [c.help(lang) for c in grid.criteria], got
    assert got["cut"] == [] and got["scroll"] <= 0, got
    page.locator('[data-testid="stTable"]').scroll_into_view_if_needed()
    screenshot(page, f"grid_criteria_{lang}")
