"""The geography and the store of the process (cached resources), or a message
that says how to fix them; the upload folders a previous process left, removed."""

from __future__ import annotations

import streamlit as st

from ecosystem import audit
from ecosystem.geo import Geography, GeographyError, geo_dir
from ecosystem.ingest.session import REGISTRY
from ecosystem.storage import open_store, store_location
from ecosystem.storage.bootstrap import ensure_demo
from ecosystem.storage.store import Store, StoreError
from pages._state import tr


@st.cache_resource(show_spinner=False)
def get_geo(root: str) -> Geography:
    geo = Geography(root)
    geo.communes  # noqa: B018 - load now so errors surface here
    return geo


@st.cache_resource(show_spinner=False)
def get_store(location: str, geo_root: str) -> Store:
    """One store per database (the DuckDB path or PostgreSQL URL is the cache key,
    so changing ``ECOSYSTEM_DB`` / ``ECOSYSTEM_DATABASE_URL`` opens another store).
    The audit lines of saves and role changes go to the server's standard error (or
    ``$ECOSYSTEM_AUDIT_LOG``) from here on (docs/deploy.md, "Operations")."""
    audit.configure()
    try:
        store = open_store(location, geo=get_geo(geo_root))
    except StoreError as exc:
        if exc.hint != "store.hint.cannot_write":
            raise
        # a store we may read but not write (e.g. a published copy): shown read-only
        store = open_store(location, geo=get_geo(geo_root), read_only=True)
    ensure_demo(store)
    return store


@st.cache_resource(show_spinner=False)
def sweep_uploads() -> int:
    """Once per process, at start: the upload folders no live session owns and idle
    for longer than the sweep age (a previous process stopped) are removed."""
    return len(REGISTRY.sweep_orphans())


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
    sweep_uploads()
    if store.read_only:
        st.warning(tr("store.read_only_banner", path=str(store.path)), icon=":material/lock:")
    return store, geo

