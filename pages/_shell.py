"""App shell shared by every page: resources, sidebar, session state and URL.

State lives in ``st.session_state`` and is mirrored in the query string, so a
copied URL reopens the same view (language, inventory, level, territory,
filters, and each page's own options).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ecosystem import vocabulary as voc
from ecosystem.storage.bootstrap import ensure_demo
from ecosystem.analysis.view import Filters, funder_choices, year_bounds
from ecosystem.geo import Geography, GeographyError, geo_dir, parse_territory, territory_key
from ecosystem.i18n import DEFAULT_LANG, LANGS, t
from ecosystem.render import safe
from ecosystem.storage import open_store, store_location
from ecosystem.storage.store import InventoryRef, Store, StoreError


def _navigation_only() -> None:
    """Streamlit runs an app that has a ``pages/`` folder in its legacy multipage
    mode: a session whose first URL is ``/comparer`` would run pages/comparer.py
    without app.py (no sidebar, no context). This app declares its pages with
    ``st.navigation`` only, so the legacy mode is switched off for the process as
    soon as any page module is imported (see :func:`context` for the first run)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - internal module moved
        return
    PagesManager.uses_pages_directory = False


_navigation_only()

# a local file: a Material icon as page_icon makes the browser fetch it from Google
FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.png"
GLOBAL_PARAMS = ("lang", "inv", "level", "terr", "types", "domains", "stages", "funders",
                 "from", "to")


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def tr(key: str, **params) -> str:
    """Translate into the session's language."""
    return t(key, lang(), **params)


def boot() -> "Context":
    """Everything before a page runs: view from the URL, page config, resources,
    sidebar and URL sync. Used by app.py and by the AppTest harness."""
    init_state()
    st.set_page_config(page_title=tr("app.title"), page_icon=str(FAVICON),
                       layout="wide")
    store, geo = resources()
    ctx = sidebar(store, geo)
    sync_url()
    return ctx


# ------------------------------------------------------------------ resources
@st.cache_resource(show_spinner=False)
def get_geo(root: str) -> Geography:
    geo = Geography(root)
    geo.communes  # noqa: B018 - load now so errors surface here
    return geo


@st.cache_resource(show_spinner=False)
def get_store(location: str, geo_root: str) -> Store:
    """One store per database (the DuckDB path or PostgreSQL URL is the cache key,
    so changing ``ECOSYSTEM_DB`` / ``ECOSYSTEM_DATABASE_URL`` opens another store)."""
    try:
        store = open_store(location, geo=get_geo(geo_root))
    except StoreError as exc:
        if exc.hint != "store.hint.cannot_write":
            raise
        # a store we may read but not write (e.g. a published copy): shown read-only
        store = open_store(location, geo=get_geo(geo_root), read_only=True)
    ensure_demo(store)
    return store


@dataclass
class Context:
    store: Store
    geo: Geography
    ref: InventoryRef
    filters: Filters

    @property
    def lang(self) -> str:
        return lang()


def _fail(title_key: str, exc: Exception, hint_key: str, **params) -> None:
    st.error(tr(title_key))
    st.markdown(tr(hint_key, **params))  # operator paths and commands, shown in `code`
    with st.expander(tr("error.details")):
        st.code(str(exc))
    st.stop()


def resources() -> tuple[Store, Geography]:
    """Geography and store, or a readable message that says how to fix them."""
    geo_root = str(geo_dir())
    try:
        geo = get_geo(geo_root)
    except GeographyError as exc:
        _fail("error.geo.title", exc, "error.geo.hint", command=exc.hint)
    try:
        with st.spinner(tr("app.first_run")):
            store = get_store(store_location(), geo_root)
    except StoreError as exc:
        _fail("error.store.title", exc, exc.hint, **exc.params)
    if store.read_only:
        st.warning(tr("store.read_only_banner", path=str(store.path)), icon=":material/lock:")
    return store, geo


# --------------------------------------------------------------- state <-> URL
def init_state() -> None:
    """On a session's first run, load the view from the URL query string."""
    if st.session_state.get("_booted"):
        return
    qp = st.query_params
    st.session_state["lang"] = qp.get("lang") if qp.get("lang") in LANGS else DEFAULT_LANG
    st.session_state["w_lang"] = st.session_state["lang"]
    if qp.get("inv"):
        st.session_state["w_inv"] = qp.get("inv")
    f = Filters.from_params({k: qp.get(k) for k in GLOBAL_PARAMS})
    st.session_state["w_level"] = f.level
    st.session_state["w_types"] = list(f.actor_types)
    st.session_state["w_domains"] = list(f.domains)
    st.session_state["w_stages"] = list(f.stages)
    st.session_state["_funders"] = list(f.funders)
    st.session_state["_years"] = (f.year_min, f.year_max)
    st.session_state["_terr"] = f.territory
    # page-specific parameters are kept for the pages to read
    st.session_state["_page_params"] = {k: v for k, v in qp.to_dict().items()
                                        if k not in GLOBAL_PARAMS}
    st.session_state["_booted"] = True


def page_param(name: str, default=None):
    """A page's own URL parameter as it was when the session opened."""
    return st.session_state.get("_page_params", {}).get(name, default)


def sync_url(extra: dict[str, str] | None = None) -> None:
    """Write the current view into the query string (only if it changed)."""
    params: dict[str, str] = {}
    if lang() != DEFAULT_LANG:
        params["lang"] = lang()
    ctx: Context | None = st.session_state.get("_ctx")
    if ctx is not None:
        default_inv = st.session_state.get("_default_inv")
        if ctx.ref.name != default_inv:
            params["inv"] = ctx.ref.name
        params.update(ctx.filters.to_params())
    if extra:
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
    if dict(st.query_params.to_dict()) != params:
        st.query_params.from_dict(params)


# -------------------------------------------------------------------- sidebar
def _territory_pickers(geo: Geography) -> str | None:
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


def sidebar(store: Store, geo: Geography) -> Context:
    """Render the sidebar and return the current view."""
    lg = lang()
    with st.sidebar:
        st.radio(tr("sidebar.language"), list(LANGS), key="w_lang", horizontal=True,
                 format_func=lambda c: {"fr": "Français", "en": "English"}[c],
                 on_change=lambda: st.session_state.update(lang=st.session_state["w_lang"]))
        names = store.names()
        st.session_state["_default_inv"] = names[0] if names else None
        if st.session_state.get("w_inv") not in names:
            st.session_state["w_inv"] = names[0]
        inv = st.selectbox(tr("sidebar.inventory"), names, key="w_inv")
        ref = store.ref(inv)
        if ref.synthetic:
            st.caption(":material/science: " + tr("sidebar.synthetic"))

        st.subheader(tr("sidebar.territory"))
        level = st.selectbox(tr("sidebar.level"), voc.LEVELS.codes, key="w_level",
                             format_func=lambda c: voc.LEVELS.label(c, lg),
                             help=tr("sidebar.level_help"))
        territory = _territory_pickers(geo)

        st.subheader(tr("sidebar.filters"))
        types = st.multiselect(tr("sidebar.actor_types"), voc.ACTOR_TYPES.codes, key="w_types",
                               format_func=lambda c: voc.ACTOR_TYPES.label(c, lg),
                               placeholder=tr("sidebar.any"))
        domains = st.multiselect(tr("sidebar.domains"), voc.DOMAINS.codes, key="w_domains",
                                 format_func=lambda c: voc.DOMAINS.label(c, lg),
                                 placeholder=tr("sidebar.any"))
        stages = st.multiselect(tr("sidebar.stages"), voc.STAGES.codes, key="w_stages",
                                format_func=lambda c: voc.STAGES.label(c, lg),
                                placeholder=tr("sidebar.any"))
        funders = _funder_picker(store, ref)
        year_min, year_max = _year_slider(store, ref)
        filters = Filters(level=level, territory=territory, actor_types=tuple(types),
                          domains=tuple(domains), stages=tuple(stages), funders=funders,
                          year_min=year_min, year_max=year_max)
        if not filters.is_default:
            st.button(tr("sidebar.reset"), on_click=_reset_filters, width="stretch")
    ctx = Context(store=store, geo=geo, ref=ref, filters=filters)
    st.session_state["_ctx"] = ctx
    return ctx


@st.cache_data(show_spinner=False, max_entries=32)
def _funder_choices(_store: Store, ref: InventoryRef) -> dict[str, str]:
    return funder_choices(_store, ref)


@st.cache_data(show_spinner=False, max_entries=32)
def _year_bounds(_store: Store, ref: InventoryRef) -> tuple[int, int] | None:
    return year_bounds(_store, ref)


def _funder_picker(store: Store, ref: InventoryRef) -> tuple[str, ...]:
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


def _year_slider(store: Store, ref: InventoryRef) -> tuple[int | None, int | None]:
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


def _reset_filters() -> None:
    for key in ("w_types", "w_domains", "w_stages", "w_funders"):
        st.session_state[key] = []
    for level in ("region", "departement", "epci", "commune"):
        st.session_state[f"w_t_{level}"] = None
    st.session_state["_funders"] = []
    st.session_state["_years"] = (None, None)
    st.session_state.pop("w_years", None)


def context() -> Context:
    if "_ctx" not in st.session_state:
        # a page run directly by Streamlit's legacy pages/ mode (first request of a
        # fresh server on a deep link): run again through app.py, now that the
        # legacy mode is off
        st.rerun()
    return st.session_state["_ctx"]


def synthetic_banner(ref: InventoryRef) -> None:
    if ref.synthetic:
        st.info(tr("banner.synthetic"), icon=":material/science:")


def scope_label(ctx: Context) -> str:
    scope = ctx.filters.scope
    if scope is None:
        return tr("scope.france")
    level, code = scope
    return f"{voc.LEVELS.label(level, lang())} : {ctx.geo.label(level, code)}" if lang() == "fr" \
        else f"{voc.LEVELS.label(level, lang())}: {ctx.geo.label(level, code)}"


#: user or URL text inside Markdown (titles, captions, alerts, ``tr()`` parameters)
md = safe.markdown


def open_actor(actor_id: str) -> None:
    """Go to the actor profile page (same session, state kept)."""
    st.session_state["_actor"] = actor_id
    st.switch_page("pages/acteur.py")


def download_table(df, stem: str, key: str, sheet: str | None = None) -> None:
    """CSV and XLSX download buttons for a table (formulas neutralised; the files
    are written only when a button is clicked)."""
    from ecosystem.render import exports

    sheets, language = {sheet or stem: df}, lang()
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(tr("export.csv"), data=lambda: exports.to_csv_bytes(df),
                         file_name=f"{stem}.csv", mime="text/csv", key=f"{key}_csv",
                         on_click="ignore", icon=":material/download:")
    right.download_button(
        tr("export.xlsx"), data=lambda: exports.to_xlsx_bytes(sheets, language),
        file_name=f"{stem}.xlsx", key=f"{key}_xlsx", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:")
    cut = exports.xlsx_cut_cells(sheets)
    if cut:
        st.caption(exports.xlsx_cut_message(cut, language))


def territory_label(key_or_scope, with_level: bool = True) -> str:
    """``Département : Loire-Atlantique (44)`` for a ``level:code`` key or a scope."""
    scope = parse_territory(key_or_scope) if isinstance(key_or_scope, str) else key_or_scope
    if scope is None:
        return tr("scope.france")
    label = context().geo.label(*scope)
    if not with_level:
        return label
    sep = " : " if lang() == "fr" else ": "
    return f"{voc.LEVELS.label(scope[0], lang())}{sep}{label}"

