"""Comparer: 2–4 territories of any levels side by side with France, on
indicators that compare territories of different sizes (per capita, shares,
indexes). The choice lives in the URL (``cmp``, ``ind``)."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from ecosystem.analysis import indicators as ind
from ecosystem.analysis import territories as terr
from ecosystem.geo import parse_territory, territory_key
from ecosystem import numbers
from ecosystem.numbers import fmt_number
from ecosystem.render import charts
from pages import _evolution
from pages import _shell as shell
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md
from ecosystem.analysis.view import View

ctx = shell.context()
lang = ctx.lang
geo = ctx.geo
f = ctx.filters
DEFAULT_IDS = ["actors_per_10k", "projects_per_100k", "funding_per_inhabitant", "hybridity",
               "cross_type_share", "white_zones"]
FRANCE_COLOUR = "#9aa5b1"


@st.cache_data(show_spinner=False, max_entries=64)
def _compare(_store, ref, f, keys, ids):
    return terr.compare(View(_store, ref, f), list(keys), list(ids))


st.title(tr("cmp.title"))
st.caption(tr("cmp.caption"))
ui.synthetic_banner(ctx.ref)

# ------------------------------------------------------------- the choice
if "w_cmp" not in st.session_state:
    keys = terr.parse_keys(shell.page_param("cmp"), geo)
    if not keys and f.scope:
        up = terr.parent(geo, *f.scope)
        keys = [territory_key(*f.scope)] + ([territory_key(*up)] if up else [])
    st.session_state["w_cmp"] = keys
if "w_cmp_ind" not in st.session_state:
    wanted = [i for i in (shell.page_param("ind") or "").split(",") if i in ind.COMPARABLE_IDS]
    st.session_state["w_cmp_ind"] = wanted or DEFAULT_IDS
if "_cmp_add" in st.session_state:  # a commune added below, before the picker exists
    added = st.session_state.pop("_cmp_add")
    if added not in st.session_state["w_cmp"] and len(st.session_state["w_cmp"]) < terr.MAX_COMPARED:
        st.session_state["w_cmp"] = st.session_state["w_cmp"] + [added]
    st.session_state["w_cmp_q"] = ""  # the search is done: ready for the next one

# the picker holds the territories chosen (to show and remove them); they are added
# with the ranked search beside it, one at a time (no loose match, no bulk add)
options = list(st.session_state["w_cmp"])
left, right = st.columns([3, 2], gap="large")
with left:
    keys = st.multiselect(tr("cmp.territories"), options, key="w_cmp",
                          max_selections=terr.MAX_COMPARED, format_func=ui.territory_label,
                          placeholder=tr("cmp.territories_ph"), help=tr("cmp.territories_help"))
with right:
    query = st.text_input(tr("cmp.commune"), key="w_cmp_q", placeholder=tr("cmp.commune_ph"),
                          help=tr("cmp.commune_help"))
    if query.strip():
        found = geo.search(query, limit=20)
        if found.empty:
            st.caption(tr("cmp.commune_none"))
        else:
            # labels as options (unique: they end with the code), mapped back to keys
            choices = {ui.territory_label(territory_key(r.level, r.code)):
                       territory_key(r.level, r.code) for r in found.itertuples()}
            pick = choices[st.selectbox(tr("cmp.commune_pick"), list(choices), key="w_cmp_pick")]
            full = len(keys) >= terr.MAX_COMPARED
            if st.button(tr("cmp.add"), key="w_cmp_add", disabled=full):
                st.session_state["_cmp_add"] = pick
                st.rerun()
            if full:
                st.caption(tr("cmp.limit"))

ids = st.multiselect(tr("cmp.indicators"), ind.COMPARABLE_IDS, key="w_cmp_ind", placeholder=tr("ui.choose"),
                     format_func=lambda i: ind.get(i).titled(lang),
                     help=tr("cmp.indicators_help"))
shell.sync_url({"cmp": ",".join(keys), "ind": ",".join(ids)})

if len(keys) < 2:
    st.info(tr("cmp.pick"))
    st.stop()
if not ids:
    st.info(tr("cmp.pick_indicator"))
    st.stop()

table = _compare(ctx.store, ctx.ref, f, tuple(keys), tuple(ids))
names = {r.key: (tr("scope.france") if r.key == terr.FRANCE else
                 f"{r.name} ({r.code})") for r in table.itertuples()}

# ------------------------------------------------------------------ table
st.subheader(tr("cmp.table"))
if not f.is_default:
    st.caption(tr("cmp.filters_note"))
rows = [{tr("report.col.indicator"): tr("col.population"), **{
    names[r.key]: fmt_number(r.population, lang) for r in table.itertuples()},
    tr("report.col.unit"): tr("cmp.inhabitants")}]
for i in ids:
    rows.append({tr("report.col.indicator"): ind.get(i).label(lang),
                 **{names[r.key]: ind.format_value(i, getattr(r, i), lang)
                    for r in table.itertuples()},
                 tr("report.col.unit"): ind.get(i).unit(lang)})
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
export = table.drop(columns=["key"]).rename(
    columns={i: ind.get(i).titled(lang) for i in ids})
ui.download_table(export, tr("cmp.file"), "dl_cmp")
with st.expander(tr("cmp.definitions")):
    for i in ids:
        d = ind.get(i)
        st.markdown(f"**{d.label(lang)}** ({d.unit(lang)}) — {md(d.definition(lang))}  \n"
                    f"*{tr('ind.formula')}* {d.formula_words(lang)}")

# ----------------------------------------------------------------- charts
st.subheader(tr("cmp.index_chart"))
st.caption(tr("cmp.index_caption"))
long = terr.index_vs_france(table, ids)
long = long[long.key != terr.FRANCE].assign(
    territory=lambda d: charts.labels(d.key.map(names)), indicator=lambda d: charts.labels(d.id.map(
        lambda i: ind.get(i).label(lang))))
fig = px.bar(long, y="indicator", x="index", color="territory", barmode="group", orientation="h",
             labels={"indicator": "", "index": tr("cmp.index"), "territory": ""},
             hover_data={"value": ":.3g"},
             category_orders={"indicator": charts.labels(ind.get(i).label(lang) for i in ids)})
fig.add_vline(x=100, line_dash="dash", line_color="#52606d",
              annotation_text=tr("cmp.france_100"), annotation_position="top")
fig.update_layout(height=120 + 22 * len(ids) * len(keys), margin=dict(l=0, r=10, t=30, b=0),
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
st.plotly_chart(numbers.style_figure(fig, lang), width="stretch", config=charts.plotly_config(lang))

st.subheader(tr("cmp.values_chart"))
cols = st.columns(min(3, len(ids)))
for k, i in enumerate(ids):
    d = ind.get(i)
    values = table[i].astype(float)
    if not (values.fillna(0) != 0).any():  # a chart of zeros has a meaningless −1…1 axis
        cols[k % len(cols)].info(tr("empty.no_white_zone") if i == "white_zones" else
                                 tr("empty.all_zero", indicator=md(d.label(lang))))
        continue
    scale = 100 if d.unit_fr == "%" else 1
    fig = go.Figure(go.Bar(
        x=charts.labels(names[key] for key in table.key), y=values * scale,
        marker_color=[FRANCE_COLOUR if key == terr.FRANCE else "#0570b0" for key in table.key],
        text=[ind.format_value(i, v, lang) for v in table[i]], textposition="auto", textangle=0))
    fig.update_layout(title=dict(text=charts.labels([d.label(lang)])[0], font=dict(size=13)),
                      height=280, margin=dict(l=0, r=0, t=40, b=0),
                      yaxis_title=charts.labels([d.unit(lang)])[0])
    cols[k % len(cols)].plotly_chart(numbers.style_figure(fig, lang), width="stretch", config=charts.plotly_config(lang),
                                     key=f"cmp_chart_{i}")

levels = {parse_territory(k)[0] for k in keys}
if len(levels) > 1:
    st.caption(tr("cmp.mixed_levels"))

_evolution.section([parse_territory(k) for k in keys] + [None], "cmp_evo", tr("time.compare.title"))
