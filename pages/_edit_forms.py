"""Shared parts of the editing pages: record forms with the vocabulary's labels,
error messages (field and reason), the acting user's rights."""

from __future__ import annotations

import streamlit as st

from ecosystem import access, model
from ecosystem import vocabulary as voc
from ecosystem.editing import EditError
from ecosystem.editing.history import field_label as _field_label
from ecosystem.storage.store import StoreError
from pages._state import current_user, lang, tr
from pages._widgets import md

ACTOR_FIELDS = ("name", "actor_type", "domains", "siren", "siret", "rna_id", "commune_code",
                "postal_code", "city", "address", "creation_year", "employees", "volunteers",
                "website", "description", "active")
PROJECT_FIELDS = ("title", "stage", "domains", "commune_code", "start_year", "end_year",
                  "beneficiaries", "jobs_fte", "volunteers", "description", "active")


def can(ctx, action: str) -> bool:
    return access.allowed(ctx.store, current_user(), ctx.ref.name, action)


def field_label(name: str | None) -> str:
    """The form's label of a field, else the fields vocabulary's (never a missing key)."""
    return _field_label(name, lang()) or "—"


def _split(value) -> list[str]:
    return [v.strip() for v in str(value).split(voc.LIST_SEP) if v.strip()] if value else []


def fields_form(kind: str, fields, values: dict, prefix: str) -> dict:
    """Widgets for ``fields`` of a ``kind`` record (inside an ``st.form``), filled with
    ``values`` (flat text); returns what the user typed. Numbers are typed as text:
    the model's validation says which field is wrong and why."""
    table = model.TABLES[kind]
    out = {}
    for name in fields:
        col, value, key = table.col(name), values.get(name), f"{prefix}_{name}"
        label = field_label(name)
        if col.vocabulary is not None:
            labels = col.vocabulary.labels(lang())
            codes = list(labels)
            if col.kind == "list":
                out[name] = st.multiselect(label, codes, default=[c for c in _split(value) if c in codes],
                                           format_func=labels.get, key=key, placeholder=tr("ui.choose"))
            else:
                out[name] = st.selectbox(label, codes, index=codes.index(value) if value in codes else None,
                                         format_func=labels.get, key=key, placeholder=tr("ui.choose"))
        elif col.kind == "bool":  # yes / no / not known
            yes_no = {"true": tr("edit.yes"), "false": tr("edit.no")}
            out[name] = st.selectbox(label, list(yes_no), format_func=yes_no.get, key=key,
                                     index=list(yes_no).index(value) if value in yes_no else None,
                                     placeholder=tr("ui.choose"))
        elif name == "description":
            out[name] = st.text_area(label, value or "", key=key)
        else:
            out[name] = st.text_input(label, "" if value is None else str(value), key=key)
    return out


def forget(prefix: str) -> None:
    """Drop the widget values of a form (it reopens on the stored record)."""
    for key in [k for k in st.session_state if str(k).startswith(prefix.rstrip("_") + "_")]:
        del st.session_state[key]


def show_error(exc: Exception) -> None:
    """A refused write, in the user's language, every value escaped."""
    if isinstance(exc, EditError):
        lines = [tr("edit.invalid")]
        for issue in exc.issues:
            reason = issue.reason(lang())
            if issue.value is not None:
                reason = f"« {issue.value} » — {reason}" if lang() == "fr" else f"“{issue.value}” — {reason}"
            lines.append("- " + tr("edit.issue", field=md(field_label(issue.column)), reason=md(reason)))
        st.error("\n".join(lines))
    elif isinstance(exc, access.PermissionDenied):
        st.error(tr("edit.denied"))
    elif isinstance(exc, StoreError):
        st.error(tr(exc.hint, **{k: md(str(v)) for k, v in exc.params.items()}))
    else:
        raise exc


def flash(message: str | None = None) -> None:
    """Show (no argument) or keep for the next run (a message) a success message."""
    if message is not None:
        st.session_state["_edit_flash"] = message
        return
    text = st.session_state.pop("_edit_flash", None)
    if text:
        st.success(text)
