"""Sign-in, listing and aggregates-only mode in the app (AppTest): local mode with no
``[auth]`` secrets; with ``[auth]``, anonymous visitors and signed-in members
(``AppTest.user`` stands for ``st.user``; the real provider is in
tests/e2e/test_signin_browser.py)."""

import pytest

from ecosystem import members, writes
from ecosystem.access import LOCAL_ADMIN
from ecosystem.geo import Geography
from ecosystem.storage.store import Store
from tests import fixtures
from tests.app.pagetest import ok, page_test, texts

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "eco", "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
CAROL = {"is_logged_in": True, "sub": "sub-carol", "name": "Carol", "email": "carol@example.org"}
BOB = {"is_logged_in": True, "sub": "sub-bob", "name": "Bob"}


@pytest.fixture(scope="module")
def access_db(tmp_path_factory):
    """"Privé" (private; Carol viewer, Bob editor) and "Vitrine" (public, aggregates
    only; Ann its administrator)."""
    path = tmp_path_factory.mktemp("access") / "access.duckdb"
    store = Store(path, geo=Geography())
    writes.create(store, LOCAL_ADMIN, "Privé", fixtures.tiny())
    writes.create(store, LOCAL_ADMIN, "Vitrine", fixtures.tiny())
    members.grant(store, LOCAL_ADMIN, "Privé", "sub-carol", "viewer")
    members.grant(store, LOCAL_ADMIN, "Privé", "sub-bob", "editor")
    members.set_visibility(store, LOCAL_ADMIN, "Vitrine", "public_aggregates")
    members.grant(store, LOCAL_ADMIN, "Vitrine", "sub-ann", "admin")
    store.close()
    return path


def run(page, db, monkeypatch, user=None, params=None):
    monkeypatch.setenv("ECOSYSTEM_DB", str(db))
    at = page_test(page, params)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    return at.run()


def sidebar_markdown(at) -> str:
    return "\n".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption])


def inventory_options(at) -> list[str]:
    return list(at.sidebar.selectbox(key="w_inv").options)


def test_local_mode_lists_everything_with_a_badge(access_db, monkeypatch):
    at = ok(run("pages/accueil.py", access_db, monkeypatch))
    assert inventory_options(at) == ["Privé", "Vitrine"]
    assert "Mode local" in sidebar_markdown(at)


def test_anonymous_sees_only_the_public_inventory_as_aggregates(access_db, monkeypatch):
    at = ok(run("pages/accueil.py", access_db, monkeypatch, user={"is_logged_in": False}))
    assert inventory_options(at) == ["Vitrine"]
    assert "agrégats seulement" in "\n".join(c.value for c in at.sidebar.caption)
    assert [b.label for b in at.sidebar.button if b.key == "w_login"] == ["Se connecter"]
    assert "Mode local" not in sidebar_markdown(at)  # sign-in is configured


@pytest.mark.parametrize("page", ["pages/acteur.py", "pages/reseau.py"])
def test_anonymous_gets_no_actor_record(access_db, monkeypatch, page):
    at = ok(run(page, access_db, monkeypatch, user={"is_logged_in": False},
                params={"actor": "A1"}))
    assert "pas disponible pour un inventaire publié en agrégats seulement" in texts(at)
    assert "Entraide Nantes" not in texts(at)
    assert not at.dataframe


def test_anonymous_territory_page_has_no_top_lists(access_db, monkeypatch):
    at = ok(run("pages/territoires.py", access_db, monkeypatch, user={"is_logged_in": False},
                params={"terr": "departement:44"}))
    shown = texts(at) + "".join(df.value.to_string() for df in at.dataframe)
    assert "Entraide Nantes" not in shown and "Durand Logistique" not in shown
    assert at.metric  # the territory's figures are there


def test_anonymous_cannot_import(access_db, monkeypatch):
    at = ok(run("pages/importer.py", access_db, monkeypatch, user={"is_logged_in": False}))
    assert "Vous ne pouvez pas importer" in texts(at)
    assert not at.get("file_uploader")


def test_viewer_lists_her_inventory_and_reads_records(access_db, monkeypatch):
    at = ok(run("pages/acteur.py", access_db, monkeypatch, user=CAROL,
                params={"inv": "Privé", "actor": "A1"}))
    assert inventory_options(at) == ["Privé", "Vitrine"]
    assert "Entraide Nantes" in texts(at)
    assert "Connecté : Carol" in "\n".join(c.value for c in at.sidebar.caption)


def test_viewer_importer_offers_no_inventory_of_hers(access_db, monkeypatch):
    at = ok(run("pages/importer.py", access_db, monkeypatch, user=CAROL, params={"inv": "Privé"}))
    assert at.get("file_uploader")  # she may still create an inventory of her own


ACTORS_CSV = b"actor_id;name;actor_type;commune_code;source\nX1;Entraide;association;44109;t\n"


@pytest.mark.parametrize("user,offered", [(CAROL, None), (BOB, ["Privé"])])
def test_importing_into_an_existing_inventory_says_who_may(access_db, monkeypatch, user,
                                                          offered):
    """Carol (viewer of "Privé") asks for an existing inventory: she is told she may
    import into none and to create one (no empty picker); Bob (editor) picks "Privé"."""
    at = ok(run("pages/importer.py", access_db, monkeypatch, user=user,
                params={"inv": "Privé", "imp_target_mode": "existing"}))
    at.file_uploader[0].set_value(("acteurs.csv", ACTORS_CSV, "text/csv"))
    ok(at.run())
    at.radio(key="imp_target_mode").set_value("existing")
    ok(at.run())
    picks = [s for s in at.selectbox if s.key == "imp_target_pick"]
    if offered is None:
        assert not picks
        assert [w.value for w in at.warning] == [
            "Vous ne pouvez importer dans aucun inventaire existant (rôle éditeur ou "
            "administrateur requis) : importez dans « un nouvel inventaire »."]
    else:
        assert list(picks[0].options) == offered
        assert not at.warning
    assert at.button(key="imp_analyse").disabled is (offered is None)


def test_members_page_for_admins_only(access_db, monkeypatch):
    at = ok(run("pages/membres.py", access_db, monkeypatch, user=CAROL, params={"inv": "Privé"}))
    assert "Seuls les administrateurs" in texts(at)
    at = ok(run("pages/membres.py", access_db, monkeypatch, params={"inv": "Privé"}))
    table = at.dataframe[0].value
    assert sorted(table["Utilisateur"]) == ["sub-bob", "sub-carol"]
    assert sorted(table["Rôle"]) == ["lecteur", "éditeur"]


def test_anonymous_map_offers_no_actor_layer(access_db, monkeypatch):
    at = ok(run("pages/carte.py", access_db, monkeypatch, user={"is_logged_in": False},
                params={"layers": "points,lines,funders"}))
    # the year switch (issue 14) is not an actor layer
    assert [t.key for t in at.toggle] == ["w_map_tiles", "w_map_asof"]
    at = ok(run("pages/carte.py", access_db, monkeypatch, params={"inv": "Vitrine"}))
    assert sorted(t.key for t in at.toggle) == ["w_map_asof", "w_map_funders", "w_map_lines",
                                                "w_map_points", "w_map_tiles"]


ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def app_run(db, monkeypatch, user=None, params=None, record=lambda page: page._visibility):
    """app.py itself (its menu), with the pages st.navigation got, each as ``record``
    reads it (by default its visibility in the menu)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    menus = []
    real = st.navigation

    def navigation(pages, **kw):
        menus.append({p.url_path: record(p) for p in pages})
        return real(pages, **kw)

    monkeypatch.setattr(st, "navigation", navigation)
    monkeypatch.setenv("ECOSYSTEM_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    return ok(at.run()), menus


@pytest.mark.parametrize("user,shown,moderation", [
    (None, "visible", "visible"),                   # local mode: administrator of everything
    ({"is_logged_in": True, "sub": "sub-ann", "name": "Ann"}, "visible", "visible"),  # admin of Vitrine
    ({"is_logged_in": True, "sub": "sub-bob", "name": "Bob"}, "hidden", "visible"),   # editor of Privé
    (CAROL, "hidden", "hidden"),                    # viewer of Privé
    ({"is_logged_in": False}, "hidden", "hidden")])  # anonymous
def test_members_menu_entry_for_inventory_admins_only(access_db, monkeypatch, user, shown,
                                                      moderation):
    at, menus = app_run(access_db, monkeypatch, user)
    assert menus[-1]["membres"] == shown
    assert menus[-1]["moderation"] == moderation  # editors moderate contributions
    assert menus[-1]["carte"] == "visible" and len(menus[-1]) == 14
    # the journal: for readers of records (the anonymous visitor sees Vitrine as aggregates only)
    assert menus[-1]["journal"] == ("hidden" if user == {"is_logged_in": False} else "visible")
    assert menus[-1]["projet"] == "hidden"  # the project card: reached from links, never in the menu


def test_members_page_opened_by_url_still_refuses_a_viewer(access_db, monkeypatch):
    at, menus = app_run(access_db, monkeypatch, CAROL, {"inv": "Privé"})
    assert menus[-1]["membres"] == "hidden"
    ok(at.switch_page("pages/membres.py").run())
    assert "Seuls les administrateurs" in texts(at)
    assert not at.dataframe and not at.get("text_input")


@pytest.mark.parametrize("user,wanted,shown", [
    ({"is_logged_in": False}, "Privé", "Vitrine"),        # exists, not readable
    ({"is_logged_in": False}, "Nulle part", "Vitrine"),   # does not exist
    (CAROL, "Nulle part", "Privé"),
    ({"is_logged_in": True, "sub": "sub-ann", "name": "Ann"}, "Privé", "Vitrine")])
def test_a_url_to_an_unknown_or_private_inventory_gets_one_answer(access_db, monkeypatch, user,
                                                                  wanted, shown):
    at = ok(run("pages/accueil.py", access_db, monkeypatch, user=user, params={"inv": wanted}))
    # the same words whether it exists or not; only an inventory the user may read is shown
    assert [e.value for e in at.error] == [
        f"L'inventaire « {wanted} » n'existe pas ou ne vous est pas accessible : "
        f"l'inventaire « {shown} » est affiché à la place."]
    assert at.sidebar.selectbox(key="w_inv").value == shown
    assert wanted not in inventory_options(at)
    assert at.metric  # the readable inventory's figures


@pytest.fixture
def store_reads(monkeypatch):
    """Counts of the store's reads of a user's roles and of the visibilities."""
    calls = {"member_roles": 0, "visibilities": 0}
    for name in calls:
        real = getattr(Store, name)

        def spy(self, *a, _real=real, _name=name, **kw):
            calls[_name] += 1
            return _real(self, *a, **kw)

        monkeypatch.setattr(Store, name, spy)
    return calls


def test_one_run_of_the_app_reads_the_users_inventories_once(access_db, monkeypatch,
                                                             store_reads):
    """The sidebar's list and the Membres and Modération menu entries come from one
    read of the user's roles and of the visibilities per run (three before)."""
    at, menus = app_run(access_db, monkeypatch, BOB, {"inv": "Privé"})
    assert store_reads == {"member_roles": 1, "visibilities": 1}
    assert menus[-1]["moderation"] == "visible" and menus[-1]["membres"] == "hidden"


def test_the_importer_reuses_the_runs_inventories(access_db, monkeypatch, store_reads):
    """The shell (sidebar) and the Importer's targets: one read (two before)."""
    at = ok(run("pages/importer.py", access_db, monkeypatch, user=BOB, params={"inv": "Privé"}))
    assert at.get("file_uploader")  # Bob may import: the page went past its check
    assert store_reads == {"member_roles": 1, "visibilities": 1}


def test_anonymous_may_propose_an_actor_on_an_aggregates_only_inventory(access_db, monkeypatch):
    """The domain accepts proposals on a public inventory published as aggregates only
    (tests/test_contributions.py); the Acteur page offers the form there too, and no
    card: the proposal goes to the moderation queue, nothing is shown of the records."""
    at = ok(run("pages/acteur.py", access_db, monkeypatch, user={"is_logged_in": False},
                params={"inv": "Vitrine"}))
    assert "pas disponible pour un inventaire publié en agrégats seulement" in texts(at)
    assert [e.label for e in at.expander] == ["Proposer un nouvel acteur"]
    at.text_input(key="w_contrib_new_name").set_value("Asso proposée")
    at.selectbox(key="w_contrib_new_actor_type").set_value("association")
    ok(at.button[0].click().run())  # the form's only button: Envoyer
    store = at.session_state["_ctx"].store
    assert list(store.query("SELECT payload FROM proposals").payload) == [
        '{"name": "Asso proposée", "actor_type": "association"}']


@pytest.mark.parametrize("user,manager", [(None, True),  # local mode
                                          ({"is_logged_in": True, "sub": "sub-ann", "name": "Ann"}, True),
                                          (BOB, False), (CAROL, False),
                                          ({"is_logged_in": False}, False)])
def test_only_administrators_are_offered_to_add_a_zoning(access_db, monkeypatch, user, manager):
    """Zonings are shared by every inventory: the domain lets administrators (of at least
    one inventory) add, rename and delete them (writes._require_zonings). The others
    were offered the upload — a file of up to 200 MB read and validated for anonymous
    visitors — and refused only at the save."""
    at = ok(run("pages/zonages.py", access_db, monkeypatch, user=user))
    assert bool(at.get("file_uploader")) is manager
    note = "Seuls les administrateurs d'un inventaire ajoutent, renomment ou suppriment des zonages."
    assert (note in texts(at)) is not manager


@pytest.mark.parametrize("page,hidden", [("pages/territoires.py", 2), ("pages/grille.py", 1)])
def test_aggregates_only_lists_say_they_are_hidden_not_empty(access_db, monkeypatch, page,
                                                             hidden):
    """The top actors and projects (Territoires) and the scores per project (Grille) of an
    aggregates-only inventory were announced as "no data for these filters"."""
    at = ok(run(page, access_db, monkeypatch, user={"is_logged_in": False}))
    infos = [str(i.value) for i in at.info]
    assert "Aucune donnée pour ces filtres." not in infos
    assert infos.count("Non affiché : l'inventaire est publié en agrégats seulement "
                       "(aucune liste d'acteurs ni de projets).") == hidden
