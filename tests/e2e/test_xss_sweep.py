"""XSS sweep: every page of the app, in chromium, on an inventory whose every text
field (and its own name) is a script payload. No dialog may fire, no payload may
become an element or an attribute that runs, in the page or in any of its frames
(maps and graphs are drawn in iframes); map popups and tooltips are opened too.
The territorial report downloaded from that inventory is opened as well."""

from __future__ import annotations

import pytest

from ecosystem.storage.store import Store
from tests.conftest import AppServer, app_pages, screenshot, wait_idle
from tests.xss_inventory import MARKERS, PAYLOADS, hostile

pytestmark = pytest.mark.e2e

INVENTORY = "<img src=x onerror=alert('xss-inv')> inventaire"

#: page url path -> query string that makes it show the hostile records
PARAMS = {
    "acteur": "actor=A1",
    "territoires": "terr=departement:44",
    "comparer": "cmp=departement:44,departement:13",
    "carte": "level=commune&terr=departement:44",
    "reseau": "terr=departement:44",
}


# Finds what a payload would leave behind if it had been inserted as markup.
SCAN = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const n = a.name.toLowerCase(), v = a.value;
      if (n.startsWith('on') && v.includes('xss-')) bad.push(`${el.tagName} ${n}=${v}`);
      if ((n === 'href' || n === 'src' || n === 'action') && /^\\s*javascript:/i.test(v))
        bad.push(`${el.tagName} ${n}=${v}`);
    }
    if (el.tagName === 'SCRIPT' && /^\\s*alert\\('xss-/.test(el.textContent)) bad.push('SCRIPT');
  }
  return bad;
}"""

# Opens popups and tooltips of every Leaflet layer (clusters' children too).
OPEN_POPUPS = """() => {
  if (!window.L) return 0;
  let n = 0;
  const open = (l) => {
    if (n > 60) return;
    try { if (l.getPopup && l.getPopup() && l._map) { l.openPopup(); n++; } } catch (e) {}
    try { if (l.getTooltip && l.getTooltip() && l._map) { l.openTooltip(); n++; } } catch (e) {}
  };
  for (const k of Object.keys(window)) {
    const m = window[k];
    if (!(m instanceof L.Map)) continue;
    m.eachLayer((l) => { open(l); if (l.getLayers) l.getLayers().slice(0, 30).forEach(open); });
  }
  return n;
}"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, geo):
    db = tmp_path_factory.mktemp("xss") / "xss.duckdb"
    store = Store(db, geo=geo)
    store.create(INVENTORY, hostile(), synthetic=True)
    store.close()
    server = AppServer(db)
    yield server
    server.stop()


def sweep(page) -> tuple[list[str], int, str]:
    """(bad elements, popups opened, visible text) over the page and all its frames."""
    bad, opened, text = [], 0, []
    for frame in page.frames:
        try:
            opened += frame.evaluate(OPEN_POPUPS)
        except Exception:  # a frame still loading or gone: scanned on the next pass
            pass
    page.wait_for_timeout(500)
    for frame in page.frames:
        try:
            bad += [f"{frame.url[:40]}: {b}" for b in frame.evaluate(SCAN)]
            text.append(frame.evaluate("() => document.body ? document.body.innerText : ''"))
        except Exception:
            pass
    return bad, opened, "\n".join(text)


@pytest.mark.timeout(900)
def test_no_payload_runs_on_any_page(hostile_server, offline_page):
    pages = app_pages()
    assert {"accueil", "acteur", "territoires", "importer", "a_propos"} <= set(pages)
    shown = {}
    for name in pages:
        query = PARAMS.get(name, "")
        page = offline_page.open(f"{hostile_server.url}/{name}" + (f"?{query}" if query else ""))
        page.wait_for_timeout(2500)  # iframes (maps, graphs) draw after the script ends
        bad, opened, text = sweep(page)
        screenshot(page, f"xss_{name}")
        assert bad == [], f"{name}: payload markup in the DOM: {bad[:5]}"
        assert offline_page.dialogs == [], f"{name}: a dialog fired: {offline_page.dialogs}"
        shown[name] = (opened, {m for m in (*MARKERS, "xss-inv") if m in text})
    # the sweep saw the payloads as text, else it would prove nothing (tables drawn
    # on a canvas by st.dataframe hold no DOM text; headings and selects do)
    print({k: (v[0], sorted(v[1])) for k, v in shown.items()})
    assert "xss-inv" in shown["accueil"][1], shown
    assert "xss-img" in shown["acteur"][1], shown
    assert offline_page.errors == []


@pytest.mark.timeout(600)
def test_report_of_the_hostile_inventory_runs_nothing(hostile_server, offline_page, tmp_path):
    page = offline_page.open(f"{hostile_server.url}/territoires?terr=departement:44")
    button = page.get_by_role("button", name="Rapport HTML")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    path = tmp_path / "report.html"
    info.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    report = offline_page.context.new_page()
    report.set_content(html, wait_until="load")
    report.wait_for_timeout(500)
    assert report.evaluate(SCAN) == []
    assert "xss-" in report.inner_text("body")  # the names are there, as text
    assert offline_page.dialogs == []
    wait_idle(page)


def test_the_sweep_catches_a_payload_inserted_as_markup(offline_page):
    """The detector itself: raw payload markup is found and its dialog recorded."""
    page = offline_page.page
    page.set_content("<p>ok</p>" + "".join(p for p in PAYLOADS[:3]))
    page.wait_for_timeout(500)
    found = page.evaluate(SCAN)
    assert any("onerror" in b for b in found) and "SCRIPT" in found
    assert offline_page.dialogs  # the payload ran here, so the sweep's check is live


# ------------------------------------------------ Markdown injection (issue 12 item 16)
MD_INVENTORY = "![i](http://host/x.png)"
MD_ACTORS = {"A1": "http://evil.example/x", "A2": "www.evil.example",
             "A3": "[link](javascript:alert(1))"}
HOSTILE_URLS = ("host/x.png", "evil.example", "javascript:", "//evil")

# remote images and links to the hostile URLs, in the page and its frames
LINKS = """(needles) => {
  const bad = [];
  for (const img of document.querySelectorAll('img')) {
    const src = img.getAttribute('src') || '';
    if (/^\\s*(https?:)?\\/\\//i.test(src) && !/^https?:\\/\\/(localhost|127\\.0\\.0\\.1)[:/]/i.test(src))
      bad.push('IMG ' + src);
  }
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (needles.some((n) => href.toLowerCase().includes(n))) bad.push('A ' + href);
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def markdown_server(tmp_path_factory, geo):
    from tests import fixtures

    db = tmp_path_factory.mktemp("mdinj") / "mdinj.duckdb"
    store = Store(db, geo=geo)
    data = fixtures.tiny()
    for actor_id, name in MD_ACTORS.items():
        data.actors.loc[data.actors.actor_id == actor_id, "name"] = name
    store.create(MD_INVENTORY, data)   # the only inventory: the default one
    store.close()
    server = AppServer(db)
    yield server
    server.stop()


def _links(page) -> list[str]:
    bad = []
    for frame in page.frames:
        try:
            bad += frame.evaluate(LINKS, list(HOSTILE_URLS))
        except Exception:  # a frame gone: nothing left in it
            pass
    return bad


@pytest.mark.timeout(600)
def test_markdown_names_show_as_text_not_images_or_links(markdown_server, offline_page):
    page = offline_page.open(f"{markdown_server.url}/accueil")
    page.wait_for_timeout(1500)
    shot = screenshot(page, "markdown_injection_accueil")
    assert shot.exists()
    assert _links(page) == []
    text = page.inner_text("body").replace("\u2060", "")
    assert MD_INVENTORY in text                                # shown, as its characters
    for actor_id, name in MD_ACTORS.items():
        page = offline_page.open(f"{markdown_server.url}/acteur?actor={actor_id}")
        assert _links(page) == [], actor_id
        assert page.locator("h1").first.inner_text().replace("\u2060", "") == name
    page = offline_page.open(f"{markdown_server.url}/acteur?actor=[x](http://evil)")
    assert _links(page) == []
    assert "[x](http://evil)" in page.inner_text("body").replace("\u2060", "")
    assert offline_page.external == [] and offline_page.dialogs == []
