"""Issue 17 item 4: the context follows the user (URL, Back, page changes, shared links)."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import AppServer, OfflinePage, screenshot, wait_idle
from tests.e2e.test_map_browser import MAP_FRAME, loire_atlantique_pixel, wait_map

pytestmark = pytest.mark.e2e

LEAFLET_VIEW = ("() => { const m = window.map || map_div; const c = m.getCenter();"
                " return [c.lat, c.lng, m.getZoom()]; }")


def watch_map_reports(page):
    """Keep the last value the map component sent to the app (its position once drawn,
    then after each move): install before opening the page."""
    page.add_init_script("addEventListener('message', e => {"
                         " if (e.data && e.data.type === 'streamlit:setComponentValue') {"
                         " window.__mapReport = e.data.value;"
                         " (window.__mapReports = window.__mapReports || []).push(e.data.value); } });")


#: the report is where the map stands: same zoom, its centre within a pixel of the
#: frame's (once the frame takes its height, Leaflet recomputes its centre from pixels
#: without moving the map or telling anyone)
REPORT_IS_VIEW = """r => { const m = window.map || map_div; if (!r || m.getZoom() !== r.zoom) return false;
  const p = m.latLngToContainerPoint([r.center.lat, r.center.lng]), c = m.getSize().divideBy(2);
  return Math.abs(p.x - c.x) <= 1 && Math.abs(p.y - c.y) <= 1; }"""


def wait_map_settled(page, timeout: float = 60):
    """The map drew, told the app where it stands (its last report is its position)
    and that run is over."""
    frame = wait_map(page)
    deadline = time.time() + timeout
    while True:
        report = page.evaluate("() => window.__mapReport || null")
        if frame.evaluate(REPORT_IS_VIEW, report):
            break
        assert time.time() < deadline, f"the map did not report its position: {report}"
        page.wait_for_timeout(250)  # polling the condition above
    wait_idle(page)
    return frame


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def menu(page, name: str):
    """Follow a page of the sidebar menu (a page change inside the session), once the
    current run is over (Streamlit makes the sidebar inert while a run redraws it)."""
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True).click()
    page.wait_for_timeout(500)
    wait_idle(page)


def history_length(page) -> int:
    return page.evaluate("() => history.length")


def test_first_session_of_a_fresh_server_keeps_the_view_of_its_url(tmp_path, browser):
    """The first run of a fresh server is Streamlit's legacy pages/ mode running app.py
    as a page (pages/_url.py): the sidebar's widgets got ids the next runs did not
    know, so the menu's Carte dropped the URL's territory and filters. And a menu
    click made two history entries in a racing order (Back showed /carte again)."""
    server = AppServer(tmp_path / "fresh.duckdb")  # this test's session is the first
    visitor = OfflinePage(browser)
    watch_map_reports(visitor.page)
    try:
        page = visitor.open(server.url + "/?terr=region:53&types=funder")
        page.get_by_role("heading", name="Acteurs pour 10 000 habitants, par département").wait_for(
            timeout=90_000)
        entries = history_length(page)
        menu(page, "Carte")
        page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
        wait_map_settled(page)  # the map fitted to Bretagne: its position is not a new entry
        assert history_length(page) == entries + 1  # one entry: Back is the home page
        assert "/carte" in page.url
        assert (query(page).get("terr"), query(page).get("types")) == ("region:53", "funder")
        pickers = page.locator('[data-testid="stSidebar"] [role="combobox"]').evaluate_all(
            "els => els.map(e => e.value)")
        assert "Bretagne" in pickers
        page.go_back()  # Back: the home page of the same view
        page.get_by_role("heading", name="Acteurs pour 10 000 habitants, par département").wait_for(
            timeout=60_000)
        wait_idle(page)
        assert urlsplit(page.url).path == "/"
        assert (query(page).get("terr"), query(page).get("types")) == ("region:53", "funder")
        page.go_forward()  # Forward: the map again, still on Bretagne
        page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
        wait_idle(page)
        assert (query(page).get("terr"), query(page).get("types")) == ("region:53", "funder")
        assert visitor.errors == []
    finally:
        visitor.close()
        server.stop()


def test_map_click_profile_then_back_keeps_the_map_view(app_server, offline_page):
    watch_map_reports(offline_page.page)
    page = offline_page.open(app_server.url + "/carte?level=departement&types=funder"
                             "&ind=projects_per_100k")
    page.get_by_text("Territoires dessinés : département (101)").wait_for()
    frame = wait_map_settled(page)
    assert "at" not in query(page)  # fitted to France, not moved: no position in the URL
    x, y = loire_atlantique_pixel(frame)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.get_by_role("heading", name="Loire-Atlantique", level=1).wait_for(timeout=60_000)
    wait_idle(page)
    assert "/territoires" in page.url
    # the ranking opens on the map's indicator
    assert query(page).get("ind") == "projects_per_100k"
    page.go_back()
    page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
    wait_idle(page)
    q = query(page)
    assert "/carte" in page.url
    assert (q.get("level"), q.get("types"), q.get("ind")) == ("departement", "funder",
                                                              "projects_per_100k")
    assert "terr" not in q  # the map of France, not the clicked département's
    # the indicator's definition is shown (not the default "Acteurs")
    page.get_by_text("Nombre de projets rapporté à la population municipale légale").wait_for()
    screenshot(page, "nav_map_back_fr")


def test_actor_card_opens_in_the_same_tab_on_the_same_territory(app_server, offline_page):
    watch_map_reports(offline_page.page)
    page = offline_page.open(app_server.url + "/carte?terr=departement:44&layers=points,lines")
    frame = wait_map_settled(page)
    page.evaluate("() => { window.__same_document = true; }")
    # the popup link's own path (explorer.js inApp): push the URL, tell Streamlit's router
    link = frame.evaluate("() => EcoExplorer.pointCount") and \
        "acteur?terr=departement%3A44&actor=A0000001"
    assert frame.evaluate("""(rel) => { const a = document.createElement('a');
        a.href = new URL(rel, window.parent.location.href).href; return a.href; }""", link)
    page.evaluate("""(rel) => { history.pushState({}, '', rel);
        dispatchEvent(new PopStateEvent('popstate', {state: {}})); }""", "/" + link)
    page.wait_for_url("**/acteur?**", timeout=60_000)
    page.wait_for_timeout(3000)
    screenshot(page, "nav_actor_card_fr")
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)  # the card's figures
    wait_idle(page)
    assert "/acteur" in page.url and query(page).get("terr") == "departement:44"
    assert page.evaluate("() => window.__same_document === true")  # no reload: same session
    pickers = page.locator('[data-testid="stSidebar"] [role="combobox"]').evaluate_all(
        "els => els.map(e => e.value)")
    assert "Loire-Atlantique (44)" in pickers
    page.go_back()
    page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
    wait_idle(page)
    assert query(page).get("terr") == "departement:44" and query(page).get("layers") == "points,lines"


def test_comparer_survives_leaving_and_coming_back(app_server, offline_page):
    page = offline_page.open(app_server.url + "/comparer?cmp=region:53,region:52,region:28")
    page.get_by_role("heading", name="Tableau comparatif").wait_for(timeout=60_000)
    entries = history_length(page)
    menu(page, "Carte")
    page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
    assert "cmp" not in query(page)
    menu(page, "Comparer")
    page.get_by_role("heading", name="Tableau comparatif").wait_for(timeout=60_000)
    assert query(page).get("cmp") == "region:53,region:52,region:28"
    # one history entry per click: the menu goes to the page's full address at once
    assert history_length(page) == entries + 2
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    screenshot(page, "nav_compare_back_fr")
    page.go_back()  # Back: the map, not Comparer's bare address
    page.get_by_role("heading", name="Carte de l'écosystème").wait_for(timeout=60_000)
    wait_idle(page)
    assert urlsplit(page.url).path == "/carte" and "cmp" not in query(page)


#: from now on the runs' menu scripts are held back: ``window.__ecoMenu`` keeps the
#: addresses of the view the page was opened with (a new one goes to ``__ecoMenuLate``)
HOLD_MENU = """() => { const held = window.__ecoMenu;
  Object.defineProperty(window, '__ecoMenu', {configurable: true, get: () => held,
    set: v => { window.__ecoMenuLate = v; }}); }"""


def test_menu_click_before_the_runs_menu_arrives_keeps_the_new_filter(app_server, offline_page):
    """The race of test_concurrency (one session in ten lost its stage filter): a filter
    change writes the new query string into the address bar, and the run's menu script
    comes after it. A click on the menu in that gap went to the address built for the
    previous view and reloaded it. The test holds the menu script back to make the gap
    as long as it needs: the click must keep the filter the address bar shows."""
    page = offline_page.open(app_server.url + "/territoires?terr=departement:44")
    page.get_by_role("heading", name="Loire-Atlantique", level=1).wait_for(timeout=60_000)
    page.wait_for_function("() => !!window.__ecoMenu", timeout=60_000)
    page.evaluate(HOLD_MENU)
    label = "Expérimentation"
    box = page.locator('[data-testid="stMultiSelect"]').filter(
        has_text="Étapes des projets").locator("input")
    box.click()
    box.fill(label)
    page.get_by_role("option", name=label).first.click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('stages=experimentation')",
                           timeout=60_000)
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Accueil", exact=True).click()
    page.wait_for_url(re.compile(r"^[^?]*//[^/]+/(\?.*)?$"), timeout=60_000)
    wait_idle(page)
    assert query(page) == {"terr": "departement:44", "stages": "experimentation"}
    picked = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text="Étapes des projets").get_by_text(label, exact=True)
    assert picked.count() == 1


def test_copied_link_reproduces_the_view_with_the_map_position(app_server, offline_page,
                                                                browser):
    page = offline_page.open(app_server.url + "/carte?level=departement&ind=projects_per_100k"
                             "&at=47.2,-1.55,9")
    frame = wait_map(page)
    lat, lng, zoom = frame.evaluate(LEAFLET_VIEW)
    assert (round(lat, 2), round(lng, 2), zoom) == (47.2, -1.55, 9)
    # the user pans: the URL follows
    frame.evaluate("() => { (window.map || map_div).setView([45.76, 4.84], 8); }")
    page.wait_for_function("() => location.search.includes('at=45.76')", timeout=60_000)
    wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name=re.compile("Copier le lien")).click()
    code = page.locator('[data-testid="stPopoverBody"] code').first
    code.wait_for(timeout=30_000)
    url = code.inner_text().strip()
    assert url.startswith(app_server.url + "/carte?")
    assert "at=45.76%2C4.84%2C8" in url and "ind=projects_per_100k" in url
    screenshot(page, "nav_copy_link_fr")
    # another person opens the link: same page, indicator, level and map position
    other = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    try:
        again = other.new_page()
        again.goto(url)
        wait_idle(again)
        frame = wait_map(again)
        lat, lng, zoom = frame.evaluate(LEAFLET_VIEW)
        assert (round(lat, 2), round(lng, 2), zoom) == (45.76, 4.84, 8)
        assert query(again).get("level") == "departement"
    finally:
        other.close()


def reported(report) -> tuple[float, float, float]:
    return (round(report["center"]["lat"], 2), round(report["center"]["lng"], 2), report["zoom"])


def test_shared_position_is_drawn_in_place_and_a_pan_at_once_is_kept(app_server, offline_page):
    """The map opens where the link says before it first tells the app its position,
    and a pan made as soon as it is drawn is kept. Leaflet animated the fit and the
    link's position over the next animation frames: the first report was the map's
    construction place (France, zoom 5, written into the URL for a run), a second
    report followed the animation, and a pan made meanwhile was ignored by Leaflet
    (the flaky test_copied_link_reproduces_the_view_with_the_map_position)."""
    watch_map_reports(offline_page.page)
    page = offline_page.open(app_server.url + "/carte?level=departement&ind=projects_per_100k"
                             "&at=46.2,2.5,7")
    frame = wait_map(page)  # drawn: what a user sees before moving the map
    reports = page.evaluate("() => window.__mapReports || []")
    assert reports and reported(reports[0]) == (46.2, 2.5, 7)
    frame.evaluate("() => { (window.map || map_div).setView([43.6, 1.44], 10); }")
    page.wait_for_function("() => location.search.includes('at=43.6%2C1.44%2C10')",
                           timeout=60_000)
    wait_idle(page)
    lat, lng, zoom = frame.evaluate(LEAFLET_VIEW)
    assert (round(lat, 2), round(lng, 2), zoom) == (43.6, 1.44, 10)
    # every report was the link's place or the pan's: never France at zoom 5
    reports = page.evaluate("() => window.__mapReports")
    assert {reported(r) for r in reports} == {(46.2, 2.5, 7), (43.6, 1.44, 10)}
    assert query(page).get("at") == "43.6,1.44,10"


def test_legend_folds_to_its_title(app_server, offline_page):
    """Issue 17 item 8: a legend that covers data folds away with a click on its title."""
    page = offline_page.open(app_server.url + "/carte?level=departement")
    frame = wait_map(page)
    legend = page.frame_locator(MAP_FRAME).locator(".eco-legend").first
    rows = legend.locator(":scope > div")
    assert rows.first.is_visible()
    legend.locator(".eco-fold").click()
    assert not rows.first.is_visible() and legend.locator(".eco-fold").is_visible()
    legend.locator(".eco-fold").click()
    assert rows.first.is_visible()
    assert frame.evaluate("() => EcoExplorer.ready")
