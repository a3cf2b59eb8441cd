"""The report's evolution of the headline indicators (issue 14), on the hand-made
histories of tests/fixtures_time.py."""

import pytest

from ecosystem.analysis.view import Filters, View
from ecosystem.numbers import number
from ecosystem.render import report
from tests.fixtures_time import history


@pytest.fixture
def hview(store):
    store.create("history", history())
    return View(store, store.ref("history"), Filters(territory="departement:44"))


def test_report_shows_the_evolution_of_headline_indicators(hview):
    r = report.build(hview, "fr")
    # dates span 2000 (H6 created) to 2020 (H4 closed): the last 15 years are 2006–2020,
    # shown every 4 years ending with the last
    assert list(r.evolution.columns[1:-1]) == ["2008", "2012", "2016", "2020"]
    rows = r.evolution.set_index(r.evolution.columns[0])
    growth = rows.loc["Croissance des financements sur un an (%)"]
    # Loire-Atlantique: F1 1,000 € in 2015, F2 3,000 € in 2016 → +200 %; F4 has no year
    assert growth["2016"] == "200,0\u00a0%" and growth["2008"] == "—"
    assert growth["Sans date"] == "1"
    pop44 = hview.store.scalar("SELECT population FROM geo_territories WHERE level = "
                               "'departement' AND code = '44'")
    actors = rows.loc["Acteurs pour 10 000 habitants"]
    assert actors["2016"] == number(2e4 / pop44, "fr", 2)  # H1 and H2
    html = report.to_html(r)
    assert "Évolution des indicateurs clés" in html and "200,0\u00a0%" in html
    assert report.to_pdf(r)[:4] == b"%PDF"


def test_report_in_english_for_france(store):
    store.create("history", history())
    r = report.build(View(store, store.ref("history")), "en")
    rows = r.evolution.set_index(r.evolution.columns[0])
    # France: H1, H2, H4 in 2016 (H3 later, H5 and H6 left out)
    assert rows.loc["Actors per 10,000 inhabitants", "No date"] == "2"
    assert "Evolution of the headline indicators" in report.to_html(r)
