"""Members of the inventories the user administers: visibility, grant, revoke.
Every change goes through ecosystem.members, which checks ``manage`` itself."""

import pandas as pd
import streamlit as st

from ecosystem import access
from ecosystem import members as mb
from ecosystem import numbers
from ecosystem.storage.store import StoreError
from pages import _access_ui, _inventory_admin
from pages import _shell as shell
from pages._shell import tr
from pages._widgets import md

ctx = shell.context()
lang = ctx.lang

st.title(tr("members.title"))
if st.session_state.pop("_members_done", False):
    st.success(tr("members.done"), icon=":material/check:")
if gone := st.session_state.pop("_members_deleted", None):
    st.success(tr("members.deleted", inventory=md(gone)), icon=":material/check:")
managed = _access_ui.allowing(ctx, "manage")
if not managed:
    st.info(tr("members.only_admins"), icon=":material/lock:")
    st.stop()
inv = st.selectbox(tr("members.inventory"), managed, key="w_members_inv",
                   index=managed.index(ctx.ref.name) if ctx.ref.name in managed else 0)


def attempt(action) -> None:
    """Run a guarded change; say what went wrong in the user's language."""
    try:
        action()
    except access.PermissionDenied as exc:
        st.error(_access_ui.denied_text(exc))
    except StoreError as exc:
        st.error(tr(exc.hint, **{k: md(str(v)) for k, v in exc.params.items()}))
    else:
        st.session_state["_members_done"] = True
        st.rerun()  # the table above shows the change


# ------------------------------------------------------------------ visibility
# labels made now: a widget may format its options after the run (AppTest does)
VISIBILITY_LABELS = {v: tr(f"access.visibility.{v}") for v in access.VISIBILITIES}
ROLE_LABELS = {r: tr(f"access.role.{r}") for r in access.ROLES}
current = ctx.store.visibility(inv)
with st.form("members_visibility"):
    choice = st.radio(tr("members.visibility"), list(access.VISIBILITIES),
                      index=access.VISIBILITIES.index(current),
                      format_func=lambda v, labels=VISIBILITY_LABELS: labels[v])
    if st.form_submit_button(tr("members.save_visibility")):
        attempt(lambda: mb.set_visibility(ctx.store, ctx.user, inv, choice))

_inventory_admin.rename_form(ctx, inv)  # its name (the audit below keeps the old one)
_inventory_admin.delete_form(ctx, inv)

# ------------------------------------------------------------------ members
st.subheader(tr("members.list", inventory=md(inv)))
table = mb.members(ctx.store, ctx.user, inv)
if table.empty:  # said in words: an empty table reads "empty", in English
    st.info(tr("members.none", inventory=md(inv)), icon=":material/group_off:")
else:
    shown = pd.DataFrame({
        tr("members.col.user"): table.user_id, tr("members.col.email"): table.email.fillna(""),
        tr("members.col.role"): [tr(f"access.role.{r}") for r in table.role],
        tr("members.col.by"): table.granted_by.fillna(""),
        tr("members.col.at"): [numbers.date(v, lang) if pd.notna(v) else "" for v in table.granted_at]})
    st.dataframe(shown, hide_index=True, width="stretch")

# nobody to remove: no remove form (its picker had no option and did nothing)
left, right = st.columns(2) if not table.empty else (st.container(), None)
with left.form("members_grant", clear_on_submit=True):
    who = st.text_input(tr("members.user"), max_chars=255)
    role = st.selectbox(tr("members.role"), list(access.ROLES),
                        format_func=lambda r, labels=ROLE_LABELS: labels[r])
    if st.form_submit_button(tr("members.grant"), type="primary"):
        attempt(lambda: mb.grant(ctx.store, ctx.user, inv, who, role))
if right is not None:
    with right.form("members_revoke"):
        gone = st.selectbox(tr("members.who"), table.user_id.tolist(), index=None,
                            placeholder=tr("ui.choose"))
        if st.form_submit_button(tr("members.revoke")) and gone:
            attempt(lambda: mb.revoke(ctx.store, ctx.user, inv, gone))

# ------------------------------------------------------------------ audit
st.subheader(tr("team.members.history"))
log = mb.history(ctx.store, ctx.user, inv)  # who gave whom which role, when


def _value(action: str, value) -> str:
    if value is None or pd.isna(value):
        return ""
    if action in ("rename", "delete"):  # the inventory's names, as they were
        return str(value)
    return tr(f"access.visibility.{value}") if action == "visibility" else tr(f"access.role.{value}")


if log.empty:
    st.info(tr("team.members.history_empty"))
else:
    st.dataframe(pd.DataFrame({
        tr("team.members.col.when"): [numbers.moment(v, lang) for v in log.changed_at],
        tr("team.members.col.who"): log.actor_label.fillna(""),
        tr("team.members.col.action"): [tr(f"team.action.{a}") for a in log.action],
        tr("team.members.col.member"): log.user_id.fillna(""),
        tr("team.members.col.before"): [_value(a, v) for a, v in zip(log.action, log.old_value)],
        tr("team.members.col.after"): [_value(a, v) for a, v in zip(log.action, log.new_value)]}),
        hide_index=True, width="stretch")
