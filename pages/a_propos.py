"""À propos: what the data is, the definitions the figures rely on, and the synthetic demo."""

import streamlit as st

from ecosystem.analysis import indicators
from ecosystem import vocabulary as voc
from ecosystem.analysis.grid import load_grid
from ecosystem import numbers
from ecosystem.numbers import fmt_number
from pages import _shell as shell
from pages._shell import tr
from pages._widgets import md

ctx = shell.context()
lang = ctx.lang

st.title(tr("about.title"))
st.markdown(tr("about.intro"))

st.header(tr("about.demo.title"))
st.markdown(tr("about.demo.body"))
if ctx.ref.synthetic:
    st.info(tr("banner.synthetic"), icon=":material/science:")

st.header(tr("about.definitions.title"))
st.markdown(tr("about.definitions.body"))

st.subheader(tr("about.stages"))
st.table([{tr("col.code"): term.code, tr("col.label"): term.label(lang),
           tr("col.description"): term.help(lang)} for term in voc.STAGES])
st.subheader(tr("about.actor_types"))
st.table([{tr("col.code"): term.code, tr("col.label"): term.label(lang),
           tr("col.description"): term.help(lang)} for term in voc.ACTOR_TYPES])
st.subheader(tr("about.ess_families"))  # from the SIRENE legal category (docs/import.md)
st.table([{tr("col.code"): term.code, tr("col.label"): term.label(lang),
           tr("col.description"): term.help(lang)} for term in voc.ESS_FAMILIES])
st.subheader(tr("about.domains"))
st.table([{tr("col.code"): term.code, tr("col.label"): term.label(lang)} for term in voc.DOMAINS])
st.subheader(tr("about.fundings"))
st.table([{tr("col.code"): term.code, tr("col.label"): term.label(lang),
           tr("col.origin"): voc.FUNDING_ORIGINS.label(voc.default_origin(term.code, None), lang)}
          for term in voc.FUNDING_KINDS])
st.caption(tr("about.fundings_note"))

st.header(tr("about.indicators"))
for ind in indicators.INDICATORS.values():
    st.markdown(f"**{ind.label(lang)}** ({ind.unit(lang)}) — {ind.definition(lang)}  \n"
                f"*{tr('ind.formula')}* {ind.formula_words(lang)}")

grid = load_grid()
st.header(tr("about.grid"))
st.markdown(grid.note_en if lang == "en" else grid.note_fr)
st.table([{tr("col.group"): tr(f"grid.group.{c.group}"), tr("col.label"): c.label(lang),
           tr("col.description"): c.help(lang)} for c in grid.criteria])

st.header(tr("about.geography"))
meta = ctx.geo.meta
st.markdown(tr("about.geography.body", communes=fmt_number(meta["counts"]["communes"], lang),
               departements=meta["counts"]["departements"], regions=meta["counts"]["regions"],
               epci=fmt_number(meta["counts"]["epci"], lang),
               population=fmt_number(meta["population_total"], lang)))
st.table([{tr("col.source"): s["package"], tr("col.version"): s["version"],
           tr("col.used_for"): s["used_for"]} for s in meta["sources"]])

st.header(tr("about.inventory"))
info = ctx.store.info(ctx.ref.name)
st.markdown(tr("about.inventory.body", name=md(ctx.ref.name), version=info["version"],
               actors=numbers.plural("count.actors", info["n_actors"], lang),
               projects=numbers.plural("count.projects", info["n_projects"], lang),
               updated=numbers.moment(info["updated_at"], lang), backend=ctx.store.backend))
