"""Carte: the map explorer — territories coloured by an indicator, actors as
clustered points (or counts per grid cell at national scale), partnership and
funding lines; a click on a territory opens its profile. Layout only: the map
is built by :mod:`ecosystem.render.mapview`."""

import importlib.util
import threading
from dataclasses import replace

import streamlit as st
from streamlit_folium import st_folium

from ecosystem.analysis import indicators as ind
from ecosystem.render import links, maps, mapview
from ecosystem.geo import territory_key
from ecosystem.numbers import fmt_number
from ecosystem.numbers import plural
from pages import _shell as shell
from pages import _geo_downloads
from pages import _time_map
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md
from ecosystem.analysis.view import View

ctx = shell.context()
lang = ctx.lang
f = ctx.filters
HEIGHT = 620
INDICATOR_IDS = list(dict.fromkeys([*ind.DEFAULT_MAP, *ind.INDICATORS]))


@st.cache_resource(show_spinner=False, max_entries=24)
def _view(_store, _geo, ref, filters, options, link):
    """The built map of a view (folium object and figures), kept per view key so a
    rerun for the same view re-sends the same map (no rebuild, no redraw)."""
    return mapview.build(View(_store, ref, filters), _geo, options, link=link)


@st.cache_resource(show_spinner=False)
def _render_lock() -> threading.Lock:
    return threading.Lock()


st.title(tr("map.title"))
ui.synthetic_banner(ctx.ref)

# ------------------------------------------------------------- options
if "w_map_ind" not in st.session_state:  # first run: the URL's options
    wanted = mapview.MapOptions.from_params(
        {k: shell.page_param(k) for k in ("ind", "layers") if shell.page_param(k) is not None})
    st.session_state["w_map_ind"] = wanted.indicator
    for layer in mapview.LAYERS:
        st.session_state[f"w_map_{layer}"] = layer in wanted.layers

left, right = st.columns([3, 2], gap="medium")
with left:
    chosen = st.selectbox(tr("map.indicator"), INDICATOR_IDS, key="w_map_ind",
                          format_func=lambda i: ind.get(i).titled(lang))
    i = ind.get(chosen)
    st.caption(f"**{tr('map.definition')}** — {md(i.definition(lang))}  \n*{tr('ind.formula')}* {i.formula_words(lang)} · "
               f"{md(i.unit(lang))}")
    if i.engine == "network" and importlib.util.find_spec("ecosystem.analysis.network") is None:
        st.caption(tr("map.network_missing"))
# aggregates only: no actor-level layer (mapview.build drops them all the same)
offered = mapview.LAYERS if ctx.ref.records else tuple(x for x in mapview.LAYERS if x == "tiles")
with right:
    st.markdown(f"**{tr('map.layers')}**")
    for layer in offered:  # one under the other: two abreast cut "Fond de carte en ligne"
        st.toggle(tr(f"map.layer.{layer}"), key=f"w_map_{layer}", help=tr(f"map.layer_help.{layer}"))
layers = tuple(x for x in offered if st.session_state.get(f"w_map_{x}"))
options = mapview.MapOptions(indicator=chosen, layers=layers, lang=lang, height=HEIGHT)
f, year, years = _time_map.controls(ctx)
asof = str(year) if year else None
shell.sync_url({**options.to_params(), "at": shell.page_param("at"), "asof": asof})

# ----------------------------------------------------------------- map
view = _view(ctx.store, ctx.geo, ctx.ref, f, options, ui.actor_link(ctx))
c = view.counts
st.caption(tr("map.caption", actors=plural("count.actors", c["actors"], lang),
              projects=plural("count.projects", c["projects"], lang), scope=md(ui.scope_label(ctx)),
              inventory=md(ctx.ref.name)))
if year:
    st.caption(tr("time.map.caption", year=year))
    _time_map.left_out_caption(ctx, f)
within = tr("map.within", territory=md(ui.territory_label(view.within, with_level=False))) \
    if view.within else ""
st.caption(tr("map.level_caption", level=ui.level_name(view.level, lower=True),
              n=fmt_number(c["territories"], lang), within=within) + " " + tr("map.click_help"))
if view.level_note:
    st.info(tr(view.level_note), icon=":material/info:")

# the map's position lives in the URL (at=lat,lng,zoom): set when the page is entered
# (a shared link, Back, coming back from another page), then followed as the user pans
if shell.entered() or "w_map_at0" not in st.session_state:
    st.session_state["w_map_at0"] = links.parse_position(shell.page_param("at"))
    st.session_state["_map_fitted"] = None  # the map's own first position, not written
at0 = st.session_state["w_map_at0"]
with _render_lock():  # the cached map object is shared by sessions; folium renders it in place
    moved = maps.SetView(*at0).add_to(view.map) if at0 else None  # this session's place only
    try:
        out = st_folium(view.map, height=HEIGHT, use_container_width=True,
                        returned_objects=["last_object_clicked", "center", "zoom"], key="carte_map")
    finally:
        for name, child in list(view.map._children.items()):
            if child is moved:
                del view.map._children[name]
# the position the map reports once drawn (before, st_folium answers its defaults)
where, zoom = (out or {}).get("center"), (out or {}).get("zoom")
at = links.position_param(where["lat"], where["lng"], zoom) \
    if where and zoom is not None and st.session_state.get("carte_map") else None
start = links.position_param(*view.map.location, view.map.options["zoom"])  # before the fit
if at and not at0 and (at == start or st.session_state.get("_map_fitted") in (None, at)):
    if at != start:  # fitted to the view, not moved: not written (a URL entry Back
        st.session_state["_map_fitted"] = at  # would return to, then leave again by
    at = None  # writing the fit)
elif at:
    st.session_state["_map_fitted"] = ""  # moved: every position is written from now on
at = at or shell.page_param("at")
shell.sync_url({**options.to_params(), "at": at, "asof": asof})
clicked = (out or {}).get("last_object_clicked")
if clicked:
    mark = (round(clicked["lat"], 6), round(clicked["lng"], 6), view.level, view.within)
    if st.session_state.get("_map_click") != mark:
        st.session_state["_map_click"] = mark
        code = view.territory_at(clicked["lat"], clicked["lng"])
        if code:
            st.session_state["_terr"] = territory_key(view.level, code)  # read by the sidebar
            st.session_state["_terr_view"] = "profile"
            # one history entry, the profile's full URL (Back returns to this map view); the
            # ranking opens on the map's indicator
            there = replace(f, territory=territory_key(view.level, code))
            ui.navigate("territoires", shell.url_params(
                there, {"ind": chosen if chosen in ind.SQL_IDS + ind.NETWORK_IDS else None}))

# ---------------------------------------------------------- what is drawn
if "points" in layers:
    if c["aggregated"]:
        st.warning(tr("map.aggregated", n=fmt_number(c["located"], lang),
                      cap=fmt_number(mapview.POINT_CAP, lang), cell=c.get("cell_deg", ""),
                      cells=fmt_number(c["cells"], lang)), icon=":material/grid_on:")
    else:
        st.caption(plural("map.points_shown", c["points"], lang))
if c["actors"] > c["located"]:
    st.caption(plural("map.unlocated", c["actors"] - c["located"], lang))
if "lines" in layers:
    st.caption(plural("map.lines_shown", c["lines"], lang,
                  total=fmt_number(c["lines_total"], lang)) +
               (" " + tr("map.lines_capped", n=fmt_number(mapview.LINE_CAP, lang))
                if c["lines_total"] > c["lines"] else ""))
    if c.get("flows"):  # at low zoom, partnerships grouped between territories
        st.caption(tr("map.flows_caption", pairs=", ".join(
            plural(f"map.flow_pairs.{lv}", n, lang) for lv, n in c["flows"].items())))
if "funders" in layers:
    st.caption(plural("map.fundings_shown", c["fundings"], lang,
                  total=fmt_number(c["fundings_total"], lang)) +
               (" " + tr("map.lines_capped", n=fmt_number(mapview.FUNDING_CAP, lang))
                if c["fundings_total"] > c["fundings"] else ""))
_geo_downloads.buttons(ctx, "map", f)  # as of the year shown
_time_map.step(years)
