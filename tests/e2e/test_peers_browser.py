"""Territoires comparables → Comparer, in Debian's chromium, offline."""

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_comparable_territories_open_the_comparison(app_server, offline_page):
    page = offline_page.open(app_server.url + "/territoires?terr=departement:44")
    page.get_by_role("heading", name="Loire-Atlantique", level=1).wait_for()
    page.get_by_role("heading", name="Territoires comparables").wait_for(timeout=60_000)
    button = page.get_by_role("button", name="Comparer avec")
    button.scroll_into_view_if_needed()
    label = button.inner_text()
    screenshot(page, "peers_fr")
    button.click()
    page.get_by_role("heading", name="Tableau comparatif").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => decodeURIComponent(location.search).split('cmp=')[1]?.split('&')[0]"
        ".split(',').length === 4")
    assert "/comparer" in page.url
    cmp = [p for p in page.url.split("?")[1].split("&") if p.startswith("cmp=")][0]
    keys = cmp[4:].replace("%3A", ":").replace("%2C", ",").split(",")
    assert keys[0] == "departement:44" and all(k.startswith("departement:") for k in keys)
    # the three peers named on the button are the ones compared
    names = [n.strip() for n in label.split("Comparer avec", 1)[1].split(",")]
    assert len(names) == 3
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    for name in names:
        page.get_by_text(name).first.wait_for()
    screenshot(page, "peers_compare_fr")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert offline_page.external == [] and offline_page.errors == []
