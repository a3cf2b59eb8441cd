"""Importer step for SIRENE files: keep the ESS of a territory before mapping.

Shown when the uploaded file is recognised as SIRENE and holds legal-unit columns (ESS
flag, legal category) and/or the establishment's commune. The filter is the command
line's (``ecosystem.ingest.sirene.extract``, DuckDB); the filtered file then replaces
the upload in the session's import, so rows read = saved + merged + excluded holds on it.
"""

from __future__ import annotations

import streamlit as st

from ecosystem.numbers import fmt_number
from ecosystem.ingest import sirene
from ecosystem.ingest.pipeline import ImportError_
from pages._shell import tr
from pages._widgets import md

LEVEL_KEYS = {v: k for k, v in sirene.LEVELS.items()}


def _default_where(filters) -> str:
    scope = filters.scope
    return f"{LEVEL_KEYS[scope[0]]}={scope[1]}" if scope and scope[0] in LEVEL_KEYS else ""


def sirene_filter(session, ctx) -> None:
    done = session.sirene_filtered
    if done:
        st.info(tr("sirene.page.filtered", rows=fmt_number(done["rows"], ctx.lang),
                   of=fmt_number(done["of"], ctx.lang), ess=tr(f"sirene.ess.{done['ess']}"),
                   where=md(done["where"] or tr("sirene.cli.everywhere"))), icon=":material/filter_alt:")
        return
    imp = session.imp
    part = imp.parts[0]
    if part.format != "sirene" or len(imp.parts) != 1:
        return
    cols = {c.lower() for c in part.raw.columns}
    has_unit = bool(cols & {"categoriejuridiqueunitelegale", "economiesocialesolidaireunitelegale"})
    has_commune = "codecommuneetablissement" in cols
    if not (has_unit or has_commune):
        return
    if has_commune and "etatadministratifetablissement" in cols:
        from pages._sirene_counts import counts_box
        counts_box(session, ctx)  # every establishment as a denominator, not as actors
    with st.expander(tr("sirene.page.title"), icon=":material/filter_alt:"):
        st.caption(tr("sirene.page.help"))
        modes = list(sirene.ESS_MODES) if has_unit else ["all"]
        ess = st.selectbox(tr("sirene.page.ess"), modes, key="imp_sirene_ess",
                           format_func=lambda m: tr(f"sirene.ess.{m}"))
        where = st.text_input(tr("sirene.page.where"), value=_default_where(ctx.filters),
                              key="imp_sirene_where", disabled=not has_commune)
        if not st.button(tr("sirene.page.apply"), key="imp_sirene_apply"):
            return
        try:
            session.filter_sirene(ess, where, units=has_unit, establishments=has_commune,
                                  geo=ctx.geo, store=ctx.store)
        except (sirene.SireneError, ImportError_) as exc:
            st.error(tr(exc.key, **{k: md(v) for k, v in exc.params.items()}))
            return
        st.rerun()
