"""Journal: the inventory's latest change sets — who changed what, when, from where —
filtered by person, days and origin; each opens the card it touched on its history.
Readers of records only (``access`` action ``read_records``); values stay on the cards."""

from urllib.parse import quote

import streamlit as st

from ecosystem import editing
from ecosystem.render import history as rh
from ecosystem.storage.changelog import ORIGINS
from pages import _access_ui
from pages import _shell as shell
from pages import _widgets as ui
from pages._edit_forms import can
from pages._shell import tr
from pages._widgets import md

ctx = shell.context()
lang = ctx.lang
ui.synthetic_banner(ctx.ref)
st.title(tr("journal.title"))
shell.sync_url()
_access_ui.records_or_stop(ctx)  # an inventory seen as aggregates only has no journal
if not can(ctx, "read_records"):
    st.warning(tr("journal.denied"), icon=":material/lock:")
    st.stop()
st.caption(tr("journal.caption", inventory=md(ctx.ref.name)))

left, middle, right = st.columns(3)
who = left.selectbox(tr("journal.who"), editing.authors(ctx.store, ctx.ref.name), index=None,
                     placeholder=tr("journal.anyone"), key="w_journal_who")
days = middle.date_input(tr("journal.days"), value=(), format="DD/MM/YYYY", key="w_journal_days")
origins = right.multiselect(tr("journal.origins"), list(ORIGINS), key="w_journal_origins",
                            format_func=lambda o: tr(f"edit.origin.{o}"), placeholder=tr("ui.choose"))
days = tuple(days) if isinstance(days, (tuple, list)) else (days,)
since, until = (days[0], days[-1]) if days else (None, None)

sets = editing.change_sets(ctx.store, ctx.ref.name, 500, who=who, since=since, until=until,
                           origins=origins or None, details=True)
if sets.empty:
    st.info(tr("journal.empty"))
    st.stop()
table = rh.journal(sets, lang)
urls = {"actor": ui.actor_link(ctx), "project": ui.project_link(ctx)}
cards = [rh.card(r.tbl, r.record_id) for r in sets.itertuples()]
shown = table.assign(card=[urls[c[0]] + quote(c[1], safe="") + "&tab=history" if c else None
                           for c in cards])
st.dataframe(shown, hide_index=True, width="stretch", column_config={
    "card": st.column_config.LinkColumn(tr("journal.col.card"), display_text=tr("journal.open"))})
if len(sets) == 500:
    st.caption(tr("journal.limit"))
ui.download_table(table, tr("journal.file"), "w_journal_dl")
