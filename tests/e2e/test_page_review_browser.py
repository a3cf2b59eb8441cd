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
    # the criteria's table itself (under load a run can follow the one wait_drawn saw end)
    page.locator('[data-testid="stTable"]').first.wait_for(timeout=90_000)
    wait_drawn(page)
    got = page.evaluate(CELLS_JS)
    assert got["tables"] == 1, got
    grid = load_grid()
    assert got["desc"] == [c.help(lang) for c in grid.criteria], got
    assert got["cut"] == [] and got["scroll"] <= 0, got
    page.locator('[data-testid="stTable"]').scroll_into_view_if_needed()
    screenshot(page, f"grid_criteria_{lang}")


#: per Plotly chart of the page: its criteria / category tick labels that leave the
#: chart's box, its colour bar's height, and the value labels drawn rotated
CHARTS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => {
  const svg = c.querySelector('.main-svg').getBoundingClientRect();
  const out = [...c.querySelectorAll('.xtick text, .ytick text')].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < svg.left - 1 || r.right > svg.right + 1
                           || r.top < svg.top - 1 || r.bottom > svg.bottom + 1);
  }).map(t => t.textContent);
  const bar = c.querySelector('.colorbar .cbbg');
  const rotated = [...c.querySelectorAll('.bartext')].filter(t =>
    /rotate\\((-?90|270)/.test(t.getAttribute('transform') || '')).map(t => t.textContent);
  return {out, colorbar: bar ? bar.getBoundingClientRect().height : null, rotated};
})"""


def charts_drawn(page, n: int) -> list[dict]:
    """Once ``n`` Plotly charts at least are drawn and the app is idle (a page can end
    its run and start another at once: idle alone came before the charts), each chart's
    findings (:data:`CHARTS_JS`)."""
    wait_drawn(page)
    page.wait_for_function("""n => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .filter(c => c.querySelector('.main-svg')).length >= n""", arg=n, timeout=90_000)
    wait_drawn(page)
    return page.evaluate(CHARTS_JS)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_grid_heatmap_of_two_territories_keeps_a_readable_colour_bar(app_server, offline_page,
                                                                     lang):
    """Grille of Corse by département: the heatmap of two rows was 176 px high, its
    colour bar squeezed to a few pixels (its ticks written over each other)."""
    page = offline_page.open(app_server.url +
                             f"/grille?lang={lang}&level=departement&terr=region:94")
    charts = charts_drawn(page, 2)
    assert len(charts) == 2, charts  # per territory, per domain (the tabs' heatmaps)
    assert [c["out"] for c in charts] == [[], []], charts
    assert charts[0]["colorbar"] >= 100, charts
    page.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    screenshot(page, f"grid_heatmap_corse_{lang}")


def test_bar_values_are_written_level(app_server, offline_page):
    """Territoires of a small territory: the counts written in narrow bars (1, 2…)
    were turned a quarter so they read sideways."""
    page = offline_page.open(app_server.url + "/territoires?terr=departement:53")
    charts = charts_drawn(page, 3)
    assert len(charts) >= 3, charts  # actors by type, by domain, projects by domain
    assert [c["rotated"] for c in charts if c["rotated"]] == [], charts
    page.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    screenshot(page, "territory_bars_53_fr")


#: in a folium frame: the box (frame pixels) of each territory whose code is asked,
#: and the legend's box
UNDER_LEGEND_JS = """codes => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const legend = document.querySelector('.eco-legend').getBoundingClientRect();
  const origin = map.getContainer().getBoundingClientRect();
  const boxes = [];
  map.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (!p || !codes.includes(p.code) || !l.getBounds) return;
    const b = l.getBounds();
    const a = map.latLngToContainerPoint(b.getNorthWest()),
          z = map.latLngToContainerPoint(b.getSouthEast());
    boxes.push({code: p.code, x: origin.left + a.x, y: origin.top + a.y,
                w: z.x - a.x, h: z.y - a.y});
  });
  return {boxes, legend: {x: legend.left, y: legend.top, w: legend.width, h: legend.height}};
}"""


def test_ranking_legend_leaves_corsica_visible(app_server, offline_page):
    """Territoires, ranking of the départements: the legend, its unit on the title's
    line, was ~350 px wide and covered Corsica (the map keeps the east of its frame
    for a legend of ~270 px)."""
    page = offline_page.open(app_server.url +
                             "/territoires?view=ranking&level=departement&ind=actors_per_10k")
    wait_drawn(page)
    frame = next(f.content_frame() for f in page.query_selector_all("iframe")
                 if f.get_attribute("title") == "streamlit_folium.st_folium")
    frame.wait_for_function("() => !!document.querySelector('.eco-legend')")
    got = frame.evaluate(UNDER_LEGEND_JS, ["2A", "2B"])
    assert sorted(b["code"] for b in got["boxes"]) == ["2A", "2B"], got
    assert [b["code"] for b in got["boxes"] if _overlap(b, got["legend"])] == [], got
    frame.locator(".eco-legend").scroll_into_view_if_needed()
    screenshot(page, "ranking_legend_fr")


def _overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and \
        a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]
