"""The note under an ESS share that cannot be computed: only the ESS was imported."""

import streamlit as st

from ecosystem.analysis import indicators as ind
from ecosystem.analysis.view import Filters, View
from pages._shell import tr


@st.cache_data(show_spinner=False, max_entries=16)
def _missing(_store, ref) -> bool:
    return ind.denominator_missing(View(_store, ref, Filters()))


def share_note(store, ref, indicator_ids) -> None:
    """Say why the share of ESS establishments is undefined (a dash, not 0 % nor 100 %)
    when it is among ``indicator_ids`` and the inventory lacks the other establishments."""
    from ecosystem.storage import establishment_counts

    if "ess_establishment_share" in indicator_ids and not establishment_counts.loaded(store) \
            and _missing(store, ref):  # loaded counts: the denominator is there
        st.info(tr("ess.share.needs_all"))
