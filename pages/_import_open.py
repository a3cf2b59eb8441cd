"""Importer, after saving: a button that opens the new inventory on the map, the map
fitted to its data (issue 17 item 6)."""

from __future__ import annotations

import streamlit as st

from ecosystem.analysis import overview
from ecosystem.analysis.view import Filters, View
from ecosystem.render import links
from pages._state import tr
from pages._widgets import md


def _open(store, name: str) -> None:
    """Button callback: the sidebar shows the inventory, the whole of France with no
    filter, and the map opens on the box of its located actors."""
    for key in [k for k in st.session_state if str(k).startswith(("w_t_", "w_map_"))]:
        del st.session_state[key]
    st.session_state.update(w_inv=name, w_types=[], w_domains=[], w_stages=[], _funders=[],
                            _years=(None, None), _terr=None)
    box = overview.extent(View(store, store.ref(name), Filters()))
    memory = st.session_state.setdefault("_page_url", {})
    memory["carte"] = {"at": links.position_param(*links.fit_position(*box))} if box else {}
    st.session_state["_open_map"] = True


def open_button(store, name: str | None) -> None:
    """Shown with the "saved" message; a click switches to the map."""
    if st.session_state.pop("_open_map", False):
        st.switch_page("pages/carte.py")
    if name and name in store.names():
        st.button(tr("imp.open_inventory", inventory=md(name)), type="primary",
                  icon=":material/map:", key="imp_open_inventory", on_click=_open,
                  args=(store, name))
