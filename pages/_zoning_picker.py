"""The sidebar's level list with the store's user zonings, and the zone picker
shown instead of the cascading territory pickers when the level is a zoning."""

from __future__ import annotations

import streamlit as st

from ecosystem.geo import Geography, is_zoning_level, parse_territory, territory_key
from ecosystem.render import safe
from ecosystem.storage import zonings as zstore
from pages._state import lang, tr


def zoned_geography(store, geo: Geography) -> Geography:
    """The geography answering the store's zonings too (names, populations, shapes);
    a read-only store cannot place actors in zones: no zoning level there."""
    if store.read_only:
        return geo
    try:
        return zstore.geography(store, geo)
    except Exception:  # noqa: BLE001 - a broken zoning table must not stop the app
        return geo


def level_options(geo: Geography) -> list[str]:
    """Built-in levels then zonings; a level the URL named that no longer exists
    falls back to région."""
    options = geo.levels()
    if st.session_state.get("w_level") not in options:
        st.session_state["w_level"] = "region"
    return options


def zone_picker(geo: Geography, level: str) -> str | None:
    """One picker over the zones of a zoning level: ``z<id>:<code>`` or None (France)."""
    key = f"w_t_{level}"
    pending = parse_territory(st.session_state.pop("_terr", None))
    if pending and pending[0] == level and geo.exists(*pending):
        st.session_state[key] = pending[1]
    table = geo.table(level).sort_values("name")
    options = table.code.tolist()
    if st.session_state.get(key) not in options:
        st.session_state[key] = None
    names = table.name

    def label(c):
        return tr("sidebar.all") if c is None else f"{names.get(c, c)} ({c})"

    code = st.selectbox(safe.markdown(geo.level_label(level, lang())), [None] + options, key=key,
                        format_func=label, placeholder=tr("sidebar.all"))
    return territory_key(level, code) if code else None


def territory(geo: Geography, level: str, cascade) -> str | None:
    return zone_picker(geo, level) if is_zoning_level(level) else cascade(geo)
