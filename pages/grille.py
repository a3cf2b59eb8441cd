"""Grille: the characterisation grid (default or a user's file), projects'
scores, and scores rolled up per territory and per domain."""

import pandas as pd
import streamlit as st

from ecosystem.analysis import indicators as ind
from ecosystem.analysis import territories as terr
from ecosystem import vocabulary as voc
from ecosystem.analysis.grid import NO_TERRITORY, GridError, load_grid, project_scores, score_pivot
from ecosystem import numbers
from ecosystem.numbers import fmt_number
from ecosystem.render import charts
from pages import _shell as shell
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md
from ecosystem.analysis.view import View

ctx = shell.context()
lang = ctx.lang
geo = ctx.geo
f = ctx.filters
HEATMAP_MAX = 40
PROJECTS_MAX = 1000


@st.cache_data(show_spinner=False, max_entries=32)
def _rollup(_store, ref, f, by, level):
    return ind.grid_rollup(View(_store, ref, f), by=by, level=level)


@st.cache_data(show_spinner=False, max_entries=32)
def _assessed(_store, ref, f, level):
    return ind.compute(View(_store, ref, f), level, ["projects", "grid_assessed_share"],
                       within=terr.ranking_within(f, level))


@st.cache_data(show_spinner=False, max_entries=32)
def _projects(_store, ref, f, _grid, grid_key):
    return project_scores(View(_store, ref, f), _grid, PROJECTS_MAX if ref.records else 0)


st.title(tr("grid.title"))
st.caption(tr("grid.caption", scope=md(ui.scope_label(ctx))))
ui.synthetic_banner(ctx.ref)

# ------------------------------------------------------------------ the grid
grid = load_grid()
with st.expander(tr("grid.load"), expanded=False):
    st.markdown(tr("grid.load_help"))
    upload = st.file_uploader(tr("grid.file"), type=["json"], key="w_grid_file")
    if upload is not None:
        try:
            grid = load_grid(upload.getvalue())
            st.success(numbers.plural("grid.loaded", len(grid.criteria), lang, name=md(grid.label(lang))))
        except GridError as exc:
            st.error(tr("grid.invalid", error=md(str(exc))))
            grid = load_grid()

st.subheader(md(grid.label(lang)))
note = grid.note_en if lang == "en" else grid.note_fr
if note:
    st.caption(md(note))
scale = " · ".join(f"**{v}** {md(en if lang == 'en' else fr)}" for v, fr, en in grid.scale)
st.markdown(tr("grid.scale") + " " + scale + " · **—** " + md(grid.scale_label(None, lang)))
# a static table: its text wraps (a data grid cut the description at 1280 px); its
# cells are Markdown, and a loaded grid's texts are the user's
criteria = pd.DataFrame({
    tr("col.group"): [tr(f"grid.group.{c.group}") for c in grid.criteria],
    tr("col.criterion"): [md(c.label(lang)) for c in grid.criteria],
    tr("col.description"): [md(c.help(lang)) for c in grid.criteria],
})
st.table(criteria, hide_index=True)
labels = {c.id: c.label(lang) for c in grid.criteria}


def pivot(roll: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Territories or domains × criteria of this grid (mean scores); projects without a
    known commune named as such."""
    return score_pivot(roll, grid, names, lang, tr("col.name"), tr("grid.no_territory"))


def shown_scores(df: pd.DataFrame, extra: dict | None = None) -> pd.DataFrame:
    """Display copy: mean scores with two decimals in the app's language."""
    return numbers.display(df, {**{c: numbers.formatter("number", lang, 2) for c in df.columns
                                   if c in labels.values()}, **(extra or {})})


def heatmap(p: pd.DataFrame, key: str) -> None:
    if len(p) > HEATMAP_MAX or p.empty:
        return
    fig = charts.score_heatmap(p.drop(columns=[tr("col.name")]).astype(float), p[tr("col.name")],
                               grid.min_score, grid.max_score, tr("col.mean_score"))
    st.plotly_chart(numbers.style_figure(fig, lang), width="stretch", config=charts.plotly_config(lang),
                    key=key)


tabs, tab = ui.url_tabs({t: tr(f"grid.tab.{t}") for t in ("territory", "domain", "project")},
                        "w_grid_tab")

# ---------------------------------------------------------------- per territory
with tabs[0]:
    level = f.level
    st.caption(tr("grid.by_territory_caption", level=ui.level_name(level, lower=True)))
    roll = _rollup(ctx.store, ctx.ref, f, "territory", level)
    assessed = _assessed(ctx.store, ctx.ref, f, level)
    names = dict(zip(assessed.code, assessed.name))
    p = pivot(roll, names)
    if p.empty:
        st.info(tr("grid.none"))
    else:
        share = assessed.set_index("code")
        counts = share.projects.reindex(p.index).fillna(0).astype("Int64")
        counts[counts.index == NO_TERRITORY] = pd.NA  # not a territory: no count of its own
        p.insert(1, tr("grid.projects"), counts)
        p.insert(2, tr("grid.assessed"), share.grid_assessed_share.reindex(p.index))
        p = p.sort_values(tr("grid.projects"), ascending=False)
        st.dataframe(shown_scores(p.reset_index(names=tr("col.code")), {
                         tr("grid.projects"): numbers.formatter("number", lang),
                         tr("grid.assessed"): numbers.formatter("percent", lang)}),
                     hide_index=True, width="stretch")
        ui.download_table(p.reset_index(names=tr("col.code")), tr("grid.file.territory"),
                             "dl_grid_terr")
        heatmap(p.drop(columns=[tr("grid.projects"), tr("grid.assessed")]), "grid_heat_terr")
    unknown = sorted(set(roll.criterion_id) - set(labels))
    if unknown:
        st.caption(tr("grid.unknown", ids=md(", ".join(unknown))))

# ------------------------------------------------------------------ per domain
with tabs[1]:
    roll = _rollup(ctx.store, ctx.ref, f, "domain", f.level)
    p = pivot(roll, voc.DOMAINS.labels(lang))
    if p.empty:
        st.info(tr("grid.none"))
    else:
        n = roll.groupby("code").n_projects.max()
        p.insert(1, tr("grid.projects_scored"), n.reindex(p.index).fillna(0).astype(int))
        p = p.reindex([d for d in voc.DOMAINS.codes if d in p.index])
        st.dataframe(shown_scores(p.reset_index(names=tr("col.code")), {
                         tr("grid.projects_scored"): numbers.formatter("number", lang)}),
                     hide_index=True, width="stretch")
        ui.download_table(p.reset_index(names=tr("col.code")), tr("grid.file.domain"),
                             "dl_grid_domain")
        heatmap(p.drop(columns=[tr("grid.projects_scored")]), "grid_heat_domain")

# ----------------------------------------------------------------- per project
with tabs[2]:
    scores = _projects(ctx.store, ctx.ref, f, grid, (grid.id, tuple(grid.ids)))
    n_scored = int((scores.n_scored > 0).sum())
    st.caption(numbers.plural("grid.by_project_caption", n_scored, lang,
                              projects=numbers.plural("count.projects", len(scores), lang),
                              max=fmt_number(PROJECTS_MAX, lang)))
    if scores.empty:
        st.info(tr("report.no_data" if ctx.ref.records else "access.lists_hidden"))
    else:
        shown = pd.DataFrame({
            tr("col.project"): scores.title,
            tr("col.stage"): scores.stage.map(lambda s: voc.STAGES.label(s, lang)),
            tr("col.commune"): terr.commune_names(geo, scores.commune_code),
            tr("col.mean_score"): scores.mean_score,
            **{labels[c]: [grid.scale_label(v if pd.notna(v) else None, lang) for v in scores[c]]
               for c in grid.ids}})
        st.dataframe(numbers.display(shown, {tr("col.mean_score"): numbers.formatter(
            "number", lang, 2)}), hide_index=True, width="stretch", height=420)
        ui.download_table(shown, tr("grid.file.project"), "dl_grid_projects")
        pick = st.selectbox(tr("grid.one_project"), scores.project_id.tolist(), index=None,
                            format_func=dict(zip(scores.project_id, scores.title)).get,
                            key="w_grid_project", placeholder=tr("grid.one_project_ph"))
        if pick:
            row = scores.set_index("project_id").loc[pick]
            for group in ("core", "complementary"):
                st.markdown(f"**{tr(f'grid.group.{group}')}**")
                for c in grid.criteria:
                    if c.group == group:
                        v = row[c.id]
                        st.markdown(f"- {md(c.label(lang))} : "
                                    f"**{md(grid.scale_label(v if pd.notna(v) else None, lang))}**"
                                    if lang == "fr" else
                                    f"- {md(c.label(lang))}: "
                                    f"**{md(grid.scale_label(v if pd.notna(v) else None, lang))}**")
shell.sync_url({"tab": tab})
