"""Accueil with a territory selected: the map zooms to it and shows its
sub-territories coloured by actors per 10,000 inhabitants (not all régions in one
colour with the others at 0)."""

from __future__ import annotations

import streamlit as st

from ecosystem import numbers
from ecosystem.analysis import territories as terr
from ecosystem.analysis.view import View
from ecosystem.render import maps, reportmap
from ecosystem.geo import is_zoning_level
from ecosystem.vocabulary import LEVELS
from pages._state import Context, tr
from pages._widgets import md


@st.cache_data(show_spinner=False, max_entries=32)
def _ranking(_store, ref, f, level):
    return terr.ranking(View(_store, ref, f), "actors_per_10k", level)


def territory_map(ctx: Context, lang: str):
    scope = ctx.filters.scope
    if is_zoning_level(scope[0]):  # a user zone: its zoning's zones (a zone has no parts)
        level, within = scope[0], None
        name = ctx.geo.level_label(level, lang)
    else:
        level, within = reportmap.SUB_LEVEL[scope[0]], scope
        name = LEVELS.in_sentence(level, lang)
    st.subheader(tr("home.zoom_title", level=md(name)))
    st.caption(tr("home.zoom_caption"))
    table = _ranking(ctx.store, ctx.ref, ctx.filters, level)
    return maps.ranking_map(ctx.geo, table, level, "actors_per_10k", tr("col.actors_per_10k"),
                            lang=lang, within=within, value_fmt=lambda v: numbers.number(v, lang, 2))
