"""Carte through time in Debian's chromium with no network (issue 14): the map opens
as of a year from the URL, play advances the years and the map changes (two
screenshots compared), pause stops it. Expected point counts are recomputed from the
demo generator with the as-of rules of docs/time.md."""

import re
import time

import pytest

from ecosystem import demo
from tests.conftest import screenshot, wait_idle
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


def test_year_slider_plays_and_the_map_changes(app_server, offline_page):
    actors = demo.generate(5000).actors
    page = offline_page.open(app_server.url + "/carte?asof=2013")
    page.get_by_text("Écosystème en 2013").wait_for(timeout=120_000)
    frame = wait_map(page)
    assert frame.evaluate("() => EcoExplorer.pointCount") == alive(actors, 2013)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    first = screenshot(page, "map_year_2013").read_bytes()

    page.get_by_role("button", name="Lecture").click()
    deadline = time.time() + 180
    while time.time() < deadline and year_shown(page) < 2016:
        time.sleep(0.5)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Lecture").wait_for(timeout=60_000)  # paused
    wait_idle(page)
    year = year_shown(page)
    assert year >= 2016 and "asof=" + str(year) in page.url
    frame = wait_map(page)
    deadline = time.time() + 60  # the map of the last year shown replaces the previous one
    while time.time() < deadline and \
            frame.evaluate("() => EcoExplorer.pointCount") != alive(actors, year):
        time.sleep(0.5)
        frame = wait_map(page)
    assert frame.evaluate("() => EcoExplorer.pointCount") == alive(actors, year)
    assert alive(actors, year) > alive(actors, 2013)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    second = screenshot(page, f"map_year_{year}").read_bytes()
    assert first != second
    time.sleep(2)  # paused: the year stays
    assert year_shown(page) == year
    assert offline_page.external == [] and offline_page.errors == []
