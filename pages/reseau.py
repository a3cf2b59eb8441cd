"""Réseau: who works with whom in the sidebar territory — the drawn graph, brokers,
isolated actors, communities, suggested partnerships and Gephi / table exports."""

import pandas as pd
import streamlit as st

from ecosystem.render import exports
from ecosystem.analysis import network as net
from ecosystem.numbers import fmt_number
from ecosystem import numbers
from ecosystem.numbers import plural
from pages import _access_ui
from pages import _shell as shell
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md
from ecosystem.analysis.view import View

ctx = shell.context()
lang = ctx.lang
_access_ui.records_or_stop(ctx)  # actor names: not on an inventory seen as aggregates only
geo = ctx.geo
f = ctx.filters
VIEWS = ["graph", "brokers", "isolated", "communities", "suggestions", "export"]
COLORS, SIZES = ["type", "community"], ["degree", "betweenness"]


# ---------------------------------------------------------------- queries
@st.cache_data(show_spinner=False, max_entries=16)
def _graph(_store, ref, f) -> net.Graph:
    return net.analyse(net.build(View(_store, ref, f)))


@st.cache_data(show_spinner=False, max_entries=16)
def _drawing(_store, ref, f, lang, color, size, link) -> str:
    data = net.drawing_data(_graph(_store, ref, f), lang, color, size, link=link)
    return net.drawing_html(data, height=600, title=tr("net.title"))


@st.cache_data(show_spinner=False, max_entries=16)
def _territory_suggestions(_store, ref, f) -> pd.DataFrame:
    return net.suggest_for_territory(_graph(_store, ref, f), limit=30)


# ----------------------------------------------------------------- header
st.title(tr("net.title"))
st.caption(md(ui.scope_label(ctx)) + " · " + tr("net.inventory", inventory=md(ctx.ref.name)))
ui.synthetic_banner(ctx.ref)
@st.cache_data(show_spinner=False, max_entries=64)
def _size(_store, ref, f) -> int:
    return net.count_actors(View(_store, ref, f))


n_actors = _size(ctx.store, ctx.ref, f)
if n_actors > net.ANALYSE_MAX:  # a national inventory: minutes and gigabytes otherwise
    st.info(tr("net.too_big", n=fmt_number(n_actors, lang), max=fmt_number(net.ANALYSE_MAX, lang)))
    shell.sync_url()
    st.stop()
with st.spinner(tr("net.computing")):
    graph = _graph(ctx.store, ctx.ref, f)
s = graph.stats
if graph.n == 0:
    st.info(tr("net.empty"))
    shell.sync_url()
    st.stop()

cols = st.columns(6)
cols[0].metric(tr("net.m.actors"), fmt_number(s["n"], lang), help=tr("net.help.actors"))
cols[1].metric(tr("net.m.links"), fmt_number(s["m"], lang), help=tr("net.help.links"))
cols[2].metric(tr("net.m.density"), fmt_number(s["density"], lang, 4), help=tr("net.help.density"))
cols[3].metric(tr("net.m.largest"), net.pct_text(s["largest_share"], lang),
               help=tr("net.help.largest"))
cols[4].metric(tr("net.m.communities"), fmt_number(s["communities"], lang),
               help=tr("net.help.communities"))
cols[5].metric(tr("net.m.isolated"), fmt_number(s["isolated"], lang), help=tr("net.help.isolated"))
method = s["betweenness"]
st.caption(tr("net.caption", mean=fmt_number(s["mean_degree"], lang, 2),
              cross=net.pct_text(s["cross_type_share"], lang) if s["m"] else "—")
           + " " + (tr("net.bc_exact") if method == "exact"
                    else tr("net.bc_sampled", k=fmt_number(int(method.split(":")[1]), lang))))


ui.param_choice("w_net_view", "view", VIEWS, "graph")
view = st.radio(tr("net.view"), VIEWS, key="w_net_view", horizontal=True,
                format_func=lambda v: tr(f"net.view.{v}"), label_visibility="collapsed")
extra = {"view": view if view != "graph" else None}


# ------------------------------------------------------------------ views
def graph_view() -> None:
    if not graph.m:  # no link at all: a drawing would be scattered dots (listed in Isolés)
        st.info(plural("net.no_links", graph.n, lang), icon=":material/link_off:")
        return
    ui.param_choice("w_net_color", "color", COLORS, "type")
    ui.param_choice("w_net_size", "size", SIZES, "degree")
    left, right = st.columns(2)
    color = left.radio(tr("net.color"), COLORS, key="w_net_color", horizontal=True,
                       format_func=lambda c: tr(f"net.color.{c}"))
    size = right.radio(tr("net.size"), SIZES, key="w_net_size", horizontal=True,
                       format_func=lambda c: tr(f"net.size.{c}"))
    extra.update(color=color if color != "type" else None, size=size if size != "degree" else None)
    linked = graph.n - s["isolated"] if graph.m else graph.n
    if linked > net.DRAW_MAX:
        st.info(tr("net.top_n", shown=fmt_number(net.DRAW_MAX, lang), n=fmt_number(linked, lang)),
                icon=":material/filter_alt:")
    if graph.m and s["isolated"]:
        st.caption(plural("net.isolated_not_drawn", s["isolated"], lang))
    link = ui.actor_link(ctx) + "{id}"
    st.iframe(_drawing(ctx.store, ctx.ref, f, lang, color, size, link), height=610)
    top = net.top_nodes(graph)
    names = dict(zip(top.actor_id, top.name))
    chosen = st.selectbox(tr("net.open_actor"), list(names), index=None, format_func=names.get,
                          placeholder=tr("net.open_actor_ph"), key="w_net_open")
    if chosen:
        st.session_state.pop("w_net_open", None)
        ui.open_actor(chosen)


def brokers_table() -> pd.DataFrame:
    return net.brokers_table(graph, lang, geo)


def isolated_table() -> pd.DataFrame:
    return net.isolated_table(graph, lang, geo)


def communities_table() -> pd.DataFrame:
    return net.communities_table(graph, lang, geo, net.area_level(f.scope))


def table_view(df: pd.DataFrame, stem: str, key: str, empty: str, caption: str) -> None:
    st.caption(caption)
    if df.empty:
        st.info(tr(empty))
        return
    st.dataframe(numbers.display_numbers(df, lang, places=5), hide_index=True, width="stretch")
    ui.download_table(df, stem, key)


def suggestions_view() -> None:
    st.caption(tr("net.sugg_caption"))
    ranked = graph.nodes.sort_values(["degree", "name"], ascending=[False, True])
    ids = ranked.actor_id.head(2000).tolist()
    wanted = shell.page_param("sugg")
    if "w_net_sugg" not in st.session_state:
        st.session_state["w_net_sugg"] = wanted if wanted in set(graph.nodes.actor_id) else None
    if st.session_state["w_net_sugg"] and st.session_state["w_net_sugg"] not in ids:
        ids.insert(0, st.session_state["w_net_sugg"])
    names = dict(zip(graph.nodes.actor_id, graph.nodes.name))
    actor = st.selectbox(tr("net.sugg_actor"), ids, format_func=lambda a: names.get(a, a),
                         index=None, placeholder=tr("net.sugg_territory"), key="w_net_sugg")
    extra["sugg"] = actor
    if actor:
        df = net.suggest_for_actor(graph, actor, limit=20)
        st.subheader(tr("net.sugg_for_actor", name=md(names.get(actor, actor))))
    else:
        df = _territory_suggestions(ctx.store, ctx.ref, f)
        st.subheader(tr("net.sugg_for_territory", scope=md(ui.scope_label(ctx))))
    table_view(net.suggestions_table(df, graph, lang, geo), tr("net.file.suggestions"), "dl_net_sugg", "net.no_sugg",
               tr("net.score_caption"))


def export_view() -> None:
    st.caption(tr("net.export_caption"))
    left, right, third, _ = st.columns([1, 1, 1, 2])
    stem = tr("net.file.graph")
    left.download_button(tr("net.gexf"), data=lambda: net.to_gexf(graph), file_name=f"{stem}.gexf",
                         mime="application/xml", key="dl_net_gexf", on_click="ignore",
                         icon=":material/download:")
    right.download_button(tr("net.graphml"), data=lambda: net.to_graphml(graph),
                          file_name=f"{stem}.graphml", mime="application/xml",
                          key="dl_net_graphml", on_click="ignore", icon=":material/download:")
    third.download_button(
        tr("net.xlsx_all"), key="dl_net_xlsx", on_click="ignore", icon=":material/download:",
        data=lambda: exports.to_xlsx_bytes({tr("net.view.brokers"): brokers_table(),
                                            tr("net.view.isolated"): isolated_table(),
                                            tr("net.view.communities"): communities_table()}),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


if view == "graph":
    graph_view()
elif view == "brokers":
    table_view(brokers_table(), tr("net.file.brokers"), "dl_net_brokers", "net.no_brokers",
               tr("net.brokers_caption"))
elif view == "isolated":
    table_view(isolated_table(), tr("net.file.isolated"), "dl_net_isolated", "net.no_isolated",
               tr("net.isolated_caption"))
elif view == "communities":
    table_view(communities_table(), tr("net.file.communities"), "dl_net_comm", "net.no_communities",
               tr("net.communities_caption"))
elif view == "suggestions":
    suggestions_view()
else:
    export_view()
shell.sync_url(extra)
