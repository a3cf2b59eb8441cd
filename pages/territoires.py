"""Territoires: the profile of the sidebar territory (France when none) and the
ranking of every territory of the sidebar level, with its map."""

import streamlit as st

from ecosystem.analysis import indicators as ind
from ecosystem.render import report
from ecosystem.analysis import territories as terr
from ecosystem import vocabulary as voc
from ecosystem import numbers
from ecosystem.numbers import plural
from ecosystem.render import charts
from pages import _shell as shell
from pages import _ess_note, _territory_ranking
from pages import _peers
from pages import _evolution
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md
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
    top = 10 if ref.records else 0  # aggregates only: no list of actors or projects
    return terr.top_actors(View(_store, ref, f), top), terr.top_projects(View(_store, ref, f), top)


@st.cache_data(show_spinner=False, max_entries=64)
def _white_zones(_store, ref, f):
    return ind.white_zones(View(_store, ref, f))



def _report(kind: str) -> bytes:
    """Built when a download button is clicked (deferred), never on page load."""
    r = report.build(View(ctx.store, ctx.ref, f), lang)
    return report.to_html(r).encode("utf-8") if kind == "html" else report.to_pdf(r)


# ----------------------------------------------------------------- header
name = terr.name_of(geo, scope, tr("scope.france"))
st.title(md(name))
parent = terr.parent(geo, *scope) if scope else None
where = (f"{geo.level_label(scope[0], lang)} {scope[1]}" if scope else tr("terr.national"))
if parent:
    where += " — " + tr("terr.in", parent=ui.territory_label(parent))
st.caption(md(where) + " · " + tr("terr.inventory", inventory=md(ctx.ref.name)))
ui.synthetic_banner(ctx.ref)

if "_terr_view" in st.session_state:  # set by a click below, before the radio exists
    st.session_state["w_terr_view"] = st.session_state.pop("_terr_view")
if "w_terr_view" not in st.session_state:
    st.session_state["w_terr_view"] = shell.page_param("view") if \
        shell.page_param("view") in VIEWS else "profile"
view = st.radio(tr("terr.view"), VIEWS, key="w_terr_view", horizontal=True,
                format_func=lambda v: tr(f"terr.view.{v}"), label_visibility="collapsed")


def profile() -> None:
    shell.sync_url({"ind": st.session_state.get("w_rank_ind") or shell.page_param("ind")})
    refs = _references(ctx.store, ctx.ref, f, scope).set_index("id")
    parent_name = ui.territory_label(parent, with_level=False) if parent else ""
    cols = st.columns(3) + st.columns(3)
    for col, iid in zip(cols, KEY_FIGURES):
        i = ind.get(iid)
        row = refs.loc[iid]
        # "Référence France", said as such: not a figure to compare a count with (item 10)
        delta = None if scope is None else \
            tr("empty.ref_france", value=ind.format_value(iid, row.france, lang))
        note = "" if scope is None else " " + tr("empty.ref_france_help") + \
            (" " + tr("empty.ref_france_total") if "total" in i.tags else "")
        col.metric(f"{i.label(lang)}", ind.format_value(iid, row.territory, lang), delta=delta,
                   delta_color="off", delta_arrow="off",
                   help=f"{i.definition(lang)} ({i.unit(lang)}).{note}")

    st.subheader(tr("terr.figures"))
    st.caption(tr("terr.figures_caption"))
    table = terr.figures_table(refs.reset_index(), name, parent_name or None,
                               national=scope is None, lang=lang)
    st.dataframe(table, hide_index=True, width="stretch", height=420)
    _ess_note.share_note(ctx.store, ctx.ref, refs.index)
    export = terr.figures_export(refs.reset_index(), name, parent_name or None,
                                 national=scope is None, lang=lang)
    ui.download_table(export, tr("terr.file.figures"), "dl_terr_figures")

    parts = _breakdowns(ctx.store, ctx.ref, f)
    st.subheader(tr("terr.mix"))
    left, right = st.columns(2, gap="large")

    def bars(df, vocab, title, unit_key, container):
        container.markdown(f"**{title}**")
        if df.empty:
            container.info(tr("report.no_data"))
            return
        container.plotly_chart(charts.category_bars(df, vocab, lang, tr(unit_key)), width="stretch",
                               config=charts.plotly_config(lang))

    bars(parts["actor_type"], voc.ACTOR_TYPES, tr("terr.by_type"), "home.actors", left)
    bars(parts["actor_domain"], voc.DOMAINS, tr("terr.actors_by_domain"), "home.actors", left)
    no_projects = parts["project_domain"].empty and int(parts["stage"]["n"].sum()) == 0
    with right:
        st.markdown(f"**{tr('terr.pipeline')}**")
        if no_projects:  # say what is missing, not an empty funnel (issue 17 item 10)
            st.info(tr("terr.no_projects"), icon=":material/info:")
        else:
            st.plotly_chart(charts.stage_funnel(parts["stage"], lang, tr("home.projects")),
                            width="stretch", config=charts.plotly_config(lang))
    bars(parts["project_domain"], voc.DOMAINS, tr("terr.projects_by_domain"), "home.projects",
         right)

    st.subheader(tr("terr.white_zones"))
    zones = _white_zones(ctx.store, ctx.ref, f)
    st.caption(tr("report.white_zones_help"))
    if no_projects:  # not "17/17 white zones": there is no project to count
        st.info(tr("terr.no_projects_zones"), icon=":material/info:")
    elif zones:
        st.markdown(plural("terr.white_zones_n", len(zones), lang, total=len(voc.DOMAINS)) + "  \n" +
                    " · ".join(f":orange-badge[{md(voc.DOMAINS.label(d, lang))}]" for d in zones))
    else:
        st.success(tr("report.no_white_zone"))

    _evolution.section(([scope] + ([parent] if parent else []) if scope else []) + [None],
                       "terr_evo")

    actors, projects = _tops(ctx.store, ctx.ref, f)
    left, right = st.container(), st.container()
    with left:
        st.subheader(tr("report.top_actors"))
        if actors.empty:
            st.info(tr("report.no_data" if ctx.ref.records else "access.lists_hidden"))
        else:
            shown = terr.actors_table(actors, geo, lang)
            st.dataframe(numbers.display(shown, {tr("report.col.projects"): numbers.formatter(
                "number", lang)}), hide_index=True, width="stretch")
            ui.download_table(shown, tr("terr.file.actors"), "dl_terr_actors")
            pick = st.selectbox(tr("terr.open_actor"), actors.actor_id.tolist(), index=None,
                                format_func=dict(zip(actors.actor_id, actors.name)).get,
                                key="w_terr_actor", placeholder=tr("terr.open_actor_ph"))
            if pick:
                st.session_state.pop("w_terr_actor", None)
                ui.open_actor(pick)
    with right:
        st.subheader(tr("report.top_projects"))
        if projects.empty:
            st.info(tr("report.no_data" if ctx.ref.records else "access.lists_hidden"))
        else:
            shown = terr.projects_table(projects, lang)
            st.dataframe(numbers.display(shown, {
                tr("report.col.funding"): numbers.formatter("currency", lang),
                tr("report.col.beneficiaries"): numbers.formatter("number", lang)}),
                hide_index=True, width="stretch")
            ui.download_table(shown, tr("terr.file.projects"), "dl_terr_projects")

    _peers.section(ctx)

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





if view == "ranking":
    _territory_ranking.ranking(ctx)
else:
    profile()
