"""The sidebar's pickers: territory (cascading), funders, project years."""

from __future__ import annotations

import streamlit as st

from ecosystem import vocabulary as voc
from ecosystem.analysis.view import funder_choices, year_bounds
from ecosystem.geo import Geography, parse_territory, territory_key
from ecosystem.storage.store import InventoryRef, Store
from pages._state import lang, tr


def territory_pickers(geo: Geography) -> str | None:
    """Cascading Région → Département → EPCI → Commune; returns "level:code" or None."""
    pending = st.session_state.pop("_terr", None)
    if pending:
        level, code = parse_territory(pending)
        if geo.exists(level, code):
            chain = {"region": None, "departement": None, "epci": None, "commune": None}
            chain[level] = code
            if level == "commune":
                parents = geo.commune_parents(code)
                chain.update({k: parents[k] for k in ("region", "departement", "epci")})
            elif level == "epci":
                row = geo.table("epci").loc[code]
                chain.update(region=row.reg, departement=row.dep)
            elif level == "departement":
                chain["region"] = geo.table("departement").at[code, "reg"]
            for lv, c in chain.items():
                st.session_state[f"w_t_{lv}"] = c

    def picker(level: str, options: list[str]) -> str | None:
        key = f"w_t_{level}"
        if st.session_state.get(key) not in options:
            st.session_state[key] = None
        names = geo.table(level).name
        with_code = level in ("departement", "commune")

        def label(c):
            if c is None:
                return tr("sidebar.all")
            return f"{names.get(c, c)} ({c})" if with_code else str(names.get(c, c))

        return st.selectbox(voc.LEVELS.label(level, lang()), [None] + options, key=key,
                            format_func=label, placeholder=tr("sidebar.all"))

    regions = geo.table("region").sort_values("name").code.tolist()
    chosen = picker("region", regions)
    if chosen is None:
        return None
    deps = geo.table("departement")
    dep = picker("departement", deps[deps.reg == chosen].sort_values("code").code.tolist())
    if dep is None:
        return territory_key("region", chosen)
    epci = geo.table("epci")
    epci_code = picker("epci", epci[epci.code.isin(geo.children("departement", dep, "epci"))]
                       .sort_values("name").code.tolist())
    if epci_code is None:
        return territory_key("departement", dep)
    com = geo.communes_in("epci", epci_code)
    communes = geo.communes.loc[com].sort_values("name").code.tolist()
    commune = picker("commune", communes)
    if commune is None:
        return territory_key("epci", epci_code)
    return territory_key("commune", commune)


@st.cache_data(show_spinner=False, max_entries=32)
def _funder_choices(_store: Store, ref: InventoryRef) -> dict[str, str]:
    return funder_choices(_store, ref)


@st.cache_data(show_spinner=False, max_entries=32)
def _year_bounds(_store: Store, ref: InventoryRef) -> tuple[int, int] | None:
    return year_bounds(_store, ref)


def funder_picker(store: Store, ref: InventoryRef) -> tuple[str, ...]:
    """Funders (largest first; those of the URL kept even beyond the list)."""
    choices = _funder_choices(store, ref)
    if "w_funders" not in st.session_state:
        st.session_state["w_funders"] = list(st.session_state.get("_funders", []))
    options = list(choices) + [f for f in st.session_state["w_funders"] if f not in choices]
    if not options:
        return ()
    return tuple(st.multiselect(tr("sidebar.funders"), options, key="w_funders",
                                format_func=lambda a: choices.get(a, a),
                                placeholder=tr("sidebar.any"), help=tr("sidebar.funders_help")))


def year_slider(store: Store, ref: InventoryRef) -> tuple[int | None, int | None]:
    """Project years: the full range means no filter."""
    bounds = _year_bounds(store, ref)
    if bounds is None:
        return st.session_state.get("_years", (None, None))
    lo, hi = bounds
    current = st.session_state.get("w_years")
    if not current or not (lo <= current[0] <= current[1] <= hi):
        y0, y1 = st.session_state.get("_years", (None, None))
        st.session_state["w_years"] = (min(max(y0 or lo, lo), hi), max(min(y1 or hi, hi), lo))
    a, b = st.slider(tr("sidebar.years"), lo, hi, key="w_years", help=tr("sidebar.years_help"))
    return (a if a > lo else None), (b if b < hi else None)


def reset_filters() -> None:
    for key in ("w_types", "w_domains", "w_stages", "w_funders"):
        st.session_state[key] = []
    for level in ("region", "departement", "epci", "commune"):
        st.session_state[f"w_t_{level}"] = None
    for key in [k for k in st.session_state if str(k).startswith("w_t_z")]:  # zone pickers
        st.session_state[key] = None
    st.session_state["_funders"] = []
    st.session_state["_years"] = (None, None)
    st.session_state.pop("w_years", None)

