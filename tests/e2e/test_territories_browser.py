"""Territoires, Comparer and the territorial report in Debian's chromium, offline."""

import re

import pytest
from pypdf import PdfReader

from ecosystem.analysis import indicators as ind
from ecosystem.render import maps
from tests.conftest import screenshot
from tests.e2e.test_home_browser import painted_pixels

pytestmark = pytest.mark.e2e


def test_compare_two_departements(app_server, offline_page):
    page = offline_page.open(app_server.url + "/comparer")
    page.get_by_role("heading", name="Comparer des territoires").wait_for()
    # territories are added one at a time from the ranked search (issue 17 item 5)
    for name in ("Gironde", "Loire-Atlantique"):
        box = page.get_by_role("textbox", name="Ajouter un territoire", exact=True)
        box.fill(name)
        box.press("Enter")
        add = page.get_by_role("button", name="Ajouter", exact=True)
        add.wait_for(timeout=60_000)  # drawn once the search has results
        add.click()
        add.wait_for(state="detached", timeout=60_000)  # the search box is emptied
    page.get_by_role("heading", name="Tableau comparatif").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => decodeURIComponent(location.search).includes('cmp=departement:33,departement:44')")
    # the charts are drawn (plotly SVG) and the table shows both départements and France
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    page.get_by_text("Écart à la référence nationale").wait_for()
    page.mouse.move(5, 5)
    screenshot(page, "compare_fr")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name="Tableau comparatif").is_visible()
    page.get_by_text("Écart à la référence nationale").scroll_into_view_if_needed()
    screenshot(page, "compare_chart_fr")
    # French separators on the drawn axes (per-capita values below 10: decimal ticks)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 4")
    ticks = page.eval_on_selector_all(".js-plotly-plot .ytick text, .js-plotly-plot .xtick text",
                                      "els => els.map(e => e.textContent)")
    numeric = [t for t in ticks if re.fullmatch(r"[\d\u202f.,−-]+", t)]
    assert [t for t in numeric if re.fullmatch(r"\d+\.\d+", t)] == []
    assert any(re.fullmatch(r"\d+,\d+", t) for t in numeric), numeric
    assert offline_page.external == [] and offline_page.errors == []
    # the link reproduces the comparison
    again = offline_page.open(page.url)
    again.get_by_role("heading", name="Tableau comparatif").wait_for(timeout=60_000)


def test_territory_profile_and_offline_report(app_server, offline_page, tmp_path):
    page = offline_page.open(app_server.url + "/territoires?terr=departement:44")
    page.get_by_role("heading", name="Loire-Atlantique", level=1).wait_for()
    assert "/territoires" in page.url and "terr=departement%3A44" in page.url.replace(":", "%3A")
    page.get_by_text("Zones blanches").first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    screenshot(page, "territory_profile_fr")

    button = page.get_by_role("button", name="Rapport HTML")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "rapport-loire-atlantique.html"
    html = path.read_text(encoding="utf-8")
    assert maps.external_assets(html) == []
    assert "Rapport territorial — Loire-Atlantique (44)" in html
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Rapport PDF").click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Rapport territorial — Loire-Atlantique (44)" in text

    # the report opens with the network blocked (same context, every request but
    # localhost recorded and aborted): nothing requested, charts drawn
    report = offline_page.context.new_page()
    report.set_content(html, wait_until="load")
    report.get_by_role("heading", name=re.compile("Rapport territorial")).wait_for()
    assert report.locator("svg rect").count() > 5
    assert "Données synthétiques" in report.inner_text("body")
    screenshot(report, "report_html_fr")
    assert offline_page.external == [] and offline_page.errors == []


def test_ranking_map_of_departements(app_server, offline_page):
    page = offline_page.open(app_server.url + "/territoires?view=ranking&level=departement")
    page.get_by_text("101 territoires").first.wait_for(timeout=60_000)
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    frame.locator(".eco-legend").wait_for(timeout=60_000)
    assert painted_pixels(page, minimum=20_000) > 20_000   # départements filled, not blank
    screenshot(page, "ranking_departements_fr")
    assert offline_page.external == [] and offline_page.errors == []


def test_france_profile_downloads_all_indicators(app_server, offline_page, tmp_path):
    # issue 12 #14: on the default France-wide profile both files failed (two
    # "France entière" columns); they are clicked here as a user would
    import csv
    import io

    import openpyxl

    page = offline_page.open(app_server.url + "/territoires")
    page.get_by_role("heading", name="France entière", level=1).wait_for()
    files = {}
    for label in ("CSV", "Excel (XLSX)"):
        button = page.get_by_role("button", name=label, exact=True).first  # indicators table
        button.scroll_into_view_if_needed()
        with page.expect_download(timeout=120_000) as info:
            button.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        files[path.suffix] = path
    rows = list(csv.reader(io.StringIO(files[".csv"].read_bytes().decode("utf-8-sig"),
                                       newline="")))
    assert rows[0] == ["id", "indicator", "unit", "France entière", "definition"]
    # one row per indicator of the registry computed in SQL, in the registry's order
    assert [r[0] for r in rows[1:]] == [i for i, v in ind.INDICATORS.items() if v.engine == "sql"]
    assert all(len(r) == 5 for r in rows)
    sheet = openpyxl.load_workbook(files[".xlsx"]).active
    assert [c.value for c in sheet[1]] == rows[0]
    assert offline_page.errors == []
