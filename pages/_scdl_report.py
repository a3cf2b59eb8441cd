"""The Importer's report of a SCDL grants file: beneficiaries matched or new, amounts per
funder, the inventory's territory and the grants to beneficiaries outside it."""

import streamlit as st

from ecosystem.numbers import fmt_number
from pages._shell import tr
from pages._widgets import md


def scdl_grants(imp, lang: str) -> None:
    from ecosystem.ingest import scdl

    found = scdl.report(imp)
    st.info(tr("imp.scdl.grants", **{k: fmt_number(v, lang) for k, v in found["grants"].items()}))
    st.caption(tr("imp.scdl.funders") + " — " + tr("imp.scdl.rows"))
    st.dataframe(scdl.funders_frame(found, lang), hide_index=True, width="stretch")
    st.info(scdl.territory_text(found, imp.geo, lang, quote=md))
    flagged = scdl.outside(imp, lang)
    if len(flagged):
        st.caption(tr("imp.scdl.outside"))
        st.dataframe(flagged, hide_index=True, width="stretch")
