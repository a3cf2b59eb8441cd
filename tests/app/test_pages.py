"""Every page renders in French and English with AppTest; the URL carries the view."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ecosystem.i18n import catalogue
from tests.app.pagetest import metrics, ok, page_test, texts

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["pages/accueil.py", "pages/carte.py", "pages/acteur.py", "pages/a_propos.py",
         "pages/territoires.py", "pages/comparer.py", "pages/grille.py", "pages/importer.py",
         "pages/reseau.py", "pages/moderation.py", "pages/journal.py"]


def test_app_entry_point_opens_the_home_page_in_french():
    at = ok(AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run())
    assert at.title[0].value == catalogue("fr")["home.title"]
    assert at.sidebar.radio(key="w_lang").value == "fr"
    assert metrics(at)["Acteurs"] == "5\u202f000"


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(page, lang):
    at = ok(page_test(page, {"lang": lang}).run())
    own, other = catalogue(lang), catalogue("en" if lang == "fr" else "fr")
    body = texts(at)
    assert at.title
    assert own["banner.synthetic"][:40] in body
    foreign = set(other.values()) - set(own.values())
    for heading in [h.value for h in at.header] + [h.value for h in at.subheader]:
        assert heading not in foreign, heading
    assert at.sidebar.radio(key="w_lang").value == lang


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_home_numbers_read_in_the_page_language(lang):
    """France has 68,350,798 inhabitants in data/geo (sum of the régions): 68.4 million;
    Guadeloupe 384,160. Every chart takes the language's separators."""
    import json

    at = ok(page_test("pages/accueil.py", {"lang": lang}).run())
    m = metrics(at)
    table = at.dataframe[0].value.set_index("Région")
    specs = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    assert len(specs) == 2
    if lang == "fr":
        assert m["Habitants"] == "68,4\u00a0M"
        assert table.loc["Guadeloupe", "Population"] == "384\u202f160"
        assert m["Financements"].endswith("\u00a0M\u00a0€")
        assert [s["layout"]["separators"] for s in specs] == [",\u202f", ",\u202f"]
    else:
        assert m["Inhabitants"] == "68.4M"
        assert table.loc["Guadeloupe", "Population"] == "384,160"
        assert m["Funding"].startswith("€") and m["Funding"].endswith("M")
        assert [s["layout"]["separators"] for s in specs] == [".,", ".,"]


def test_home_shows_key_figures_of_the_demo():
    at = ok(page_test("pages/accueil.py").run())
    m = metrics(at)
    assert m["Acteurs"] == "5\u202f000" and m["Projets"] == "3\u202f000"
    assert any("Données synthétiques" in str(i.value) for i in at.info)
    table = at.dataframe[0].value
    assert len(table) == 18 and table["Acteurs"].map(lambda s: int(s.replace("\u202f", ""))).sum() == 5000


def test_url_reopens_the_same_view():
    at = ok(page_test("pages/accueil.py", {"lang": "en", "terr": "departement:44",
                                           "types": "association,company",
                                           "stages": "emergence"}).run())
    assert at.sidebar.radio(key="w_lang").value == "en"
    assert at.sidebar.selectbox(key="w_t_region").value == "52"
    assert at.sidebar.selectbox(key="w_t_departement").value == "44"
    assert at.sidebar.multiselect(key="w_types").value == ["association", "company"]
    assert at.sidebar.multiselect(key="w_stages").value == ["emergence"]
    assert "Loire-Atlantique" in texts(at)
    assert at.query_params["terr"] == "departement:44" and at.query_params["lang"] == "en"


def test_changing_a_filter_updates_figures_and_url():
    at = ok(page_test("pages/accueil.py").run())
    before = metrics(at)["Acteurs"]
    at.sidebar.multiselect(key="w_types").set_value(["research"])
    ok(at.run())
    after = metrics(at)["Acteurs"]
    assert after != before and int(after.replace("\u202f", "")) < 200
    assert at.query_params["types"] == "research"


def test_language_switch_translates_the_page():
    at = ok(page_test("pages/accueil.py").run())
    at.sidebar.radio(key="w_lang").set_value("en")
    ok(at.run())
    assert at.title[0].value == catalogue("en")["home.title"]
    assert at.query_params["lang"] == "en"


def test_territory_cascade_narrows_the_view():
    at = ok(page_test("pages/accueil.py").run())
    at.sidebar.selectbox(key="w_t_region").set_value("53")
    ok(at.run())
    assert at.query_params["terr"] == "region:53"
    deps = at.sidebar.selectbox(key="w_t_departement").options
    assert deps[1:] == ["Côtes-d'Armor (22)", "Finistère (29)", "Ille-et-Vilaine (35)",
                        "Morbihan (56)"]
    assert "Bretagne" in texts(at)


def test_bad_query_values_are_ignored_not_fatal():
    at = ok(page_test("pages/accueil.py", {"terr": "departement:999", "lang": "xx",
                                           "types": "<script>,association", "level": "planet",
                                           "from": "abc"}).run())
    assert at.sidebar.multiselect(key="w_types").value == ["association"]
    assert at.sidebar.selectbox(key="w_t_region").value is None
    assert at.title[0].value == catalogue("fr")["home.title"]


def test_funder_and_year_filters_in_the_sidebar_narrow_the_view_and_go_in_the_url():
    at = ok(page_test("pages/accueil.py").run())
    projects = int(metrics(at)["Projets"].replace("\u202f", ""))
    funders = at.sidebar.multiselect(key="w_funders")
    first = funders.options[0]
    funders.select(first)
    ok(at.run())
    chosen = at.sidebar.multiselect(key="w_funders").value
    assert len(chosen) == 1
    funded = int(metrics(at)["Projets"].replace("\u202f", ""))
    assert 0 < funded < projects
    assert at.query_params["funders"] == chosen[0]
    lo, hi = at.sidebar.slider(key="w_years").value
    at.sidebar.slider(key="w_years").set_value((lo + 2, hi - 2))
    ok(at.run())
    assert int(metrics(at)["Projets"].replace("\u202f", "")) <= funded
    assert at.query_params["from"] == str(lo + 2) and at.query_params["to"] == str(hi - 2)
    # the link reopens the same funder and years
    again = ok(page_test("pages/accueil.py", {"funders": chosen[0], "from": str(lo + 2),
                                              "to": str(hi - 2)}).run())
    assert again.sidebar.multiselect(key="w_funders").value == chosen
    assert again.sidebar.slider(key="w_years").value == (lo + 2, hi - 2)
