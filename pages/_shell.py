"""App shell: the sidebar (inventory, language, territory, filters) and
:func:`boot`, everything before a page runs. Session state and the URL are in
``_state``, resources in ``_resources``, the pickers in ``_pickers``, the
helpers pages share in ``_widgets``; the names pages use are re-exported here.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ecosystem import access
from ecosystem import members as mb
from ecosystem import vocabulary as voc
from ecosystem.analysis.view import Filters
from ecosystem.geo import Geography, geo_dir  # noqa: F401 - re-exported (tests)
from ecosystem.i18n import LANGS
from ecosystem.render import safe
from ecosystem.storage.store import Store
from pages import _chrome as chrome
from pages._pickers import funder_picker, reset_filters, territory_pickers, year_slider
from pages._session_user import current_user, sign_in_block
from pages._resources import get_geo, get_store, resources, sweep_uploads  # noqa: F401 - re-exported
from pages._state import (HOME, Context, context, entered, init_state, lang,  # noqa: F401
                          page_param, set_page, sync_url, tr, url_params, view_url)
from pages import _zoning_picker as zp

#: what pages, app.py and tests read from the shell (defined in _state and _resources)
__all__ = ["HOME", "Context", "boot", "context", "entered", "set_page", "url_params", "view_url", "geo_dir", "get_geo", "get_store", "init_state", "lang",
           "page_param", "resources", "sidebar", "sweep_uploads", "sync_url", "tr"]

# a local file: a Material icon as page_icon makes the browser fetch it from Google
FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.png"


def boot(sync: bool = True) -> "Context":
    """Everything before a page runs: view from the URL, page config, resources,
    sidebar and URL sync. Used by app.py (``sync=False``: ``set_page`` writes the URL
    once the page is known, with its own parameters) and by the AppTest harness."""
    init_state()
    st.set_page_config(page_title=tr("app.title"), page_icon=str(FAVICON),
                       layout="wide")
    chrome.locale_css()
    store, geo = resources()
    ctx = sidebar(store, geo)
    st.session_state["_link_slot"] = st.sidebar.empty()  # filled by sync_url
    if sync:
        sync_url()
    return ctx


def sidebar(store: Store, geo: Geography) -> Context:
    """Render the sidebar and return the current view."""
    lg = lang()
    user = current_user()
    geo = zp.zoned_geography(store, geo)  # user zonings are levels too
    with st.sidebar:
        sign_in_block(user)
        st.radio(tr("sidebar.language"), list(LANGS), key="w_lang", horizontal=True,
                 format_func=lambda c: {"fr": "Français", "en": "English"}[c],
                 on_change=lambda: st.session_state.update(lang=st.session_state["w_lang"]))
        perms = mb.permissions(store, user)  # once per run: the menus and pages reuse it
        names = perms.readable()  # the others are not even listed
        st.session_state["_default_inv"] = names[0] if names else None
        wanted = st.session_state.get("w_inv")
        # a name this user may not read, or that does not exist: one answer for both (the
        # existence of a private inventory is never revealed), and only a readable one shown
        denied = wanted if wanted and wanted not in names else None
        if not names:
            st.session_state.pop("_ctx", None)
            st.info(tr("access.no_inventory"), icon=":material/lock:")
            st.stop()
        if wanted not in names:
            st.session_state["w_inv"] = names[0]
        inv = st.selectbox(tr("sidebar.inventory"), names, key="w_inv")
        ref = access.ref_for(store, user, inv)
        if ref.synthetic:
            st.caption(":material/science: " + tr("sidebar.synthetic"))
        if not ref.records:
            st.caption(":material/public: " + tr("access.aggregates_only"))

        st.subheader(tr("sidebar.territory"))
        level = st.selectbox(tr("sidebar.level"), zp.level_options(geo), key="w_level",
                             format_func=lambda c: geo.level_label(c, lg),
                             help=tr("sidebar.level_help"))
        territory = zp.territory(geo, level, territory_pickers)

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
        funders = funder_picker(store, ref) if ref.records else ()  # funders are actors
        year_min, year_max = year_slider(store, ref)
        filters = Filters(level=level, territory=territory, actor_types=tuple(types),
                          domains=tuple(domains), stages=tuple(stages), funders=funders,
                          year_min=year_min, year_max=year_max)
        if not filters.is_default:
            st.button(tr("sidebar.reset"), on_click=reset_filters, width="stretch")
    ctx = Context(store=store, geo=geo, ref=ref, filters=filters, user=user, perms=perms)
    st.session_state["_ctx"] = ctx
    if denied:
        st.error(tr("access.not_readable", inventory=safe.markdown(denied), shown=safe.markdown(inv)),
                 icon=":material/lock:")
    return ctx

