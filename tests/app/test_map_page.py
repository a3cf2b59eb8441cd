"""The Carte page with AppTest (FR and EN): options and filters from the URL,
counts of the view, layers, and the URL written back."""

import pytest

from ecosystem.analysis import indicators as ind
from ecosystem.i18n import catalogue
from tests.app.pagetest import ok, page_test, texts

PAGE = "pages/carte.py"


def test_default_view_counts_the_demo_and_keeps_a_clean_url():
    at = ok(page_test(PAGE).run())
    assert at.title[0].value == catalogue("fr")["map.title"]
    body = texts(at)
    assert "5\u202f000 acteurs et 3\u202f000 projets dans la vue" in body
    assert "Territoires dessinés : région (18)" in body
    assert "5\u202f000 acteurs dessinés" in body
    assert at.selectbox(key="w_map_ind").value == "actors_per_10k"
    assert at.toggle(key="w_map_points").value and not at.toggle(key="w_map_lines").value
    assert "ind" not in at.query_params and "layers" not in at.query_params


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_url_options_and_filters_reproduce_the_view(lang):
    at = ok(page_test(PAGE, {"lang": lang, "terr": "departement:44", "types": "association",
                             "ind": "funding_per_inhabitant",
                             "layers": "points,lines,funders"}).run())
    own = catalogue(lang)
    assert at.title[0].value == own["map.title"]
    assert at.selectbox(key="w_map_ind").value == "funding_per_inhabitant"
    assert [at.toggle(key=f"w_map_{x}").value for x in ("points", "lines", "funders", "tiles")] \
        == [True, True, True, False]
    body = texts(at)
    n = "actors and" if lang == "en" else "acteurs et"
    assert n in body and ("207" in body)
    assert at.query_params["ind"] == "funding_per_inhabitant"
    assert at.query_params["layers"] == "points,lines,funders"
    assert at.query_params["types"] == "association" and at.query_params["terr"] == "departement:44"
    # the definition of the indicator is at hand
    assert ind.get("funding_per_inhabitant").definition(lang) in body


def test_filter_change_narrows_the_view_and_toggles_write_the_url():
    at = ok(page_test(PAGE).run())
    at.sidebar.multiselect(key="w_types").set_value(["research"])
    at.toggle(key="w_map_lines").set_value(True)
    ok(at.run())
    body = texts(at)
    assert "5\u202f000 acteurs" not in body
    assert at.query_params["types"] == "research"
    assert at.query_params["layers"] == "points,lines"
    assert "Partenariats :" in body


def test_commune_level_without_territory_draws_departements():
    at = ok(page_test(PAGE, {"level": "commune"}).run())
    body = texts(at)
    assert "Territoires dessinés : département (101)" in body
    assert catalogue("fr")["map.note.communes"][:40] in body


def test_network_indicators_are_offered_with_or_without_the_network_module():
    nid = next(i for i, v in ind.INDICATORS.items() if v.engine == "network")
    at = ok(page_test(PAGE, {"ind": nid, "level": "departement"}).run())
    assert at.selectbox(key="w_map_ind").value == nid
    assert f"{ind.get(nid).label('fr')} ({ind.get(nid).unit('fr')})" in \
        at.selectbox(key="w_map_ind").options
    assert "Territoires dessinés : département (101)" in texts(at)
