"""Réseau with AppTest: both languages, views and options from the URL, filters,
suggestions for an actor, network indicators in the Territoires ranking."""

import pytest

from tests.app.pagetest import metrics, ok, page_test, texts


def _int(text: str) -> int:
    return int(text.replace("\u202f", "").replace(",", ""))


def _num(text: str, lang: str) -> float:
    """A table cell as the page shows it (French: U+202F groups, decimal comma)."""
    return float(text.replace("\u202f", "").replace(",", ".") if lang == "fr" else text.replace(",", ""))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_national_graph_is_drawn_from_the_most_central_actors(lang):
    at = ok(page_test("pages/reseau.py", {"lang": lang}).run())
    assert at.title[0].value == ("Réseau des acteurs" if lang == "fr" else "Actor network")
    m = metrics(at)
    actors, links = ("Acteurs", "Liens") if lang == "fr" else ("Actors", "Links")
    assert _int(m[actors]) == 5000 and _int(m[links]) > 1000
    # the linked actors (all but the isolated) are too many: the drawing keeps the 300 most
    # central ones, and says so
    isolated = _int(m["Acteurs isolés" if lang == "fr" else "Isolated actors"])
    linked = f"{5000 - isolated:,}".replace(",", "\u202f" if lang == "fr" else ",")
    info = " ".join(str(i.value) for i in at.info)
    assert "300" in info and linked in info
    frames = at.get("iframe")
    assert frames, "the drawing is an iframe"
    assert at.radio(key="w_net_color").value == "type"


def test_departement_brokers_in_english_from_the_url():
    at = ok(page_test("pages/reseau.py", {"lang": "en", "terr": "departement:44",
                                          "view": "brokers"}).run())
    assert "Loire" in texts(at)
    table = at.dataframe[0].value
    assert list(table.columns)[:4] == ["Name", "Type", "Municipality", "Degree"]
    betweenness = table.Betweenness.map(lambda s: _num(s, "en"))
    assert betweenness.is_monotonic_decreasing and (betweenness > 0).all()
    assert at.query_params["view"] in ("brokers", ["brokers"])
    assert at.query_params["terr"] in ("departement:44", ["departement:44"])
    assert len(at.get("download_button")) == 2


def test_filters_narrow_the_network_and_the_url_keeps_them():
    at = ok(page_test("pages/reseau.py", {"terr": "region:52"}).run())
    # demo.generate(5000) (pandas on the generator's frame): 283 actors have a commune
    # in Pays de la Loire, 227 of them associations
    assert _int(metrics(at)["Acteurs"]) == 283
    at.sidebar.multiselect(key="w_types").set_value(["association"])
    ok(at.run())
    assert _int(metrics(at)["Acteurs"]) == 227
    assert at.query_params["types"] in ("association", ["association"])
    at.radio(key="w_net_color").set_value("community")
    ok(at.run())
    assert at.query_params["color"] in ("community", ["community"])


def test_communities_and_isolated_views():
    at = ok(page_test("pages/reseau.py", {"view": "communities", "terr": "region:52"}).run())
    table = at.dataframe[0].value
    assert "Domaines dominants" in table.columns and (table.Acteurs.map(_int) >= 3).all()
    assert table["Territoires dominants (Département)"].str.contains("%").all()
    at = ok(page_test("pages/reseau.py", {"view": "isolated", "terr": "region:52"}).run())
    assert len(at.dataframe[0].value) == _int(metrics(at)["Acteurs isolés"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_suggestions_for_an_actor_say_why(lang):
    at = ok(page_test("pages/reseau.py", {"lang": lang, "view": "suggestions",
                                          "sugg": "S-AVISE"}).run())
    assert "Avise" in " ".join(s.value for s in at.subheader)
    table = at.dataframe[0].value
    why = "Pourquoi" if lang == "fr" else "Why"
    assert len(table) > 0 and table[why].str.len().min() > 5
    words = ("commun", "complémentaires", "domaine", "proches") if lang == "fr" else \
        ("common", "complementary", "domain", "nearby")
    assert any(w in " ".join(table[why]) for w in words)
    assert at.query_params["sugg"] in ("S-AVISE", ["S-AVISE"])


def test_suggestions_for_the_territory_and_exports():
    at = ok(page_test("pages/reseau.py", {"view": "suggestions", "terr": "departement:44"}).run())
    table = at.dataframe[0].value
    assert table.Score.map(lambda s: _num(s, "fr")).is_monotonic_decreasing
    at = ok(page_test("pages/reseau.py", {"view": "export"}).run())
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Graphe GEXF", "Graphe GraphML", "Tableaux XLSX"]


def test_network_indicator_in_the_territories_ranking():
    at = ok(page_test("pages/territoires.py", {"view": "ranking", "level": "departement",
                                               "ind": "net_density"}).run())
    assert at.selectbox(key="w_rank_ind").value == "net_density"
    # the sample size beside a rate (issue 17 item 11): a network's density is over its actors
    assert list(at.dataframe[0].value.columns) == ["Rang", "Nom", "Densité du réseau local",
                                                   "Acteurs", "Population", "Code"]


def test_a_territory_without_actors_says_so():
    at = ok(page_test("pages/reseau.py", {"terr": "commune:55039"}).run())
    assert "Aucun acteur dans ce territoire avec ces filtres." in [str(i.value) for i in at.info]
    assert not at.get("iframe")


def test_network_indicator_on_the_map_choropleth():
    at = ok(page_test("pages/carte.py", {"ind": "net_largest_share",
                                         "level": "departement"}).run())
    assert at.selectbox(key="w_map_ind").value == "net_largest_share"
    from ecosystem.analysis import indicators as ind
    assert ind.get("net_largest_share").definition("fr") in texts(at)   # its definition


def test_a_network_too_large_to_analyse_asks_for_a_territory(monkeypatch):
    from ecosystem.analysis import network as net
    monkeypatch.setattr(net, "ANALYSE_MAX", 1_000)  # the demo's 5,000 actors are "too many"
    at = ok(page_test("pages/reseau.py").run())
    info = " ".join(str(i.value) for i in at.info)
    assert "5\u202f000 acteurs" in info and "1\u202f000" in info
    assert not metrics(at) and not at.get("iframe")
    # a département of the demo is small enough: the graph is analysed
    at = ok(page_test("pages/reseau.py", {"terr": "departement:44"}).run())
    assert _int(metrics(at)["Acteurs"]) == 104      # the demo's actors in 44 (pandas)
