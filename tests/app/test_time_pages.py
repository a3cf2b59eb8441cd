"""Pages through time (issue 14), FR and EN, on the app's demo inventory: Carte as of a
year (URL ``asof``), the evolution charts of Territoires and Comparer. Expected counts
are recomputed here in pandas from the demo generator with the as-of rules of
docs/time.md (not read from the code under test)."""

import pytest

from ecosystem import demo
from ecosystem.i18n import catalogue
from ecosystem.numbers import number
from tests.app.pagetest import ok, page_test, texts


@pytest.fixture(scope="module")
def data():
    return demo.generate(5000)


def alive(actors, year):
    created, closing = actors.creation_year, actors.closing_year
    active = actors.active.fillna(True).astype(bool)
    return ((created <= year) & ((closing > year) | (closing.isna() & active))).fillna(False)


@pytest.mark.parametrize("lang,year", [("fr", 2015), ("en", 2019)])
def test_map_as_of_a_year_from_the_url(data, lang, year):
    at = ok(page_test("pages/carte.py", {"lang": lang, "asof": str(year)}).run())
    n_actors = int(alive(data.actors, year).sum())
    n_projects = int((data.projects.start_year <= year).fillna(False).sum())
    assert 0 < n_actors < len(data.actors) and 0 < n_projects < len(data.projects)
    body = texts(at)
    if lang == "fr":
        assert f"{number(n_actors, 'fr')} acteurs et {number(n_projects, 'fr')} projets" in body
    else:
        assert f"{number(n_actors, 'en')} actors and {number(n_projects, 'en')} projects" in body
    assert catalogue(lang)["time.map.caption"].format(year=year) in body
    assert at.toggle(key="w_map_asof").value and at.slider(key="w_map_year").value == year
    assert at.query_params["asof"] == str(year)


@pytest.mark.parametrize("lang,params", [("fr", {}), ("en", {"terr": "departement:44"})])
def test_map_at_a_year_says_what_is_left_out(data, lang, params):
    """The map as of a year is a point of the series: it says how many actors and
    projects of the view no year can hold (docs/time.md, "What is left out")."""
    at = ok(page_test("pages/carte.py", {"lang": lang, "asof": "2015", **params}).run())
    a, p = data.actors, data.projects
    undated = a.creation_year.isna() | (a.closing_year.isna() & ~a.active.astype(bool))
    if params:  # Loire-Atlantique only
        undated &= a.commune_code.str.startswith("44")
        no_start = (p.start_year.isna() & p.commune_code.str.startswith("44")).fillna(False)
    else:
        no_start = p.start_year.isna()
    k, kp = int(undated.sum()), int(no_start.sum())
    assert k > 0 and kp == 0  # the demo dates every project, not every actor
    expected = {"fr": f"Laissés de côté faute de date utilisable, cette année comme les "
                      f"autres : {number(k, 'fr')} acteurs et 0 projet.",
                "en": f"Left out for want of a usable date, this year as every other: "
                      f"{number(k, 'en')} actors and 0 projects."}[lang]
    assert expected in texts(at)
    # without a year, nothing is said
    at = ok(page_test("pages/carte.py", {"lang": lang, **params}).run())
    assert expected not in texts(at)


def test_map_year_slider_changes_the_map_and_play_advances(data):
    at = ok(page_test("pages/carte.py").run())
    assert not at.toggle(key="w_map_asof").value and "asof" not in at.query_params
    at.toggle(key="w_map_asof").set_value(True).run()
    at.slider(key="w_map_year").set_value(2016).run()
    ok(at)
    n = int(alive(data.actors, 2016).sum())
    assert f"{number(n, 'fr')} acteurs et" in texts(at) and at.query_params["asof"] == "2016"
    at.button(key="w_map_play").click().run(timeout=300)  # plays one step per rerun
    ok(at)
    assert at.slider(key="w_map_year").value > 2016


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_territory_evolution_chart_with_left_out_counts(data, lang):
    at = ok(page_test("pages/territoires.py", {"lang": lang, "terr": "departement:44"}).run())
    own = catalogue(lang)
    assert own["time.title"] in [s.value for s in at.subheader]
    assert at.selectbox(key="w_terr_evo_ind").value == "actors_per_10k"
    a = data.actors
    # actors of Loire-Atlantique no year can hold: no creation year, or closed, date unknown
    in44 = a.commune_code.str.startswith("44")
    undated = a.creation_year.isna() | (a.closing_year.isna() & ~a.active.astype(bool))
    k = int((in44 & undated).sum())
    k_fr = int(undated.sum())
    body = texts(at)
    sep, word = (" : ", "acteurs") if lang == "fr" else (": ", "actors")
    assert 0 < k < k_fr
    assert f"Loire-Atlantique{sep}{number(k, lang)} {word}" in body
    assert f"{own['scope.france']}{sep}{number(k_fr, lang)} {word}" in body
    # its parent, Pays de la Loire: départements 44, 49, 53, 72, 85
    in52 = a.commune_code.str[:2].isin(["44", "49", "53", "72", "85"])
    k52 = int((in52 & undated).sum())
    assert k < k52 < k_fr
    assert f"Pays de la Loire{sep}{number(k52, lang)} {word}" in body
    # another indicator from the URL: projects, all dated in the demo
    at = ok(page_test("pages/territoires.py", {"lang": lang, "terr": "departement:44",
                                               "evo": "projects_reaching_diffusion"}).run())
    assert at.selectbox(key="w_terr_evo_ind").value == "projects_reaching_diffusion"
    expected = {"fr": "Loire-Atlantique : 0 projet sans année de début",
                "en": "Loire-Atlantique: 0 projects without a start year"}[lang]
    assert expected in texts(at)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compare_evolution_chart(data, lang):
    at = ok(page_test("pages/comparer.py", {"lang": lang,
                                            "cmp": "departement:44,departement:13"}).run())
    own = catalogue(lang)
    assert own["time.compare.title"] in [s.value for s in at.subheader]
    body = texts(at)
    assert "Loire-Atlantique" in body and "Bouches-du-Rhône" in body
    # the records left out of each place compared, as on Territoires
    a = data.actors
    undated = a.creation_year.isna() | (a.closing_year.isna() & ~a.active.astype(bool))
    sep, word = (" : ", "acteurs") if lang == "fr" else (": ", "actors")
    for place, dep in (("Loire-Atlantique", "44"), ("Bouches-du-Rhône", "13")):
        k = int((undated & a.commune_code.str.startswith(dep)).sum())
        assert k > 1
        assert f"{place}{sep}{number(k, lang)} {word}" in body
