"""Territoires, Comparer and Grille with AppTest: from the URL, both languages,
clicks that change the view, and a rejected grid file."""

import json

import pytest

from ecosystem.analysis import indicators as ind
from ecosystem.analysis.grid import DEFAULT_GRID
from ecosystem.i18n import t
from tests.app.pagetest import metrics, ok, page_test, texts


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_profile_of_a_departement(lang):
    at = ok(page_test("pages/territoires.py", {"terr": "departement:44", "lang": lang}).run())
    assert at.title[0].value.replace("\\", "") == "Loire-Atlantique"
    m = metrics(at)
    actors = "Acteurs" if lang == "fr" else "Actors"
    assert int(m[actors].replace("\u202f", "").replace(",", "")) > 0
    body = texts(at)
    assert ("Pays de la Loire" in body) and ("Rapport territorial" if lang == "fr"
                                             else "Territorial report") in body
    # the full indicator table: territory, parent, France
    table = at.dataframe[0].value
    assert list(table.columns)[1:4] == ["Loire-Atlantique", "Pays de la Loire (52)",
                                        "France entière" if lang == "fr" else "All of France"]
    # every indicator of the registry computed in SQL (the network ones have their page)
    assert table.iloc[:, 0].tolist() == [i.label(lang) for i in ind.INDICATORS.values()
                                         if i.engine == "sql"]
    labels = [b.proto.label for b in at.get("download_button")]
    # figures, top actors, top projects (CSV + XLSX each), then the two reports
    assert labels == [t("export.csv", lang), t("export.xlsx", lang)] * 3 + [
        t("terr.report_html", lang), t("terr.report_pdf", lang)]
    assert at.query_params["terr"] == "departement:44"


def test_national_profile_has_no_france_column():
    at = ok(page_test("pages/territoires.py").run())
    assert at.title[0].value == "France entière"
    assert "France entière" not in list(at.dataframe[0].value.columns)[2:]


def test_ranking_from_url_then_open_a_profile():
    at = ok(page_test("pages/territoires.py",
                      {"view": "ranking", "level": "departement", "ind": "projects_per_100k"}).run())
    assert at.radio(key="w_terr_view").value == "ranking"
    ranking = at.dataframe[0].value
    assert len(ranking) == 101 and ranking.iloc[0]["Rang"] == 1
    values = ranking["Projets pour 100 000 habitants"].dropna()
    assert values.is_monotonic_decreasing
    assert at.query_params["ind"] in ("projects_per_100k", ["projects_per_100k"])
    top = ranking.iloc[0]["Code"]
    at.selectbox(key="w_rank_pick").set_value(top)
    ok(at.run())
    assert at.radio(key="w_terr_view").value == "profile"
    assert at.sidebar.selectbox(key="w_t_departement").value == top


def test_ranking_of_communes_without_scope_skips_the_map():
    at = ok(page_test("pages/territoires.py", {"view": "ranking", "level": "commune"}).run())
    assert len(at.dataframe[0].value) == 34875
    assert "trop pour une carte" in texts(at)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compare_from_url(lang):
    at = ok(page_test("pages/comparer.py", {
        "cmp": "departement:44,departement:13,commune:44109", "ind": "actors_per_10k,hybridity",
        "lang": lang}).run())
    table = at.dataframe[0].value
    assert list(table.columns)[1:5] == ["Loire-Atlantique (44)", "Bouches-du-Rhône (13)",
                                        "Nantes (44109)",
                                        "France entière" if lang == "fr" else "All of France"]
    assert len(table) == 3  # population + 2 indicators
    assert at.multiselect(key="w_cmp").value == ["departement:44", "departement:13",
                                                 "commune:44109"]


def test_compare_defaults_to_scope_and_parent_and_adds_a_commune():
    at = ok(page_test("pages/comparer.py", {"terr": "departement:13"}).run())
    assert at.multiselect(key="w_cmp").value == ["departement:13", "region:93"]
    at.text_input(key="w_cmp_q").set_value("Marseille")
    ok(at.run())
    at.button(key="w_cmp_add").click()
    ok(at.run())
    assert at.multiselect(key="w_cmp").value[-1] == "commune:13055"
    cmp = at.query_params["cmp"]
    assert "commune:13055" in (cmp if isinstance(cmp, str) else cmp[0])


def test_compare_asks_for_two_territories():
    at = ok(page_test("pages/comparer.py").run())
    assert "au moins deux territoires" in texts(at)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_grid_page(lang):
    at = ok(page_test("pages/grille.py", {"lang": lang, "level": "departement",
                                          "terr": "region:52"}).run())
    criteria = at.dataframe[0].value
    assert len(criteria) == 12
    by_territory = at.dataframe[1].value
    # the five départements of Pays de la Loire, each with assessed demo projects
    assert sorted(by_territory.iloc[:, 0]) == ["44", "49", "53", "72", "85"]
    body = texts(at)
    assert ("Non évalué" if lang == "fr" else "Not assessed") in body


def test_grid_file_rejected_with_a_clear_message(tmp_path):
    at = ok(page_test("pages/grille.py").run())
    bad = json.loads(DEFAULT_GRID.read_text(encoding="utf-8"))
    bad["criteria"][1]["group"] = "optional"
    uploader = at.get("file_uploader")[0]
    uploader.set_value(("grid.json", json.dumps(bad).encode(), "application/json"))
    ok(at.run())
    assert any("group must be one of" in str(e.value) for e in at.error)
    assert len(at.dataframe[0].value) == 12  # the default grid is still used


def test_profile_of_a_commune_with_no_inhabitant():
    at = ok(page_test("pages/territoires.py", {"terr": "commune:55039"}).run())
    assert at.title[0].value.replace("\\", "") == "Beaumont-en-Verdunois"
    assert metrics(at)["Acteurs pour 10 000 habitants"] == "—"   # undefined, not infinite
    # its parent: the EPCI (COG 2025: Beaumont-en-Verdunois is in the CA du Grand Verdun)
    assert "Communauté d'agglomération du Grand Verdun (200049187)" in texts(at)


def test_ranking_in_english_within_a_region():
    at = ok(page_test("pages/territoires.py", {"view": "ranking", "level": "departement",
                                                "terr": "region:52", "lang": "en"}).run())
    ranking = at.dataframe[0].value
    assert set(ranking["Code"]) == {"44", "49", "53", "72", "85"}
    assert "5 territories" in texts(at)
