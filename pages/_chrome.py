"""What Streamlit writes in English whatever the app's language, said in the
app's language: the file uploader's button and instructions, the size under an
uploaded file, a multiselect's bulk options ("Select all", "Select N matches") and
a dropdown's "No results" (Streamlit has no locale setting; its text is hidden and
CSS ``::after`` content shows ours); and key figures' labels that wrap instead of
being cut. Drawn once per run by ``_shell.boot``."""

from __future__ import annotations

import streamlit as st

from ecosystem import numbers
from ecosystem.render import safe
from pages._state import lang, tr

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
BUTTON = f'{DROPZONE} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p'
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"] span'
SELECT_ALL = '[data-testid="stMultiSelectDropdown"] [data-key="__select_all__"] [data-item-hl]'
SELECT_MATCHES = '[data-testid="stMultiSelectDropdown"] [data-key="__select_matches__"] [data-item-hl]'
NO_RESULTS = '[role="listbox"][data-empty="true"] [role="option"] > span'
FILE_SIZE = '[data-testid="stFileChipName"][title={name}] + div'  # under an uploaded file
#: a figure's label wraps instead of ending in "…" ("Zones blanches (domaines sans projet
#: actif)" was cut at 1280 px)
WHOLE_LABELS = ('[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],'
                '[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p'
                '{white-space:normal;overflow:visible;text-overflow:clip}')


def _swap(selector: str, content: str) -> str:
    """Hide the element's own text (not read, not laid out) and show ``content``."""
    return (f"{selector}{{font-size:0;visibility:hidden}}"
            f"{selector}::after{{content:{safe.css_string(content)};font-size:.875rem;"
            "visibility:visible}")


def locale_css() -> None:
    limit = numbers.number(st.get_option("server.maxUploadSize"), lang())
    sizes = "".join(_swap(FILE_SIZE.format(name=safe.css_string(f.name)),
                          numbers.file_size(f.size, lang())) for f in _uploaded())
    st.html("<style>" + _swap(BUTTON, tr("ui.upload.button"))
            + _swap(INSTRUCTIONS, tr("ui.upload.instructions", limit=limit))
            + _swap(SELECT_ALL, tr("ui.select_all")) + _swap(SELECT_MATCHES, tr("ui.select_matches"))
            + _swap(NO_RESULTS, tr("ui.no_results")) + sizes + WHOLE_LABELS + "</style>")


def _uploaded() -> list:
    """The files the session's uploaders hold (their values are known before the
    page draws them again)."""
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    files = []
    for key in list(st.session_state.keys()):
        try:
            value = st.session_state[key]
        except Exception:  # noqa: BLE001 - a widget whose state is being reset
            continue
        files += [f for f in (value if isinstance(value, list) else [value])
                  if isinstance(f, UploadedFile)]
    return files
