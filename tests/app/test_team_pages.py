"""Issue 13's remaining gaps in the app (AppTest): the Modération entry counts the
proposals waiting for those who moderate, read once per run; the Membres page shows
who gave whom which role; a card's history shows labels, not codes."""

import pytest

from ecosystem import access, editing, members, writes
from ecosystem.access import LOCAL_ADMIN
from ecosystem.editing import contributions as contrib
from ecosystem.geo import Geography
from ecosystem.storage.store import Store
from tests import fixtures
from tests.app.pagetest import ok, page_test
from tests.app.test_access_pages import AUTH, app_run

BOB = {"is_logged_in": True, "sub": "sub-bob", "name": "Bob"}        # editor of Obs
CAROL = {"is_logged_in": True, "sub": "sub-carol", "name": "Carol"}  # viewer of Obs
ANN = {"is_logged_in": True, "sub": "sub-ann", "name": "Ann"}        # admin of Obs and Vitrine


@pytest.fixture(scope="module")
def team_db(tmp_path_factory):
    """"Obs" (public; Ann admin, Bob editor, Carol viewer) with 2 proposals waiting and
    1 rejected; "Vitrine" (public; Ann admin) with 1 waiting; "Calme" (Bob editor), none."""
    path = tmp_path_factory.mktemp("team") / "team.duckdb"
    store = Store(path, geo=Geography())
    for name in ("Obs", "Vitrine", "Calme"):
        writes.create(store, LOCAL_ADMIN, name, fixtures.tiny())
    for name in ("Obs", "Vitrine"):
        members.set_visibility(store, LOCAL_ADMIN, name, "public")
        members.grant(store, LOCAL_ADMIN, name, "sub-ann", "admin")
    members.grant(store, LOCAL_ADMIN, "Obs", "sub-bob", "editor")
    members.grant(store, LOCAL_ADMIN, "Obs", "sub-carol", "viewer")
    members.grant(store, LOCAL_ADMIN, "Calme", "sub-bob", "editor")
    new = {"name": "Nouvelle asso", "actor_type": "association", "commune_code": "44109"}
    for i, name in enumerate(["Obs", "Obs", "Obs", "Vitrine"]):
        contrib.propose(store, access.ANONYMOUS, name, f"s{i}", "new", new)
    first = contrib.queue(store, LOCAL_ADMIN, "Obs").id.iloc[0]
    contrib.reject(store, LOCAL_ADMIN, first, "doublon")
    rec = editing.read(store, "Obs", "projects", "P2")
    editing.edit_project(store, LOCAL_ADMIN, "Obs", "P2", {"stage": "experimentation"}, rec.version)
    store.close()
    return path


def _titles(monkeypatch, db, user, inv):
    calls = []
    real_count = contrib.pending_counts
    monkeypatch.setattr(contrib, "pending_counts", lambda store: calls.append(1) or real_count(store))
    at, menus = app_run(db, monkeypatch, user, {"inv": inv},
                        record=lambda page: (page.title, page._visibility))
    return (*menus[-1]["moderation"], len(calls))


@pytest.mark.parametrize("user,inv,title,shown,reads", [
    (BOB, "Obs", "Modération (2)", "visible", 1),      # 3 proposed, 1 rejected
    (BOB, "Calme", "Modération", "visible", 1),        # none waiting there
    (ANN, "Vitrine", "Modération (1)", "visible", 1),
    (CAROL, "Obs", "Modération", "hidden", 0),         # a viewer: no count, no read
    ({"is_logged_in": False}, "Obs", "Modération", "hidden", 0)])
def test_moderation_entry_counts_the_proposals_waiting(team_db, monkeypatch, user, inv, title,
                                                       shown, reads):
    got = _titles(monkeypatch, team_db, user, inv)
    assert got == (title, shown, reads)


def test_moderation_page_names_the_other_inventories_waiting(team_db, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_DB", str(team_db))
    at = page_test("pages/moderation.py", {"inv": "Vitrine"})
    at.secrets["auth"] = AUTH
    at.user = ANN
    at = ok(at.run())
    assert [c.value for c in at.caption][0] == "Propositions en attente dans vos autres inventaires : « Obs » (2)."


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_members_page_shows_who_gave_whom_which_role(team_db, monkeypatch, lang):
    monkeypatch.setenv("ECOSYSTEM_DB", str(team_db))
    at = ok(page_test("pages/membres.py", {"inv": "Obs", "lang": lang}).run())
    log = at.dataframe[-1].value
    if lang == "fr":
        assert list(zip(log["Par"], log["Changement"], log["Membre"], log["Avant"], log["Après"])) == [
            ("local", "Rôle accordé", "sub-carol", "", "lecteur"),
            ("local", "Rôle accordé", "sub-bob", "", "éditeur"),
            ("local", "Rôle accordé", "sub-ann", "", "administrateur"),
            ("local", "Visibilité", "", "privé (membres seulement)", "public")]
    else:
        assert list(log["Change"]) == ["Role granted"] * 3 + ["Visibility"]
        assert list(log["After"]) == ["viewer", "editor", "administrator", "public"]


@pytest.mark.parametrize("lang,before,after", [("fr", "Émergence", "Expérimentation"),
                                               ("en", "Emergence", "Experimentation")])
def test_project_history_shows_the_stages_labels(team_db, monkeypatch, lang, before, after):
    monkeypatch.setenv("ECOSYSTEM_DB", str(team_db))
    at = ok(page_test("pages/projet.py", {"inv": "Obs", "project": "P2", "lang": lang}).run())
    col_before, col_after = ("Avant", "Après") if lang == "fr" else ("Before", "After")
    history = next(df.value for df in at.dataframe if col_before in df.value.columns)
    # newest first: the stage change, then the creation (writes.create logs it)
    assert list(zip(history[col_before], history[col_after])) == [(before, after), ("", "")]
