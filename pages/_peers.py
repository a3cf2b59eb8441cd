"""Territoires, profile: "Territoires comparables" — the territories of the same
level most like the current one on context variables (population, density,
rural communes, overseas), each with the difference in words, and one click
that opens Comparer with the nearest ones (:mod:`ecosystem.analysis.peers`).
The zones of a user zoning get peers too, from their member communes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecosystem import numbers
from ecosystem.analysis import peers as pe
from ecosystem.analysis import territories as terr
from ecosystem.geo import territory_key
from pages import _shell as shell
from pages._shell import tr
from pages._widgets import md

K = 5


@st.cache_data(show_spinner=False, max_entries=64)
def _peers(_geo, level: str, code: str, variables: tuple[str, ...], lang: str,
           stamp: str = "") -> pd.DataFrame:
    # stamp: the zoning's zones and communes (peers.context_key), part of the cache key
    weights = {v: w for v, w in pe.DEFAULT_WEIGHTS.items() if v in variables}
    return pe.explained(_geo, level, code, lang=lang, k=K, weights=weights)


def open_comparison(keys: list[str]) -> None:
    """Comparer with these territories (its picker reads ``w_cmp``; its URL follows)."""
    st.session_state["w_cmp"] = keys[:terr.MAX_COMPARED]
    st.session_state.pop("w_cmp_q", None)
    st.switch_page("pages/comparer.py")


def section(ctx: shell.Context) -> None:
    scope = ctx.filters.scope
    if scope is None:
        return
    lang, geo = ctx.lang, ctx.geo
    level, code = scope
    st.subheader(tr("peers.title"))
    st.caption(tr("peers.caption", threshold=numbers.number(pe.RURAL_DENSITY, lang)))
    if level not in pe.LEVELS:  # a user zoning: the variables come from its communes
        st.caption(tr("peers.zoning_caption"))
    chosen = st.multiselect(tr("peers.criteria"), list(pe.VARIABLES), default=list(pe.VARIABLES),
                            key="w_peers_vars", format_func=lambda v: tr(f"peers.var.{v}"))
    if not chosen:
        st.info(tr("peers.pick_criteria"))
        return
    found = _peers(geo, level, code, tuple(chosen), lang, pe.context_key(geo, level))
    if found.empty:
        st.info(tr("report.no_data"))
        return
    shown = pd.DataFrame({
        tr("col.name"): [f"{n} ({c})" for n, c in zip(found.name, found.code)],
        tr("peers.col.difference"): found.explanation,
        tr("col.population"): found.population,
        tr("peers.col.density"): found.density,
        tr("peers.col.rural"): found.rural_share,
    })
    st.dataframe(numbers.display(shown, {
        tr("col.population"): numbers.formatter("number", lang),
        tr("peers.col.density"): lambda v: numbers.number(v, lang, 1),
        tr("peers.col.rural"): lambda v: numbers.percent(v, lang, 0)}),
        hide_index=True, width="stretch")
    nearest = found.code.tolist()[:terr.MAX_COMPARED - 1]
    names = ", ".join(md(n) for n in found.name.tolist()[:len(nearest)])
    if st.button(tr("peers.compare", names=names), key="w_peers_compare",
                 icon=":material/compare_arrows:"):
        open_comparison([territory_key(level, code)] + [territory_key(level, c) for c in nearest])
