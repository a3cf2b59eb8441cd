"""Territoires, ranking view: every territory of the sidebar level sorted by one
indicator, its map, its table (download) and a picker that opens a profile."""

import streamlit as st
from streamlit_folium import st_folium

from ecosystem.analysis import indicators as ind
from ecosystem.analysis import territories as terr
from ecosystem.analysis.view import View
from ecosystem.geo import territory_key
from ecosystem import numbers
from ecosystem.render import maps
from pages import _ess_note
from pages import _shell as shell
from pages import _geo_downloads
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md


@st.cache_data(show_spinner=False, max_entries=32)
def _ranking(_store, ref, f, indicator, level):
    return terr.ranking(View(_store, ref, f), indicator, level)


def indicator_picker(key: str, default: str, lang: str) -> str:
    if key not in st.session_state:
        wanted = shell.page_param("ind")
        st.session_state[key] = wanted if wanted in ind.SQL_IDS + ind.NETWORK_IDS else default
    chosen = st.selectbox(tr("terr.indicator"), ind.SQL_IDS + ind.NETWORK_IDS, key=key,
                          format_func=lambda i: ind.get(i).titled(lang))
    i = ind.get(chosen)
    st.caption(md(i.definition(lang)) + f"  \n*{tr('ind.formula')}* {i.formula_words(lang)}")
    ctx = shell.context()
    _ess_note.share_note(ctx.store, ctx.ref, [chosen])
    return chosen


def value_column(indicator_id: str, label: str, lang: str):
    i = ind.get(indicator_id)
    return st.column_config.TextColumn(label, help=i.definition(lang))


def ranking(ctx: shell.Context) -> None:
    lang, geo, f = ctx.lang, ctx.geo, ctx.filters
    level, scope = f.level, f.scope
    chosen = indicator_picker("w_rank_ind", "actors_per_10k", lang)
    shell.sync_url({"view": "ranking", "ind": chosen})
    within = terr.ranking_within(f, level)
    table = _ranking(ctx.store, ctx.ref, f, chosen, level)
    i = ind.get(chosen)
    st.caption(numbers.plural("terr.ranking_caption", len(table), lang,
                  level=ui.level_name(level, lower=True),
                  where=md(ui.territory_label(within)) if within else tr("scope.france")))
    # stacked, each at full width: the table's names, population, sample size and download
    # buttons stay readable at 1440 px (issue 17 item 11)
    left, right = st.container(), st.container()
    with left:
        if len(table) > maps.MAX_RANKING_FEATURES:
            st.info(numbers.plural("terr.map_too_big", len(table), lang))
        else:
            m = maps.ranking_map(geo, table, level, chosen, i.label(lang), i.unit(lang), lang,
                                 value_fmt=lambda v: ind.format_value(chosen, v, lang),
                                 within=within, selected=scope)
            st_folium(m, height=560, use_container_width=True, returned_objects=[],
                      key=f"rank_map_{level}_{chosen}_{within}")
    with right:
        base = ind.sample_base(chosen)  # the sample size beside each rate
        n_col = tr(f"terr.sample.{base}")
        fragile = [ind.is_fragile(chosen, n) for n in table[base]]
        shown = table.rename(columns={"rank": tr("terr.rank"), "name": tr("col.name"),
                                      "code": tr("col.code"), "population": tr("col.population"),
                                      chosen: i.label(lang), base: n_col})
        shown = shown[[tr("terr.rank"), tr("col.name"), i.label(lang), n_col, tr("col.population"),
                       tr("col.code")]]
        if any(fragile):
            st.caption(tr("terr.fragile_note", n=ind.FRAGILE_BELOW, what=n_col.lower()))
        # the app's language decides the separators (not the browser's): text cells;
        # the download keeps the numbers
        screen = numbers.display(shown, {
            i.label(lang): lambda v: ind.format_value(chosen, v, lang),
            n_col: numbers.formatter("number", lang),
            tr("col.population"): numbers.formatter("number", lang)})
        screen[i.label(lang)] = [f"{v} ⚠" if weak and v != numbers.DASH else v
                                 for v, weak in zip(screen[i.label(lang)], fragile)]
        st.dataframe(screen,
                     hide_index=True, width="stretch", height=460,
                     column_config={i.label(lang): value_column(chosen, i.label(lang), lang)})
        ui.download_table(shown, tr("terr.file.ranking", indicator=chosen), "dl_rank")
        _geo_downloads.buttons(ctx, "rank")
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
