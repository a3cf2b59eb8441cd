"""The partnership layer in chromium (issue 17 item 9): at low zoom one line per pair
of territories, individual lines when zoomed in or for a selected actor. Standalone
map of tests/test_flows.py's inventory (assets inlined, no network)."""

import pytest

from ecosystem.analysis.view import Filters, View
from ecosystem.render import mapview
from tests.conftest import OfflinePage, screenshot
from tests.test_flows import linked

pytestmark = pytest.mark.e2e

#: the folium map object (its global is map_<id>)
MAP = ("Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])"
       ".find(v => v instanceof L.Map)")
#: the partnership lines Leaflet has on the map now (the layer's colour), counted
#: from the map itself, not from explorer.js's own figures
DRAWN = """() => {
  const m = @MAP;
  let n = 0;
  m.eachLayer(l => { if (l instanceof L.Polyline && !(l instanceof L.Polygon)
                         && l.options.color === '#3b3b98') { n += 1; } });
  return n; }""".replace("@MAP", MAP)


def zoom_to(page, zoom: float, lat: float = 46.6, lng: float = 2.2):
    page.evaluate("""([z, lat, lng]) => new Promise(done => {
        const m = @MAP;
        m.once('zoomend', () => done());
        m.setView([lat, lng], z, {animate: false}); })""".replace("@MAP", MAP), [zoom, lat, lng])


@pytest.fixture
def flows_page(browser, store, geo):
    store.create("linked", linked())
    view = mapview.build(View(store, store.ref("linked"), Filters()), geo,
                         mapview.MapOptions(layers=("points", "lines")), mode="inline")
    p = OfflinePage(browser)
    p.page.set_content(view.html(), wait_until="load")
    p.page.wait_for_function("() => window.EcoExplorer && EcoExplorer.ready", timeout=60_000)
    yield p
    p.close()


def test_low_zoom_draws_one_line_per_pair_of_territories(flows_page):
    page = flows_page.page
    zoom_to(page, 6)
    # by hand (tests/test_flows.py): régions 44–93 (2), 52–93, 01–93, 01–52
    assert page.evaluate(DRAWN) == 4
    assert page.evaluate("() => EcoExplorer.flowMode") == "region"
    screenshot(page, "map_flows_zoom6")
    zoom_to(page, 7.5)                       # départements: 13–55, 13–44, 13–971, 44–49, 44–971
    assert page.evaluate(DRAWN) == 5
    zoom_to(page, 11, 47.2, -1.55)           # Nantes: every pair of actors, one line each
    assert page.evaluate(DRAWN) == 12
    assert page.evaluate("() => EcoExplorer.flowMode") == "actors"
    zoom_to(page, 6)
    assert page.evaluate(DRAWN) == 4
    assert flowing_errors(flows_page) == []


def test_a_tooltip_names_both_territories(flows_page):
    page = flows_page.page
    zoom_to(page, 6)
    texts = page.evaluate("""() => {
        const m = @MAP, out = [];
        m.eachLayer(l => { if (l instanceof L.Polyline && !(l instanceof L.Polygon)
                               && l.options.color === '#3b3b98') {
            l.openTooltip(l.getCenter()); out.push(l.getTooltip().getElement().innerText); } });
        return out.sort(); }""".replace("@MAP", MAP))
    assert texts == ["1 partenariat entre Guadeloupe et Pays de la Loire",
                     "1 partenariat entre Guadeloupe et Provence-Alpes-Côte d'Azur",
                     "1 partenariat entre Pays de la Loire et Provence-Alpes-Côte d'Azur",
                     "2 partenariats entre Grand Est et Provence-Alpes-Côte d'Azur"]


def test_a_selected_actor_shows_its_own_lines_at_low_zoom(flows_page):
    page = flows_page.page
    zoom_to(page, 6)
    # A1 (Nantes) shares projects with A2, A3, A4, A6 and A7: five lines of its own
    page.evaluate("""() => EcoExplorer.pointLayer.eachLayer(m => {
        if (m._eco === EcoExplorer.pointIds.indexOf('A1')) {
          EcoExplorer.pointLayer.fire('click', {layer: m, latlng: m.getLatLng()}); } })""")
    assert page.evaluate("() => EcoExplorer.selectedLines") == 5
    assert page.evaluate(DRAWN) == 4 + 5
    screenshot(page, "map_flows_selected_actor")
    page.evaluate(f"() => {MAP}.closePopup()")
    assert page.evaluate(DRAWN) == 4


def flowing_errors(p) -> list:
    return p.errors + p.external


def overlaps(a, b) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def test_legends_leave_france_and_clusters_visible(browser, store, geo):
    """Item 8: at 980 × 620 (the Carte frame at 1,440 px), neither legend meets the box
    of metropolitan France's paths nor a cluster; a tooltip at the east edge stays in."""
    from tests.fixtures import tiny
    store.create("tiny", tiny())
    view = mapview.build(View(store, store.ref("tiny"), Filters()), geo,
                         mapview.MapOptions(), mode="inline")
    p = OfflinePage(browser, viewport=(980, 620))
    try:
        page = p.page
        page.set_content(view.html(), wait_until="load")
        page.wait_for_function("() => window.EcoExplorer && EcoExplorer.ready", timeout=60_000)
        legends = page.evaluate("""() => [...document.querySelectorAll('.eco-legend')]
            .map(e => e.getBoundingClientRect().toJSON())""")
        assert len(legends) == 2
        # metropolitan régions (codes 11 to 94), in screen pixels, from Leaflet
        france = page.evaluate("""() => { const b = L.latLngBounds([]);
            EcoExplorer.choroplethLayer.eachLayer(l => {
              if (l.feature.properties.k >= '11') { b.extend(l.getBounds()); } });
            const m = @MAP, nw = m.latLngToContainerPoint(b.getNorthWest()),
                  se = m.latLngToContainerPoint(b.getSouthEast());
            return {x: nw.x, y: nw.y, width: se.x - nw.x, height: se.y - nw.y}; }"""
                               .replace("@MAP", MAP))
        assert france["width"] > 400                 # France is drawn large enough
        assert [box for box in legends if overlaps(box, france)] == []
        clusters = page.evaluate("""() => [...document.querySelectorAll(
            '.marker-cluster, .leaflet-interactive')].map(e => e.getBoundingClientRect().toJSON())
            .filter(r => r.width > 0 && r.width < 100)""")
        assert clusters and [c for c in clusters for box in legends if overlaps(c, box)] == []
        screenshot(page, "map_legends_clear")
        # the east-most territory's tooltip, opened at its east edge, stays in the frame
        inside = page.evaluate("""() => { const m = @MAP; let east = null;
            EcoExplorer.choroplethLayer.eachLayer(l => {
              if (!east || l.getBounds().getEast() > east.getBounds().getEast()) { east = l; } });
            const b = east.getBounds();
            east.openTooltip(L.latLng(b.getCenter().lat, b.getEast()));
            m.panBy([m.latLngToContainerPoint([0, b.getEast()]).x - m.getSize().x + 5, 0],
                    {animate: false});
            east.openTooltip(L.latLng(b.getCenter().lat, b.getEast()));
            const t = east.getTooltip().getElement().getBoundingClientRect();
            return [t.left >= 0, t.right <= m.getSize().x]; }""".replace("@MAP", MAP))
        assert inside == [True, True]
        assert p.errors == [] and p.external == []
    finally:
        p.close()


def test_reunion_and_mayotte_are_never_one_cluster(browser, store, geo):
    """The insets of La Réunion and Mayotte are drawn 1.15° apart: at zoom 4 (France in
    a narrow frame), 4 actors of Saint-Denis (97411) and 3 of Mamoudzou (97611) are two
    clusters, 4 and 3, not one of 7 (each inset is its own cluster group)."""
    from ecosystem.model import InventoryData
    from tests.fixtures import frame
    rows = [dict(actor_id=f"R{i}", name=f"Asso réunionnaise {i}", actor_type="association",
                 commune_code="97411", source="test") for i in range(4)] + \
           [dict(actor_id=f"M{i}", name=f"Asso mahoraise {i}", actor_type="association",
                 commune_code="97611", source="test") for i in range(3)]
    store.create("ocean", InventoryData(actors=frame(rows)))
    view = mapview.build(View(store, store.ref("ocean"), Filters()), geo,
                         mapview.MapOptions(layers=("points",)), mode="inline")
    p = OfflinePage(browser, viewport=(980, 620))
    try:
        page = p.page
        page.set_content(view.html(), wait_until="load")
        page.wait_for_function("() => window.EcoExplorer && EcoExplorer.ready", timeout=60_000)
        zoom_to(page, 4)
        shown = """() => [...document.querySelectorAll('.marker-cluster span')]
            .map(e => e.textContent)"""
        # markercluster fades the previous zoom's icons out: wait until the icons
        # shown count the 7 actors once
        page.wait_for_function(f"() => ({shown})().reduce((a, b) => a + Number(b), 0) === 7")
        counts = page.evaluate(shown)
        assert sorted(counts) == ["3", "4"]
        assert page.evaluate("() => EcoExplorer.pointLayer.getLayers().length") == 7
        screenshot(page, "map_insets_clusters")
    finally:
        p.close()
