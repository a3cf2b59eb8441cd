"""Which runs the browser's history asked for (Back / Forward): only those reload
the view from a URL the session did not write (``_state.init_state``)."""

from __future__ import annotations


def history_navigation() -> bool:
    """Whether this run was asked by the browser's history (Back / Forward, or
    ``_widgets.navigate``'s popstate): only then does a URL the session did not write
    define the view. A widget change carries the URL the browser shows, which can
    still be the one of before the last run (under load the browser handles a click
    before the message with the new URL): taken for a Back, it reset every widget
    from that URL and the user's pick was lost."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "is_history_navigation", False))
