"""Carte through time in Debian's chromium with no network (issue 14): the map opens
as of a year from the URL, play advances the years and the map changes (two
screenshots compared), pause stops it. Expected point counts are recomputed from the
demo generator with the as-of rules of docs/time.md."""

import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from ecosystem import demo
from tests.conftest import screenshot, scroll_to, wait_idle
from tests.e2e.test_map_browser import MAP_FRAME, wait_map

pytestmark = pytest.mark.e2e
CAPTION = re.compile(r"Écosystème en (\d{4})")


def alive(actors, year) -> int:
    created, closing = actors.creation_year, actors.closing_year
    active = actors.active.fillna(True).astype(bool)
    return int(((created <= year) & ((closing > year) | (closing.isna() & active)))
               .fillna(False).sum())


def year_shown(page) -> int:
    return int(CAPTION.search(page.get_by_text(CAPTION).first.inner_text()).group(1))


def points_drawn(page, expected: int, timeout: float = 90) -> int:
    """The map's point count once it is ``expected``, or the last one seen: the map of
    the last year shown replaces the previous one (a new iframe) when its run ends."""
    deadline = time.time() + timeout
    while True:
        frame = wait_map(page)
        try:
            frame.wait_for_function(f"() => EcoExplorer.pointCount === {expected}",
                                    timeout=5_000)
        except PlaywrightError:  # another count, or that frame was replaced meanwhile
            if time.time() > deadline:
                return wait_map(page).evaluate("() => EcoExplorer.pointCount")
            continue
        return frame.evaluate("() => EcoExplorer.pointCount")


def test_year_slider_plays_and_the_map_changes(app_server, offline_page):
    actors = demo.generate(5000).actors
    page = offline_page.open(app_server.url + "/carte?asof=2013")
    page.get_by_text("Écosystème en 2013").wait_for(timeout=120_000)
    assert points_drawn(page, alive(actors, 2013)) == alive(actors, 2013)
    scroll_to(page, MAP_FRAME)
    first = screenshot(page, "map_year_2013").read_bytes()

    page.get_by_role("button", name="Lecture").click()
    # playing: one rerun per year, until the caption says 2016 or later
    page.get_by_text(re.compile(r"Écosystème en (201[6-9]|20[2-9][0-9])")).first.wait_for(
        timeout=180_000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Lecture").wait_for(timeout=60_000)  # paused
    wait_idle(page)
    year = year_shown(page)
    assert year >= 2016 and "asof=" + str(year) in page.url
    assert points_drawn(page, alive(actors, year)) == alive(actors, year)
    assert alive(actors, year) > alive(actors, 2013)
    scroll_to(page, MAP_FRAME)
    second = screenshot(page, f"map_year_{year}").read_bytes()
    assert first != second
    time.sleep(2)  # paused: no step follows (playing, a year lasts STEP_S = 0.8 s)
    wait_idle(page)
    assert year_shown(page) == year
    assert offline_page.external == [] and offline_page.errors == []
