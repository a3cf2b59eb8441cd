"""Issue 17 item 2: every page in French and in English, read as a person reads it.

The visible text of the page (and of the map frame, and the titles of Plotly's
toolbar buttons) must hold none of the Streamlit / Plotly / Leaflet defaults that
stay in English whatever the app's language, and no number written the other
language's way (``1,234`` or ``0.5`` in French, ``0,77`` or ``1 234`` in English).
A screenshot of each page goes to ``tests/artifacts/locale_<page>_<lang>.png``.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import app_pages, screenshot, wait_drawn, wait_idle

pytestmark = pytest.mark.e2e

#: a view per page that shows its widgets filled (multiselects, charts, a profile)
VIEWS = {
    "accueil": "",
    "carte": "level=departement",
    "territoires": "terr=region:53",
    "comparer": "cmp=region:53,region:52",
    "reseau": "terr=region:53",
    "grille": "",
    "acteur": "actor=A0000001",
    "importer": "",
    "a_propos": "",
}

#: English text Streamlit, Plotly and Leaflet write whatever the app's language
#: (the French interface must show none of them), as whole words
DEFAULTS_EN = ["Drag and drop", "Browse files", "Upload", "per file",
               "Choose an option", "Select all", "No results", "matches", "None",
               "Reset axes", "Download plot", "Autoscale", "Zoom in", "Zoom out", "Pan",
               "Box Select", "Lasso Select", "Produced with Plotly", "mi", "ft",
               "Fiche source", "(epci)", "Select"]

#: a file size written the English way (Streamlit's "1.2KB" under an uploaded file)
SIZE_EN = re.compile(r"(?<![\d.,])\d+(?:\.\d+)?\s?(?:B|KB|MB|GB)(?!\w)")  # 200MB, 1.2KB

#: French numbers in the English interface and English ones in the French interface
WRONG_NUMBER = {
    # 379,648 (not 0,978: a French decimal with three places)
    "fr": [re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])"),
           re.compile(r"(?<![\w.])\d+\.\d+(?![\d.])")],  # 0.5 (not a date, code or version)
    "en": [re.compile(r"(?<![\d,])\d+,\d{1,2}(?![\d,])"),  # 0,77
           re.compile(r"\d[\u202f\u00a0]\d{3}")],  # 1 234
}


def visible_text(page) -> str:
    """What a reader sees: the page's text, the map frames' text and the toolbar
    buttons' tooltips (Plotly shows them on hover)."""
    parts = [page.locator('[data-testid="stApp"]').inner_text()]
    parts += page.eval_on_selector_all(".modebar-btn", "els => els.map(e => e.dataset.title || '')")
    for frame in page.frames:
        if frame != page.main_frame and frame.url.startswith("http"):
            try:
                parts.append(frame.locator("body").inner_text(timeout=5_000))
            except Exception:  # noqa: BLE001 - a frame still loading: read what exists
                pass
    return "\n".join(parts)


def english_defaults(text: str) -> list[str]:
    return [w for w in DEFAULTS_EN if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text)] + \
        SIZE_EN.findall(text)


def wrong_numbers(text: str, lang: str) -> list[str]:
    return [m.group(0) for rx in WRONG_NUMBER[lang] for m in rx.finditer(text)]


def test_checkers_catch_what_they_are_for():
    """The two readers find the faults on a hand-made text and nothing on a clean one."""
    assert english_defaults("Drag and drop file here\nLimit 200MB per file") == \
        ["Drag and drop", "per file", "200MB"]
    assert english_defaults("Déposez un fichier ici · Parcourir · None") == ["None"]
    assert english_defaults("Minimum 10 mi") == ["mi"]
    assert english_defaults("Min: 10 km · midi · Pantin") == []
    assert english_defaults("Select 3 matches · x.csv 1.2KB · 12 MB") == ["matches", "Select",
                                                                         "1.2KB", "12 MB"]
    assert english_defaults("Sélectionner · x.csv 1,2 ko · 12 Mo") == []
    assert wrong_numbers("379,648 acteurs · 0.5 · 2024-05-01 · 12,5 % · 0,978", "fr") == \
        ["379,648", "0.5"]
    assert wrong_numbers("0,77 and 1\u202f234 · 1,234 · 0.5", "en") == ["0,77", "1\u202f234"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("path", app_pages())
def test_page_speaks_one_language(app_server, offline_page, path, lang):
    query = "&".join(q for q in (VIEWS.get(path, ""), "" if lang == "fr" else "lang=en") if q)
    page = offline_page.open(f"{app_server.url}/{path}" + (f"?{query}" if query else ""))
    # the page's title, then what draws after the script (charts, map frames): the idle
    # state can be seen before the first run starts (the importer's uploader was once absent)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    wait_drawn(page)
    if path == "importer":  # its uploader's button (its own text is hidden: not "visible")
        page.locator('[data-testid="stFileUploaderDropzone"] button').first.wait_for(timeout=60_000)
    screenshot(page, f"locale_{path}_{lang}")
    assert page.locator('[data-testid="stException"]').count() == 0
    text = visible_text(page)
    if lang == "fr":
        assert english_defaults(text) == []
    assert wrong_numbers(text, lang) == []
    if path == "importer":  # the uploader's own text is replaced by the app's language
        shown = page.locator('[data-testid="stFileUploaderDropzone"] button p').first.evaluate(
            "el => getComputedStyle(el, '::after').content")
        assert shown == {"fr": '"Parcourir"', "en": '"Browse"'}[lang]


def _after(page, selector: str) -> str:
    return page.evaluate("(sel) => getComputedStyle(document.querySelector(sel), '::after')"
                         ".content", selector)


def _open(page, field, option, tries: int = 4):
    """Click the field until its list shows ``option``, as a user clicks again when a
    rerun redraws the sidebar under the first click (on a server other sessions
    used, a follow-up run can start just after the page looked idle: the list it
    opened is then closed by the redraw)."""
    for attempt in range(tries):
        wait_idle(page)
        field.click()
        try:
            option.wait_for(timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - closed by a redraw: click again
            if attempt == tries - 1:
                raise


def test_dropdowns_and_uploaded_files_speak_french(app_server, offline_page, tmp_path):
    """What only shows once the user acts: a multiselect's bulk options ("Select all",
    "Select N matches"), its "No results", and the size under an uploaded file."""
    page = offline_page.open(f"{app_server.url}/importer")
    page.get_by_role("heading", name="Importer des données").wait_for(timeout=60_000)
    wait_idle(page)  # the sidebar is inert while a run draws it
    types = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    field = types.locator("input")
    dropdown = page.locator('[data-testid="stMultiSelectDropdown"]')
    _open(page, field, dropdown.locator('[data-key="__select_all__"]'))
    assert english_defaults(dropdown.inner_text()) == []
    assert _after(page, '[data-key="__select_all__"] [data-item-hl]') == '"Tout sélectionner"'
    field.fill("e")  # several types hold an "e": the bulk option for the matches
    dropdown.locator('[data-key="__select_matches__"]').wait_for()
    assert english_defaults(dropdown.inner_text()) == []
    assert _after(page, '[data-key="__select_matches__"] [data-item-hl]') == \
        '"Sélectionner les résultats affichés"'
    field.fill("zzzz")
    dropdown.locator('[data-empty="true"]').wait_for()
    assert english_defaults(dropdown.inner_text()) == []
    assert _after(page, '[data-empty="true"] [role="option"] > span') == '"Aucun résultat"'
    field.press("Escape")
    path = tmp_path / "petit.csv"
    path.write_text("a;b\n" + "1;2\n" * 300, encoding="utf-8")  # 1,204 bytes
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    chip = page.locator('[data-testid="stFileChip"]')
    chip.wait_for(timeout=60_000)
    size = '[data-testid="stFileChipName"] + div'
    page.wait_for_function("(sel) => getComputedStyle(document.querySelector(sel), '::after')"
                           ".content !== 'none'", arg=size, timeout=90_000)  # the app answered
    wait_idle(page)
    assert english_defaults(chip.inner_text()) == []
    assert _after(page, size) == '"1,2\u202fko"'
    screenshot(page, "locale_importer_chip_fr")
