"""Importer step for SIRENE files: keep the ESS of a territory before mapping.

Shown when the uploaded file is recognised as SIRENE and holds legal-unit columns (ESS
flag, legal category) and/or the establishment's commune. The filter is the command
line's (``ecosystem.ingest.sirene.extract``, DuckDB); the filtered file then replaces
the upload in the session's import, so rows read = saved + merged + excluded holds on it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ecosystem.i18n import fmt_number
from ecosystem.ingest import sirene
from ecosystem.ingest.pipeline import Import, ImportError_
from pages._shell import md, tr

LEVEL_KEYS = {v: k for k, v in sirene.LEVELS.items()}


def _default_where(filters) -> str:
    scope = filters.scope
    return f"{LEVEL_KEYS[scope[0]]}={scope[1]}" if scope and scope[0] in LEVEL_KEYS else ""


def sirene_filter(state: dict, ctx) -> None:
    imp: Import = state["import"]
    done = state.get("sirene_filtered")
    if done:
        st.info(tr("sirene.page.filtered", rows=fmt_number(done["rows"], ctx.lang),
                   of=fmt_number(done["of"], ctx.lang), ess=tr(f"sirene.ess.{done['ess']}"),
                   where=md(done["where"] or tr("sirene.cli.everywhere"))), icon=":material/filter_alt:")
        return
    part = imp.parts[0]
    if part.format != "sirene" or len(imp.parts) != 1:
        return
    cols = {c.lower() for c in part.raw.columns}
    has_unit = bool(cols & {"categoriejuridiqueunitelegale", "economiesocialesolidaireunitelegale"})
    has_commune = "codecommuneetablissement" in cols
    if not (has_unit or has_commune):
        return
    with st.expander(tr("sirene.page.title"), icon=":material/filter_alt:"):
        st.caption(tr("sirene.page.help"))
        modes = list(sirene.ESS_MODES) if has_unit else ["all"]
        ess = st.selectbox(tr("sirene.page.ess"), modes, key="imp_sirene_ess",
                           format_func=lambda m: tr(f"sirene.ess.{m}"))
        where = st.text_input(tr("sirene.page.where"), value=_default_where(ctx.filters),
                              key="imp_sirene_where", disabled=not has_commune)
        if not st.button(tr("sirene.page.apply"), key="imp_sirene_apply"):
            return
        path = Path(state["path"])
        out = path.with_name(path.stem + "_sirene.parquet")
        try:
            zone = sirene.parse_where(where if has_commune else "", ctx.geo)
            got = sirene.extract(out, units=path if has_unit else None,
                                 establishments=path if has_commune else None, ess=ess,
                                 where=zone, geo=ctx.geo)
            new = Import(out, Path(state["name"]).stem + ".parquet", geo=ctx.geo, store=ctx.store)
        except sirene.SireneError as exc:
            st.error(tr(exc.key, **{k: md(v) for k, v in exc.params.items()}))
            return
        except ImportError_ as exc:
            st.error(tr(exc.key, **{k: md(v) for k, v in exc.params.items()}))
            return
        try:
            new.read()
        except ImportError_ as exc:
            new.close()
            st.error(tr(exc.key, **{k: md(v) for k, v in exc.params.items()}))
            return
        rows_before = sum(p.raw.n_rows for p in imp.parts)
        imp.close()
        path.unlink(missing_ok=True)
        state.update({"import": new, "path": str(out), "analysed": None,
                      "sirene_filtered": {"rows": got.rows, "of": rows_before, "ess": ess,
                                          "where": where if has_commune else ""}})
        st.rerun()
