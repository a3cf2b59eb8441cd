"""Editing on the actor card and the moderation page (AppTest, French and English).

Each test works on its own copy of tests/fixtures.tiny() in the app's store: A1 is
"Entraide Nantes" (association, Nantes)."""

from __future__ import annotations

import contextlib
import re

import pytest

from ecosystem import access, editing, members
from ecosystem.editing import contributions as contrib
from ecosystem.storage.store import default_path
from pages import _shell
from tests import fixtures
from tests.app.pagetest import ok, page_test, texts


def app_store():
    return _shell.get_store(str(default_path()), str(_shell.geo_dir()))


@contextlib.contextmanager
def tiny_inventory(name: str, roles: dict[str, str]):
    """A fresh copy of fixtures.tiny() named ``name`` in the app's store, ``roles``
    ({user id: role}) granted by the local administrator; deleted afterwards."""
    store = app_store()
    name = name[:80]
    if store.exists(name):
        store.delete(name)
    store.create(name, fixtures.tiny())
    for user_id, role in roles.items():
        members.grant(store, access.LOCAL_ADMIN, name, user_id, role)
    try:
        yield name
    finally:
        store.delete(name)


@pytest.fixture
def inv(request):
    with tiny_inventory(f"Test édition {request.node.name}", {"someone": "viewer"}) as name:
        yield name  # "Someone" below


def _submit(at, label):
    return next(b for b in at.button if b.label == label)


def _tables(at) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


@pytest.mark.parametrize("lang,save,saved,before_col", [
    ("fr", "Enregistrer", "Modifications enregistrées.", "Avant"),
    ("en", "Save", "Changes saved.", "Before")])
def test_edit_form_saves_and_history_shows_it(inv, lang, save, saved, before_col):
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1", "lang": lang}).run())
    assert [t.label for t in at.tabs][-2:] == (["Modifier", "Historique"] if lang == "fr"
                                               else ["Edit", "History"])
    at.text_input(key="w_ed_actor_A1_name").set_value("Entraide Nantaise")
    at.text_input(key="w_ed_actor_A1_volunteers").set_value("12")
    _submit(at, save).click()
    ok(at.run())
    assert saved in [str(s.value) for s in at.success]
    assert at.title[0].value == "Entraide Nantaise"
    rec = editing.read(app_store(), inv, "actors", "A1").values
    assert (rec["name"], rec["volunteers"]) == ("Entraide Nantaise", "12")
    history = next(df.value for df in at.dataframe if before_col in df.value.columns)
    assert sorted(history[before_col]) == ["", "Entraide Nantes"]


def test_invalid_value_names_field_and_reason(inv):
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1"}).run())
    at.text_input(key="w_ed_actor_A1_siren").set_value("123456789")
    _submit(at, "Enregistrer").click()
    ok(at.run())
    errors = " ".join(str(e.value) for e in at.error)
    assert "Enregistrement refusé" in errors and "SIREN : « 123456789 »" in errors
    assert editing.read(app_store(), inv, "actors", "A1").values["siren"] is None


def test_concurrent_edit_refused_in_the_form(inv):
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1"}).run())
    # someone else saves the same actor after this form was opened
    rec = editing.read(app_store(), inv, "actors", "A1")
    editing.edit_actor(app_store(), access.LOCAL_ADMIN, inv, "A1", {"city": "Nantes"}, rec.version)
    at.text_input(key="w_ed_actor_A1_city").set_value("Rezé")
    _submit(at, "Enregistrer").click()
    ok(at.run())
    assert any("a changé depuis que vous l'avez ouverte" in str(e.value) for e in at.error)
    assert editing.read(app_store(), inv, "actors", "A1").values["city"] == "Nantes"
    next(b for b in at.button if b.label == "Recharger la fiche").click()
    ok(at.run())
    assert at.text_input(key="w_ed_actor_A1_city").value == "Nantes"


def test_revert_from_the_history_tab(inv):
    store = app_store()
    rec = editing.read(store, inv, "actors", "A2")
    editing.edit_actor(store, access.LOCAL_ADMIN, inv, "A2", {"name": "Jardins d'Herblain 2"}, rec.version)
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A2"}).run())
    next(b for b in at.button if b.label == "Annuler ce changement").click()
    ok(at.run())
    assert "Changement annulé." in [str(s.value) for s in at.success]
    assert editing.read(store, inv, "actors", "A2").values["name"] == "Jardins d'Herblain"


def test_viewer_sees_no_edit_tab(inv):
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1"},
                      {"user": access.User("someone", name="Someone")}).run())
    assert [t.label for t in at.tabs][-1] == "Historique"
    assert "Modifier" not in [t.label for t in at.tabs]


XSS_NAME = "<script>alert('x')</script>Asso"
XSS_MESSAGE = "**gras** <img src=x onerror=alert(1)> [lien](javascript:alert(1))"


@pytest.mark.parametrize("lang,accept,accepted", [("fr", "Accepter", "Proposition acceptée."),
                                                  ("en", "Accept", "Proposal accepted.")])
def test_moderation_accept_and_payloads_inert(inv, lang, accept, accepted):
    store = app_store()
    members.set_visibility(store, access.LOCAL_ADMIN, inv, "public")
    pid = contrib.propose(store, access.ANONYMOUS, inv, "s-test", "new",
                          {"name": XSS_NAME, "actor_type": "association", "commune_code": "44109"},
                          message=XSS_MESSAGE)
    at = ok(page_test("pages/moderation.py", {"inv": inv, "lang": lang}).run())
    body = texts(at)
    # every tag and Markdown mark arrives escaped (shown as typed, never run)
    assert re.search(r"(?<!\\)<(img|script)", body) is None
    assert "\\<img src=x onerror=alert(1)\\>" in body
    assert "\\*\\*gras\\*\\*" in body
    assert XSS_NAME in _tables(at)  # dataframes show text as text
    _submit(at, accept).click()
    ok(at.run())
    assert accepted in [str(s.value) for s in at.success]
    p = contrib.get(store, pid)
    assert p["status"] == "accepted"
    assert editing.read(store, inv, "actors", p["result_id"]).values["name"] == XSS_NAME


def test_moderation_reject_with_reason(inv):
    store = app_store()
    members.set_visibility(store, access.LOCAL_ADMIN, inv, "public")
    pid = contrib.propose(store, access.ANONYMOUS, inv, "s-test", "report", {"city": "Nantes"},
                          record_id="A1", message="ville manquante")
    at = ok(page_test("pages/moderation.py", {"inv": inv}).run())
    assert "Signalement sur Entraide Nantes" in at.selectbox(key="w_mod_pick").format_func(pid)
    next(b for b in at.button if b.label == "Refuser").click()
    ok(at.run())
    assert any("raison du refus" in str(e.value) for e in at.error)
    at.text_input(key=f"w_mod_reason_{pid}").set_value("déjà corrigé")
    next(b for b in at.button if b.label == "Refuser").click()
    ok(at.run())
    assert contrib.get(store, pid)["reason"] == "déjà corrigé"
    assert "Aucune proposition en attente." in texts(at)


def test_moderation_refused_to_viewers(inv):
    at = ok(page_test("pages/moderation.py", {"inv": inv},
                      {"user": access.User("someone", name="Someone")}).run())
    assert "La modération est réservée aux éditeurs de l'inventaire." in texts(at)


def test_visitor_reports_an_error_on_a_public_card(inv):
    store = app_store()
    members.set_visibility(store, access.LOCAL_ADMIN, inv, "public")
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1"}, {"user": access.ANONYMOUS}).run())
    assert "Modifier" not in [t.label for t in at.tabs]
    at.text_input(key="w_contrib_report_city").set_value("Nantes")
    at.text_area(key="w_contrib_report__message").set_value("La ville manque")
    at.button(key="FormSubmitter:w_contrib_report-Envoyer").click()
    ok(at.run())
    assert [str(e.value) for e in at.error] == []
    q = contrib.queue(store, access.LOCAL_ADMIN, inv)
    assert list(q.kind) == ["report"] and list(q.record_id) == ["A1"]
    assert contrib.get(store, q.id[0])["fields"] == {"city": "Nantes"}
    assert editing.read(store, inv, "actors", "A1").values["city"] is None


def test_add_a_membership_from_the_card(inv):
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A3"}).run())
    at.selectbox(key="w_ed_link_kind").set_value("memberships")
    ok(at.run())
    at.text_input(key="w_ed_link_memberships_network_id").set_value("A9")
    at.text_input(key="w_ed_link_memberships_since_year").set_value("2021")
    at.button(key="FormSubmitter:w_ed_link_memberships-Ajouter").click()
    ok(at.run())
    assert [str(e.value) for e in at.error] == []
    rec = editing.read(app_store(), inv, "memberships", ("A3", "A9"))
    assert (rec.values["actor_id"], rec.values["network_id"], rec.values["since_year"]) == ("A3", "A9", "2021")


def test_add_a_partner_to_an_unknown_project_is_refused(inv):
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A3"}).run())
    at.text_input(key="w_ed_link_partners_project_id").set_value("P99")
    at.selectbox(key="w_ed_link_partners_role").set_value("operational")
    at.button(key="FormSubmitter:w_ed_link_partners-Ajouter").click()
    ok(at.run())
    errors = " ".join(str(e.value) for e in at.error)
    assert "Projet (identifiant) : « P99 »" in errors



def _open_link(at, kind, record_id):
    at.selectbox(key="w_ed_links_pick").set_value(f"{kind}\x1e{record_id}")
    return ok(at.run())


def test_links_listed_and_a_partner_removed(inv):
    from pages._edit_links import row_prefix
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1"}).run())
    # A1: partner of P2, member of A9, declared partner of A3, lead of P1 (funded by F1, F2)
    assert at.selectbox(key="w_ed_links_pick").options == [
        "Partenaire d'un projet : Jardin partagé d'Herblain",
        "Adhésion à un réseau : Réseau Solidaire Ligérien",
        "Partenariat déclaré : Durand Logistique",
        "Financement : Épicerie solidaire de Nantes ↔ Fonds solidaire Provence — 10\u202f000\u00a0€",
        "Financement : Épicerie solidaire de Nantes ↔ Durand Logistique — 5\u202f000\u00a0€"]
    at = _open_link(at, "partners", "P2\x1fA1")
    prefix = row_prefix("partners", "P2\x1fA1")
    assert at.text_input(key=f"{prefix}_project_id").value == "P2"
    assert at.selectbox(key=f"{prefix}_role").value == "operational"
    at.button(key=f"FormSubmitter:{prefix}-Supprimer ce lien").click()
    ok(at.run())
    assert "Lien supprimé." in [str(s.value) for s in at.success]
    assert editing.read(app_store(), inv, "partners", ("P2", "A1")) is None
    assert list(editing.history(app_store(), inv, "partners", ("P2", "A1")).op) == ["delete"]
    assert "Partenaire d'un projet : Jardin partagé d'Herblain" not in \
        at.selectbox(key="w_ed_links_pick").options


def test_edit_a_funding_and_move_a_membership_from_the_card(inv):
    from pages._edit_links import row_prefix
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1", "lang": "en"}).run())
    at = _open_link(at, "fundings", "F2")
    prefix = row_prefix("fundings", "F2")
    at.text_input(key=f"{prefix}_amount_eur").set_value("7500")
    at.button(key=f"FormSubmitter:{prefix}-Save").click()
    ok(at.run())
    assert "Changes saved." in [str(s.value) for s in at.success]
    assert editing.read(app_store(), inv, "fundings", "F2").values["amount_eur"] == "7500.0"
    # A1 leaves network A9 for A4's network: the key changes, one change set
    at = _open_link(at, "memberships", "A1\x1fA9")
    prefix = row_prefix("memberships", "A1\x1fA9")
    at.text_input(key=f"{prefix}_network_id").set_value("A4")
    at.button(key=f"FormSubmitter:{prefix}-Save").click()
    ok(at.run())
    assert [str(e.value) for e in at.error] == []
    store = app_store()
    assert editing.read(store, inv, "memberships", ("A1", "A9")) is None
    assert editing.read(store, inv, "memberships", ("A1", "A4")).values["since_year"] == "2018"


def test_link_changed_or_removed_since_opened_is_refused_in_the_form(inv):
    from pages._edit_links import row_prefix
    store = app_store()
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1"}).run())
    at = _open_link(at, "partnerships", "A1\x1fA3")
    prefix = row_prefix("partnerships", "A1\x1fA3")
    # someone else changes its year meanwhile: this save is refused, theirs kept
    editing.edit(store, access.LOCAL_ADMIN, inv, "partnerships",
                 {"actor_id_a": "A1", "actor_id_b": "A3", "since_year": 2021},
                 editing.read(store, inv, "partnerships", ("A1", "A3")).version)
    at.text_input(key=f"{prefix}_since_year").set_value("2019")
    at.button(key=f"FormSubmitter:{prefix}-Enregistrer").click()
    ok(at.run())
    assert any("a changé depuis que vous l'avez ouverte" in str(e.value) for e in at.error)
    assert editing.read(store, inv, "partnerships", ("A1", "A3")).values["since_year"] == "2021"
    next(b for b in at.button if b.label == "Recharger la fiche").click()
    ok(at.run())
    at = _open_link(at, "partnerships", "A1\x1fA3")
    assert at.text_input(key=f"{prefix}_since_year").value == "2021"
    # then someone removes it: the form says so and never brings it back
    editing.remove(store, access.LOCAL_ADMIN, inv, "partnerships", ("A1", "A3"),
                   editing.read(store, inv, "partnerships", ("A1", "A3")).version)
    at.button(key=f"FormSubmitter:{prefix}-Enregistrer").click()
    ok(at.run())
    assert [str(e.value) for e in at.error] == [
        "Ce lien a été supprimé depuis que vous l'avez ouvert : rien n'a été enregistré."]
    assert editing.read(store, inv, "partnerships", ("A1", "A3")) is None
    assert "Partenariat déclaré : Durand Logistique" not in at.selectbox(key="w_ed_links_pick").options


def test_viewer_history_tab_hides_personal_values(inv):
    store = app_store()
    rec = editing.read(store, inv, "actors", "A3")
    editing.edit_actor(store, access.LOCAL_ADMIN, inv, "A3",
                       {"contact_email": "paul.martin@example.org", "city": "Nantes"}, rec.version)
    viewer = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A3"},
                          {"user": access.User("someone", name="Someone")}).run())
    assert "Nantes" in _tables(viewer) and "paul.martin@example.org" not in _tables(viewer)
    admin = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A3"}).run())
    assert "paul.martin@example.org" in _tables(admin)


def test_a_removed_link_shows_in_the_actors_history_and_is_undone_there(inv):
    store = app_store()
    editing.remove(store, access.LOCAL_ADMIN, inv, "partners", ("P2", "A1"),
                   editing.read(store, inv, "partners", ("P2", "A1")).version)
    at = ok(page_test("pages/acteur.py", {"inv": inv, "actor": "A1"}).run())
    history = next(df.value for df in at.dataframe if "Lien" in df.value.columns)
    assert list(zip(history["Champ"], history["Lien"])) == [
        ("suppression de la fiche", "Partenaire d'un projet (P2 / A1)")]
    next(b for b in at.button if b.label == "Annuler ce changement").click()
    ok(at.run())
    assert "Changement annulé." in [str(s.value) for s in at.success]
    assert editing.read(store, inv, "partners", ("P2", "A1")).values["role"] == "operational"
