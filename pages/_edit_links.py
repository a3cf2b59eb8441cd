"""Actor card, editing side: add a partnership in a project, a membership of a
network, a declared partnership or a funding the actor gives (one save each)."""

from __future__ import annotations

import streamlit as st

from ecosystem import editing
from ecosystem.storage.store import StoreError
from pages._edit_forms import fields_form, flash, forget, show_error
from pages._state import current_user, tr

#: kind -> (the actor's own column, the fields the form asks)
LINKS = {
    "partners": ("actor_id", ("project_id", "role")),
    "memberships": ("actor_id", ("network_id", "since_year")),
    "partnerships": ("actor_id_a", ("actor_id_b", "kind", "since_year")),
    "fundings": ("funder_actor_id", ("project_id", "amount_eur", "year", "kind", "origin")),
}


def add_links(ctx, actor_id: str) -> None:
    st.subheader(tr("edit.links"))
    labels = {k: tr(f"edit.link.{k}") for k in LINKS}  # in the page's language, now
    kind = st.selectbox(tr("edit.link_kind"), list(labels), format_func=labels.get, key="w_ed_link_kind")
    own, fields = LINKS[kind]
    prefix = f"w_ed_link_{kind}"
    with st.form(prefix):
        typed = fields_form(kind, fields, {}, prefix)
        if st.form_submit_button(tr("edit.add")):
            try:
                editing.add(ctx.store, current_user(), ctx.ref.name, kind, {**typed, own: actor_id})
            except (StoreError, ValueError) as exc:
                show_error(exc)
            else:
                forget(prefix)
                flash(tr("edit.saved"))
                st.rerun()
