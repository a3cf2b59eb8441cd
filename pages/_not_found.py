"""What the reader sees when the address is no page of the app (a mistyped or
outdated link): a note in the app's language above the home page, which Streamlit
runs instead (the address bar then shows the home page's address with the view of
the link), and a button to carry on on the home page. Streamlit's own English dialog
is switched off by ``_url.quiet_page_not_found`` (on a fresh server's first session,
sent before any app code ran, it is closed: ``_url.legacy_page_not_found``)."""

from __future__ import annotations

import streamlit as st

from pages import _url
from pages._state import HOME, tr
from pages._widgets import md


def notice() -> None:
    """The note, from the run whose address named no page until the reader carries on
    or opens another page (the runs that follow at once, e.g. a map reporting its
    position, keep it)."""
    name = _url.page_not_found()
    legacy = st.session_state.pop("_not_found_legacy", None)  # a fresh server's first run
    if legacy is not None:
        name = legacy
        _url.close_page_not_found_dialog()  # sent by Streamlit before any app code ran
    if name is not None:
        st.session_state["_not_found"] = name
    name = st.session_state.get("_not_found")
    if name is None:
        return
    if st.session_state.get("_page") != HOME:
        del st.session_state["_not_found"]
        return
    st.warning(tr("nav.not_found", page=md(name)), icon=":material/link_off:")
    st.button(tr("nav.not_found_home"), icon=":material/home:", key="not_found_home",
              on_click=lambda: st.session_state.pop("_not_found", None))
