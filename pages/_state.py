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
from ecosystem.members import Permissions
from ecosystem.storage.store import InventoryRef, Store
from pages._url import history_navigation, legacy_run, menu_links  # importing it switches
# Streamlit's legacy pages/ mode off
from pages._url import legacy_page_not_found


HOME = "accueil"  # the default page's key; its address is the root (/accueil: "Page not found")
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
    perms: Permissions | None = None  # read once per run by the sidebar (members.permissions)

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
    """Load the view from the URL query string: on a session's first run, and again
    when the browser brings a URL this session did not write (Back / Forward, a link
    followed in the same tab). A URL without parameters (a page of the menu) keeps
    the session's view, so does a widget change sent with an older URL (_url)."""
    if legacy_run():  # app.py ran as a page: its widget ids would not last (_url)
        # an unknown address: the run that starts again has lost its name (_not_found)
        st.session_state["_not_found_legacy"] = legacy_page_not_found()
        st.rerun()
    qp = st.query_params
    if st.session_state.get("_booted"):
        url = dict(qp.to_dict())
        written = st.session_state.get("_url_written")
        if not url or written is None or url == written or not history_navigation():
            return
        # the URL defines the view: widgets take their value from it again
        for key in [k for k in st.session_state if str(k).startswith("w_") and k != "w_lang"]:
            del st.session_state[key]
        st.session_state.pop("_actor", None)  # the actor page reads the URL's actor
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
    st.session_state["_page_params_pending"] = True  # they belong to the page about to run
    st.session_state["_booted"] = True


def set_page(path: str) -> None:
    """The page about to run (app.py, from ``st.navigation``): the URL's page
    parameters just read belong to it; ``entered()`` says whether the user just came."""
    previous = st.session_state.get("_page")
    st.session_state["_page"] = path
    st.session_state["_entered"] = previous != path
    if st.session_state.pop("_page_params_pending", False):
        st.session_state.setdefault("_page_url", {})[path] = st.session_state.get("_page_params", {})
        st.session_state["_entered"] = True
    # the page's URL with its remembered parameters (one history entry; the page
    # rewrites it if its view changes)
    sync_url(dict(st.session_state.get("_page_url", {}).get(path, {})))


def entered() -> bool:
    """True on the first run of a page after another page (or a URL) was shown."""
    return st.session_state.get("_entered", True)


def page_param(name: str, default=None):
    """A page's own URL parameter: the last one this page wrote in this session (so
    leaving a page and coming back keeps its view), else the opening URL's."""
    page = st.session_state.get("_page")
    params = st.session_state.get("_page_url", {}).get(page) if page else None
    if params is None:
        params = st.session_state.get("_page_params", {})
    return params.get(name, default)


def url_params(filters: Filters | None = None, extra: dict | None = None) -> dict[str, str]:
    """The URL parameters of a view: language, inventory, ``filters`` (default: the
    current ones) and a page's own ``extra`` parameters."""
    params: dict[str, str] = {}
    if lang() != DEFAULT_LANG:
        params["lang"] = lang()
    ctx: Context | None = st.session_state.get("_ctx")
    if ctx is not None:
        default_inv = st.session_state.get("_default_inv")
        if ctx.ref.name != default_inv:
            params["inv"] = ctx.ref.name
        params.update((filters or ctx.filters).to_params())
    if extra:
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return params


def sync_url(extra: dict[str, str] | None = None) -> None:
    """Write the current view into the query string (only if it changed)."""
    params = url_params(None, extra)
    page = st.session_state.get("_page")
    if page and extra is not None:
        st.session_state.setdefault("_page_url", {})[page] = {
            k: v for k, v in extra.items() if v not in (None, "")}
    st.session_state["_url_written"] = params
    if dict(st.query_params.to_dict()) != params:
        st.query_params.from_dict(params)
    _link(page, params)


def view_url(page: str | None, params: dict[str, str]) -> str:
    """The address of a view, to share: the app's origin, the page and its parameters."""
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(st.context.url or "http://localhost:8501/")
    query, path = urlencode(params), "" if page in (None, HOME) else page
    return f"{parts.scheme}://{parts.netloc}/{path}" + (f"?{query}" if query else "")


def _link(page: str | None, params: dict[str, str]) -> None:
    """The sidebar's "copy the link" box (its slot is made by ``_shell.boot``); the
    code block has Streamlit's copy button."""
    slot = st.session_state.get("_link_slot")
    if slot is None:
        return
    with slot.container():
        menu_links(GLOBAL_PARAMS, st.session_state.get("_page_url", {}), HOME)
        with st.popover(tr("ui.copy_link"), icon=":material/link:", width="stretch"):
            st.caption(tr("ui.copy_link_help"))
            st.code(view_url(page, params), language=None, wrap_lines=True)


# ------------------------------------------------------------------ acting user
def current_user():
    """The acting :class:`ecosystem.access.User` (:mod:`pages._session_user`)."""
    from pages._session_user import current_user as acting

    return acting()


def session_id() -> str:
    """A random id of this browser session (contributions are rate-limited by it)."""
    import uuid

    return st.session_state.setdefault("_session_id", uuid.uuid4().hex)
