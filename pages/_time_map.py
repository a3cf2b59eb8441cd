"""Carte's year: a switch to see the ecosystem as of a past year, a year slider and
play / pause (issue 14). Playing is one Streamlit rerun per year (the map of a new
year is built in well under a second, benchmarks/bench_time.py); the URL keeps the
year (``asof``)."""

from __future__ import annotations

import time

import streamlit as st

from ecosystem.analysis import timeline
from ecosystem.analysis.view import View
from ecosystem.numbers import plural
from pages import _shell as shell
from pages._shell import tr

#: pause between two years while playing (seconds), after the map is sent
STEP_S = 0.8


@st.cache_data(show_spinner=False, max_entries=16)
def _years(_store, ref) -> list[int]:
    return timeline.default_years(_store, ref, n=30)


@st.cache_data(show_spinner=False, max_entries=16)
def _left_out(_store, ref, filters) -> dict[str, int]:
    return timeline.left_out(View(_store, ref, filters))


def left_out_caption(ctx, filters) -> None:
    """Under the map at a year: the records of the view no year can hold."""
    n = _left_out(ctx.store, ctx.ref, filters.with_(as_of=None))
    st.caption(tr("time.map.left_out", actors=plural("count.actors", n["actors"], ctx.lang),
                  projects=plural("count.projects", n["projects"], ctx.lang)))


def controls(ctx):
    """The switch, slider and play button; returns ``(filters, year, years)`` —
    the context's filters as of the chosen year, or unchanged (year None)."""
    ss = st.session_state
    years = _years(ctx.store, ctx.ref)
    if not years:
        return ctx.filters, None, years
    if "_map_year_next" in ss:  # set by a play step, before the slider exists
        ss["w_map_year"] = ss.pop("_map_year_next")
    if "w_map_asof" not in ss:  # first run: the URL's year
        try:
            wanted = int(shell.page_param("asof"))
        except (TypeError, ValueError):
            wanted = None
        ss["w_map_asof"] = wanted in years
        ss["w_map_year"] = wanted if wanted in years else years[-1]
    if ss.get("w_map_year") not in years:
        ss["w_map_year"] = years[-1]
    on = st.toggle(tr("time.map.enable"), key="w_map_asof", help=tr("time.map.enable_help"))
    if not on:
        ss["_map_playing"] = False
        return ctx.filters, None, years
    left, right = st.columns([6, 1], vertical_alignment="bottom")
    year = left.slider(tr("time.map.year"), years[0], years[-1], key="w_map_year")
    playing = ss.get("_map_playing", False)
    if right.button(tr("time.map.pause") if playing else tr("time.map.play"), key="w_map_play",
                    icon=":material/pause:" if playing else ":material/play_arrow:"):
        ss["_map_playing"] = not playing
        if not playing and year == years[-1]:  # play from the start
            ss["_map_year_next"] = years[0]
        st.rerun()  # the button's label follows at once
    return ctx.filters.with_(as_of=year), year, years


def step(years) -> None:
    """While playing: wait, then show the next year (stop after the last one)."""
    ss = st.session_state
    if not ss.get("_map_playing") or not ss.get("w_map_asof"):
        return
    time.sleep(STEP_S)
    year = ss.get("w_map_year", years[-1])
    if year >= years[-1]:
        ss["_map_playing"] = False
    else:
        ss["_map_year_next"] = year + 1
    st.rerun()
