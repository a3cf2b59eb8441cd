"""Shared fixtures: geography, stores on temporary files, demo and tiny inventories,
and a Streamlit server for browser tests."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ecosystem import demo  # noqa: E402
from ecosystem.geo import Geography  # noqa: E402
from ecosystem.storage.store import Store  # noqa: E402
from tests import fixtures  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync",
                 # no network: every host but localhost fails to resolve
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
ARTIFACTS = ROOT / "tests" / "artifacts"


def app_pages() -> list[str]:
    """The url paths of every page of app.py's menu, in menu order (not the cards
    declared ``visibility="hidden"``, reached from links only: Projet)."""
    found = re.finditer(r'url_path="([a-z_]+)"(, visibility="hidden")?', (ROOT / "app.py").read_text(encoding="utf-8"))
    return [m.group(1) for m in found if not m.group(2)]


@pytest.fixture(scope="session")
def geo() -> Geography:
    return Geography()


@pytest.fixture
def store(tmp_path, geo) -> Store:
    s = Store(tmp_path / "test.duckdb", geo=geo)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_small(geo):
    """A 600-actor demo inventory (generated once per session)."""
    return demo.generate(600, seed=7, geo=geo)


@pytest.fixture
def tiny_store(store):
    """A store holding the hand-made inventory of tests/fixtures.py as "tiny"."""
    store.create("tiny", fixtures.tiny())
    return store


# ------------------------------------------------------------------ browser
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, db: Path, env: dict | None = None, cwd: Path | None = None,
                 port: int | None = None):
        """``cwd``: the working directory (its ``.streamlit/`` holds the config and
        secrets Streamlit reads; default the project)."""
        self.port = port or _free_port()
        self.url = f"http://localhost:{self.port}"
        environ = os.environ | {"ECOSYSTEM_DB": str(db), "PYTHONPATH": str(ROOT)} | (env or {})
        self.log = open(db.with_suffix(".log"), "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
             "--server.headless", "true", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=cwd or ROOT, env=environ, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health",
                                            timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"streamlit did not start; log: {db.with_suffix('.log').read_text()}")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """A Streamlit server on a fresh database (the demo is created at first page load)."""
    db = tmp_path_factory.mktemp("e2e") / "e2e.duckdb"
    server = AppServer(db)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is required for e2e tests (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class OfflinePage:
    """A browser page that records (and blocks) any request leaving localhost."""

    def __init__(self, browser, viewport=(1280, 800)):
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           locale="fr-FR")
        self.page = self.context.new_page()
        self.external: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            url = r.request.url
            if url.startswith(("http://localhost", "http://127.0.0.1", "ws://", "data:", "blob:",
                               "about:")):
                return r.continue_()
            self.external.append(url)
            return r.abort()

        self.context.route("**/*", route)

    def open(self, url: str, timeout: float = 90_000):
        self.page.goto(url)
        wait_idle(self.page, timeout)
        return self.page

    def close(self):
        self.context.close()


def wait_idle(page, timeout: float = 90_000):
    page.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=timeout)


#: the app is idle and exactly one element matches the selector (the argument)
_ONE_AND_IDLE = """sel => document.querySelectorAll(sel).length === 1
  && !!document.querySelector('[data-test-connection-state="CONNECTED"]')
  && !!document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]')"""


def scroll_to(page, selector: str, timeout: float = 90_000):
    """Scroll the one element matching ``selector`` into view once the app is idle;
    returns its locator. A rerun that replaces an element (a component whose arguments
    changed is a new element: the map of another year) keeps the old copy on the page
    until the run ends, and a run can follow another at once (``st.rerun``, a component
    reporting its value), so an element found during a run can be detached under
    Playwright's scroll, which then fails at once instead of retrying: wait for the run
    to end and one copy, scroll, and on a detached element wait and locate it again."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout / 1000
    while True:
        left = max(1_000, (deadline - time.monotonic()) * 1000)
        page.wait_for_function(_ONE_AND_IDLE, arg=selector, timeout=left)
        locator = page.locator(selector)
        try:
            locator.scroll_into_view_if_needed(timeout=left)
            return locator
        except PlaywrightError as e:
            if "not attached" not in str(e) or time.monotonic() > deadline:
                raise


#: every chart and same-origin frame of the page drawn once the run is over: Plotly's
#: SVG in each chart, each component frame loaded, each folium map's Leaflet map made
#: and its explorer.js (where it has one) ready. A map frame loads lazily: one not
#: drawn yet is scrolled into view (the component's page is loaded before the map's
#: HTML is put in it, so a loaded frame alone proved nothing: the map could be blank).
_DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (!c.querySelector('.main-svg')) return false;
  for (const f of document.querySelectorAll('iframe')) {
    let d = null;
    try { d = f.contentDocument; } catch (e) { continue; }
    if (d === null) continue;  // a sandboxed frame (the network drawing): not readable
    const x = f.contentWindow.EcoExplorer;
    const map = f.title === 'streamlit_folium.st_folium';
    if (d.readyState !== 'complete' || (x && !x.ready) ||
        (map && !d.querySelector('.leaflet-container'))) {
      if (map) f.scrollIntoView({block: 'center'});
      return false;
    }
  }
  return true;
}"""


def wait_drawn(page, timeout: float = 90_000):
    """Until the run is over and what draws after it (charts, map and component
    frames) is drawn: what a reader waits for before reading the page."""
    wait_idle(page, timeout)
    page.wait_for_function(_DRAWN, timeout=timeout)


def upload_and_analyse(page, path, inventory: str, recognised: str | None = None):
    """On the Importer page: upload ``path``, name the new inventory, click Analyser
    (``recognised``: a text to wait for before naming, e.g. the format found)."""
    page.get_by_role("heading", name="Importer des données").wait_for(timeout=60_000)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    if recognised:
        page.get_by_text(recognised).wait_for(timeout=90_000)
    name = page.get_by_label("Nom du nouvel inventaire")
    name.wait_for(timeout=90_000)
    wait_idle(page)
    name.fill(inventory)
    name.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Analyser").click()


@pytest.fixture
def offline_page(browser):
    p = OfflinePage(browser)
    yield p
    p.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# ------------------------------------------------------------- PostgreSQL
@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """A private PostgreSQL server (pgserver from PyPI, in requirements-dev.txt), one
    per test session. A missing pgserver is an error, never a skip."""
    import shutil
    import tempfile

    import pgserver
    # run as root, pgserver starts PostgreSQL as its own user, which cannot enter
    # pytest's private (0700) temporary tree: the data folder lives outside it
    pgdata = Path(tempfile.mkdtemp(prefix="eco-pg-"))
    pgdata.chmod(0o777)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    yield server
    server.cleanup()
    shutil.rmtree(pgdata, ignore_errors=True)


_PG_DB = iter(range(1, 10_000))


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty PostgreSQL database on the session server."""
    name = f"test_{next(_PG_DB)}"
    pg_server.psql(f"CREATE DATABASE {name};")
    return pg_server.get_uri(database=name)


@pytest.fixture
def pg_replicas(pg_url, tmp_path, geo):
    """Two app servers on one PostgreSQL database, each with its own DuckDB mirror."""
    from ecosystem.storage.postgres import PostgresStore

    one = PostgresStore(pg_url, mirror=tmp_path / "one.duckdb", geo=geo)
    two = PostgresStore(pg_url, mirror=tmp_path / "two.duckdb", geo=geo)
    try:
        yield one, two
    finally:
        one.close()
        two.close()


@pytest.fixture(params=["duckdb", "postgresql"])
def any_store(request, tmp_path, geo):
    """The store test suite runs against both backends."""
    if request.param == "duckdb":
        s = Store(tmp_path / "test.duckdb", geo=geo)
    else:
        from ecosystem.storage.postgres import PostgresStore
        s = PostgresStore(request.getfixturevalue("pg_url"), mirror=tmp_path / "mirror.duckdb",
                          geo=geo)
    yield s
    s.close()


# ------------------------------------------------------------- no silent skips
_SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(f"{report.nodeid}: {report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr}")


def pytest_sessionfinish(session, exitstatus):
    """A skipped test fails the run (a backend or a browser that silently did not
    run is a failure): set ECOSYSTEM_ALLOW_SKIPS=1 to allow them locally."""
    if _SKIPPED and not os.environ.get("ECOSYSTEM_ALLOW_SKIPS") and exitstatus == 0:
        print(f"\n{len(_SKIPPED)} test(s) skipped, which fails the run "
              "(ECOSYSTEM_ALLOW_SKIPS=1 allows it):")
        for line in _SKIPPED:
            print("  " + line)
        session.exitstatus = 1
