"""Actor page with AppTest: from the URL, by search, unknown id, both languages."""

import pytest

from tests.app.pagetest import ok, page_test, texts


def test_actor_from_url_shows_seed_organisation():
    at = ok(page_test("pages/acteur.py", {"actor": "S-URIOPSS-PDL"}).run())
    assert at.title[0].value == "URIOPSS Pays de la Loire"
    body = texts(at)
    assert "Nantes" in body and "Pays de la Loire" in body
    assert at.query_params["actor"] == "S-URIOPSS-PDL"
    assert any("Données synthétiques" in str(i.value) for i in at.info)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_actor_page_languages(lang):
    at = ok(page_test("pages/acteur.py", {"actor": "S-AVISE", "lang": lang}).run())
    labels = [m.label for m in at.metric]
    assert labels[0] == ("Projets portés" if lang == "fr" else "Projects led")


def test_search_then_open():
    at = ok(page_test("pages/acteur.py").run())
    at.text_input(key="w_actor_search").set_value("institut godin")
    ok(at.run())
    assert at.selectbox(key="w_actor_pick").value == "S-INSTITUT-GODIN"
    at.button(key="w_actor_open").click()
    ok(at.run())
    assert at.title[0].value == "Institut Godin"


def test_unknown_actor_gives_a_message_not_a_traceback():
    at = ok(page_test("pages/acteur.py", {"actor": "does-not-exist"}).run())
    assert "does-not-exist" in texts(at)


def _order(at) -> list[str]:
    """The page's titles and expanders, in the order the reader sees them."""
    return [f"{type(n).__name__}:{n.label if type(n).__name__ == 'Expander' else n.value}"
            for n in at.main if type(n).__name__ in ("Title", "Expander")]


def test_open_actor_shows_its_name_before_the_search_and_new_actor():
    """The page review: with an actor open, its name came after the search and the
    "Nouvel acteur" sections; the reader looks for the actor first."""
    at = ok(page_test("pages/acteur.py", {"actor": "S-URIOPSS-PDL"}).run())
    assert _order(at)[:3] == ["Title:URIOPSS Pays de la Loire", "Expander:Rechercher un acteur",
                              "Expander:Nouvel acteur"]


def test_without_an_actor_the_search_comes_first():
    at = ok(page_test("pages/acteur.py").run())
    assert _order(at)[0] == "Expander:Rechercher un acteur"
    assert at.expander[0].proto.expanded is True


@pytest.mark.parametrize("lang,head", [("fr", ["Projet", "card", "Rôle"]),
                                       ("en", ["Project", "card", "Role"])])
def test_the_project_card_link_sits_beside_the_title(lang, head):
    """At 1,280 px the projects table scrolls sideways: the link to each project's card
    comes second, beside its title, not after the domains past the frame's edge (the
    ``card`` column is labelled "Fiche" / "Card" by its column configuration)."""
    at = ok(page_test("pages/acteur.py", {"actor": "S-AVISE", "lang": lang}).run())
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == head
