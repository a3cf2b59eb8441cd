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
    # figures, evolution (issue 14), top actors, top projects (CSV + XLSX each), then the
    # two reports
    assert labels == [t("export.csv", lang), t("export.xlsx", lang)] * 4 + [
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
    shown = ranking["Projets pour 100 000 habitants"].str.removesuffix(" ⚠")  # fragile rates
    values = shown[shown != "—"].map(lambda s: float(s.replace("\u202f", "").replace(",", ".")))
    assert values.is_monotonic_decreasing
    assert at.query_params["ind"] in ("projects_per_100k", ["projects_per_100k"])
    top = ranking.iloc[0]["Code"]
    at.selectbox(key="w_rank_pick").set_value(top)
    ok(at.run())
    assert at.radio(key="w_terr_view").value == "profile"
    assert at.sidebar.selectbox(key="w_t_departement").value == top


def plotly_specs(at) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ranking_cells_use_the_language_separators(lang):
    """Issue 17: the browser's locale no longer decides. Populations are INSEE's
    (Bouches-du-Rhône: 2087658 in data/geo); money per inhabitant carries €."""
    at = ok(page_test("pages/territoires.py", {"view": "ranking", "level": "departement",
                                              "ind": "funding_per_inhabitant", "lang": lang}).run())
    ranking = at.dataframe[0].value.set_index("Code")
    pop = "Population"
    if lang == "fr":
        assert ranking.loc["13", pop] == "2\u202f087\u202f658"
        money = ranking["Financements par habitant"].str.removesuffix(" ⚠")
        assert money.str.fullmatch(r"\d{1,3}(\u202f\d{3})*,\d\d\u00a0€").all()
    else:
        assert ranking.loc["13", pop] == "2,087,658"
        money = ranking["Funding per inhabitant"].str.removesuffix(" ⚠")
        assert money.str.fullmatch(r"€\d{1,3}(,\d{3})*\.\d\d").all()


def test_profile_charts_use_french_separators():
    at = ok(page_test("pages/territoires.py", {"terr": "departement:44"}).run())
    specs = plotly_specs(at)
    assert len(specs) >= 4
    assert [s["layout"]["separators"] for s in specs] == [",\u202f"] * len(specs)
    projects = at.dataframe[2].value
    assert projects.iloc[:, 3].str.fullmatch(r"\d{1,3}(\u202f\d{3})*\u00a0€").all()


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
    criteria = at.table[0].value
    assert len(criteria) == 12
    by_territory = at.dataframe[0].value
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
    assert len(at.table[0].value) == 12  # the default grid is still used


def test_a_one_criterion_grid_is_announced_in_the_singular():
    at = ok(page_test("pages/grille.py").run())
    grid = json.loads(DEFAULT_GRID.read_text(encoding="utf-8"))
    grid["criteria"] = grid["criteria"][:1]
    at.get("file_uploader")[0].set_value(("one.json", json.dumps(grid).encode(), "application/json"))
    ok(at.run())
    assert [str(s.value) for s in at.success if "chargée" in str(s.value)][0].endswith(" : 1 critère.")
    assert len(at.table[0].value) == 1


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


def test_compare_search_is_ranked_and_adds_one_territory_at_a_time():
    """Issue 17 item 5: "Occitanie" offers the région first and nothing loose; the
    picker holds only the territories chosen (no bulk add); four at most, said."""
    at = ok(page_test("pages/comparer.py", {"cmp": "departement:44,departement:13"}).run())
    assert at.multiselect(key="w_cmp").options == ["Département : Loire-Atlantique (44)",
                                                   "Département : Bouches-du-Rhône (13)"]
    at.text_input(key="w_cmp_q").set_value("occitanie")
    ok(at.run())
    assert at.selectbox(key="w_cmp_pick").options == ["Région : Occitanie (76)"]
    at.button(key="w_cmp_add").click()
    ok(at.run())
    assert at.multiselect(key="w_cmp").value == ["departement:44", "departement:13", "region:76"]
    at.text_input(key="w_cmp_q").set_value("44")
    ok(at.run())
    assert at.selectbox(key="w_cmp_pick").options[0] == "Département : Loire-Atlantique (44)"
    at.text_input(key="w_cmp_q").set_value("Brest")
    ok(at.run())
    at.button(key="w_cmp_add").click()
    ok(at.run())
    assert at.multiselect(key="w_cmp").value[-1] == "commune:29019"
    assert at.text_input(key="w_cmp_q").value == ""  # emptied for the next search
    at.text_input(key="w_cmp_q").set_value("Morlaix")
    ok(at.run())
    assert at.button(key="w_cmp_add").disabled
    assert any("Quatre territoires au plus" in c.value for c in at.caption)


def test_ranking_shows_sample_sizes_and_flags_fragile_rates():
    """Issue 17 item 11: beside each rate, the projects it is computed from; a rate from
    fewer than 5 projects ends with ⚠, and a note says why."""
    at = ok(page_test("pages/territoires.py", {"view": "ranking", "level": "epci",
                                              "terr": "departement:44",
                                              "ind": "projects_per_100k"}).run())
    ranking = at.dataframe[0].value
    n = ranking["Projets"].map(lambda s: int(s.replace("\u202f", "")))
    rates = ranking["Projets pour 100 000 habitants"]
    flagged = rates.str.endswith(" ⚠")
    assert (flagged == ((n < 5) & (rates != "—"))).all()
    assert flagged.any() and (~flagged).any()  # the demo has both in Loire-Atlantique
    assert "valeur fragile, calculée sur moins de 5 projets" in texts(at)
