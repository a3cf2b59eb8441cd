"""Importer, step 4: per part, the figures, the equation rows read = saved + merged
+ excluded, the mapping applied, continuation rows, and the tabs (checks,
geocoding, duplicates with their decisions, rows not saved as they are)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecosystem import vocabulary as voc
from ecosystem.numbers import fmt_number
from ecosystem import numbers
from ecosystem.ingest.session import ImportSession
from ecosystem.render import safe
from pages._shell import tr
from pages._links_review import links_review
from pages._scdl_report import scdl_grants
from pages._widgets import csv, url_tabs

ORIGINS = {"recognised": "imp.origin.recognised", "saved": "imp.origin.saved", "given": "imp.origin.given",
           "manual": "imp.origin.manual", "auto": "imp.origin.auto"}


def report_step(session: ImportSession, summary: dict, only_active: bool, lang: str) -> None:
    imp = session.imp
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
        summary_part(entry, summary, lang)
        if entry.get("from_unit"):  # SIRENE establishments completed by their legal unit
            st.caption(numbers.plural("sirene.from_unit", entry["from_unit"], lang))
        if entry.get("without_unit"):
            st.warning(numbers.plural("sirene.without_unit", entry["without_unit"], lang))
        if p.format == "scdl" and p.table == "fundings":  # grants: who got them, who gave what
            scdl_grants(imp, lang)
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
                session.set_continuation(chosen, only_active)
                st.rerun()
        tabs, _ = url_tabs({"issues": tr("imp.tab.issues", n=fmt_number(imp.issues_count(p.index), lang)),
                            "geo": tr("imp.tab.geo"), "dedup": tr("imp.tab.dedup", n=fmt_number(sum(entry.get("pairs", {}).values()), lang)),
                            "ledger": tr("imp.ledger.title", n=fmt_number(entry["balance"]["merged"] + entry["balance"]["excluded"], lang))},
                           f"w_imp_tab_{p.index}", sync=True)  # the tab in the URL, one for all parts
        with tabs[3]:
            ledger_tab(session, p, lang)
        with tabs[0]:
            issues_tab(session, p, lang)
        with tabs[1]:
            geo_tab(session, p, entry, lang)
        with tabs[2]:
            dedup_tab(session, p, lang)
        links_review(session, p, lang)   # SIRET / RNA / SIREN structures and conflicts


def summary_part(entry: dict, summary: dict, lang: str) -> None:
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


def ledger_tab(session: ImportSession, p, lang: str) -> None:
    """Every row not saved as it is: merged (into which row or record) or left out (why)."""
    ledger = session.imp.ledger(p.index, lang)
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


def issues_tab(session: ImportSession, p, lang: str) -> None:
    issues = session.imp.issues(p.index, lang, limit=5000)
    if issues.empty:
        st.success(tr("imp.issues.none"), icon=":material/check_circle:")
        return
    st.caption(tr("imp.issues.caption"))
    show = issues.drop(columns="check").rename(columns={
        "row": tr("imp.col.row"), "column": tr("imp.col.column"), "value": tr("imp.col.value"),
        "reason": tr("imp.col.reason"), "action": tr("imp.col.action")})
    st.dataframe(show, hide_index=True, width="stretch", height=min(400, 40 + 35 * len(show)))
    full = session.imp.issues(p.index, lang, limit=None)
    st.download_button(tr("imp.issues.download"), csv(full.drop(columns="check")),
                       file_name=f"validation_{p.table}.csv", mime="text/csv",
                       key=f"imp_issues_dl_{p.index}", icon=":material/download:")


def geo_tab(session: ImportSession, p, entry: dict, lang: str) -> None:
    geo = entry.get("geo")
    if not geo:
        st.info(tr("imp.geo.not_applicable"))
        return
    st.metric(tr("imp.geo.placed"), f"{fmt_number(geo['placed'], lang)} / {fmt_number(geo['total'], lang)}",
              numbers.percent(geo["placed"] / geo["total"], lang, 2) if geo["total"] else None,
              delta_color="off")
    methods = pd.DataFrame([{tr("imp.geo.method"): voc.GEO_METHODS.label(k, lang), tr("imp.col.count"): v}
                            for k, v in sorted(geo["by_method"].items(), key=lambda kv: -kv[1])])
    st.dataframe(methods, hide_index=True)
    if not (geo["unplaced"] or geo["fallbacks"]):
        return
    reasons = pd.DataFrame(
        [{tr("imp.geo.reason"): tr(f"imp.geo.reason.{k}"), tr("imp.geo.placed_after"): tr("imp.yes")
          if k in geo["fallbacks"] else "", tr("imp.col.count"): v}
         for k, v in list(geo["unplaced"].items()) + list(geo["fallbacks"].items())])
    st.dataframe(reasons, hide_index=True)
    failures = session.imp.geo_failures(p.index, limit=None)
    failures["reason"] = failures.reason.map(lambda r: tr(f"imp.geo.reason.{r}"))
    failures["geo_method"] = failures.geo_method.map(lambda m: voc.GEO_METHODS.label(m, lang))
    failures = failures.rename(columns={
        "row": tr("imp.col.row"), "commune_code": "commune_code", "postal_code": "postal_code",
        "city": "city", "geo_method": tr("imp.geo.method"), "placed_in": tr("imp.geo.placed_in"),
        "reason": tr("imp.geo.reason")})
    st.dataframe(failures.head(2000), hide_index=True, width="stretch")
    st.download_button(tr("imp.geo.download"), csv(failures), file_name=f"geocodage_{p.table}.csv",
                       mime="text/csv", key=f"imp_geo_dl_{p.index}", icon=":material/download:")


def dedup_tab(session: ImportSession, p, lang: str) -> None:
    pairs = session.imp.pairs(p.index, limit=2000)
    if pairs.empty:
        st.success(tr("imp.dedup.none"), icon=":material/check_circle:")
        return
    st.caption(tr("imp.dedup.caption"))
    b = st.columns(4)
    for col, (label, kw) in zip(b, [("imp.dedup.merge_exact", {"all_exact": True}),
                                    ("imp.dedup.keep_exact", {"all_exact": False}),
                                    ("imp.dedup.merge_fuzzy", {"all_fuzzy": True}),
                                    ("imp.dedup.keep_fuzzy", {"all_fuzzy": False})]):
        if col.button(tr(label), key=f"{label}_{p.index}"):
            session.decide(p.index, **kw)
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
        session.decide(p.index, changed)
        st.rerun()
