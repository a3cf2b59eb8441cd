"""AppTest harness: the app's shell without ``st.navigation``.

Streamlit 1.67's AppTest re-runs only the page script after the first run of
an ``st.navigation`` app (the sidebar disappears), so page tests run
``shell.boot()`` and then the page file named by the ``_test_page`` session
key. app.py itself is tested on its first run in test_pages.py.
"""

import runpy

import streamlit as st

from pages import _shell as shell

shell.boot()
runpy.run_path(st.session_state.get("_test_page", "pages/accueil.py"), run_name="__page__")
