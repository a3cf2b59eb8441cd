"""Importer, for the editors of the sidebar's inventory: its latest imports, each
undone as a whole in one click (``editing.revert`` of the import's change set: the
records it created removed, the fields it merged given their old values back;
refused, naming them, when later changes touched the same records)."""

from __future__ import annotations

import streamlit as st

from ecosystem import editing, numbers
from ecosystem.storage.store import StoreError
from pages import _access_ui
from pages._edit_forms import show_error
from pages._state import Context, tr
from pages._widgets import md

LISTED = 10  # imports offered, newest first


def imports(ctx: Context) -> list[tuple]:
    """(change set, label, file name) of the inventory's latest imports not undone yet."""
    sets = editing.change_sets(ctx.store, ctx.ref.name, limit=200)
    undone = set(sets.file_name[sets.origin == "revert"].dropna())
    mine = sets[sets.origin.isin(["import", "merge"]) & ~sets.change_set.isin(undone)].head(LISTED)
    return [(r.change_set, tr("imp.revert.label", when=numbers.moment(r.saved_at, ctx.lang),
                              who=r.user_label or "?", file=r.file_name or "?",
                              rows=numbers.plural("imp.revert.rows", r.n_rows, ctx.lang)),
             r.file_name or "?") for r in mine.itertuples()]


def recent_imports(ctx: Context) -> None:
    """The expander, for those who may edit the inventory (the domain checks again)."""
    done = st.session_state.pop("_import_reverted", None)
    if done:
        st.success(done, icon=":material/undo:")
    if ctx.ref.name not in _access_ui.allowing(ctx, "edit"):
        return
    listed = imports(ctx)
    if not listed:
        return
    labels, files = {cs: label for cs, label, _ in listed}, {cs: f for cs, _, f in listed}
    with st.expander(tr("imp.revert.title", inventory=md(ctx.ref.name)), icon=":material/undo:"):
        st.caption(tr("imp.revert.caption"))
        chosen = st.selectbox(tr("imp.revert.pick"), list(labels), format_func=labels.get,
                              key="imp_revert_pick")
        if st.button(tr("imp.revert.button"), key="imp_revert", icon=":material/undo:"):
            try:
                cs = editing.revert(ctx.store, ctx.user, chosen)
            except StoreError as exc:
                show_error(exc)
                return
            removed, restored = editing.records_touched(ctx.store, cs)
            st.session_state["_import_reverted"] = tr(
                "imp.revert.done", file=md(files[chosen]),
                removed=numbers.plural("imp.revert.removed", removed, ctx.lang),
                restored=numbers.plural("imp.revert.restored", restored, ctx.lang))
            st.rerun()
