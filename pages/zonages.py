"""Zonages: the user zonings of the store (any inventory can be analysed by them)
— add one from a file, see how the current inventory's actors fall in each,
rename, delete. A zoning then appears in the sidebar's level list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecosystem import numbers, writes
from ecosystem.storage import zonings as zstore
from ecosystem.storage.store import StoreError
from pages import _access_ui
from pages import _shell as shell
from pages import _widgets as ui
from pages._shell import tr
from pages._widgets import md
from pages._zoning_form import add_form, issues_table

ctx = shell.context()
lang = ctx.lang

st.title(tr("zoning.title"))
st.caption(tr("zoning.caption"))
saved = st.session_state.pop("_zon_saved", None)
if saved:
    st.success(tr("zoning.saved", name=md(saved[0]), level=saved[1]), icon=":material/check:")


def use_level(level: str) -> None:
    st.session_state["w_level"] = level


# zonings serve every inventory: administrators (of one at least) add, rename, delete them
manager = bool(_access_ui.allowing(ctx, "manage")) and not ctx.store.read_only
listing = zstore.listing(ctx.store)
st.subheader(tr("zoning.list"))
if listing.empty:
    st.info(tr("zoning.none" if manager else "zoning.none_yet"), icon=":material/layers:")
else:
    counts = {}
    for level in listing.level:
        try:
            counts[level] = zstore.assignment_counts(ctx.store, ctx.ref, level)
        except StoreError:
            counts[level] = None
    table = pd.DataFrame({
        tr("zoning.col.name"): listing.name,
        tr("zoning.col.kind"): [tr(f"zoning.kind.{k}") for k in listing.kind],
        tr("zoning.col.zones"): listing.n_zones,
        tr("zoning.col.population"): [tr("zoning.yes" if v else "zoning.no")
                                      for v in listing.has_population],
        tr("zoning.col.placed"): [
            tr("zoning.placed", placed=numbers.number(c["n_actors_placed"], lang),
               total=numbers.number(c["n_actors"], lang)) if c else ""
            for c in (counts[lv] for lv in listing.level)],
        tr("zoning.col.source"): listing.source.fillna(""),
    })
    st.dataframe(numbers.display_numbers(table, lang), hide_index=True, width="stretch")
    st.caption(tr("zoning.placed_help", inventory=md(ctx.ref.name)))

    names = dict(zip(listing.level, listing.name))
    chosen = st.selectbox(tr("zoning.pick"), list(names), format_func=lambda lv: names[lv],
                          key="zon_chosen")
    row = zstore.get(ctx.store, chosen)
    st.caption(tr("zoning.chosen", name=md(row["name"]), level=chosen,
                  source=md(row["source"] or "—"),
                  zones=numbers.plural("zoning.n_zones", int(row["n_zones"]), lang)))
    left, mid, right = st.columns(3)
    left.button(tr("zoning.use"), on_click=use_level, args=(chosen,), icon=":material/layers:",
                key="zon_use")
    if row["issues"]:
        from ecosystem.zonings import Issue
        with st.expander(numbers.plural("zoning.n_issues", len(row["issues"]), lang)):
            issues = [Issue(i["key"], i["row"], i["column"], i["value"],
                            tuple(tuple(p) for p in i["params"])) for i in row["issues"]]
            report = issues_table(issues)
            st.dataframe(report, hide_index=True, width="stretch")
            ui.download_table(report, "zonage-rapport" if lang == "fr" else "zoning-report",
                              "zon_report")
    if manager:
        with mid.popover(tr("zoning.rename"), icon=":material/edit:"):
            new = st.text_input(tr("zoning.name"), value=row["name"], key=f"zon_rn_{chosen}")
            if st.button(tr("zoning.rename"), key="zon_rename_go"):
                try:
                    writes.rename_zoning(ctx.store, ctx.user, chosen, new)
                    st.rerun()
                except StoreError as exc:
                    st.error(tr(exc.hint, **{k: md(v) for k, v in exc.params.items()}))
        with right.popover(tr("zoning.delete"), icon=":material/delete:"):
            st.caption(tr("zoning.delete_help", name=md(row["name"])))
            if st.button(tr("zoning.delete_confirm"), key="zon_delete_go", type="primary"):
                writes.delete_zoning(ctx.store, ctx.user, chosen)
                if st.session_state.get("w_level") == chosen:
                    st.session_state["w_level"] = "region"
                st.rerun()

st.divider()
if manager:
    add_form(ctx)
else:
    st.caption(tr("zoning.admins_only"))
shell.sync_url()
