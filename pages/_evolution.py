"""The evolution chart of a page (Territoires: the territory, its parent and France;
Comparer: the territories compared): an indicator of the registry that can be dated,
through the last 15 years of the inventory's dates (issue 14, docs/time.md)."""

from __future__ import annotations

import streamlit as st

from ecosystem.analysis import indicators as ind
from ecosystem.analysis import timeline
from ecosystem.analysis.view import View
from ecosystem.render import charts, evolution
from pages import _shell as shell
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md

DATED_IDS = list(ind.DATED)


@st.cache_data(show_spinner=False, max_entries=64)
def _years(_store, ref) -> list[int]:
    return timeline.default_years(_store, ref)


@st.cache_data(show_spinner=False, max_entries=64)
def _data(_store, ref, f, indicator_id, years, places, lang):
    return evolution.data(View(_store, ref, f), indicator_id, list(years), list(places), lang)


def section(places: list, key: str, title: str | None = None) -> None:
    """The chart of ``places`` (``(level, code)`` or None for France) with the
    records left out of each place, and its download."""
    ctx = shell.context()
    lang = ctx.lang
    st.subheader(title or tr("time.title"))
    years = _years(ctx.store, ctx.ref)
    if not years:
        st.info(tr("time.no_dates"))
        return
    wkey = f"w_{key}_ind"
    if wkey not in st.session_state:
        wanted = shell.page_param("evo")
        st.session_state[wkey] = wanted if wanted in DATED_IDS else "actors_per_10k"
    chosen = st.selectbox(tr("time.indicator"), DATED_IDS, key=wkey,
                          format_func=lambda i: ind.get(i).titled(lang))
    st.caption(md(ind.get(chosen).definition(lang)) + "  \n" + tr("time.caption"))
    df = _data(ctx.store, ctx.ref, ctx.filters, chosen, tuple(years), tuple(places), lang)
    values = df.value.dropna() if len(df) else df
    if len(values) and (values != 0).any():
        st.plotly_chart(evolution.chart(df, chosen, lang), width="stretch",
                        config=charts.plotly_config(lang), key=f"{key}_chart")
    else:  # a flat line at 0 (or nothing) read as "there never was any": said in words
        st.info(tr("time.flat" if len(values) else "time.undefined",
                   indicator=md(ind.get(chosen).titled(lang)), first=min(years), last=max(years)))
    st.caption("  \n".join(evolution.left_out_lines(df, chosen, lang, escape=md)))
    ui.download_table(evolution.table(df, chosen, lang), tr("time.file"), f"dl_{key}")
