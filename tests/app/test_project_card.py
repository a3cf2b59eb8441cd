"""The project card (pages/projet.py, ``?project=``), AppTest on a copy of
tests/fixtures.tiny(): P2 "Jardin partagé d'Herblain" is led by A2 "Jardins d'Herblain",
at stage "emergence", started 2024, no partner, no funding; P1 "Épicerie solidaire de
Nantes" (lead A1) has partners A3 and A4 and fundings F1 (10 000 €) and F2 (5 000 €)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ecosystem import access, editing, members
from ecosystem.render import safe
from tests.app.pagetest import ok, page_test, texts
from tests.app.test_edit_pages import app_store, tiny_inventory

EVA = access.User("eva", name="Eva Éditrice")
SOMEONE = access.User("someone", name="Someone")


@pytest.fixture
def inv(request):
    with tiny_inventory(f"Test projet {request.node.name}",
                        {"eva": "editor", "someone": "viewer"}) as name:
        yield name


def _stage_change(inv):
    """Eva moves P2 from emergence to experimentation, dated 14 March 2025."""
    store = app_store()
    rec = editing.read(store, inv, "projects", "P2")
    editing.edit_project(store, EVA, inv, "P2", {"stage": "experimentation"}, rec.version,
                         effective=dt.date(2025, 3, 14))


def _history(at, col):
    return next(df.value for df in at.dataframe if col in df.value.columns)


@pytest.mark.parametrize("lang,line,date,field,cols", [
    ("fr", "14 mars 2025 : Émergence → Expérimentation (Eva Éditrice)", "14 mars 2025", "Étape",
     ("Date d'effet", "Qui", "Champ", "Avant", "Après")),
    ("en", "Mar 14, 2025: Emergence → Experimentation (Eva Éditrice)", "Mar 14, 2025", "Stage",
     ("Effective date", "Who", "Field", "Before", "After"))])
def test_stage_change_shows_with_its_date_and_user(inv, lang, line, date, field, cols):
    _stage_change(inv)
    at = ok(page_test("pages/projet.py", {"inv": inv, "project": "P2", "lang": lang},
                      {"user": SOMEONE}).run())
    assert at.title[0].value == "Jardin partagé d'Herblain"
    assert line in texts(at)
    h = _history(at, cols[0])
    # the stages' labels in the reader's language, not their codes (issue 13 gap 4)
    stages = ["Émergence", "Expérimentation"] if lang == "fr" else ["Emergence", "Experimentation"]
    assert h[list(cols)].values.tolist() == [[date, "Eva Éditrice", field, *stages]]


def test_editor_reverts_the_stage_change(inv):
    _stage_change(inv)
    at = ok(page_test("pages/projet.py", {"inv": inv, "project": "P2"}, {"user": EVA}).run())
    assert [t.label for t in at.tabs] == ["Partenaires", "Financements", "Modifier", "Historique"]
    next(b for b in at.button if b.label == "Annuler ce changement").click()
    ok(at.run())
    assert "Changement annulé." in [str(s.value) for s in at.success]
    assert editing.read(app_store(), inv, "projects", "P2").values["stage"] == "emergence"
    assert "Étape : **Émergence**" in texts(at)


def test_editor_changes_the_stage_in_the_cards_form(inv):
    at = ok(page_test("pages/projet.py", {"inv": inv, "project": "P2"}, {"user": EVA}).run())
    at.selectbox(key="w_ed_project_P2_stage").set_value("diffusion")
    at.date_input(key="w_ed_project_P2__date").set_value(dt.date(2026, 1, 5))
    at.button(key="FormSubmitter:w_ed_project_P2-Enregistrer").click()
    ok(at.run())
    assert "Modifications enregistrées." in [str(s.value) for s in at.success]
    assert editing.read(app_store(), inv, "projects", "P2").values["stage"] == "diffusion"
    assert "5 janv. 2026 : Émergence → Diffusion / essaimage (Eva Éditrice)" in texts(at)


def test_viewer_reads_the_card_without_edit_or_revert(inv):
    _stage_change(inv)
    at = ok(page_test("pages/projet.py", {"inv": inv, "project": "P1"}, {"user": SOMEONE}).run())
    assert [t.label for t in at.tabs] == ["Partenaires", "Financements", "Historique"]
    assert "Annuler ce changement" not in [b.label for b in at.button]
    assert re.search(r"Porteur : \[Entraide Nantes\]\(acteur\?[^)]*actor=A1\)", texts(at))
    partners, fundings = at.dataframe[0].value, at.dataframe[1].value
    assert partners["Nom"].tolist() == ["Durand Logistique", "Laboratoire ABC"]
    assert partners["card"].str.replace(r"^acteur\?(.*&)?actor=", "", regex=True).tolist() == ["A3", "A4"]
    assert fundings["Financeur"].tolist() == ["Durand Logistique", "Fonds solidaire Provence"]
    at = ok(page_test("pages/projet.py", {"inv": inv, "project": "P2"}, {"user": SOMEONE}).run())
    assert "Annuler ce changement" not in [b.label for b in at.button]
    assert [str(w.key) for w in at.selectbox if str(w.key).startswith("w_ed_")] == []  # no form, no pick


def test_anonymous_on_aggregates_only_is_refused(inv):
    members.set_visibility(app_store(), access.LOCAL_ADMIN, inv, "public_aggregates")
    at = ok(page_test("pages/projet.py", {"inv": inv, "project": "P1"}, {"user": access.ANONYMOUS}).run())
    body = texts(at)
    assert "Épicerie solidaire" not in body and "Entraide Nantes" not in body
    assert not at.dataframe
    assert [str(i.value) for i in at.info] == [
        "Cette page montre des données d'acteurs : elle n'est pas disponible pour un inventaire "
        "publié en agrégats seulement."]


def test_actor_card_links_its_projects_to_their_cards(inv):
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1"}).run())
    projects = at.dataframe[0].value
    # P2 (partner, started 2024) then P1 (lead, 2021): the list's order, newest first
    assert projects["card"].str.replace(r"^projet\?(.*&)?project=", "", regex=True).tolist() == ["P2", "P1"]


def test_payloads_in_title_and_lead_name_are_inert(inv):
    store = app_store()
    rec = editing.read(store, inv, "projects", "P1")
    editing.edit_project(store, access.LOCAL_ADMIN, inv, "P1",
                         {"title": "<script>alert(1)</script>**Épicerie**"}, rec.version)
    rec = editing.read(store, inv, "actors", "A1")
    editing.edit_actor(store, access.LOCAL_ADMIN, inv, "A1", {"name": "Asso](javascript:alert(1))"},
                       rec.version)
    at = ok(page_test("pages/projet.py", {"inv": inv, "project": "P1"}).run())
    body = texts(at)
    assert re.search(r"(?<!\\)<script", body) is None
    assert at.title[0].value == "\\<script\\>alert(1)\\</script\\>\\*\\*Épicerie\\*\\*"
    # the name is the link's text, escaped: its "](" cannot close the link early
    assert re.search(r"Porteur : \[Asso\\\]\(javascript\u2060\\:alert\(1\)\)\]\(acteur\?[^)]*actor=A1\)", body)


@pytest.mark.parametrize("page,param,title,pick", [
    ("pages/projet.py", "project", "Projet", "Ouvrez un projet depuis la fiche d'un acteur"),
    ("pages/acteur.py", "actor", "Profil d'acteur", "Choisissez un acteur")])
def test_a_card_without_its_record_says_why(inv, page, param, title, pick):
    """Both cards go through one fallback: no id asked → the card's title and how to
    pick one; an id the inventory does not hold → that id named (inert) and the inventory."""
    at = ok(page_test(page, {"inv": inv}).run())
    assert at.title[0].value == title
    assert [i.value for i in at.info if i.value.startswith(pick)] != []
    assert list(at.warning) == []
    hostile = "Z9**<b>x</b>**"
    at = ok(page_test(page, {"inv": inv, param: hostile}).run())
    assert at.title[0].value == title
    (warning,) = [w.value for w in at.warning]
    assert r"« Z9\*\*\<b\>x\</b\>\*\* »" in warning  # Markdown and HTML made inert
    assert f"« {safe.markdown(inv)} »" in warning
