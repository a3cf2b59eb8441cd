"""Importer step for a SIRENE establishment file: load it as the full establishment
counts per commune (the denominator of the ESS share), never as actors.

The counting is the command line's (``python -m ecosystem sirene-counts``,
:mod:`ecosystem.ingest.sirene_counts`); the counts are shared by every inventory, like
zonings: an inventory administrator (or local mode) loads them.
"""

from __future__ import annotations

import streamlit as st

from ecosystem import numbers, writes
from ecosystem.access import PermissionDenied
from ecosystem.ingest import sirene, sirene_counts
from ecosystem.storage import establishment_counts
from pages import _access_ui
from pages._shell import tr
from pages._widgets import md


def counts_box(session, ctx) -> None:
    """The expander: what is loaded now, a button to count the upload, what was counted
    and left out."""
    with st.expander(tr("counts.page.title"), icon=":material/functions:"):
        st.caption(tr("counts.page.help"))
        now = establishment_counts.info(ctx.store)
        if now:
            st.caption(tr("counts.page.loaded", file=md(now["file"]),
                          date=numbers.date(now["loaded_at"], ctx.lang), who=md(now["loaded_by"]),
                          active=numbers.fmt_number(now["active"], ctx.lang),
                          communes=numbers.fmt_number(now["communes"], ctx.lang)))
        said = st.session_state.get("_imp_counts_said")
        if said:
            st.success("  \n".join(md(line) for line in said), icon=":material/check:")
        if not _access_ui.allowing(ctx, "manage") or ctx.store.read_only:
            st.caption(tr("counts.page.admins_only"))
            return
        if not st.button(tr("counts.page.apply"), key="imp_counts_apply"):
            return
        try:
            got = sirene_counts.count(session.path, ctx.geo)
            got.file = session.name
            writes.load_establishment_counts(ctx.store, ctx.user, got)
        except sirene.SireneError as exc:
            st.error(tr(exc.key, **{k: md(v) for k, v in exc.params.items()}))
            return
        except PermissionDenied:
            st.error(tr("counts.page.admins_only"))
            return
        st.cache_data.clear()  # every cached indicator value read the old denominator
        st.session_state["_imp_counts_said"] = [*sirene_counts.describe(got, ctx.lang),
                                                tr("counts.saved")]
        st.rerun()
