"""Session state and URL: the language, the view read from the query string on a
session's first run and written back on every run, the current :class:`Context`.

A copied URL reopens the same view (language, inventory, level, territory,
filters, and each page's own options).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ecosystem.access import LOCAL_ADMIN, User
from ecosystem.analysis.view import Filters
from ecosystem.geo import Geography
from ecosystem.i18n import DEFAULT_LANG, LANGS, t
from ecosystem.storage.store import InventoryRef, Store


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


GLOBAL_PARAMS = ("lang", "inv", "level", "terr", "types", "domains", "stages", "funders",
                 "from", "to")


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANG)


def tr(key: str, **params) -> str:
    """Translate into the session's language."""
    return t(key, lang(), **params)


@dataclass
class Context:
    store: Store
    geo: Geography
    ref: InventoryRef
    filters: Filters
    user: User = LOCAL_ADMIN  # the acting user (pages/_session_user.py)

    @property
    def lang(self) -> str:
        return lang()


def context() -> Context:
    if "_ctx" not in st.session_state:
        # a page run directly by Streamlit's legacy pages/ mode (first request of a
        # fresh server on a deep link): run again through app.py, now that the
        # legacy mode is off
        st.rerun()
    return st.session_state["_ctx"]


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



# ------------------------------------------------------------------ acting user
def current_user():
    """The acting :class:`ecosystem.access.User` (:mod:`pages._session_user`)."""
    from pages._session_user import current_user as acting

    return acting()


def session_id() -> str:
    """A random id of this browser session (contributions are rate-limited by it)."""
    import uuid

    return st.session_state.setdefault("_session_id", uuid.uuid4().hex)
