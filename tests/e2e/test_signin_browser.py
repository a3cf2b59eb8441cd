"""Sign-in with a real OpenID Connect provider (oidc-provider-mock, on localhost) and
the app's own ``st.login``: administrator, editor, viewer and an anonymous visitor,
each in a fresh browser context; what each is listed and shown, and that the viewer
cannot import. Screenshots: tests/artifacts/signin_<role>*.png."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ecosystem import members, writes
from ecosystem.access import LOCAL_ADMIN
from ecosystem.geo import Geography
from ecosystem.storage.store import Store
from tests import fixtures
from tests.conftest import ROOT, AppServer, _free_port, screenshot, wait_drawn, wait_idle

pytestmark = pytest.mark.e2e

PEOPLE = {  # role -> (sub, claims)
    "admin": ("sub-alice", {"name": "Alice Admin", "email": "alice@example.org",
                            "email_verified": True}),
    "editor": ("sub-bob", {"name": "Bob Editor", "email": "bob@example.org",
                           "email_verified": True}),
    "viewer": ("sub-carol", {"name": "Carol Viewer", "email": "carol@example.org",
                             "email_verified": True}),
}
SECRET_NAME = "Entraide Nantes"  # an actor of tiny(): a record, never shown as aggregates


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=sub, claims=claims) for sub, claims in PEOPLE.values()]
    with run_server_in_thread(port=_free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signin_app(provider, tmp_path_factory):
    """The app with ``[auth]`` pointing at the provider, in a working directory of its
    own (its .streamlit/ holds the project's config and the test's secrets), on a
    store with "Privé" (private: Alice admin, Bob editor, Carol viewer) and "Vitrine"
    (public, aggregates only)."""
    work = tmp_path_factory.mktemp("signin")
    db = work / "signin.duckdb"
    store = Store(db, geo=Geography())
    writes.create(store, LOCAL_ADMIN, "Privé", fixtures.tiny())
    writes.create(store, LOCAL_ADMIN, "Vitrine", fixtures.tiny())
    members.grant(store, LOCAL_ADMIN, "Privé", "sub-alice", "admin")
    members.grant(store, LOCAL_ADMIN, "Privé", "sub-bob", "editor")
    members.grant(store, LOCAL_ADMIN, "Privé", "carol@example.org", "viewer")  # by e-mail
    members.set_visibility(store, LOCAL_ADMIN, "Vitrine", "public_aggregates")
    store.close()
    (work / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", work / ".streamlit" / "config.toml")
    port = _free_port()
    (work / ".streamlit" / "secrets.toml").write_text(f"""[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "test-cookie-secret-0123456789abcdef"
client_id = "ecosysteme"
client_secret = "test-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    server = AppServer(db, cwd=work, port=port)
    yield server
    server.stop()


def page_for(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="fr-FR")
    external: list[str] = []

    def route(r):
        if r.request.url.startswith(("http://localhost", "http://127.0.0.1", "ws://", "data:",
                                     "blob:", "about:")):
            return r.continue_()
        external.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    return context, context.new_page(), external


def sign_in(page, app, role: str) -> None:
    page.goto(app.url)
    wait_idle(page)
    page.get_by_role("button", name="Se connecter").click()
    sub = PEOPLE[role][0]
    page.locator(f'button[name="sub"][value="{sub}"]').click()  # the provider's page
    page.wait_for_url(f"{app.url}/**", timeout=60_000)
    wait_idle(page)
    page.get_by_text(f"Connecté : {PEOPLE[role][1]['name']}").wait_for(timeout=30_000)


def listed(page) -> list[str]:
    """The inventories of the sidebar's picker."""
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    options = page.locator('[role="option"]').all_inner_texts()
    page.keyboard.press("Escape")
    return [o.strip() for o in options]


def frames_text(page) -> str:
    return "\n".join(f.content() for f in page.frames)


@pytest.mark.parametrize("role,expected", [("admin", ["Privé", "Vitrine"]),
                                           ("editor", ["Privé", "Vitrine"]),
                                           ("viewer", ["Privé", "Vitrine"])])
def test_members_sign_in_and_see_their_inventories(browser, signin_app, role, expected):
    context, page, external = page_for(browser)
    try:
        sign_in(page, signin_app, role)
        external.clear()  # the provider's own sign-in page loads a stylesheet from a CDN
        assert listed(page) == expected
        # the Membres entry is in the menu of administrators only (issue 13)
        menu = page.locator('[data-testid="stSidebarNav"]')
        menu.get_by_role("link", name="Carte", exact=True).wait_for()
        assert menu.get_by_role("link", name="Membres", exact=True).count() == (role == "admin")
        page.goto(f"{signin_app.url}/acteur?inv=Priv%C3%A9&actor=A1")
        wait_idle(page)
        page.get_by_text(SECRET_NAME).first.wait_for(timeout=30_000)
        screenshot(page, f"signin_{role}_card")
        page.goto(f"{signin_app.url}/membres?inv=Priv%C3%A9")
        wait_idle(page)
        body = page.locator('[data-testid="stMain"]').inner_text()
        if role == "admin":
            assert "Membres de « Privé »" in body and "Ajouter ou changer le rôle" in body
        else:
            assert "Seuls les administrateurs" in body
        screenshot(page, f"signin_{role}_members")
        assert external == []
    finally:
        context.close()


def test_anonymous_sees_aggregates_only(browser, signin_app):
    context, page, external = page_for(browser)
    try:
        page.goto(signin_app.url)
        wait_idle(page)
        assert listed(page) == ["Vitrine"]
        page.get_by_text("agrégats seulement").first.wait_for()
        screenshot(page, "signin_anonymous_home")
        page.goto(f"{signin_app.url}/carte?inv=Vitrine")
        wait_drawn(page)  # the map frame draws after the script
        assert SECRET_NAME not in frames_text(page)
        screenshot(page, "signin_anonymous_map")
        for path in ("acteur?inv=Vitrine&actor=A1", "reseau?inv=Vitrine"):
            page.goto(f"{signin_app.url}/{path}")
            wait_idle(page)
            page.get_by_text("agrégats seulement", exact=False).first.wait_for()
            assert SECRET_NAME not in frames_text(page)
        screenshot(page, "signin_anonymous_card_refused")
        page.goto(f"{signin_app.url}/?inv=Priv%C3%A9")
        wait_idle(page)
        page.get_by_text("L'inventaire « Privé » n'existe pas ou ne vous est pas accessible").wait_for()
        assert SECRET_NAME not in frames_text(page)
        page.goto(f"{signin_app.url}/importer?inv=Vitrine")
        wait_idle(page)
        page.get_by_text("Vous ne pouvez pas importer").wait_for()
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        screenshot(page, "signin_anonymous_importer")
        assert external == []
    finally:
        context.close()


@pytest.mark.parametrize("role,offered", [("viewer", False), ("editor", True)])
def test_only_editors_may_import_into_the_inventory(browser, signin_app, tmp_path, role, offered):
    """Carol (viewer of "Privé") opens the Importer with the inventory in the URL and
    uploads a file: asked for an existing inventory, she is told she may import into
    none (no picker; the domain refuses the save all the same: tests/test_access.py);
    Bob (editor) is offered "Privé". Each waits on what that user sees once the run is
    over: the refusal, or the picker."""
    context, page, _ = page_for(browser)
    src = tmp_path / "acteurs.csv"
    src.write_text("actor_id;name;actor_type;commune_code;source\nX1;Entraide;association;44109;t\n",
                   encoding="utf-8")
    main = page.locator('[data-testid="stMain"]')
    label = page.locator('[data-testid="stWidgetLabel"]').filter(has_text=re.compile("^Inventaire$"))
    pick = main.locator('[data-testid="stSelectbox"]').filter(has=label)  # the target's picker
    try:
        sign_in(page, signin_app, role)
        page.goto(f"{signin_app.url}/importer?inv=Priv%C3%A9&imp_target_mode=existing")
        wait_idle(page)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(src))
        page.get_by_text("un inventaire existant").wait_for(timeout=60_000)
        page.get_by_text("un inventaire existant").click()
        analyse = page.get_by_role("button", name="Analyser").first
        refusal = main.get_by_text("Vous ne pouvez importer dans aucun inventaire existant")
        if offered:
            pick.wait_for(timeout=60_000)
            wait_idle(page)
            listed = page.locator('[role="option"]').first
            for _ in range(3):  # a click that only focused the picker (a run ending) opens nothing
                pick.click()
                try:
                    listed.wait_for(timeout=10_000)  # the list drawn
                    break
                except PlaywrightTimeout:
                    wait_idle(page)
            options = [o.strip() for o in page.locator('[role="option"]').all_inner_texts()]
            page.keyboard.press("Escape")
            assert "Privé" in options
            assert refusal.count() == 0
        else:
            refusal.wait_for(timeout=60_000)
            wait_idle(page)
            assert pick.count() == 0
        screenshot(page, f"signin_{role}_importer")
        assert analyse.is_disabled() is not offered
    finally:
        context.close()
