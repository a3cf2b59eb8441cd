"""Ten browser sessions at once on one inventory of a fresh server (the first-run demo
creation is raced too). All first draw the same map view (one cached map object);
then each session opens its own département, in its own
language, picks its own stage filter in the sidebar and moves between pages: no
error anywhere, and each session keeps its own view (no cross-talk of state).

Each session logs what it waits for before it waits (:class:`Journey`): a failure
names the session, its last wait, the page's URL, run state and sidebar filters. Under
load a page's heading arrives early in a run and the sidebar answers only once the run
is over: a session waits for the run to end before it picks its filter, and checks the
pick is still shown after the run it started (a lost pick is a server bug, not a
timeout)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import time

import pytest

from ecosystem import vocabulary as voc
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer

pytestmark = pytest.mark.e2e

DEPARTEMENTS = ["44", "13", "33", "69", "75", "59", "35", "31", "67", "29"]
TIMEOUT = 240_000  # ten sessions share two cores


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    server = AppServer(tmp_path_factory.mktemp("concurrency") / "c.duckdb")
    yield server
    server.stop()


async def _idle(page, j):
    j.step("idle")
    await page.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=TIMEOUT)
    await page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                                 timeout=TIMEOUT)


class Journey:
    """One session's steps, each logged (seconds since the start, what it waits for)
    before it waits, so a failure says which wait of which session and after what."""

    def __init__(self, page, i: int, code: str):
        self.page, self.i, self.code = page, i, code
        self.t0 = time.monotonic()
        self.log: list[str] = []

    def step(self, what: str) -> None:
        self.log.append(f"{time.monotonic() - self.t0:6.1f}s {what}")

    async def state(self) -> str:
        """Where the page stands: URL, script and connection state, the stage filter."""
        try:
            return await self.page.evaluate("""() => ({
              url: location.pathname + location.search,
              script: document.querySelector('[data-testid="stApp"]')
                ?.getAttribute('data-test-script-state'),
              connection: document.querySelector('[data-test-connection-state]')
                ?.getAttribute('data-test-connection-state'),
              stages: [...document.querySelectorAll('[data-testid="stSidebar"]'
                + ' [data-testid="stMultiSelect"]')].map(e => e.innerText.replace(/\\s+/g, ' '))
            })""")
        except Exception as e:  # noqa: BLE001 - the page may be gone
            return f"unreadable: {e}"

    async def failure(self, e: BaseException) -> AssertionError:
        return AssertionError(f"session {self.i} ({self.code}) failed on its last step: "
                              f"{type(e).__name__}: {str(e).splitlines()[0][:300]}\n"
                              f"  page: {await self.state()}\n  " + "\n  ".join(self.log))


async def _session(browser, url: str, i: int, code: str, name: str) -> dict:
    lang = "en" if i % 2 else "fr"
    stage = voc.STAGES.codes[i % len(voc.STAGES.codes)]
    labels = {"fr": ("Accueil", "Territoires", "Étapes des projets"),
              "en": ("Home", "Territories", "Project stages")}[lang]
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT)  # clicks too: a click waits for the run to end
    page = await ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    j = Journey(page, i, code)
    try:
        # all ten first draw the same map view at once (one cached map object, rendered
        # for each session)
        j.step("open the map of Loire-Atlantique")
        await page.goto(f"{url}/carte?terr=departement:44&layers=points,lines", timeout=TIMEOUT)
        await _idle(page, j)
        j.step("the map's iframe")
        await page.locator('iframe[title="streamlit_folium.st_folium"]').wait_for(timeout=TIMEOUT)
        map_exceptions = await page.locator('[data-testid="stException"]').count()
        query = f"terr=departement:{code}" + ("&lang=en" if lang == "en" else "")
        j.step(f"open /territoires?{query}")
        await page.goto(f"{url}/territoires?{query}", timeout=TIMEOUT)
        j.step(f"the heading {name}")
        await page.get_by_role("heading", name=name, level=1).wait_for(timeout=TIMEOUT)
        # the heading comes early in a run; the sidebar answers once the run is over
        await _idle(page, j)
        # the session's own stage filter, picked in the sidebar
        await _pick_stage(page, j, voc.STAGES.label(stage, lang), labels[2])
        j.step(f"stages={stage} in the URL")
        await page.wait_for_function(f"() => location.search.includes('stages={stage}')",
                                     timeout=TIMEOUT)
        # to the home page and back, through the sidebar
        j.step(f"click {labels[0]}")
        await page.get_by_role("link", name=labels[0], exact=True).click()
        await page.wait_for_url(re.compile(r"/accueil|/\?|/$"), timeout=TIMEOUT)
        await _idle(page, j)
        home_url = page.url
        j.step(f"click {labels[1]}")
        await page.get_by_role("link", name=labels[1], exact=True).click()
        await page.wait_for_url(re.compile("/territoires"), timeout=TIMEOUT)
        await _idle(page, j)
        j.step(f"the heading {name} again")
        await page.get_by_role("heading", name=name, level=1).wait_for(timeout=TIMEOUT)
        return {"i": i, "code": code, "lang": lang, "stage": stage, "home_url": home_url,
                "url": page.url, "errors": errors,
                "exceptions": await page.locator('[data-testid="stException"]').count()
                + map_exceptions}
    except Exception as e:  # noqa: BLE001 - reported with the session's steps
        raise await j.failure(e) from e
    finally:
        await ctx.close()


async def _pick_stage(page, j: Journey, label: str, field: str) -> None:
    """Pick ``label`` in the sidebar's multiselect ``field``, as a user does."""
    j.step(f"pick {label} in {field}")
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=field).locator("input")
    await box.click()
    await box.fill(label)
    await page.get_by_role("option", name=label).first.click()
    await page.keyboard.press("Escape")
    j.step(f"{label} shown as picked")
    picked = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text=field).get_by_text(label, exact=True)
    await picked.wait_for()
    await _idle(page, j)
    j.step(f"{label} still picked once the run is over")
    await picked.wait_for()


async def _run(url: str, names: dict[str, str]) -> list:
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(*(_session(browser, url, i, c, names[c])
                                          for i, c in enumerate(DEPARTEMENTS)),
                                        return_exceptions=True)
        finally:
            await browser.close()


@pytest.mark.timeout(900)
def test_ten_sessions_at_once_keep_their_own_view(fresh_server, geo):
    names = {c: geo.name("departement", c) for c in DEPARTEMENTS}
    # in a thread of its own: the sync Playwright of the other tests keeps an event
    # loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        results = pool.submit(asyncio.run, _run(fresh_server.url, names)).result()
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, "\n\n".join(map(str, failures))
    for r in results:
        own = f"terr=departement%3A{r['code']}"
        for u in (r["home_url"], r["url"]):
            # each URL carries this session's territory, stage and language, nobody else's
            assert own in u.replace(":", "%3A"), (r, u)
            assert f"stages={r['stage']}" in u, (r, u)
            assert ("lang=en" in u) == (r["lang"] == "en"), (r, u)
        assert r["errors"] == [] and r["exceptions"] == 0, r
    assert len({r["url"] for r in results}) == len(DEPARTEMENTS)
    text = open(fresh_server.log.name, encoding="utf-8").read()
    assert "Traceback" not in text, text[-3000:]
