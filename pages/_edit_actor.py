"""Actor card, editing side: the "Modifier" tab (the actor, its projects), the
"Historique" tab (with "Annuler ce changement"), "Nouvel acteur", and the
visitors' contributions (report an error, propose an actor)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from ecosystem import editing, numbers
from ecosystem.render import history as rh
from ecosystem.editing import contributions as contrib
from ecosystem.storage.store import StoreError
from pages._edit_forms import (ACTOR_FIELDS, PROJECT_FIELDS, can, fields_form, flash,
                               forget, show_error)
from pages._edit_links import add_links
from pages._state import current_user, lang, session_id, tr
from pages._widgets import download_table


def tab_labels(ctx) -> list[str]:
    return list(tab_codes(ctx))


def tab_codes(ctx) -> dict[str, str]:
    """The editing tabs' labels and their URL codes (``tab=history`` opens a card's history)."""
    return ({tr("edit.tab.edit"): "edit"} if can(ctx, "edit") else {}) | {tr("edit.tab.history"): "history"}


def draw_tabs(ctx, actor_id: str, tabs) -> None:
    tabs = list(tabs)
    if can(ctx, "edit"):
        with tabs.pop(0):
            edit_actor(ctx, actor_id)
            edit_projects(ctx, actor_id)
            add_links(ctx, actor_id)
    with tabs[0]:
        history(ctx, "actors", actor_id)


def _save_form(ctx, kind: str, key: str, fields, values: dict, prefix: str, submit: str, save) -> None:
    with st.form(prefix):
        typed = fields_form(kind, fields, values, prefix)
        extra = st.date_input(tr("edit.stage_date"), value=dt.date.today(), key=f"{prefix}__date",
                              format="DD/MM/YYYY") if kind == "projects" else None
        if st.form_submit_button(submit, type="primary"):
            try:
                result = save(typed, extra)
            except (StoreError, ValueError) as exc:
                show_error(exc)
                if isinstance(exc, editing.Conflict):
                    st.session_state[f"{prefix}__conflict"] = True
            else:
                forget(prefix)
                st.session_state.pop(f"_ver_{prefix}", None)
                flash(tr("edit.saved") if result else tr("edit.nothing"))
                st.rerun()
    if st.session_state.get(f"{prefix}__conflict") and st.button(tr("edit.reload"), key=f"{prefix}__reload"):
        forget(prefix)
        st.session_state.pop(f"_ver_{prefix}", None)
        st.rerun()


def edit_actor(ctx, actor_id: str) -> None:
    flash()
    rec = editing.read(ctx.store, ctx.ref.name, "actors", actor_id)
    if rec is None:
        return
    prefix = f"w_ed_actor_{actor_id}"
    version = st.session_state.setdefault(f"_ver_{prefix}", rec.version)  # as first opened

    def save(values, _):
        return editing.edit_actor(ctx.store, current_user(), ctx.ref.name, actor_id, values, version)

    _save_form(ctx, "actors", actor_id, ACTOR_FIELDS, rec.values, prefix, tr("edit.save"), save)


def edit_projects(ctx, actor_id: str) -> None:
    st.subheader(tr("edit.projects"))
    led = ctx.store.query(f"SELECT project_id, title FROM {ctx.ref.projects} WHERE lead_actor_id = ? "
                          "ORDER BY title", [actor_id])
    options = ["__new__"] + led.project_id.tolist()
    titles = dict(zip(led.project_id, led.title)) | {"__new__": tr("edit.project_new")}
    pid = st.selectbox(tr("edit.project_pick"), options, format_func=titles.get, key="w_ed_project_pick")
    project_form(ctx, pid, actor_id)


def project_form(ctx, pid: str, actor_id: str | None = None) -> None:
    """A project's form (``pid`` "__new__": a project led by ``actor_id``), on the actor
    card's and the project card's "Modifier" tabs."""
    prefix = f"w_ed_project_{pid}"
    if pid == "__new__":
        def save(values, when):
            values = {**values, "lead_actor_id": actor_id}
            return editing.create_project(ctx.store, current_user(), ctx.ref.name, values, effective=when)[1]

        _save_form(ctx, "projects", pid, PROJECT_FIELDS, {"active": "true"}, prefix, tr("edit.create"), save)
        return
    rec = editing.read(ctx.store, ctx.ref.name, "projects", pid)
    version = st.session_state.setdefault(f"_ver_{prefix}", rec.version)

    def save(values, when):
        return editing.edit_project(ctx.store, current_user(), ctx.ref.name, pid, values, version,
                                    effective=when)

    _save_form(ctx, "projects", pid, PROJECT_FIELDS, rec.values, prefix, tr("edit.save"), save)


def _origin(row) -> str:
    return rh.origin_text(row, lang())


def history(ctx, kind: str, key: str) -> None:
    h = editing.history(ctx.store, ctx.ref.name, kind, key, user=current_user()).assign(tbl=kind)
    links = editing.link_history(ctx.store, ctx.ref.name, key, user=current_user()) if kind == "actors" else h.iloc[:0]
    if not links.empty:  # the actor's links too (their changes can be undone below)
        h = pd.concat([h, links]).sort_values("seq", ascending=False, ignore_index=True)
    if h.empty:
        st.info(tr("edit.history.empty"))
        return
    st.caption(tr("edit.history.caption"))  # labels, yes / no, numbers as the UI reads them
    st.dataframe(rh.table(h, lang(), kind, cut=200), hide_index=True, width="stretch")
    download_table(rh.table(h, lang(), kind), tr("hist.file"), f"w_ed_hist_dl_{kind}")
    if not can(ctx, "edit"):
        return
    sets = h.drop_duplicates("change_set")
    labels = {r.change_set: f"{numbers.moment(r.saved_at, lang())} — {r.user_label or '?'} — {_origin(r)}"
              for r in sets.itertuples()}
    chosen = st.selectbox(tr("edit.history.pick"), list(labels), format_func=labels.get,
                          key=f"w_ed_revert_pick_{kind}_{key}")
    if st.button(tr("edit.revert"), key=f"w_ed_revert_{kind}_{key}"):
        try:
            editing.revert(ctx.store, current_user(), chosen)
        except StoreError as exc:
            show_error(exc)
            return
        forget("w_ed_")
        flash(tr("edit.reverted"))
        st.rerun()


def new_actor(ctx) -> None:
    """"Nouvel acteur" for editors; "Proposer un acteur" for visitors of a public inventory."""
    if can(ctx, "edit"):
        with st.expander(tr("edit.new_actor")):
            def save(values, _):
                aid, cs = editing.create_actor(ctx.store, current_user(), ctx.ref.name, values)
                st.session_state["_actor"] = aid
                return cs

            _save_form(ctx, "actors", "new", ACTOR_FIELDS, {"active": "true"}, "w_ed_new_actor",
                       tr("edit.create"), save)
    elif can(ctx, "contribute"):
        propose(ctx, None)


def propose(ctx, actor_id: str | None, values: dict | None = None) -> None:
    """A visitor's proposal: a new actor, or a correction of ``actor_id``."""
    kind = "report" if actor_id else "new"
    prefix = f"w_contrib_{kind}"
    with st.expander(tr("contrib.report") if actor_id else tr("contrib.propose")):
        st.caption(tr("contrib.caption"))
        with st.form(prefix):
            typed = fields_form("actors", contrib.FIELDS[:9], values or {}, prefix)
            message = st.text_area(tr("contrib.message"), key=f"{prefix}__message", max_chars=contrib.MAX_CHARS)
            if st.form_submit_button(tr("contrib.send")):
                if actor_id:  # only what the visitor changed
                    typed = {k: v for k, v in typed.items() if v != _as_widget(values.get(k), v)}
                try:
                    contrib.propose(ctx.store, current_user(), ctx.ref.name, session_id(), kind, typed,
                                    message=message, record_id=actor_id)
                except (StoreError, ValueError) as exc:
                    show_error(exc)
                    return
                forget(prefix)
                st.success(tr("contrib.sent"))


def _as_widget(value, typed):
    """A stored flat value as its widget returns it (to keep only what changed)."""
    if isinstance(typed, list):
        return [v for v in str(value).split(";") if v] if value else []
    return "" if value is None else value


def visitor_report(ctx, actor_id: str) -> None:
    if not can(ctx, "edit") and can(ctx, "contribute"):
        rec = editing.read(ctx.store, ctx.ref.name, "actors", actor_id)
        if rec is not None:
            propose(ctx, actor_id, rec.values)


__all__ = ["draw_tabs", "history", "new_actor", "project_form", "tab_labels", "visitor_report"]
