"""Actor card, editing side: the actor's links — add a partnership in a project, a
membership of a network, a declared partnership or a funding the actor gives; pick
an existing one to edit it (its key too: another project, network or partner) or
remove it (one save each, ``ecosystem.editing.links``)."""

from __future__ import annotations

import hashlib

import streamlit as st

from ecosystem import editing, model, numbers
from ecosystem.storage import changelog
from ecosystem.storage.store import StoreError
from pages._edit_forms import fields_form, flash, forget, show_error
from pages._state import current_user, lang, tr

#: kind -> (the actor's own column, the fields the form asks)
LINKS = {
    "partners": ("actor_id", ("project_id", "role")),
    "memberships": ("actor_id", ("network_id", "since_year")),
    "partnerships": ("actor_id_a", ("actor_id_b", "kind", "since_year")),
    "fundings": ("funder_actor_id", ("project_id", "amount_eur", "year", "kind", "origin")),
}
#: kind -> the fields of an existing link the form shows (every column but generated ids)
EDIT_FIELDS = {kind: tuple(c for c in model.TABLES[kind].column_names if c not in ("funding_id", "source"))
               for kind in LINKS}


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
    edit_links(ctx, actor_id)


def row_prefix(kind: str, record_id: str) -> str:
    """Widget keys of the form of one existing link (ids may hold any character)."""
    return f"w_ed_linkrow_{kind}_{hashlib.sha1(record_id.encode()).hexdigest()[:10]}"


def _names(ctx, rows: dict) -> dict[str, str]:
    """Actor names and project titles of the ids the links point to."""
    refs = {(table, column) for table, column, _, _ in model.REFERENCES}
    ids = sorted({v for kind, df in rows.items() for c in df.columns if (kind, c) in refs
                  for v in df[c] if v})
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    found = ctx.store.query(f"SELECT actor_id AS id, name FROM {ctx.ref.actors} WHERE actor_id IN ({marks}) "
                            f"UNION ALL SELECT project_id, title FROM {ctx.ref.projects} "
                            f"WHERE project_id IN ({marks})", ids + ids)
    return dict(zip(found.id, found.name))


def _label(kind: str, row, names: dict, actor_id: str) -> str:
    others = [row[c] for c in model.TABLES[kind].key if row[c] != actor_id] if kind != "fundings" \
        else [row["project_id"], row["funder_actor_id"] or row["funder_name"]]
    text = " ↔ ".join(names.get(v, v) for v in others if v)
    if kind == "fundings" and row["amount_eur"] is not None:
        text += f" — {numbers.currency(float(row['amount_eur']), lang())}"
    return tr("links.label", kind=tr(f"links.kind.{kind}"), what=text)


def edit_links(ctx, actor_id: str) -> None:
    """Pick one of the actor's links, then save it changed or remove it."""
    rows = {k: editing.actor_links(ctx.store, ctx.ref.name, k, actor_id) for k in LINKS}
    names = _names(ctx, rows)
    options = {f"{k}\x1e{r['record_id']}": _label(k, r, names, actor_id)
               for k, df in rows.items() for r in df.to_dict("records")}
    st.markdown(f"**{tr('links.existing')}**")
    before = st.session_state.get("w_ed_links_pick")
    if before is not None and before not in options:  # removed since the form was opened
        st.error(tr("links.gone"))
        st.session_state.pop("w_ed_links_pick")
    if not options:
        st.caption(tr("links.none"))
        return
    picked = st.selectbox(tr("links.pick"), list(options), format_func=options.get, index=None,
                          placeholder=tr("links.placeholder"), key="w_ed_links_pick")
    if picked is None:
        return
    kind, rid = picked.split("\x1e")
    prefix, key = row_prefix(kind, rid), changelog.split_id(kind, rid)
    rec = editing.read(ctx.store, ctx.ref.name, kind, key)
    if rec is None:  # removed since the list was drawn (by someone else)
        st.error(tr("links.gone"))
        return
    version = st.session_state.setdefault(f"_ver_{prefix}", rec.version)  # as first opened
    with st.form(prefix):
        typed = fields_form(kind, EDIT_FIELDS[kind], rec.values, prefix)
        save, remove = st.columns(2)
        saved = save.form_submit_button(tr("edit.save"), type="primary")
        removed = remove.form_submit_button(tr("links.remove"))
    if not (saved or removed):
        if st.session_state.get(f"{prefix}__conflict") and st.button(tr("edit.reload"), key=f"{prefix}__reload"):
            _done(prefix, None)
        return
    try:
        if removed:
            editing.remove(ctx.store, current_user(), ctx.ref.name, kind, key, version)
        else:
            result = editing.edit_link(ctx.store, current_user(), ctx.ref.name, kind, key, typed, version)
    except (StoreError, ValueError) as exc:
        show_error(exc)
        if isinstance(exc, editing.Conflict):
            st.session_state[f"{prefix}__conflict"] = True
            st.button(tr("edit.reload"), key=f"{prefix}__reload")
        return
    _done(prefix, tr("links.removed") if removed else tr("edit.saved") if result else tr("edit.nothing"))


def _done(prefix: str, message: str | None) -> None:
    forget(prefix)
    for key in (f"_ver_{prefix}", "w_ed_links_pick", f"{prefix}__conflict"):
        st.session_state.pop(key, None)
    if message:
        flash(message)
    st.rerun()
