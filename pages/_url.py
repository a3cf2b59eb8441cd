"""Streamlit's legacy ``pages/`` mode, and what keeps it from breaking the view in
the URL (issue 17).

Streamlit runs an app that has a ``pages/`` folder in its legacy multipage mode
until a script calls ``st.navigation``. On a fresh server, the first run of the
first session is such a legacy run: Streamlit runs app.py as one of *its* pages,
so every sidebar widget gets an id made with that page's hash. From the second
run on, app.py runs as the main script and the same widgets get other ids: their
values (the territory, the filters read from the URL) are dropped on the first
page change, e.g. the menu's Carte opened ``/carte`` without the URL's territory.
:func:`navigation_only` switches the legacy mode off for the process;
:func:`legacy_run` tells app.py to start again before drawing anything.
"""

from __future__ import annotations


def navigation_only() -> None:
    """This app declares its pages with ``st.navigation`` only: switch the legacy
    mode off for the process as soon as any page module is imported (a session
    whose first URL is ``/comparer`` would otherwise run pages/comparer.py without
    app.py: see ``_state.context``)."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - internal module moved
        return
    PagesManager.uses_pages_directory = False


def legacy_run() -> bool:
    """True when this run is Streamlit's legacy mode running app.py as a page (its
    widgets would get ids that the next runs do not know)."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import (
            ThreadState, get_script_run_ctx)
    except ImportError:  # pragma: no cover - internal module moved
        return False
    ctx = get_script_run_ctx()
    return ctx is not None and ThreadState.get().active_script_hash != ctx.pages_manager.main_script_hash


navigation_only()
