"""Importer, step 1: the file as read (or why it could not be), its sheet, its format."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecosystem import model
from ecosystem.numbers import fmt_number
from ecosystem import numbers
from ecosystem.ingest.pipeline import ImportError_, mixed_encoding_message
from ecosystem.ingest import sniff
from ecosystem.ingest.session import ImportSession
from pages._shell import tr
from pages._widgets import md

NONE = "—"


def show_error(exc: ImportError_) -> None:
    st.error(tr(exc.key, **{k: md(v) for k, v in exc.params.items()}))
    if exc.lines:
        lines = pd.DataFrame(exc.lines).rename(columns={
            "line": tr("imp.col.line"), "found": tr("imp.col.found"),
            "expected": tr("imp.col.expected"), "content": tr("imp.col.content"),
            "error": tr("imp.col.error"), "feature": tr("imp.col.feature"), "name": tr("imp.col.name"),
            "geometry": tr("imp.col.geometry")})
        st.dataframe(lines, hide_index=True, width="stretch")


def error_step(session: ImportSession, lang: str) -> None:
    """The file cannot be read as it is: say why and stop (GeoJSON lines and polygons
    are read at their representative point if the user accepts)."""
    if session.error is None:
        return
    show_error(session.error)
    if session.error.key == "imp.err.geometry" and session.imp is not None and st.checkbox(
            numbers.plural("imp.geometry.accept", session.error.params["n"], lang),
            key="imp_geometry_accept"):
        session.accept_geometry()
        st.rerun()
    st.stop()


def file_step(session: ImportSession, lang: str) -> None:
    imp = session.imp
    for p in imp.parts:
        if p.raw.notes.get("point_on_surface"):
            st.warning(numbers.plural("imp.geometry.converted", p.raw.notes["point_on_surface"], lang),
                       icon=":material/pentagon:")
    st.header(tr("imp.step.file"))
    info = imp.info
    mixed = mixed_encoding_message(imp.summary(), lang)
    if mixed:
        st.warning(mixed, icon=":material/translate:")
    c = st.columns(4)
    c[0].metric(tr("imp.file.kind"), info.kind.upper())
    c[1].metric(tr("imp.file.encoding"), sniff.encoding_name(info.encoding) or NONE)
    c[2].metric(tr("imp.file.delimiter"), {"\t": "TAB", None: NONE}.get(info.delimiter, info.delimiter))
    c[3].metric(tr("imp.file.rows"), fmt_number(sum(p.raw.n_rows for p in imp.parts), lang))
    if info.kind == "xlsx" and len(imp.parts) == 1:
        current = imp.parts[0].raw.sheet
        sheet_rows = session.sheet_rows()
        sheet = st.selectbox(tr("imp.file.sheet"), info.sheets, index=info.sheets.index(current),
                             key="imp_sheet", format_func=lambda s: numbers.plural(
                                 "imp.file.sheet_option", sheet_rows.get(s, 0), lang, sheet=s))
        if sheet != current:
            try:
                session.pick_sheet(sheet)
            except ImportError_ as exc:
                show_error(exc)
                st.stop()
            st.rerun()

    for part in imp.parts:
        if part.recognition:
            label = tr(f"imp.format.{part.format}")
            variant = part.recognition.variant or (part.mapping.source if part.format == "gogocarto" else "")
            if variant and variant not in model.TABLES:
                label += f" ({md(variant)})"
            st.success(tr("imp.recognised", format=label, table=tr(f"table.{part.table}")),
                       icon=":material/check_circle:")
        elif part.saved:
            st.info(tr("imp.saved_used", name=md(part.saved)), icon=":material/bookmark:")
        else:
            st.warning(tr("imp.not_recognised"), icon=":material/help:")
        if part.raw.header_rows and part.raw.header_rows != [1]:
            st.caption(tr("imp.header_rows", rows=", ".join(map(str, part.raw.header_rows))))

    with st.expander(tr("imp.preview"), expanded=False):
        st.dataframe(imp.preview(imp.parts[0].index, 10), hide_index=True, width="stretch")
