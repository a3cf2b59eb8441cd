"""The real thing: the app in Debian's chromium with no network."""

import time

import pytest

from tests.conftest import screenshot

pytestmark = pytest.mark.e2e

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAINTED_JS = """() => {
  let n = 0;
  for (const c of document.querySelectorAll('canvas')) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  }
  return n;
}"""


def map_frame(page):
    for frame in page.frames:
        if "st_folium" in frame.url:
            return frame
    raise AssertionError("no map frame")


def painted_pixels(page, minimum: int = 1, timeout: float = 60) -> int:
    """Non-transparent pixels drawn on the map's canvas (polls until > minimum)."""
    deadline = time.time() + timeout
    n = 0
    while time.time() < deadline:
        n = map_frame(page).evaluate(PAINTED_JS)
        if n >= minimum:
            return n
        time.sleep(0.25)
    return n


def test_home_page_offline(app_server, offline_page):
    started = time.perf_counter()
    page = offline_page.open(app_server.url)
    assert page.title() == "Écosystèmes d'innovation sociale"
    page.get_by_role("heading", name="Écosystème territorial d'innovation sociale").wait_for()
    # the map draws: 18 régions as SVG/canvas paths inside the component iframe
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    frame.locator(".eco-legend").wait_for(timeout=60_000)
    painted = painted_pixels(page, minimum=20_000)
    drawn = time.perf_counter() - started
    assert painted > 20_000  # régions filled on the canvas, not a blank map
    page.get_by_text("Données synthétiques").first.wait_for()
    screenshot(page, "home_fr")
    # the screenshot shows the page, not an error: no exception box, the title in view
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name="Écosystème territorial d'innovation sociale").is_visible()
    # nothing left localhost, no script error, no dialog
    assert offline_page.external == []
    assert offline_page.errors == [] and offline_page.dialogs == []
    print(f"time to drawn map: {drawn:.1f} s")


def test_english_url_and_filter_in_browser(app_server, offline_page):
    page = offline_page.open(app_server.url + "/?lang=en&types=research")
    page.get_by_role("heading", name="Territorial social innovation ecosystem").wait_for()
    assert page.title() == "Social innovation ecosystems"
    # the filter from the URL is applied: a few dozen research actors out of 5,000
    value = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert int(value.replace(",", "").replace("\u202f", "")) < 200
    assert "types=research" in page.url and "lang=en" in page.url
    screenshot(page, "home_en_research")
    assert offline_page.external == []


def test_sidebar_change_updates_url(app_server, offline_page):
    page = offline_page.open(app_server.url)
    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Territorial social innovation ecosystem").wait_for()
    page.wait_for_function("() => location.search.includes('lang=en')")
    # the About page keeps the language when switching pages
    page.get_by_role("link", name="About").click()
    page.get_by_role("heading", name="About the data").wait_for()
    assert "lang=en" in page.url
