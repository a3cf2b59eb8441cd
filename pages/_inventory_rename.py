"""Membres, the inventory's own part: its administrators rename it (the inventory's
audit log keeps who, when, the old and the new name: ``writes.rename``)."""

from __future__ import annotations

import streamlit as st

from ecosystem import access, writes
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
