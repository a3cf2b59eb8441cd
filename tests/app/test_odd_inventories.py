"""Pages on inventories that are not the demo, found by the sweep: nothing located,
overseas only, one actor (each inventory spelled out, expected values by hand)."""

import re
from pathlib import Path

import pytest

from ecosystem import model
from ecosystem.geo import Geography
from ecosystem.i18n import t
from ecosystem.storage.store import Store
from tests import fixtures
from tests.app.pagetest import ok, page_test, texts
from tests.conftest import app_pages

UNLOCATED = "Sans localisation"
ONE = "Un acteur"
#: a name of 10,000 characters (the property suite's "very long strings")
LONG_NAME = "Association " + "x" * 9988


def unlocated() -> model.InventoryData:
    """The tiny inventory (tests/fixtures.py) with every commune code emptied: its
    five projects (P1-P5) and their scores have no territory."""
    data = fixtures.tiny()
    data.actors["commune_code"] = None
    data.projects["commune_code"] = None
    return data


REAL = Path(__file__).resolve().parents[1] / "data" / "real"
#: real published files imported through the pipeline (tests/data/real/README.md):
#: 3,375 SIRENE legal units without any location, 100 Transiscope actors with coordinates
REAL_FILES = {"ESS numérique": "ess_numerique_04_ess_flag_insee.csv",
              "Transiscope Niort": "transiscope_niort_transiscopeDatas.js"}


@pytest.fixture(scope="module")
def odd_db(tmp_path_factory):
    from ecosystem.ingest.pipeline import run_import

    path = tmp_path_factory.mktemp("odd") / "odd.duckdb"
    geo = Geography()
    store = Store(path, geo=geo)
    store.create(UNLOCATED, unlocated())
    store.create(ONE, model.InventoryData(actors=fixtures.frame([dict(
        actor_id="A1", name=LONG_NAME, actor_type="association", commune_code="44109",
        source="test")])))
    for name, file in REAL_FILES.items():
        imp, _ = run_import(REAL / file, store, name, geo=geo)
        imp.close()
    store.close()
    return path


@pytest.mark.parametrize("page", [f"pages/{p}.py" for p in app_pages()])
@pytest.mark.parametrize("inventory", list(REAL_FILES))
def test_every_page_on_a_real_file_imported_through_the_pipeline(odd_db, monkeypatch, page,
                                                                 inventory):
    monkeypatch.setenv("ECOSYSTEM_DB", str(odd_db))
    params = {"inv": inventory, "layers": "points,lines,funders"}
    at = ok(page_test(page, params).run())
    shown = texts(at) + "\n".join(" ".join(map(str, d.value.columns)) for d in at.dataframe)
    assert not re.search(r"\bnan\b|\bNaN\b|\bNone\b|<NA>|⟦", shown)


def test_a_real_file_without_locations_says_its_actors_are_not_drawn(odd_db, monkeypatch):
    """The SIRENE sample has no location column: its 3,375 actors (3,376 lines less
    the header) are not on the map, and the page says how many."""
    from ecosystem import numbers
    monkeypatch.setenv("ECOSYSTEM_DB", str(odd_db))
    at = ok(page_test("pages/carte.py", {"inv": "ESS numérique"}).run())
    assert numbers.plural("map.unlocated", 3375, "fr") in texts(at)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_grid_scores_of_projects_without_a_commune_are_named(odd_db, monkeypatch, lang):
    """The Grille's table per territory showed a row "NaN | NaN | 0" (code, name,
    projects) for the scored projects that have no commune."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(odd_db))
    at = ok(page_test("pages/grille.py", {"inv": UNLOCATED, "lang": lang}).run())
    name = t("col.name", lang)
    table = next(d.value for d in at.dataframe if name in d.value.columns)
    assert table[name].tolist() == [t("grid.no_territory", lang)]
    assert table[t("col.code", lang)].tolist() == ["—"]
    assert table[t("grid.projects", lang)].tolist() == ["—"]
    assert not table.isna().any().any()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_network_without_any_link_says_so_instead_of_drawing_dots(odd_db, monkeypatch, lang):
    """One actor, no link: the graph view drew a lone dot under the legend."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(odd_db))
    at = ok(page_test("pages/reseau.py", {"inv": ONE, "lang": lang}).run())
    assert t("net.no_links.one", lang) in [str(i.value) for i in at.info]
    assert not at.get("iframe")  # no drawing
    # the isolated actor is listed in its view
    at = ok(page_test("pages/reseau.py", {"inv": ONE, "lang": lang, "view": "isolated"}).run())
    assert len(at.dataframe[0].value) == 1


def test_a_huge_name_is_cut_in_the_actor_title(odd_db, monkeypatch):
    """A 10,000-character name filled the screen as the card's title: at most 200
    characters, the last one "…"."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(odd_db))
    at = ok(page_test("pages/acteur.py", {"inv": ONE, "actor": "A1"}).run())
    shown = at.title[0].value
    assert len(shown) == 200 and shown.endswith("…")
    assert shown == LONG_NAME[:199] + "…"
