"""Territoires: the profile of the sidebar territory (France when none) and the
ranking of every territory of the sidebar level, with its map."""

import pandas as pd
import plotly.express as px
import streamlit as st
from streamlit_folium import st_folium

from ecosystem.analysis import indicators as ind
from ecosystem.render import maps, report
from ecosystem.analysis import territories as terr
from ecosystem import vocabulary as voc
from ecosystem.geo import territory_key
from ecosystem import numbers
from ecosystem.numbers import plural
from ecosystem.render import charts, palette
from pages import _shell as shell
from pages._shell import md, tr
from ecosystem.analysis.view import View

ctx = shell.context()
lang = ctx.lang
geo = ctx.geo
f = ctx.filters
scope = f.scope
VIEWS = ["profile", "ranking"]
KEY_FIGURES = ["actors", "actors_per_10k", "projects_per_100k", "funding_per_inhabitant",
               "white_zones", "cross_type_share"]


# ---------------------------------------------------------------- queries
@st.cache_data(show_spinner=False, max_entries=64)
def _references(_store, ref, f, scope):
    return terr.references(View(_store, ref, f), scope)


@st.cache_data(show_spinner=False, max_entries=64)
def _breakdowns(_store, ref, f):
    return {d: ind.breakdown(View(_store, ref, f), d) for d in
            ("actor_type", "actor_domain", "project_domain", "stage")}


@st.cache_data(show_spinner=False, max_entries=64)
def _tops(_store, ref, f):
    return terr.top_actors(View(_store, ref, f)), terr.top_projects(View(_store, ref, f))


@st.cache_data(show_spinner=False, max_entries=64)
def _white_zones(_store, ref, f):
    return ind.white_zones(View(_store, ref, f))


@st.cache_data(show_spinner=False, max_entries=32)
def _ranking(_store, ref, f, indicator, level):
    return terr.ranking(View(_store, ref, f), indicator, level)


def _report(kind: str) -> bytes:
    """Built when a download button is clicked (deferred), never on page load."""
    r = report.build(View(ctx.store, ctx.ref, f), lang)
    return report.to_html(r).encode("utf-8") if kind == "html" else report.to_pdf(r)


# ----------------------------------------------------------------- header
name = terr.name_of(geo, scope, tr("scope.france"))
st.title(md(name))
parent = terr.parent(geo, *scope) if scope else None
where = (f"{voc.LEVELS.label(scope[0], lang)} {scope[1]}" if scope else tr("terr.national"))
if parent:
    where += " — " + tr("terr.in", parent=shell.territory_label(parent))
st.caption(md(where) + " · " + tr("terr.inventory", inventory=md(ctx.ref.name)))
shell.synthetic_banner(ctx.ref)

if "_terr_view" in st.session_state:  # set by a click below, before the radio exists
    st.session_state["w_terr_view"] = st.session_state.pop("_terr_view")
if "w_terr_view" not in st.session_state:
    st.session_state["w_terr_view"] = shell.page_param("view") if \
        shell.page_param("view") in VIEWS else "profile"
view = st.radio(tr("terr.view"), VIEWS, key="w_terr_view", horizontal=True,
                format_func=lambda v: tr(f"terr.view.{v}"), label_visibility="collapsed")


def indicator_picker(key: str, default: str) -> str:
    if key not in st.session_state:
        wanted = shell.page_param("ind")
        st.session_state[key] = wanted if wanted in ind.SQL_IDS + ind.NETWORK_IDS else default
    chosen = st.selectbox(tr("terr.indicator"), ind.SQL_IDS + ind.NETWORK_IDS, key=key,
                          format_func=lambda i: f"{ind.get(i).label(lang)} ({ind.get(i).unit(lang)})")
    i = ind.get(chosen)
    st.caption(md(i.definition(lang)) + f"  \n`{i.formula}`")
    return chosen


def value_column(indicator_id: str, label: str):
    i = ind.get(indicator_id)
    return st.column_config.TextColumn(label, help=i.definition(lang))


# ---------------------------------------------------------------- profile
def profile() -> None:
    shell.sync_url()
    refs = _references(ctx.store, ctx.ref, f, scope).set_index("id")
    parent_name = shell.territory_label(parent, with_level=False) if parent else ""
    cols = st.columns(3) + st.columns(3)
    for col, iid in zip(cols, KEY_FIGURES):
        i = ind.get(iid)
        row = refs.loc[iid]
        delta = None if scope is None else \
            tr("terr.vs_france", value=ind.format_value(iid, row.france, lang))
        col.metric(f"{i.label(lang)}", ind.format_value(iid, row.territory, lang), delta=delta,
                   delta_color="off", delta_arrow="off",
                   help=f"{i.definition(lang)} ({i.unit(lang)})")

    st.subheader(tr("terr.figures"))
    st.caption(tr("terr.figures_caption"))
    table = pd.DataFrame({
        tr("report.col.indicator"): [ind.get(i).label(lang) for i in refs.index],
        name: [ind.format_value(i, v, lang) for i, v in refs.territory.items()],
        **({parent_name: [ind.format_value(i, v, lang) for i, v in refs.parent.items()]}
           if parent else {}),
        **({tr("scope.france"): [ind.format_value(i, v, lang) for i, v in refs.france.items()]}
           if scope else {}),
        tr("report.col.unit"): [ind.get(i).unit(lang) for i in refs.index],
    })
    st.dataframe(table, hide_index=True, width="stretch", height=420)
    export = terr.figures_export(refs.reset_index(), name, parent_name or None,
                                 national=scope is None, lang=lang)
    shell.download_table(export, tr("terr.file.figures"), "dl_terr_figures")

    parts = _breakdowns(ctx.store, ctx.ref, f)
    st.subheader(tr("terr.mix"))
    left, right = st.columns(2, gap="large")

    def bars(df, vocab, title, unit_key, container, order=None):
        container.markdown(f"**{title}**")
        if df.empty:
            container.info(tr("report.no_data"))
            return
        d = df[df.category.isin(vocab.codes)]
        if vocab is voc.ACTOR_TYPES:  # one colour per type, as on the map and the network
            fig = charts.actor_type_bars(d.category, d.n, lang, tr(unit_key))
            container.plotly_chart(numbers.style_figure(fig, lang), width="stretch",
                                   config={"displaylogo": False})
            return
        d = d.assign(label=charts.labels(d.category.map(lambda c: vocab.label(c, lang))))
        fig = px.bar(d.sort_values("n"), x="n", y="label", orientation="h", text="n",
                     labels={"n": tr(unit_key), "label": ""},
                     color_discrete_sequence=[palette.ACCENT])
        fig.update_traces(texttemplate="%{x:,d}")
        fig.update_layout(height=max(180, 26 * len(d) + 60), margin=dict(l=0, r=10, t=10, b=0))
        container.plotly_chart(numbers.style_figure(fig, lang), width="stretch",
                               config={"displaylogo": False})

    bars(parts["actor_type"], voc.ACTOR_TYPES, tr("terr.by_type"), "home.actors", left)
    bars(parts["actor_domain"], voc.DOMAINS, tr("terr.actors_by_domain"), "home.actors", left)
    with right:
        st.markdown(f"**{tr('terr.pipeline')}**")
        stage = parts["stage"].set_index("category").reindex(voc.STAGES.codes).n.fillna(0)
        sd = pd.DataFrame({"label": charts.labels(voc.STAGES.label(c, lang) for c in stage.index),
                           "n": stage.values})
        fig = px.funnel(sd, x="n", y="label", labels={"n": tr("home.projects"), "label": ""},
                        color_discrete_sequence=[palette.ACCENT])
        fig.update_traces(texttemplate="%{x:,d}")
        fig.update_layout(height=240, margin=dict(l=0, r=10, t=10, b=0))
        st.plotly_chart(numbers.style_figure(fig, lang), width="stretch",
                        config={"displaylogo": False})
    bars(parts["project_domain"], voc.DOMAINS, tr("terr.projects_by_domain"), "home.projects",
         right)

    st.subheader(tr("terr.white_zones"))
    zones = _white_zones(ctx.store, ctx.ref, f)
    st.caption(tr("report.white_zones_help"))
    if zones:
        st.markdown(plural("terr.white_zones_n", len(zones), lang, total=len(voc.DOMAINS)) + "  \n" +
                    " · ".join(f":orange-badge[{md(voc.DOMAINS.label(d, lang))}]" for d in zones))
    else:
        st.success(tr("report.no_white_zone"))

    actors, projects = _tops(ctx.store, ctx.ref, f)
    left, right = st.container(), st.container()
    with left:
        st.subheader(tr("report.top_actors"))
        if actors.empty:
            st.info(tr("report.no_data"))
        else:
            shown = terr.actors_table(actors, geo, lang)
            st.dataframe(numbers.display(shown, {tr("report.col.projects"): numbers.formatter(
                "number", lang)}), hide_index=True, width="stretch")
            shell.download_table(shown, tr("terr.file.actors"), "dl_terr_actors")
            pick = st.selectbox(tr("terr.open_actor"), actors.actor_id.tolist(), index=None,
                                format_func=dict(zip(actors.actor_id, actors.name)).get,
                                key="w_terr_actor", placeholder=tr("terr.open_actor_ph"))
            if pick:
                st.session_state.pop("w_terr_actor", None)
                shell.open_actor(pick)
    with right:
        st.subheader(tr("report.top_projects"))
        if projects.empty:
            st.info(tr("report.no_data"))
        else:
            shown = terr.projects_table(projects, lang)
            st.dataframe(numbers.display(shown, {
                tr("report.col.funding"): numbers.formatter("currency", lang),
                tr("report.col.beneficiaries"): numbers.formatter("number", lang)}),
                hide_index=True, width="stretch")
            shell.download_table(shown, tr("terr.file.projects"), "dl_terr_projects")

    st.subheader(tr("terr.report"))
    st.caption(tr("terr.report_caption"))
    stem = report.file_stem(name, lang)
    a, b, _ = st.columns([1, 1, 3])
    a.download_button(tr("terr.report_html"), data=lambda: _report("html"),
                      file_name=f"{stem}.html",
                      mime="text/html", key="dl_report_html", on_click="ignore",
                      icon=":material/description:", type="primary")
    b.download_button(tr("terr.report_pdf"), data=lambda: _report("pdf"), file_name=f"{stem}.pdf",
                      mime="application/pdf", key="dl_report_pdf", on_click="ignore",
                      icon=":material/picture_as_pdf:")


# ---------------------------------------------------------------- ranking
def ranking() -> None:
    level = f.level
    chosen = indicator_picker("w_rank_ind", "actors_per_10k")
    shell.sync_url({"view": "ranking", "ind": chosen})
    within = terr.ranking_within(f, level)
    table = _ranking(ctx.store, ctx.ref, f, chosen, level)
    i = ind.get(chosen)
    st.caption(plural("terr.ranking_caption", len(table), lang,
                  level=voc.LEVELS.label(level, lang).lower(),
                  where=md(shell.territory_label(within)) if within else tr("scope.france")))
    left, right = st.columns([1, 1], gap="medium")
    with left:
        if len(table) > maps.MAX_RANKING_FEATURES:
            st.info(plural("terr.map_too_big", len(table), lang))
        else:
            m = maps.ranking_map(geo, table, level, chosen, i.label(lang), i.unit(lang), lang,
                                 value_fmt=lambda v: ind.format_value(chosen, v, lang),
                                 within=within, selected=scope)
            st_folium(m, height=560, use_container_width=True, returned_objects=[],
                      key=f"rank_map_{level}_{chosen}_{within}")
    with right:
        shown = table.rename(columns={"rank": tr("terr.rank"), "name": tr("col.name"),
                                      "code": tr("col.code"), "population": tr("col.population"),
                                      chosen: i.label(lang)})
        shown = shown[[tr("terr.rank"), tr("col.name"), i.label(lang), tr("col.population"),
                       tr("col.code")]]
        # the app's language decides the separators (not the browser's): text cells;
        # the download keeps the numbers
        st.dataframe(numbers.display(shown, {
                         i.label(lang): lambda v: ind.format_value(chosen, v, lang),
                         tr("col.population"): numbers.formatter("number", lang)}),
                     hide_index=True, width="stretch", height=460,
                     column_config={i.label(lang): value_column(chosen, i.label(lang))})
        shell.download_table(shown, tr("terr.file.ranking", indicator=chosen), "dl_rank")
        options = table.code.tolist()[:500]
        names = dict(zip(table.code, table.name))
        pick = st.selectbox(tr("terr.open_profile"), options, index=None, key="w_rank_pick",
                            format_func=lambda c: f"{names[c]} ({c})",
                            placeholder=tr("terr.open_profile_ph"))
        if pick:
            st.session_state.pop("w_rank_pick", None)
            st.session_state["_terr_view"] = "profile"
            st.session_state["_terr"] = territory_key(level, pick)  # read by the sidebar
            st.rerun()


if view == "ranking":
    ranking()
else:
    profile()
