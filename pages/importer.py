"""Importer: upload a file, map its columns, check, review duplicates, save as an inventory.

A thin layout over ``ecosystem.ingest.session``: the upload's
:class:`~ecosystem.ingest.session.ImportSession` (its file, the import's DuckDB
connection, the decisions; nothing written to the store) lives in the session
until the user saves or cancels; the save is one transaction in the store. The
steps are drawn by ``_import_file``, ``_import_mapping`` and ``_import_report``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from ecosystem import model
from ecosystem import numbers
from ecosystem.numbers import fmt_number
from ecosystem.ingest import mapping as mp
from ecosystem.ingest.pipeline import ImportError_
from ecosystem.ingest.session import REGISTRY, ImportSession
from ecosystem.render.exports import TEMPLATE_TABLES, template_frame, template_help, templates_workbook
from ecosystem.storage.store import StoreError
from ecosystem.access import PermissionDenied
from ecosystem.writes import Guarded
from pages import _access_ui, _import_file, _import_mapping, _import_open, _import_report, _import_revert
from pages import _shell as shell
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md
from pages._sirene_filter import sirene_filter

ctx = shell.context()
lang = ctx.lang
writable = _access_ui.import_or_stop(ctx)  # the save is refused by the domain all the same
TYPES = ["csv", "txt", "tsv", "xlsx", "json", "geojson", "js", "parquet"]
STATE = "_import"


def upload_limit() -> int:
    return int(st.get_option("server.maxUploadSize"))


def drop_import() -> None:
    REGISTRY.close(st.session_state.pop(STATE, None))


def open_import(uploaded) -> ImportSession:
    """The session's import for this upload (read once per file; read again when an
    idle session was swept, abandoned ones closed first)."""
    session: ImportSession | None = st.session_state.get(STATE)
    if session is not None and session.key == uploaded.file_id and not session.closed:
        session.touch()
        return session
    drop_import()
    session = REGISTRY.open(uploaded.getbuffer(), uploaded.name, uploaded.file_id,
                            geo=ctx.geo, store=ctx.store)
    st.session_state[STATE] = session
    return session


def finish() -> None:
    """Forget the import and empty the uploader (a new widget generation)."""
    drop_import()
    st.session_state["_import_generation"] = st.session_state.get("_import_generation", 0) + 1
    st.rerun()


# ------------------------------------------------------------------ header
st.title(tr("imp.title"))
st.caption(tr("imp.subtitle"))
ui.synthetic_banner(ctx.ref)
with st.expander(tr("imp.help.title"), icon=":material/help:"):
    st.markdown(tr("imp.help.body", limit=upload_limit()))

with st.expander(tr("imp.tpl.title"), icon=":material/table_view:"):
    st.markdown(tr("imp.tpl.body"))
    row = st.container(horizontal=True)  # at their own width: equal columns cut the labels
    for table in TEMPLATE_TABLES:
        row.download_button(tr(f"table.{table}"), ui.csv(template_frame(table)),
                            file_name=f"modele_{table}.csv", mime="text/csv", key=f"tpl_{table}",
                            icon=":material/download:")
    row.download_button(tr("imp.tpl.workbook"), templates_workbook(lang),
                        file_name="modeles_inventaire.xlsx", key="tpl_xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        icon=":material/download:")
    shown = st.selectbox(tr("imp.tpl.describe"), TEMPLATE_TABLES, key="tpl_table",
                         format_func=lambda t: tr(f"table.{t}"))
    st.dataframe(template_help(shown, lang), hide_index=True, width="stretch")

done = st.session_state.pop("_import_done", None)
if done:
    st.success(done, icon=":material/task_alt:")
_import_open.open_button(ctx.store, st.session_state.pop("_import_target", None) if done else None)
_import_revert.recent_imports(ctx)  # editors: undo a whole import
generation = st.session_state.get("_import_generation", 0)
uploaded = st.file_uploader(tr("imp.upload"), type=TYPES, key=f"imp_file_{generation}",
                            help=tr("imp.upload_help", limit=upload_limit()))
if uploaded is None:
    drop_import()
    st.info(tr("imp.start"), icon=":material/upload_file:")
    st.stop()

session = open_import(uploaded)
_import_file.error_step(session, lang)
imp = session.imp
_import_file.file_step(session, lang)
sirene_filter(session, ctx)  # SIRENE: keep the ESS of a territory before mapping
imp = session.imp

# ------------------------------------------------------------------ 2. mapping (one part)
part = imp.parts[0]
if len(imp.parts) == 1:
    _import_mapping.mapping_step(session, ctx.store, lang)
missing = [mp.missing_required(p.mapping) for p in imp.parts]
if any(missing):
    st.error(tr("imp.err.unmapped_page", table=tr(f"table.{part.table}"),
                columns=", ".join(c for m in missing for c in m), step=tr("imp.step.mapping"),
                apply=tr("imp.map.apply")))
    st.stop()

# ------------------------------------------------------------------ 3. destination
st.header(tr("imp.step.target"))
existing = ctx.store.names()
mode = st.radio(tr("imp.target.mode"), ["new", "existing"], horizontal=True, key="imp_target_mode",
                format_func=lambda m: tr(f"imp.target.{m}"))
if mode == "new":
    stem = Path(session.name).stem[:60]
    target = st.text_input(tr("imp.target.name"), value=stem, key="imp_target_name", max_chars=80).strip()
    if target in existing:
        st.warning(tr("imp.target.exists", name=md(target)))
else:
    target = _access_ui.existing_target(writable)
options = st.columns(2)
has_active = any("active" in p.mapping.rules for p in imp.parts)
only_active = options[0].checkbox(tr("imp.opt.only_active"), key="imp_only_active",
                                  disabled=not has_active, help=tr("imp.opt.only_active_help"))
imp.overwrite = options[1].checkbox(tr("imp.opt.overwrite"), key="imp_overwrite",
                                    disabled=mode == "new", help=tr("imp.opt.overwrite_help"))

inventory = target if mode == "existing" else None
if st.button(tr("imp.analyse"), type="primary", key="imp_analyse", icon=":material/fact_check:",
             disabled=not target or (mode == "new" and target in existing)):
    bar = st.progress(0.0, text=tr("imp.stage.normalise"))
    order = ["normalise", "geocode", "validate", "dedup", "prepare"]

    def step(stage: str, fraction: float) -> None:
        if stage in order:
            bar.progress((order.index(stage) + fraction) / len(order), text=tr(f"imp.stage.{stage}"))

    try:
        session.analyse(inventory, only_active, progress=step)
    except ImportError_ as exc:
        _import_file.show_error(exc)
        st.stop()
    finally:
        bar.empty()

if not session.is_analysed(inventory):
    st.info(tr("imp.analyse_first"), icon=":material/fact_check:")
    st.stop()
session.set_only_active(only_active)

# ------------------------------------------------------------------ 4. reports
summary = imp.summary()
_import_report.report_step(session, summary, only_active, lang)

# ------------------------------------------------------------------ 5. confirm
st.header(tr("imp.step.confirm"))
total_insert = sum(e.get("insert", 0) for e in summary["parts"])
total_update = sum(e.get("merged_into_inventory", 0) for e in summary["parts"])
st.markdown(tr("imp.confirm.body", insert=fmt_number(total_insert, lang),
               update=fmt_number(total_update, lang), inventory=md(target)))
go, cancel = st.columns([1, 4])
balanced = imp.balanced()  # nothing is saved unless every row read is accounted for
if go.button(tr("imp.confirm.save"), type="primary", key="imp_save", icon=":material/save:",
             disabled=total_insert + total_update == 0 or not balanced):
    with st.spinner(tr("imp.stage.save")):
        try:
            session.commit(Guarded(ctx.store, ctx.user), target, create=mode == "new",
                           user=ctx.user)
        except model.ValidationError as exc:
            st.error(tr("imp.confirm.failed"))
            st.dataframe(pd.DataFrame([i.as_dict(lang) for i in exc.issues]), hide_index=True)
            st.stop()
        except PermissionDenied as exc:
            st.error(_access_ui.denied_text(exc))
            st.stop()
        except StoreError as exc:
            st.error(tr(exc.hint, **{k: md(v) for k, v in exc.params.items()}))
            st.stop()
    info_after = ctx.store.info(target)
    st.session_state["_import_target"] = target
    st.session_state["_import_done"] = tr("imp.confirm.done", inventory=md(target),
                                          actors=numbers.plural("count.actors", info_after["n_actors"], lang),
                                          projects=numbers.plural("count.projects", info_after["n_projects"], lang))
    finish()
if cancel.button(tr("imp.confirm.cancel"), key="imp_cancel"):
    finish()
