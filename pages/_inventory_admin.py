"""Membres, the inventory's own part: its administrators rename it (the inventory's
audit log keeps who, when, the old and the new name: ``writes.rename``) or delete it
(``writes.delete``: the store keeps who deleted it, when and its name). A deletion
cannot be undone: the form says what goes with the inventory and asks for its name."""

from __future__ import annotations

import streamlit as st

from ecosystem import access, numbers, writes
from ecosystem.storage.store import StoreError
from pages import _access_ui
from pages._state import tr
from pages._widgets import md


def rename_form(ctx, inv: str) -> None:
    """The rename form of ``inv``; the sidebar and the page's picker follow the new name."""
    if error := st.session_state.pop("_members_rename_error", None):
        st.error(error)
    with st.form("members_rename"):
        st.text_input(tr("members.rename"), value=inv, max_chars=80, key=f"w_members_rename_{inv}")
        st.form_submit_button(tr("members.rename_save"), on_click=_rename, args=(ctx, inv))


def _rename(ctx, inv: str) -> None:
    """The submit's callback: it runs before the next run draws the pickers, so it may
    point them at the new name."""
    new = (st.session_state.get(f"w_members_rename_{inv}") or "").strip()
    if not new or new == inv:
        return
    try:
        ref = writes.rename(ctx.store, ctx.user, inv, new)
    except access.PermissionDenied as exc:
        st.session_state["_members_rename_error"] = _access_ui.denied_text(exc)
    except StoreError as exc:
        st.session_state["_members_rename_error"] = tr(exc.hint, **{k: md(str(v)) for k, v in exc.params.items()})
    else:
        if st.session_state.get("w_inv") == inv:
            st.session_state["w_inv"] = ref.name
        st.session_state["w_members_inv"] = ref.name
        st.session_state["_members_done"] = True


def delete_form(ctx, inv: str) -> None:
    """The delete form of ``inv``, folded: what goes with it, then its name typed again."""
    if error := st.session_state.pop("_members_delete_error", None):
        st.error(error)
    listing = ctx.store.list().set_index("name")
    n_actors, n_projects = (int(listing.at[inv, c]) if inv in listing.index else 0
                            for c in ("n_actors", "n_projects"))
    with st.expander(tr("members.delete"), icon=":material/delete_forever:"):
        st.warning(tr("members.delete_what", inventory=md(inv),
                      actors=numbers.plural("hist.cli.count.actors", n_actors, ctx.lang),
                      projects=numbers.plural("hist.cli.count.projects", n_projects, ctx.lang)),
                   icon=":material/warning:")
        with st.form("members_delete", clear_on_submit=True):
            st.text_input(tr("members.delete_confirm", inventory=md(inv)), max_chars=80,
                          key=f"w_members_delete_{inv}")
            st.form_submit_button(tr("members.delete_save"), type="primary",
                                  on_click=_delete, args=(ctx, inv))


def _delete(ctx, inv: str) -> None:
    """The submit's callback: the name typed must be the inventory's, exactly; then the
    pickers move to an inventory that still exists."""
    typed = (st.session_state.get(f"w_members_delete_{inv}") or "").strip()
    if typed != inv:
        st.session_state["_members_delete_error"] = tr("members.delete_mismatch", inventory=md(inv))
        return
    try:
        writes.delete(ctx.store, ctx.user, inv)
    except access.PermissionDenied as exc:
        st.session_state["_members_delete_error"] = _access_ui.denied_text(exc)
        return
    for key in ("w_inv", "w_members_inv"):
        if st.session_state.get(key) == inv:
            del st.session_state[key]
    st.session_state["_members_deleted"] = inv
