"""What Streamlit writes in English whatever the app's language, said in the
app's language: the file uploader's button and instructions (Streamlit has no
locale setting; its text is hidden and CSS ``::after`` content shows ours).
Drawn once per run by ``_shell.boot``."""

from __future__ import annotations

import streamlit as st

from ecosystem import numbers
from ecosystem.render import safe
from pages._state import lang, tr

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
BUTTON = f'{DROPZONE} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p'
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"] span'


def _swap(selector: str, content: str) -> str:
    """Hide the element's own text (not read, not laid out) and show ``content``."""
    return (f"{selector}{{font-size:0;visibility:hidden}}"
            f"{selector}::after{{content:{safe.css_string(content)};font-size:.875rem;"
            "visibility:visible}")


def locale_css() -> None:
    limit = numbers.number(st.get_option("server.maxUploadSize"), lang())
    st.html("<style>" + _swap(BUTTON, tr("ui.upload.button"))
            + _swap(INSTRUCTIONS, tr("ui.upload.instructions", limit=limit)) + "</style>")
