"""Projet: the card of one project (issue 13), reached by links (``?project=P…``: the
actor card's project list, a partner's card), not from the menu. Its figures (title,
stage and the years of the stages, domains, lead, partners, fundings), its history
(the actor card's shared part, with "Annuler ce changement" for editors) and, for
editors, the project form of the actor card's "Modifier" tab."""

from urllib.parse import quote

import pandas as pd
import streamlit as st

from ecosystem import editing, numbers
from ecosystem import vocabulary as voc
from ecosystem.analysis.profiles import ProjectNotFound, project_profile
from pages import _access_ui
from pages import _edit_actor as edit_ui
from pages import _shell as shell
from pages import _widgets as ui
from pages._edit_forms import can, flash
from pages._shell import tr
from pages._widgets import md

ctx = shell.context()
lang = ctx.lang
_access_ui.records_or_stop(ctx)  # a project's title is a record: no card on aggregates only
ui.synthetic_banner(ctx.ref)

project_id = shell.page_param("project")
prof = _access_ui.card_or_stop(ctx, "project", project_id, project_profile, ProjectNotFound)
names = {tr("actor.tab.partners"): "partners", tr("actor.tab.fundings"): "fundings"} | edit_ui.tab_codes(ctx)
wanted = shell.page_param("tab")  # ?tab=history: the card opened on its history

rec = prof.record
actor_url = ui.actor_link(ctx)
st.title(ui.title(rec["title"]))
lead_id, lead_name = prof.lead
lead = (f"[{md(lead_name)}]({actor_url}{quote(str(lead_id), safe='')})" if lead_name
        else tr("project.lead_unknown", actor=md(lead_id)))
domains = ", ".join(voc.DOMAINS.label(d, lang) for d in rec["domains"]) or numbers.DASH
st.markdown(tr("project.stage", stage=md(voc.STAGES.label(rec["stage"], lang))) + f" — {md(domains)}  \n"
            + tr("project.lead", lead=lead))

cols = st.columns(3)
cols[0].metric(tr("project.partners"), numbers.number(prof.figures["partners"], lang))
cols[1].metric(tr("project.fundings"), numbers.number(prof.figures["fundings"], lang))
cols[2].metric(tr("project.funding_total"), numbers.compact_currency(prof.figures["funding_total"], lang))


def _year(v) -> str:
    return numbers.DASH if v is None or pd.isna(v) else str(int(v))


years = [(tr("project.start"), rec.get("start_year"))] + [
    (voc.STAGES.label(s, lang), rec.get(f"{s}_year")) for s in ("experimentation", "diffusion", "evaluation")
] + [(tr("project.end"), rec.get("end_year"))]
st.markdown(f"**{tr('project.years')}** — " + " · ".join(f"{md(label)} {_year(v)}" for label, v in years))

changes = editing.history(ctx.store, ctx.ref.name, "projects", project_id, user=shell.current_user())
changes = changes[changes.field == "stage"]
if not changes.empty:  # the stage changes with their date (the edit form's "date of the change")
    st.markdown(f"**{tr('project.stage_changes')}**")
    st.markdown("\n".join("- " + tr("project.stage_change", date=numbers.date(r.effective, lang),
                                    before=md(voc.STAGES.label(r.old_value, lang) if r.old_value else numbers.DASH),
                                    after=md(voc.STAGES.label(r.new_value, lang) if r.new_value else numbers.DASH),
                                    who=md(r.user_label or "?"))
                          for r in changes.itertuples()))

editor = can(ctx, "edit")
tabs = st.tabs(list(names), key="w_project_tab", on_change="rerun",
               default=next((label for label, code in names.items() if code == wanted), None))
shown_tab = names.get(st.session_state.get("w_project_tab"), "partners")
shell.sync_url({"project": project_id, "tab": None if shown_tab == "partners" else shown_tab})

with tabs[0]:
    if prof.partners.empty:
        st.info(tr("actor.none"))
    else:
        df = prof.partners.assign(
            actor_type=prof.partners.actor_type.map(lambda c: voc.ACTOR_TYPES.label(c, lang) if c else ""),
            role=prof.partners.role.map(lambda r: voc.PARTNER_ROLES.label(r, lang) if r else ""),
            card=[actor_url + quote(str(a), safe="") for a in prof.partners.actor_id])
        st.dataframe(ui.dash_missing(df[["name", "actor_type", "role", "card"]]).rename(
            columns={"name": tr("col.name"), "actor_type": tr("col.type"), "role": tr("col.role")}),
            column_config={"card": st.column_config.LinkColumn(tr("project.col.card"),
                                                               display_text=tr("project.open"))},
            hide_index=True, width="stretch")

with tabs[1]:
    if prof.fundings.empty:
        st.info(tr("actor.none"))
    else:
        f = prof.fundings.assign(kind=prof.fundings.kind.map(lambda k: voc.FUNDING_KINDS.label(k, lang)),
                                 origin=prof.fundings.origin.map(lambda o: voc.FUNDING_ORIGINS.label(o, lang)))
        st.dataframe(numbers.display(ui.dash_missing(f[["funder", "amount_eur", "year", "kind", "origin"]],
                                                     keep=("amount_eur",)).rename(
            columns={"funder": tr("col.funder"), "amount_eur": tr("col.amount"), "year": tr("col.year"),
                     "kind": tr("col.kind"), "origin": tr("col.origin_short")}),
            {tr("col.amount"): numbers.formatter("currency", lang)}), hide_index=True, width="stretch")

if editor:
    with tabs[2]:
        flash()
        edit_ui.project_form(ctx, project_id)
with tabs[-1]:
    edit_ui.history(ctx, "projects", project_id)
