"""Modération: the proposals visitors sent, beside the current record and its likely
duplicates; accept (with corrections), merge into an existing actor, or reject with a reason."""

import pandas as pd
import streamlit as st

from ecosystem import editing, numbers
from ecosystem import vocabulary as voc
from ecosystem.editing import contributions as contrib
from ecosystem.render import safe
from ecosystem.storage.store import StoreError
from pages import _access_ui
from pages import _shell as shell
from pages._edit_forms import ACTOR_FIELDS, can, field_label, fields_form, flash, forget, show_error
from pages._shell import tr
from pages._state import current_user
from pages import _widgets as ui
from pages._widgets import md

ctx = shell.context()
lang = ctx.lang
ui.synthetic_banner(ctx.ref)
st.title(tr("moderation.title"))
shell.sync_url()
if not can(ctx, "moderate"):
    st.warning(tr("moderation.denied"))
    st.stop()
flash()
if elsewhere := _access_ui.waiting_elsewhere(ctx):
    st.caption(elsewhere)

queue = contrib.queue(ctx.store, current_user(), ctx.ref.name)
if queue.empty:
    st.info(tr("moderation.empty"))
    st.stop()


def _name(p) -> str:
    fields = contrib.get(ctx.store, p.id)["fields"]
    if p.kind == "report":
        rec = editing.read(ctx.store, ctx.ref.name, "actors", p.record_id)
        name = rec.values["name"] if rec is not None else p.record_id
        return tr("moderation.kind.report", name=safe.text(name))  # option text, not Markdown
    return tr("moderation.kind.new", name=safe.text(fields.get("name", "?")))


labels = {p.id: f"{_name(p)} — {numbers.date(p.created_at, lang)}" for p in queue.itertuples()}
pid = st.selectbox(tr("moderation.pick"), list(labels), format_func=labels.get, key="w_mod_pick")
p = contrib.get(ctx.store, pid)
fields = p["fields"]


def _shown(name, value) -> str:
    col = next((c for c in editing.records.model.TABLES["actors"].columns if c.name == name), None)
    if value is None:
        return ""
    if col is not None and col.vocabulary is not None:
        return ", ".join(col.vocabulary.label(v.strip(), lang) for v in str(value).split(voc.LIST_SEP))
    return str(value)


def _table(values: dict) -> None:
    st.dataframe(pd.DataFrame({tr("col.field"): [field_label(k) for k in values],
                               tr("col.value"): [_shown(k, v) for k, v in values.items()]}),
                 hide_index=True, width="stretch")


left, right = st.columns(2)
with left:
    st.subheader(tr("moderation.proposal"))
    st.caption(tr("moderation.received", date=numbers.moment(p["created_at"], lang)))
    _table(fields)
    if p["message"]:
        st.markdown(f"**{tr('moderation.message')}**")
        st.markdown(md(p["message"]))
with right:
    current = None
    if p["kind"] == "report":
        st.subheader(tr("moderation.existing"))
        current = editing.read(ctx.store, ctx.ref.name, "actors", p["record_id"])
        if current is not None:
            _table({k: current.values.get(k) for k in ACTOR_FIELDS})
    else:
        st.subheader(tr("moderation.duplicates"))
        dups = contrib.duplicates(ctx.store, ctx.ref.name, fields)
        if dups.empty:
            st.info(tr("moderation.no_duplicates"))
        else:
            st.dataframe(dups[["actor_id", "name", "city", "score", "basis"]].rename(columns={
                "name": tr("col.name"), "city": field_label("city"),
                "score": tr("moderation.col.score"), "basis": tr("moderation.col.basis")}),
                hide_index=True, width="stretch")


def _do(action, done_key: str) -> None:
    try:
        action()
    except (StoreError, ValueError) as exc:
        show_error(exc)
        return
    forget("w_mod_")
    flash(tr(done_key))
    st.rerun()


prefix = f"w_mod_{pid}"
with st.form(prefix):
    st.markdown(f"**{tr('moderation.edits')}**")
    base = {**(current.values if current is not None else {}), **fields}
    shown = [f for f in contrib.FIELDS if f in base or p["kind"] == "new"][:len(contrib.FIELDS)]
    edits = fields_form("actors", [f for f in shown if f in ACTOR_FIELDS], base, prefix)
    if st.form_submit_button(tr("moderation.accept"), type="primary"):
        changed = {k: v for k, v in edits.items() if v not in ("", None, [])}
        _do(lambda: contrib.accept(ctx.store, current_user(), pid, changed), "moderation.accepted")

if p["kind"] == "new":
    dups = contrib.duplicates(ctx.store, ctx.ref.name, fields)
    target = st.text_input(tr("moderation.merge_into"),
                           value=dups.actor_id.iloc[0] if not dups.empty else "", key=f"w_mod_target_{pid}")
    if st.button(tr("moderation.merge"), key=f"w_mod_merge_{pid}") and target:
        _do(lambda: contrib.merge(ctx.store, current_user(), pid, target.strip()), "moderation.merged")

reason = st.text_input(tr("moderation.reason"), key=f"w_mod_reason_{pid}")
if st.button(tr("moderation.reject"), key=f"w_mod_reject_{pid}"):
    _do(lambda: contrib.reject(ctx.store, current_user(), pid, reason), "moderation.rejected")
