"""Zonages, adding a zoning: the file as read, the columns picked, the validation
report (what and where), the name, then one save into the store."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecosystem import numbers
from ecosystem import writes, zonings
from ecosystem.storage.store import StoreError
from pages._shell import lang, tr
from pages._widgets import md

TYPES = ["gpkg", "geojson", "json", "zip", "csv", "txt", "xlsx"]
NONE = "—"


@st.cache_data(show_spinner=False, max_entries=4)
def _read(data: bytes, name: str):
    try:
        return zonings.read(data, name), None
    except zonings.ZoningError as exc:
        return None, exc.issues


@st.cache_data(show_spinner=False, max_entries=4)
def _build(data: bytes, name: str, columns: tuple, _geo, geo_key: str):
    frame, _ = _read(data, name)
    try:
        return zonings.build(frame, _geo, **dict(columns)), None
    except zonings.ZoningError as exc:
        return None, exc.issues


def issues_table(issues) -> pd.DataFrame:
    """The report as people read it: what, row, column, message (in the UI's language)."""
    kinds = {"repaired", "overlap", "gap", "dissolved", "reprojected", "crs_assumed",
             "old_commune", "communes_outside"}
    return pd.DataFrame({
        tr("zoning.col.what"): [tr("zoning.what.note" if i.key in kinds else "zoning.what.error")
                                for i in issues],
        tr("zoning.col.row"): [i.row if i.row is not None else "" for i in issues],
        tr("zoning.col.column"): [i.column or "" for i in issues],
        tr("zoning.col.message"): [i.message(lang()) for i in issues]})


def show_issues(issues, error: bool) -> None:
    if not issues:
        st.success(tr("zoning.valid"), icon=":material/check_circle:")
        return
    text = numbers.plural("zoning.n_issues", len(issues), lang())
    (st.error if error else st.warning)(text, icon=":material/rule:")
    st.dataframe(issues_table(issues), hide_index=True, width="stretch")


def _pick(label_key: str, options: list[str], guess: str | None, key: str,
          optional: bool) -> str | None:
    choices = ([NONE] if optional else []) + options
    if st.session_state.get(key) not in choices:
        st.session_state[key] = guess if guess in choices else choices[0]
    value = st.selectbox(tr(label_key), choices, key=key)
    return None if value == NONE else value


def add_form(ctx) -> None:
    """Upload → columns → report → name → save."""
    st.subheader(tr("zoning.add"))
    st.caption(tr("zoning.add_help"))
    up = st.file_uploader(tr("zoning.file"), type=TYPES, key="zon_file")
    if up is None:
        return
    data = bytes(up.getbuffer())
    frame, issues = _read(data, up.name)
    if frame is None:
        show_issues(issues, error=True)
        return
    spatial = zonings.is_spatial(up.name)
    columns = zonings.attribute_columns(frame)
    guess = zonings.guess_columns(frame)
    st.caption(numbers.plural("zoning.read", len(frame), lang(), file=md(up.name)))
    cols = st.columns(3)
    picked = {}
    if not spatial:
        with cols[0]:
            picked["commune_col"] = _pick("zoning.pick.commune", columns, guess["commune"],
                                          "zon_commune", False)
    with cols[0 if spatial else 1]:
        picked["code_col"] = _pick("zoning.pick.code", columns, guess["code"], "zon_code", False)
    with cols[1 if spatial else 2]:
        picked["name_col"] = _pick("zoning.pick.name", columns, guess["name"], "zon_name", True)
    if spatial:
        with cols[2]:
            picked["population_col"] = _pick("zoning.pick.population", columns,
                                              guess["population"], "zon_pop", True)
    else:
        st.caption(tr("zoning.population_from_communes"))
    zoning, refused = _build(data, up.name, tuple(sorted(picked.items())), ctx.geo,
                             str(ctx.geo.root))
    if zoning is None:
        show_issues(refused, error=True)
        return
    st.caption(numbers.plural("zoning.n_zones", len(zoning.zones), lang()))
    show_issues(zoning.issues, error=False)
    if ctx.store.read_only:
        return
    with st.form("zon_save", border=False):
        name = st.text_input(tr("zoning.name"), value=up.name.rsplit(".", 1)[0][:80],
                             key="zon_new_name")
        if st.form_submit_button(tr("zoning.save"), type="primary", icon=":material/save:"):
            try:
                level = f"z{writes.add_zoning(ctx.store, ctx.user, name, zoning, source=up.name)}"
            except StoreError as exc:
                st.error(tr(exc.hint, **{k: md(v) for k, v in exc.params.items()}))
                return
            st.session_state["_zon_saved"] = (name, level)
            st.rerun()
