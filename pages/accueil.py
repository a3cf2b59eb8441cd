"""Accueil: the inventory's key figures and a map of régions by actors per 10,000 inhabitants."""

import streamlit as st
from streamlit_folium import st_folium

from ecosystem.analysis import overview
from ecosystem import numbers
from ecosystem.numbers import fmt_number
from ecosystem.render.maps import home_map
from ecosystem.render import charts
from pages import _shell as shell
from pages import _home_zoom
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md
from ecosystem.analysis.view import View

ctx = shell.context()
lang = ctx.lang


@st.cache_data(show_spinner=False, max_entries=64)
def _figures(_store, ref, f):
    return (overview.key_figures(View(_store, ref, f)), overview.count_by(View(_store, ref, f), "actor_type"),
            overview.count_by(View(_store, ref, f), "stage"), overview.by_region(View(_store, ref, f)))


st.title(tr("home.title"))
st.caption(tr("home.subtitle", inventory=md(ctx.ref.name), scope=md(ui.scope_label(ctx))))
ui.synthetic_banner(ctx.ref)

figures, by_type, by_stage, regions = _figures(ctx.store, ctx.ref, ctx.filters)
cols = st.columns(5)
cols[0].metric(tr("home.actors"), fmt_number(figures["actors"], lang))
cols[1].metric(tr("home.projects"), fmt_number(figures["projects"], lang))
cols[2].metric(tr("home.collaborations"), fmt_number(figures["collaborations"], lang),
               help=tr("home.collaborations_help"))
cols[3].metric(tr("home.funding"), numbers.compact_currency(figures["funding_eur"], lang))
cols[4].metric(tr("home.population"), numbers.compact(figures["population"], lang))

left, right = st.columns([5, 3], gap="large")
with left:
    scope = ctx.filters.scope
    if scope is None or scope[0] == "commune":
        st.subheader(tr("home.map_title"))
        st.caption(tr("home.map_caption"))
        st_folium(home_map(ctx.geo, regions, lang, selected=scope), height=560,
                  use_container_width=True, returned_objects=[], key="home_map")
    else:  # the territory itself, zoomed, with its sub-territories (issue 17 item 7)
        st_folium(_home_zoom.territory_map(ctx, lang), height=560, use_container_width=True,
                  returned_objects=[], key="home_map_zoom")
with right:
    st.subheader(tr("home.by_type"))
    if by_type.empty:
        st.info(tr("home.no_actor"))
    else:
        fig = charts.actor_type_bars(by_type.code, by_type.n, lang, tr("home.actors"), height=300)
        st.plotly_chart(fig, width="stretch", config=charts.plotly_config(lang))
    st.subheader(tr("home.by_stage"))
    if int(by_stage.n.sum()) == 0:  # say what is missing, not a blank funnel (issue 17 item 10)
        st.info(tr("empty.no_projects_stage"), icon=":material/info:")
    else:
        fig = charts.stage_funnel(by_stage.rename(columns={"code": "category"}), lang,
                                  tr("home.projects"))
        st.plotly_chart(fig, width="stretch", config=charts.plotly_config(lang))

st.subheader(tr("home.by_region"))
table = regions.rename(columns={"name": tr("col.region"), "population": tr("col.population"),
                                "actors": tr("home.actors"), "projects": tr("home.projects"),
                                "actors_per_10k": tr("col.actors_per_10k")}).drop(columns="code")
st.dataframe(numbers.display(table, {
    tr("col.population"): numbers.formatter("number", lang),
    tr("home.actors"): numbers.formatter("number", lang),
    tr("home.projects"): numbers.formatter("number", lang),
    tr("col.actors_per_10k"): numbers.formatter("number", lang, 2)}), hide_index=True, width="stretch")
