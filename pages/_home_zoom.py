"""Accueil with a territory selected: the map zooms to it and shows its
sub-territories coloured by actors per 10,000 inhabitants (not all régions in one
colour with the others at 0)."""

from __future__ import annotations

import streamlit as st

from ecosystem import numbers
from ecosystem.analysis import territories as terr
from ecosystem.analysis.view import View
from ecosystem.render import maps, reportmap
from ecosystem.vocabulary import LEVELS
from pages._state import Context, tr


@st.cache_data(show_spinner=False, max_entries=32)
def _ranking(_store, ref, f, level):
    return terr.ranking(View(_store, ref, f), "actors_per_10k", level)


def territory_map(ctx: Context, lang: str):
    scope = ctx.filters.scope
    level = reportmap.SUB_LEVEL[scope[0]]
    st.subheader(tr("home.zoom_title", level=LEVELS.in_sentence(level, lang)))
    st.caption(tr("home.zoom_caption"))
    table = _ranking(ctx.store, ctx.ref, ctx.filters, level)
    return maps.ranking_map(ctx.geo, table, level, "actors_per_10k", tr("col.actors_per_10k"),
                            lang=lang, within=scope, value_fmt=lambda v: numbers.number(v, lang, 2))
