"""Acteur: the profile of one actor (projects, partners, fundings, networks, grid, source record)."""

from urllib.parse import quote

import pandas as pd
import streamlit as st

from ecosystem import vocabulary as voc
from ecosystem.analysis.grid import load_grid
from ecosystem import numbers
from ecosystem.numbers import plural
from ecosystem.analysis.profiles import ActorNotFound, actor_profile, search_actors
from pages import _access_ui
from pages import _edit_actor as edit_ui
from pages import _shell as shell
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md

ctx = shell.context()
lang = ctx.lang
if not ctx.ref.records:
    edit_ui.new_actor(ctx)  # a visitor of a public inventory may still propose an actor
_access_ui.records_or_stop(ctx)  # no actor card on an inventory seen as aggregates only
head = st.container()  # the actor's name and what it is, above the search (filled below)
ui.synthetic_banner(ctx.ref)

actor_id = st.session_state.get("_actor") or shell.page_param("actor")

with st.expander(tr("actor.search"), expanded=not actor_id):
    query = st.text_input(tr("actor.search_label"), key="w_actor_search",
                          placeholder=tr("actor.search_placeholder"))
    if query:
        found = search_actors(ctx.store, ctx.ref, query)
        if found.empty:
            st.info(tr("actor.no_match"))
        else:
            labels = {r.actor_id: f"{r.name} — {voc.ACTOR_TYPES.label(r.actor_type, lang)} "
                                  f"({ctx.geo.name('commune', r.commune_code) if r.commune_code else '—'})"
                      for r in found.itertuples()}
            chosen = st.selectbox(plural("actor.results", len(found), lang), list(labels),
                                  format_func=labels.get, key="w_actor_pick")
            if st.button(tr("actor.open"), key="w_actor_open"):
                st.session_state["_actor"] = chosen
                st.rerun()

edit_ui.new_actor(ctx)

prof = _access_ui.card_or_stop(ctx, "actor", actor_id, actor_profile, ActorNotFound)

rec = prof.record
head.title(ui.title(rec["name"]))
domains = ", ".join(voc.DOMAINS.label(d, lang) for d in rec["domains"]) or "—"
place = " · ".join(md(name) + f" ({code})" for _, (code, name) in reversed(prof.territory.items())) \
    if prof.territory else tr("actor.no_place")
family = rec.get("ess_family")  # SIRENE imports: the ESS family of the legal category
family = (" · " + tr("actor.ess_family", family=md(voc.ESS_FAMILIES.label(family, lang)))
          if isinstance(family, str) and family else "")
head.markdown(f"**{voc.ACTOR_TYPES.label(rec['actor_type'], lang)}**{family} — {md(domains)}  \n{place}")

cols = st.columns(5)
cols[0].metric(tr("actor.projects_led"), numbers.number(prof.figures["projects_led"], lang))
cols[1].metric(tr("actor.projects_partner"), numbers.number(prof.figures["projects_partner"], lang))
cols[2].metric(tr("actor.partners"), numbers.number(prof.figures["partners"], lang))
cols[3].metric(tr("actor.funding_received"), numbers.compact_currency(prof.figures["funding_received"], lang))
cols[4].metric(tr("actor.funding_given"), numbers.compact_currency(prof.figures["funding_given"], lang))

TABS = ["projects", "partners", "fundings", "networks", "grid", "record"]
names = {tr(f"actor.tab.{t}"): t for t in TABS} | edit_ui.tab_codes(ctx)  # ?tab=history: its history
wanted = shell.page_param("tab")
tabs = st.tabs(list(names), key="w_actor_tab", on_change="rerun",
               default=next((label for label, code in names.items() if code == wanted), None))
shown_tab = names.get(st.session_state.get("w_actor_tab"), "projects")
shell.sync_url({"actor": actor_id, "tab": None if shown_tab == "projects" else shown_tab})

with tabs[0]:
    if prof.projects.empty:
        st.info(tr("actor.none"))
    else:
        df = prof.projects.assign(
            stage=prof.projects.stage.map(lambda s: voc.STAGES.label(s, lang)),
            role=prof.projects.role.map(lambda r: tr("actor.lead") if r == "lead"
                                        else voc.PARTNER_ROLES.label(r, lang)),
            domains=prof.projects.domains.map(
                lambda ds: ", ".join(voc.DOMAINS.label(d, lang) for d in (ds if ds is not None else []))),
            card=[ui.project_link(ctx) + quote(str(p), safe="") for p in prof.projects.project_id])
        # the card's link beside the title: last, it fell past the edge of the frame at 1,280 px
        st.dataframe(ui.dash_missing(df[["title", "card", "role", "stage", "start_year", "end_year", "domains"]])
                     .rename(columns={"title": tr("col.project"), "role": tr("col.role"),
                                      "stage": tr("col.stage"), "domains": tr("col.domains"),
                                      "start_year": tr("col.start"), "end_year": tr("col.end")}),
                     column_config={"card": st.column_config.LinkColumn(  # the project's own card
                         tr("project.col.card"), display_text=tr("project.open"))},
                     hide_index=True, width="stretch")

with tabs[1]:
    if prof.partners.empty:
        st.info(tr("actor.none"))
    else:
        df = prof.partners.assign(actor_type=prof.partners.actor_type.map(
            lambda c: voc.ACTOR_TYPES.label(c, lang)),
            commune=prof.partners.commune_code.map(lambda c: ctx.geo.name("commune", c) if c else ""))
        st.dataframe(df[["name", "actor_type", "commune", "shared_projects"]].rename(
            columns={"name": tr("col.name"), "actor_type": tr("col.type"),
                     "commune": tr("col.commune"), "shared_projects": tr("col.shared_projects")}),
            hide_index=True, width="stretch")
        other = st.selectbox(tr("actor.open_partner"), prof.partners.actor_id.tolist(),
                             format_func=dict(zip(prof.partners.actor_id, prof.partners.name)).get,
                             index=None, placeholder=tr("ui.choose"), key="w_actor_partner")
        if other:
            st.session_state["_actor"] = other
            st.session_state.pop("w_actor_partner", None)
            st.rerun()
    if not prof.declared.empty:
        st.subheader(tr("actor.declared"))
        st.dataframe(ui.dash_missing(prof.declared[["name", "kind", "since_year"]]).rename(
            columns={"name": tr("col.name"), "kind": tr("col.kind"), "since_year": tr("col.since")}),
            hide_index=True, width="stretch")


def _money_table(df: pd.DataFrame, who: str) -> None:
    shown = df.assign(kind=df.kind.map(lambda k: voc.FUNDING_KINDS.label(k, lang)),
                      origin=df.origin.map(lambda o: voc.FUNDING_ORIGINS.label(o, lang)))
    st.dataframe(numbers.display(ui.dash_missing(shown[["title", who, "amount_eur", "year", "kind", "origin"]],
                                                 keep=("amount_eur",)).rename(
        columns={"title": tr("col.project"), who: tr(f"col.{who}"), "amount_eur": tr("col.amount"),
                 "year": tr("col.year"), "kind": tr("col.kind"), "origin": tr("col.origin_short")}),
        {tr("col.amount"): numbers.formatter("currency", lang)}), hide_index=True, width="stretch")


with tabs[2]:
    st.subheader(tr("actor.received"))
    if prof.fundings_received.empty:
        st.info(tr("actor.none"))
    else:
        _money_table(prof.fundings_received, "funder")
    if not prof.fundings_given.empty:
        st.subheader(tr("actor.given"))
        _money_table(prof.fundings_given, "beneficiary")

with tabs[3]:
    if prof.memberships.empty:
        st.info(tr("actor.none"))
    else:
        df = prof.memberships.assign(relation=prof.memberships.relation.map(
            lambda r: tr(f"actor.{r}")))
        st.dataframe(ui.dash_missing(df[["relation", "name", "since_year"]]).rename(
            columns={"relation": tr("col.relation"), "name": tr("col.name"),
                     "since_year": tr("col.since")}), hide_index=True, width="stretch")

with tabs[4]:
    grid = load_grid()
    if prof.scores.empty:
        st.info(tr("actor.no_scores"))
    else:
        known = {c.id for c in grid.criteria}
        df = prof.scores[prof.scores.criterion_id.isin(known)].assign(
            criterion=lambda d: d.criterion_id.map(lambda c: grid.criterion(c).label(lang)))
        st.dataframe(numbers.display(df[["criterion", "mean_score", "n_scored", "n_not_assessed"]].rename(
            columns={"criterion": tr("col.criterion"), "mean_score": tr("col.mean_score"),
                     "n_scored": tr("col.n_scored"), "n_not_assessed": tr("col.not_assessed")}),
            {tr("col.mean_score"): numbers.formatter("number", lang, 2)}),
            hide_index=True, width="stretch")

def _cell(v) -> str:
    if v is None or (not isinstance(v, (list, str)) and pd.isna(v)):
        return numbers.DASH
    if isinstance(v, bool):
        return tr("ui.yes" if v else "ui.no")
    return str(v)


with tabs[5]:
    st.caption(tr("actor.record_caption"))
    shown = {k: (", ".join(v) if isinstance(v, list) else v) for k, v in rec.items()
             if k not in ("reg", "dep", "epci", "links_all")}
    st.dataframe(pd.DataFrame({tr("col.field"): [voc.FIELDS.label(k, lang) for k in shown],
                               tr("col.value"): [_cell(v) for v in shown.values()]}),
                 hide_index=True, width="stretch")

edit_ui.draw_tabs(ctx, actor_id, tabs[6:])
edit_ui.visitor_report(ctx, actor_id)
