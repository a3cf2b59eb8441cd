"""Issue 12 item 16: user and URL strings shown through Markdown or Plotly labels
are inert. The assertions read the Markdown source Streamlit receives (what its
front end would turn into links and images) and the figure Plotly receives."""

import json
import re

import pytest

from ecosystem.analysis.grid import DEFAULT_GRID
from ecosystem.render import safe
from ecosystem.storage.store import default_path
from pages import _shell
from tests import fixtures
from tests.app.pagetest import ok, page_test

WJ = "\u2060"
INVENTORY = "![i](http://host/x.png)"
NAMES = {"A1": "http://evil.example/x", "A2": "www.evil.example",
         "A3": "[link](javascript:alert(1))"}


def sources(at) -> list[str]:
    """Every Markdown source of the page (bodies, titles, captions, alerts)."""
    return [str(e.value) for kind in ("markdown", "title", "header", "subheader", "caption",
                                      "info", "warning", "error", "success")
            for e in getattr(at, kind)]


def live_markdown(text: str) -> list[str]:
    """What would become a link, an image or an autolink in ``text``."""
    found = re.findall(r"(?<!\\)!(?<!\\)\[", text)          # image opener
    found += re.findall(r"(?<!\\)\]\(", text)                # link target
    found += re.findall(r"(?i)https?\\?:", text)             # bare http(s):// autolink
    found += re.findall(r"(?i)(?<![\w\u2060])www\\?\.", text)  # bare www. autolink
    found += re.findall(r"(?i)javascript\\?:", text)
    return found


@pytest.fixture(scope="module")
def hostile_inventory():
    """An inventory with a Markdown image as name and actors named with bare URLs
    and a javascript: link; removed afterwards (the demo stays the default)."""
    store = _shell.get_store(str(default_path()), str(_shell.geo_dir()))
    data = fixtures.tiny()
    for actor_id, name in NAMES.items():
        data.actors.loc[data.actors.actor_id == actor_id, "name"] = name
    if store.exists(INVENTORY):
        store.delete(INVENTORY)
    store.create(INVENTORY, data)
    yield INVENTORY
    store.delete(INVENTORY)


@pytest.mark.parametrize("page", ["pages/accueil.py", "pages/a_propos.py"])
def test_inventory_named_markdown_image_shows_inert_on_home_and_about(hostile_inventory, page):
    at = ok(page_test(page, {"inv": hostile_inventory}).run())
    shown = sources(at)
    escaped = "\\!\\[i\\](http" + WJ + "\\://host/x.png)"
    assert any(escaped in s for s in shown), "the inventory name is shown, escaped"
    assert [x for s in shown for x in live_markdown(s)] == []


@pytest.mark.parametrize("actor_id, title", [
    ("A1", "http" + WJ + "\\://evil.example/x"),
    ("A2", "w" + WJ + "ww.evil.example"),
    ("A3", "\\[link\\](javascript" + WJ + "\\:alert(1))"),
])
def test_actor_named_with_url_or_link_has_inert_title(hostile_inventory, actor_id, title):
    at = ok(page_test("pages/acteur.py", {"inv": hostile_inventory, "actor": actor_id}).run())
    assert at.title[0].value == title
    assert [x for s in sources(at) for x in live_markdown(s)] == []


def test_actor_url_parameter_is_not_reflected_as_a_link():
    at = ok(page_test("pages/acteur.py", {"actor": "[x](http://evil)"}).run())
    warning = str(at.warning[0].value)
    assert "\\[x\\](http" + WJ + "\\://evil)" in warning
    assert live_markdown(warning) == []


def test_unknown_actor_in_hostile_inventory_names_both_inertly(hostile_inventory):
    at = ok(page_test("pages/acteur.py", {"inv": hostile_inventory, "actor": "www.x.example"}).run())
    warning = str(at.warning[0].value)
    assert "w" + WJ + "ww.x.example" in warning and "\\!\\[i\\]" in warning
    assert live_markdown(warning) == []


def test_grid_criterion_label_with_html_is_text_in_the_heatmap():
    grid = json.loads(DEFAULT_GRID.read_text(encoding="utf-8"))
    grid["criteria"][0]["label_fr"] = '<a href="http://x">y</a>'
    at = ok(page_test("pages/grille.py").run())
    at.file_uploader[0].set_value(("grille.json", json.dumps(grid).encode(), "application/json"))
    ok(at.run())
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    heatmaps = [t for c in charts for t in c["data"] if t.get("type") == "heatmap"]
    assert heatmaps, "the per-territory heatmap is drawn"
    ticks = heatmaps[0]["x"]
    assert ticks[0] == "&lt;a href=\"http://x\"&gt;y&lt;/a&gt;"
    assert not any("<a" in str(x) for t in heatmaps for x in list(t["x"]) + list(t["y"]))
    # the same label is Markdown-escaped text in the criteria table (its cells are Markdown)
    assert at.table[0].value.iloc[0, 1] == '\\<a href="http\u2060\\://x"\\>y\\</a\\>'
    assert live_markdown(at.table[0].value.iloc[0, 1]) == []


def test_plotly_helper_is_what_the_heatmap_uses():
    assert safe.plotly('<a href="http://x">y</a>') == "&lt;a href=\"http://x\"&gt;y&lt;/a&gt;"
