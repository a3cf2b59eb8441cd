"""Importer, step 2: the column-mapping form of a one-part file (saved mappings,
a column per field, a default actor type, codes for the values, save or download)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ecosystem import model
from ecosystem import vocabulary as voc
from ecosystem.ingest import mapping as mp
from ecosystem.ingest.session import ImportSession, fixed
from pages._shell import tr
from pages._widgets import md

NONE = "—"
TABLES = ["actors", "projects", "partners", "fundings", "memberships", "partnerships"]


def mapping_step(session: ImportSession, store, lang: str) -> None:
    imp, part, version = session.imp, session.imp.parts[0], session.version
    with st.expander(tr("imp.step.mapping"), expanded=part.recognition is None, icon=":material/tune:"):
        saved = mp.SavedMappings(store)
        names = saved.names()
        if names:
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            pick = left.selectbox(tr("imp.map.saved"), [NONE] + names, key=f"imp_saved_pick_{version}")
            if right.button(tr("imp.map.apply_saved"), disabled=pick == NONE, key="imp_apply_saved"):
                session.remap(part.index, saved.get(pick), origin="given", name=pick)
                st.rerun()
        table = st.selectbox(tr("imp.map.table"), TABLES, key=f"imp_map_table_{version}",
                             index=TABLES.index(part.table) if part.table in TABLES else 0,
                             format_func=lambda t: tr(f"table.{t}"))
        mapping = part.mapping if table == part.table else imp.default_mapping(part.index, table)
        columns = part.raw.columns
        st.caption(tr("imp.map.help"))
        picked: dict[str, str | None] = {}
        grid = st.columns(3)
        for i, col in enumerate(model.TABLES[table].columns):
            rule = mapping.rules.get(col.name)
            label = voc.FIELDS.label(col.name, lang) + (" *" if col.required else "")
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
            session.apply_picks(part.index, table, picked, None if default_type == NONE else default_type)
            st.rerun()
        st.markdown("**" + tr("imp.map.preview") + "**")
        st.dataframe(labelled(imp.mapped_preview(part.index, 8), table, lang),
                     hide_index=True, width="stretch")
        values_editors(session, part, version, lang)
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        save_name = left.text_input(tr("imp.map.save_name"), key="imp_map_save_name", max_chars=80)
        if right.button(tr("imp.map.save"), disabled=not save_name.strip(), key="imp_map_save"):
            saved.save(save_name, part.mapping, part.raw.columns)
            st.toast(tr("imp.map.saved_ok", name=md(save_name)), icon=":material/bookmark_added:")
        st.download_button(tr("imp.map.download"), mp.dump_file(
                               save_name.strip() or Path(session.name).stem, part.mapping,
                               mp.signature(part.raw.columns)).encode("utf-8"),
                           file_name="correspondance.json", mime="application/json", key="imp_map_download",
                           help=tr("imp.map.download_help"), icon=":material/download:")


def labelled(preview, table: str, lang: str):
    """The mapped preview as people read it: fields by their labels, codes by their
    vocabulary labels ("Alimentation", not "food")."""
    out = preview.copy()
    for col in model.TABLES[table].columns:
        if col.vocabulary is not None and col.name in out.columns:
            vocab = col.vocabulary
            out[col.name] = [", ".join(vocab.label(c, lang) for c in v) if isinstance(v, (list, tuple))
                             or hasattr(v, "tolist") else vocab.label(v, lang) if isinstance(v, str) else v
                             for v in out[col.name]]
    return out.rename(columns=voc.FIELDS.labels(lang))


def values_editors(session: ImportSession, part, version: int, lang: str = "fr") -> None:
    """The distinct values of each coded column, with the vocabulary term each one gets,
    picked by its label (domains: several labels)."""
    for target in [c.name for c in model.TABLES[part.table].columns if c.vocabulary is not None]:
        rule = part.mapping.rules.get(target)
        if rule is None or not rule.columns or part.mapping.how(target) not in ("vocab", "domains"):
            continue
        st.markdown("**" + tr("imp.map.values", column=md(voc.FIELDS.label(target, lang))) + "**")
        values = mp.distinct_values(session.imp.con, part.raw.table, part.mapping, target)
        vocab = model.TABLES[part.table].col(target).vocabulary
        several = vocab.name == "domain"
        if several:  # "food;poverty" ⇄ a list of codes, shown by their labels
            values = values.assign(code=[[c for c in (v if isinstance(v, str) else "").split(";") if c] for v in values["code"]])
        code_col = (st.column_config.MultiselectColumn if several else st.column_config.SelectboxColumn)(
            tr("imp.map.codes" if several else "imp.map.code"), options=vocab.codes,
            format_func=lambda c: vocab.label(c, lang))
        edited = st.data_editor(values, hide_index=True, width="stretch", disabled=["value", "n"],
                                key=f"imp_values_{version}_{target}",
                                column_config={"value": tr("imp.map.value"), "n": tr("imp.col.count"),
                                               "code": code_col})
        def _code(c):
            return ";".join(c) if isinstance(c, (list, tuple)) else (c or "")
        changed = {v: _code(c) for v, c, old in zip(edited["value"], edited["code"], values["code"])
                   if (_code(c) or None) != (_code(old) or None)}
        if changed and st.button(tr("imp.map.apply_values"), key=f"imp_values_apply_{target}"):
            session.recode(part.index, target, changed)
            st.rerun()
