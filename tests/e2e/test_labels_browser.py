"""Issue 17 (items 2 and 11: full labels): no widget label of a page is cut with an
ellipsis at a laptop's width, in French and in English."""

import pytest

from tests.conftest import wait_drawn

pytestmark = pytest.mark.e2e

#: the texts of the main area's widget labels that do not fit their box
CUT_LABELS = """() => Array.from(document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"]'))
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => e.textContent)"""


def cut_in(area: str, skip: tuple[str, ...]) -> str:
    """A script listing the visible texts of ``area`` cut with an ellipsis, but for those
    inside ``skip`` (selectors of what may be cut: a picker's value opens, a table scrolls)."""
    kept = "".join(f" && !e.closest('{sel}')" for sel in skip)
    return (f"() => Array.from(document.querySelectorAll('[data-testid=\"{area}\"] *'))"
            ".filter(e => e.offsetParent !== null && getComputedStyle(e).textOverflow === 'ellipsis'"
            f" && e.scrollWidth > e.clientWidth + 1 && e.textContent.trim(){kept})"
            ".map(e => e.textContent.trim())")


def opened(app_server, offline_page, path: str, lang: str = "fr"):
    """The page at ``path`` in ``lang``, once its title is there and it is drawn."""
    sep = "&" if "?" in path else "?"
    page = offline_page.open(f"{app_server.url}/{path}" + (f"{sep}lang=en" if lang == "en" else ""))
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    wait_drawn(page)
    return page


#: the texts of the main area cut with an ellipsis (a picker's value, a table's cell may be)
CUT_IN_MAIN = cut_in("stMain", ('[data-baseweb="select"]', '[data-testid="stDataFrame"]'))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_map_layer_toggles_and_downloads_show_their_whole_label(app_server, offline_page, lang):
    page = opened(app_server, offline_page, "carte", lang)
    page.locator('[data-testid="stMain"] label').filter(
        has_text={"fr": "Fond de carte en ligne", "en": "Online base map"}[lang]).wait_for()
    assert page.evaluate(CUT_LABELS) == []
    page.get_by_role("button", name={"fr": "GeoJSON territoires", "en": "GeoJSON territories"}[lang]
                     ).wait_for()
    assert page.evaluate(CUT_IN_MAIN) == []


#: the texts of the sidebar cut with an ellipsis (a picker's value may be: it opens)
CUT_IN_SIDEBAR = cut_in("stSidebar", ('[data-baseweb="select"]',))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sidebar_says_local_mode_in_full(app_server, offline_page, lang):
    page = opened(app_server, offline_page, "a_propos", lang)
    page.locator('[data-testid="stSidebar"]').get_by_text(
        {"fr": "Mode local", "en": "Local mode"}[lang]).wait_for()
    assert page.evaluate(CUT_IN_SIDEBAR) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_importer_template_downloads_show_their_whole_label(app_server, offline_page, lang):
    page = opened(app_server, offline_page, "importer", lang)
    page.get_by_text({"fr": "Modèles de fichiers", "en": "File templates"}[lang]).first.click()
    page.get_by_role("button", name={"fr": "Partenaires de projets", "en": "Project partners"}[lang]
                     ).wait_for()
    assert page.evaluate(CUT_IN_MAIN) == []


@pytest.mark.parametrize("path,shown", [
    ("territoires?level=epci&terr=region:53", "Zones blanches (domaines sans projet actif)"),
    ("reseau?terr=departement:29", "Plus grand groupe connecté")])
def test_key_figures_show_their_whole_label(app_server, offline_page, path, shown):
    page = opened(app_server, offline_page, path)
    page.locator('[data-testid="stMetricLabel"]').filter(has_text=shown).first.wait_for()
    assert page.evaluate(CUT_IN_MAIN) == []


#: the placeholders of the main area's text inputs wider than their box: a cut
#: placeholder hides what the field asks for (the width of the text in the input's font)
CUT_PLACEHOLDERS = """() => {
  const c = document.createElement('canvas').getContext('2d');
  return Array.from(document.querySelectorAll('[data-testid="stMain"] input[placeholder]'))
    .filter(i => i.offsetParent !== null && i.placeholder).filter(i => {
      const s = getComputedStyle(i);
      c.font = s.font;
      const room = i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      return c.measureText(i.placeholder).width > room + 1;
    }).map(i => i.placeholder);
}"""


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_comparer_search_shows_its_whole_placeholder(app_server, offline_page, lang):
    page = opened(app_server, offline_page, "comparer", lang)
    page.get_by_label({"fr": "Ajouter un territoire", "en": "Add a territory"}[lang], exact=True).wait_for()
    assert page.evaluate(CUT_PLACEHOLDERS) == []
