"""Importer: upload a file, map its columns, check, review duplicates, save as an inventory.

A thin layout over ``ecosystem.ingest``: the import object (one DuckDB
connection, nothing written to the store) lives in the session until the
user confirms; the save is one transaction in the store.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from ecosystem import model
from ecosystem import vocabulary as voc
from ecosystem.render.exports import (TEMPLATE_TABLES, template_frame, template_help, to_csv_bytes,
                               templates_workbook)
from ecosystem import numbers
from ecosystem.i18n import fmt_number
from ecosystem.ingest import mapping as mp
from ecosystem.ingest.pipeline import Import, ImportError_
from ecosystem.render import safe
from ecosystem.storage.store import StoreError
from pages import _shell as shell
from pages._shell import md, tr

ctx = shell.context()
lang = ctx.lang
TYPES = ["csv", "txt", "tsv", "xlsx", "json", "geojson", "js", "parquet"]
NONE = "—"
STATE = "_import"


def csv(df: pd.DataFrame) -> bytes:
    """A download: UTF-8 with BOM, ``;`` (French spreadsheets), formulas neutralised."""
    return to_csv_bytes(df, sep=";")


def upload_limit() -> int:
    return int(st.get_option("server.maxUploadSize"))


def drop_import() -> None:
    state = st.session_state.pop(STATE, None)
    if state and state.get("import") is not None:
        state["import"].close()
        Path(state["path"]).unlink(missing_ok=True)


def open_import(uploaded) -> dict | None:
    """The session's import for this upload (read once per file)."""
    state = st.session_state.get(STATE)
    if state and state["file_id"] == uploaded.file_id:
        return state
    drop_import()
    suffix = Path(uploaded.name).suffix[:10]
    with tempfile.NamedTemporaryFile(delete=False, suffix=suffix, prefix="upload-") as f:
        f.write(uploaded.getbuffer())
        path = f.name
    state = {"file_id": uploaded.file_id, "path": path, "name": uploaded.name, "import": None,
             "error": None, "analysed": None, "saved": None}
    st.session_state[STATE] = state
    try:
        imp = Import(path, uploaded.name, geo=ctx.geo, store=ctx.store)
        state["import"] = imp
        own = imp.info.kind == "xlsx" and len(set(imp.info.sheets) & set(model.TABLES)) >= 2
        imp.read(all_sheets=own)
    except ImportError_ as exc:
        state["error"] = exc
    except Exception as exc:  # noqa: BLE001 - an unreadable file: said plainly, details below
        state["error"] = ImportError_("imp.err.unexpected", detail=str(exc).splitlines()[0][:300])
    return state


def finish() -> None:
    """Forget the import and empty the uploader (a new widget generation)."""
    drop_import()
    st.session_state["_import_generation"] = st.session_state.get("_import_generation", 0) + 1
    st.rerun()


def show_error(exc: ImportError_) -> None:
    st.error(tr(exc.key, **{k: md(v) for k, v in exc.params.items()}))
    if exc.lines:
        lines = pd.DataFrame(exc.lines).rename(columns={
            "line": tr("imp.col.line"), "found": tr("imp.col.found"),
            "expected": tr("imp.col.expected"), "content": tr("imp.col.content"),
            "error": tr("imp.col.error"), "feature": tr("imp.col.feature"), "name": tr("imp.col.name"),
            "geometry": tr("imp.col.geometry")})
        st.dataframe(lines, hide_index=True, width="stretch")


# ------------------------------------------------------------------ header
st.title(tr("imp.title"))
st.caption(tr("imp.subtitle"))
shell.synthetic_banner(ctx.ref)
with st.expander(tr("imp.help.title"), icon=":material/help:"):
    st.markdown(tr("imp.help.body", limit=upload_limit()))

with st.expander(tr("imp.tpl.title"), icon=":material/table_view:"):
    st.markdown(tr("imp.tpl.body"))
    cols = st.columns(len(TEMPLATE_TABLES) + 1)
    for col, table in zip(cols, TEMPLATE_TABLES):
        col.download_button(tr(f"table.{table}"), csv(template_frame(table)),
                            file_name=f"modele_{table}.csv", mime="text/csv", key=f"tpl_{table}",
                            icon=":material/download:")
    cols[-1].download_button(tr("imp.tpl.workbook"), templates_workbook(lang),
                             file_name="modeles_inventaire.xlsx", key="tpl_xlsx",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             icon=":material/download:")
    shown = st.selectbox(tr("imp.tpl.describe"), TEMPLATE_TABLES, key="tpl_table",
                         format_func=lambda t: tr(f"table.{t}"))
    st.dataframe(template_help(shown, lang), hide_index=True, width="stretch")

done = st.session_state.pop("_import_done", None)
if done:
    st.success(done, icon=":material/task_alt:")
generation = st.session_state.get("_import_generation", 0)
uploaded = st.file_uploader(tr("imp.upload"), type=TYPES, key=f"imp_file_{generation}",
                            help=tr("imp.upload_help", limit=upload_limit()))
if uploaded is None:
    drop_import()
    st.info(tr("imp.start"), icon=":material/upload_file:")
    st.stop()

state = open_import(uploaded)
if state["error"] is not None:
    show_error(state["error"])
    # GeoJSON lines and polygons: imported at their representative point if the user accepts
    if state["error"].key == "imp.err.geometry" and state["import"] is not None and st.checkbox(
            numbers.plural("imp.geometry.accept", state["error"].params["n"], lang),
            key="imp_geometry_accept"):
        try:
            state["import"].read(geometry="point-on-surface")
            state["error"] = None
        except ImportError_ as exc:
            state["error"] = exc
        st.rerun()
    st.stop()
imp: Import = state["import"]
for p in imp.parts:
    if p.raw.notes.get("point_on_surface"):
        st.warning(numbers.plural("imp.geometry.converted", p.raw.notes["point_on_surface"], lang),
                   icon=":material/pentagon:")

# ------------------------------------------------------------------ 1. the file
st.header(tr("imp.step.file"))
info = imp.info
c = st.columns(4)
c[0].metric(tr("imp.file.kind"), info.kind.upper())
c[1].metric(tr("imp.file.encoding"), info.encoding or NONE)
c[2].metric(tr("imp.file.delimiter"), {"\t": "TAB", None: NONE}.get(info.delimiter, info.delimiter))
c[3].metric(tr("imp.file.rows"), fmt_number(sum(p.raw.n_rows for p in imp.parts), lang))
if info.kind == "xlsx" and len(imp.parts) == 1:
    current = imp.parts[0].raw.sheet
    if "sheet_rows" not in state:
        state["sheet_rows"] = imp.sheet_rows()
    sheet_rows = state["sheet_rows"]
    sheet = st.selectbox(tr("imp.file.sheet"), info.sheets, index=info.sheets.index(current),
                         key="imp_sheet", format_func=lambda s: numbers.plural(
                             "imp.file.sheet_option", sheet_rows.get(s, 0), lang, sheet=s))
    if sheet != current:
        try:
            imp.read(sheet=sheet)
        except ImportError_ as exc:
            show_error(exc)
            st.stop()
        state["analysed"] = None
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

# ------------------------------------------------------------------ 2. mapping (one part)
def fixed(rule: mp.Rule | None) -> bool:
    """A rule set by a recognised format (several columns, a code table, a constant)."""
    return rule is not None and (bool(rule.sources) or rule.constant is not None
                                 or rule.how not in ("auto", "id", "text", "name"))


def remapped(new: mp.Mapping, origin: str = "manual", name: str | None = None) -> None:
    imp.remap(part.index, new, origin=origin, name=name)
    state["analysed"] = None
    state["version"] = state.get("version", 0) + 1
    st.rerun()


part = imp.parts[0]
if len(imp.parts) == 1:
    version = state.get("version", 0)
    with st.expander(tr("imp.step.mapping"), expanded=part.recognition is None, icon=":material/tune:"):
        saved = mp.SavedMappings(ctx.store)
        names = saved.names()
        if names:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            pick = left.selectbox(tr("imp.map.saved"), [NONE] + names, key=f"imp_saved_pick_{version}")
            if right.button(tr("imp.map.apply_saved"), disabled=pick == NONE, key="imp_apply_saved"):
                remapped(saved.get(pick), origin="given", name=pick)
        tables = ["actors", "projects", "partners", "fundings", "memberships", "partnerships"]
        table = st.selectbox(tr("imp.map.table"), tables, key=f"imp_map_table_{version}",
                             index=tables.index(part.table) if part.table in tables else 0,
                             format_func=lambda t: tr(f"table.{t}"))
        mapping = part.mapping if table == part.table else imp.default_mapping(part.index, table)
        columns = part.raw.columns
        st.caption(tr("imp.map.help"))
        picked: dict[str, str | None] = {}
        grid = st.columns(3)
        for i, col in enumerate(model.TABLES[table].columns):
            rule = mapping.rules.get(col.name)
            label = col.name + (" *" if col.required else "")
            box = grid[i % 3]
            if fixed(rule):
                shown = ", ".join(rule.columns) or (rule.constant or "")
                box.text_input(label, value=tr("imp.map.by_format", source=shown), disabled=True,
                               key=f"imp_map_fixed_{version}_{table}_{col.name}")
                continue
            options = [NONE] + columns
            current = rule.source if rule and rule.source in columns else NONE
            value = box.selectbox(label, options, index=options.index(current),
                                  key=f"imp_map_{version}_{table}_{col.name}",
                                  help=tr(f"imp.colhelp.{col.name}") if col.help else None)
            picked[col.name] = None if value == NONE else value
        default_type = None
        if table == "actors":
            types = [NONE] + voc.ACTOR_TYPES.codes
            current = mapping.defaults.get("actor_type", NONE)
            default_type = st.selectbox(tr("imp.map.default_type"), types, index=types.index(current),
                                        format_func=lambda c: NONE if c == NONE else voc.ACTOR_TYPES.label(c, lang),
                                        key=f"imp_default_type_{version}")
        if st.button(tr("imp.map.apply"), type="primary", key="imp_map_apply"):
            rules = {k: v for k, v in mapping.rules.items() if fixed(v) or k not in picked}
            key = model.TABLES[table].key
            for target, source in picked.items():
                if source is None:
                    rules.pop(target, None)
                    continue
                old = mapping.rules.get(target)
                how = "id" if len(key) == 1 and target == key[0] else "auto"
                rules[target] = mp.Rule(source=source, how=how, values=old.values if old else {})
            if len(key) == 1 and key[0] not in rules:
                rules[key[0]] = mp.Rule(how="id")
            defaults = dict(mapping.defaults)
            if table == "actors":
                defaults.pop("actor_type", None)
                if default_type not in (None, NONE):
                    defaults["actor_type"] = default_type
            remapped(mp.Mapping(table, rules, format=mapping.format, source=mapping.source,
                                id_prefix=mapping.id_prefix, crs=mapping.crs, defaults=defaults))
        st.markdown("**" + tr("imp.map.preview") + "**")
        st.dataframe(imp.mapped_preview(part.index, 8), hide_index=True, width="stretch")
        for target in [c.name for c in model.TABLES[part.table].columns if c.vocabulary is not None]:
            rule = part.mapping.rules.get(target)
            if rule is None or not rule.columns or part.mapping.how(target) not in ("vocab", "domains"):
                continue
            st.markdown("**" + tr("imp.map.values", column=target) + "**")
            values = mp.distinct_values(imp.con, part.raw.table, part.mapping, target)
            vocab = model.TABLES[part.table].col(target).vocabulary
            code_col = (st.column_config.TextColumn(tr("imp.map.codes")) if vocab.name == "domain"
                        else st.column_config.SelectboxColumn(tr("imp.map.code"), options=vocab.codes))
            edited = st.data_editor(values, hide_index=True, width="stretch", disabled=["value", "n"],
                                    key=f"imp_values_{version}_{target}",
                                    column_config={"value": tr("imp.map.value"), "n": tr("imp.col.count"),
                                                   "code": code_col})
            changed = {v: (c or "") for v, c, old in zip(edited["value"], edited["code"], values["code"])
                       if (c or None) != (old or None)}
            if changed and st.button(tr("imp.map.apply_values"), key=f"imp_values_apply_{target}"):
                rule.values.update({k.replace(" | ", mp.KEY_SEP): v for k, v in changed.items()})
                remapped(part.mapping)
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        save_name = left.text_input(tr("imp.map.save_name"), key="imp_map_save_name", max_chars=80)
        if right.button(tr("imp.map.save"), disabled=not save_name.strip(), key="imp_map_save"):
            saved.save(save_name, part.mapping, part.raw.columns)
            st.toast(tr("imp.map.saved_ok", name=md(save_name)), icon=":material/bookmark_added:")
        st.download_button(tr("imp.map.download"), mp.dump_file(
                               save_name.strip() or Path(state["name"]).stem, part.mapping,
                               mp.signature(part.raw.columns)).encode("utf-8"),
                           file_name="correspondance.json", mime="application/json", key="imp_map_download",
                           help=tr("imp.map.download_help"), icon=":material/download:")

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
    stem = Path(state["name"]).stem[:60]
    target = st.text_input(tr("imp.target.name"), value=stem, key="imp_target_name", max_chars=80).strip()
    if target in existing:
        st.warning(tr("imp.target.exists", name=md(target)))
else:
    target = st.selectbox(tr("imp.target.pick"), existing, key="imp_target_pick")
options = st.columns(2)
has_active = any("active" in p.mapping.rules for p in imp.parts)
only_active = options[0].checkbox(tr("imp.opt.only_active"), key="imp_only_active",
                                  disabled=not has_active, help=tr("imp.opt.only_active_help"))
imp.overwrite = options[1].checkbox(tr("imp.opt.overwrite"), key="imp_overwrite",
                                    disabled=mode == "new", help=tr("imp.opt.overwrite_help"))

inventory = target if mode == "existing" else None
signature = (inventory, tuple(p.mapping.to_json() for p in imp.parts))
if st.button(tr("imp.analyse"), type="primary", key="imp_analyse", icon=":material/fact_check:",
             disabled=not target or (mode == "new" and target in existing)):
    bar = st.progress(0.0, text=tr("imp.stage.normalise"))
    order = ["normalise", "geocode", "validate", "dedup", "prepare"]

    def step(stage: str, fraction: float) -> None:
        if stage in order:
            bar.progress((order.index(stage) + fraction) / len(order), text=tr(f"imp.stage.{stage}"))

    imp.progress = step
    try:
        imp.analyse(inventory)
        imp.prepare(only_active=only_active)
        state["analysed"] = signature
    except ImportError_ as exc:
        show_error(exc)
        st.stop()
    except Exception as exc:  # noqa: BLE001 - a file the pipeline cannot handle
        show_error(ImportError_("imp.err.unexpected", detail=str(exc).splitlines()[0][:300]))
        st.stop()
    finally:
        bar.empty()
        imp.progress = lambda *_: None

if state["analysed"] != signature:
    st.info(tr("imp.analyse_first"), icon=":material/fact_check:")
    st.stop()
if only_active != imp.only_active:
    imp.prepare(only_active=only_active)

# ------------------------------------------------------------------ 4. reports
ORIGINS = {"recognised": "imp.origin.recognised", "saved": "imp.origin.saved", "given": "imp.origin.given",
           "manual": "imp.origin.manual", "auto": "imp.origin.auto"}


def summary_part(p, entry: dict, summary: dict) -> None:
    """The sheet read, the equation rows read = saved + merged + excluded, and which
    mapping was applied (field by field, columns ignored)."""
    if entry["sheet"]:
        others = [s for s in summary["sheets"] if s not in {e["sheet"] for e in summary["parts"]}]
        st.caption(tr("imp.sum.sheet", sheet=safe.markdown(entry["sheet"])) + (" " + tr(
            "imp.sum.other_sheets", sheets=", ".join(safe.markdown(s) for s in others)) if others else ""))
    b = {k: fmt_number(v, lang) for k, v in entry["balance"].items()}
    n = entry["balance"]
    if n["read"] == n["saved"] + n["merged"] + n["excluded"]:
        st.success(tr("imp.sum.balance", **b), icon=":material/balance:")
    else:
        st.error(tr("imp.sum.unbalanced", **b))
    m = entry["mapping"]
    origin = tr(ORIGINS[m["origin"]], name=safe.markdown(m["name"]),
                format=tr(f"imp.format.{entry['format']}"))
    with st.expander(origin, icon=":material/tune:"):
        fields = [{tr("imp.map.col.columns"): ", ".join(f["columns"]) or (
                      tr("imp.map.constant", value=f["constant"]) if f["constant"] is not None
                      else tr("imp.map.generated")),
                   tr("imp.map.col.field"): f["field"], tr("imp.map.col.how"): f["how"]}
                  for f in m["fields"]]
        fields += [{tr("imp.map.col.columns"): tr("imp.map.default", value=v), tr("imp.map.col.field"): k,
                    tr("imp.map.col.how"): ""} for k, v in m["defaults"].items()]
        st.dataframe(pd.DataFrame(fields), hide_index=True, width="stretch")
        st.caption(tr("imp.map.ignored", n=len(m["ignored"]),
                      columns=", ".join(safe.markdown(c) for c in m["ignored"]))
                   if m["ignored"] else tr("imp.map.ignored_none"))


def ledger_tab(p) -> None:
    """Every row not saved as it is: merged (into which row or record) or left out (why)."""
    ledger = imp.ledger(p.index, lang)
    if ledger.empty:
        st.success(tr("imp.ledger.none"), icon=":material/check_circle:")
        return
    st.caption(tr("imp.ledger.caption"))
    show = ledger.assign(outcome=ledger.outcome.map(lambda o: tr(f"imp.action.{o}")))[
        ["row", "outcome", "into_row", "into_id", "reason"]].rename(columns={
            "row": tr("imp.col.row"), "outcome": tr("imp.col.outcome"), "into_row": tr("imp.col.into_row"),
            "into_id": tr("imp.col.into_id"), "reason": tr("imp.col.reason")})
    st.dataframe(show.head(5000), hide_index=True, width="stretch", height=min(400, 40 + 35 * len(show)))
    st.download_button(tr("imp.ledger.download"), csv(show), file_name=f"lignes_{p.table}.csv",
                       mime="text/csv", key=f"imp_ledger_dl_{p.index}", icon=":material/download:")


summary = imp.summary()
st.header(tr("imp.step.report"))
for p, entry in zip(imp.parts, summary["parts"]):
    if len(imp.parts) > 1:
        st.subheader(tr(f"table.{p.table}"))
    m = st.columns(5)
    m[0].metric(tr("imp.sum.read"), fmt_number(entry["rows"], lang))
    m[1].metric(tr("imp.sum.insert"), fmt_number(entry.get("insert", 0), lang))
    m[2].metric(tr("imp.sum.merged_inventory"), fmt_number(entry.get("merged_into_inventory", 0), lang))
    m[3].metric(tr("imp.sum.excluded"), fmt_number(entry.get("excluded", 0), lang))
    m[4].metric(tr("imp.sum.cleared"), fmt_number(entry.get("issues", {}).get("cleared", 0), lang))
    if "active" in entry:
        st.caption(numbers.plural("imp.sum.active_caption", entry["active"], lang,
                                  total=fmt_number(entry["rows"], lang)))
    summary_part(p, entry, summary)

    if entry.get("continuation"):  # records spread over several rows: fold or exclude
        st.warning(numbers.plural("imp.cont.found", entry["continuation"], lang),
                   icon=":material/low_priority:")
        examples = imp.continuation_examples(p.index, 5).rename(
            columns={"row": tr("imp.col.row"), "above": tr("imp.col.above")})
        st.dataframe(examples, hide_index=True, width="stretch")
        modes = ["exclude", "fold"]
        chosen = st.radio(tr("imp.cont.choice"), modes, index=modes.index(imp.continuation),
                          key=f"imp_cont_{p.index}", format_func=lambda m: tr(f"imp.cont.{m}"))
        if chosen != imp.continuation:
            imp.set_continuation(chosen)
            imp.analyse(imp.inventory)
            imp.prepare(only_active=only_active)
            st.rerun()

    tabs = st.tabs([tr("imp.tab.issues", n=fmt_number(imp.issues_count(p.index), lang)),
                    tr("imp.tab.geo"), tr("imp.tab.dedup", n=fmt_number(sum(entry.get("pairs", {}).values()), lang)),
                    tr("imp.ledger.title", n=fmt_number(entry["balance"]["merged"] + entry["balance"]["excluded"], lang))])
    with tabs[3]:
        ledger_tab(p)
    with tabs[0]:
        issues = imp.issues(p.index, lang, limit=5000)
        if issues.empty:
            st.success(tr("imp.issues.none"), icon=":material/check_circle:")
        else:
            st.caption(tr("imp.issues.caption"))
            show = issues.drop(columns="check").rename(columns={
                "row": tr("imp.col.row"), "column": tr("imp.col.column"), "value": tr("imp.col.value"),
                "reason": tr("imp.col.reason"), "action": tr("imp.col.action")})
            st.dataframe(show, hide_index=True, width="stretch", height=min(400, 40 + 35 * len(show)))
            full = imp.issues(p.index, lang, limit=None)
            st.download_button(tr("imp.issues.download"), csv(full.drop(columns="check")),
                               file_name=f"validation_{p.table}.csv", mime="text/csv",
                               key=f"imp_issues_dl_{p.index}", icon=":material/download:")
    with tabs[1]:
        geo = entry.get("geo")
        if not geo:
            st.info(tr("imp.geo.not_applicable"))
        else:
            st.metric(tr("imp.geo.placed"), f"{fmt_number(geo['placed'], lang)} / {fmt_number(geo['total'], lang)}",
                      numbers.percent(geo["placed"] / geo["total"], lang, 2) if geo["total"] else None,
                      delta_color="off")
            methods = pd.DataFrame([{tr("imp.geo.method"): voc.GEO_METHODS.label(k, lang),
                                     tr("imp.col.count"): v}
                                    for k, v in sorted(geo["by_method"].items(), key=lambda kv: -kv[1])])
            st.dataframe(methods, hide_index=True)
            if geo["unplaced"] or geo["fallbacks"]:
                reasons = pd.DataFrame(
                    [{tr("imp.geo.reason"): tr(f"imp.geo.reason.{k}"), tr("imp.geo.placed_after"): tr("imp.yes")
                      if k in geo["fallbacks"] else "", tr("imp.col.count"): v}
                     for k, v in list(geo["unplaced"].items()) + list(geo["fallbacks"].items())])
                st.dataframe(reasons, hide_index=True)
                failures = imp.geo_failures(p.index, limit=None)
                failures["reason"] = failures.reason.map(lambda r: tr(f"imp.geo.reason.{r}"))
                failures["geo_method"] = failures.geo_method.map(lambda m: voc.GEO_METHODS.label(m, lang))
                failures = failures.rename(columns={
                    "row": tr("imp.col.row"), "commune_code": "commune_code", "postal_code": "postal_code",
                    "city": "city", "geo_method": tr("imp.geo.method"), "placed_in": tr("imp.geo.placed_in"),
                    "reason": tr("imp.geo.reason")})
                st.dataframe(failures.head(2000), hide_index=True, width="stretch")
                st.download_button(tr("imp.geo.download"), csv(failures),
                                   file_name=f"geocodage_{p.table}.csv", mime="text/csv",
                                   key=f"imp_geo_dl_{p.index}", icon=":material/download:")
    with tabs[2]:
        pairs = imp.pairs(p.index, limit=2000)
        if pairs.empty:
            st.success(tr("imp.dedup.none"), icon=":material/check_circle:")
        else:
            st.caption(tr("imp.dedup.caption"))
            b = st.columns(4)
            for col, (label, kw) in zip(b, [("imp.dedup.merge_exact", {"all_exact": True}),
                                            ("imp.dedup.keep_exact", {"all_exact": False}),
                                            ("imp.dedup.merge_fuzzy", {"all_fuzzy": True}),
                                            ("imp.dedup.keep_fuzzy", {"all_fuzzy": False})]):
                if col.button(tr(label), key=f"{label}_{p.index}"):
                    imp.decide(p.index, **kw)
                    imp.prepare()
                    st.rerun()
            view = pairs.assign(kind=pairs.kind.map(lambda k: tr(f"imp.dedup.kind.{k}")),
                                b_where=pairs.b_where.map(lambda w: tr(f"imp.dedup.where.{w}")))
            edited = st.data_editor(
                view, hide_index=True, width="stretch", key=f"imp_pairs_{p.index}",
                disabled=[c for c in view.columns if c != "merge"],
                column_order=["merge", "kind", "basis", "score", "a_row", "a_name", "a_commune",
                              "b_where", "b_ref", "b_name", "b_commune"],
                column_config={"merge": st.column_config.CheckboxColumn(tr("imp.dedup.merge")),
                               "kind": tr("imp.dedup.kind"), "basis": tr("imp.dedup.basis"),
                               "score": st.column_config.NumberColumn(tr("imp.dedup.score"), format="%d"),
                               "a_row": tr("imp.col.row"), "a_name": tr("imp.dedup.a_name"),
                               "a_commune": tr("imp.dedup.a_commune"), "b_where": tr("imp.dedup.b_where"),
                               "b_ref": tr("imp.dedup.b_ref"), "b_name": tr("imp.dedup.b_name"),
                               "b_commune": tr("imp.dedup.b_commune")})
            changed = {int(pair): bool(new) for pair, new, old in zip(pairs["pair"], edited["merge"], pairs["merge"])
                       if bool(new) != bool(old)}
            if changed:
                imp.decide(p.index, changed)
                imp.prepare()
                st.rerun()

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
            ref = imp.commit(ctx.store, target, create=mode == "new")
        except model.ValidationError as exc:
            st.error(tr("imp.confirm.failed"))
            st.dataframe(pd.DataFrame([i.as_dict(lang) for i in exc.issues]), hide_index=True)
            st.stop()
        except StoreError as exc:
            st.error(tr(exc.hint, **{k: md(v) for k, v in exc.params.items()}))
            st.stop()
    info_after = ctx.store.info(target)
    st.session_state["_import_done"] = tr("imp.confirm.done", inventory=md(target),
                                          actors=numbers.plural("count.actors", info_after["n_actors"], lang),
                                          projects=numbers.plural("count.projects", info_after["n_projects"], lang))
    finish()
if cancel.button(tr("imp.confirm.cancel"), key="imp_cancel"):
    finish()
