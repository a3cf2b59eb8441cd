"""Every page of app.py on a user zoning as the level of analysis and a zone as the
territory, in French and English (AppTest); the Zonages page lists, renames and
checks a file."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ecosystem import demo, zonings
from ecosystem.numbers import number
from ecosystem.i18n import t
from ecosystem.storage import zonings as zstore
from ecosystem.storage.store import Store
from tests import zoning_fixtures as zf
from tests.app.pagetest import ok, page_test, texts

#: every page app.py declares, the hidden project card included (the list was written
#: by hand before and missed Projet, Membres, Modération and Journal)
PAGES = re.findall(r'st\.Page\("(pages/[a-z_]+\.py)"',
                   (Path(__file__).resolve().parents[2] / "app.py").read_text(encoding="utf-8"))
#: pages that describe the sidebar's territory: they name the zone
NAME_THE_ZONE = {"pages/accueil.py", "pages/carte.py", "pages/territoires.py",
                 "pages/reseau.py", "pages/grille.py"}


@pytest.fixture(scope="module")
def level():
    """A polygon zoning (NA, NE with populations 1,000 and 2,000; MA without) in the
    page tests' database, whose demo inventory has actors in Nantes and Marseille."""
    from ecosystem.geo import Geography
    store = Store(os.environ["ECOSYSTEM_DB"], geo=Geography())
    found = zstore.listing(store)
    if "Zones de test" in found.name.tolist():
        lv = found.set_index("name").level["Zones de test"]
    else:
        z = zonings.from_polygons(zonings.read(zf.geojson(), "z.geojson"), "code_z", "lib_z",
                                  "pop_z")
        lv = f"z{zstore.add(store, 'Zones de test', z, source='z.geojson')}"
    yield lv


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_a_zone(page, lang, level):
    params = {"lang": lang, "level": level, "terr": f"{level}:NA"}
    if page == "pages/comparer.py":
        params["cmp"] = f"{level}:NA,{level}:NE"
    at = ok(page_test(page, params).run())
    assert at.sidebar.selectbox(key="w_level").value == level
    assert at.sidebar.selectbox(key=f"w_t_{level}").value == "NA"
    assert at.query_params["terr"] in (f"{level}:NA", [f"{level}:NA"])
    body = texts(at)
    assert "⟦" not in body  # every message has its key in this language
    if page in NAME_THE_ZONE:
        assert "Nantes ouest" in body, page
    if page == "pages/comparer.py":
        assert "Nantes ouest" in body and "Nantes est" in body
    if page == "pages/carte.py":
        # the demo's actors whose point lies inside NA's rectangle (tests/zoning_fixtures.py)
        a = demo.generate(5000).actors
        inside = int(((a.lon > -1.70) & (a.lon < -1.55) & (a.lat > 47.15)
                      & (a.lat < 47.30)).sum())
        assert inside > 0
        words = {"fr": "acteurs et", "en": "actors and"}[lang]
        assert f"{number(inside, lang)} {words}" in body


def test_every_page_of_app_py_is_tried():
    assert len(PAGES) == 14 and {"pages/projet.py", "pages/membres.py", "pages/moderation.py",
                                 "pages/journal.py"} <= set(PAGES)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ranking_by_zone_shows_a_dash_without_population(lang, level):
    at = ok(page_test("pages/territoires.py", {"lang": lang, "level": level,
                                                "view": "ranking", "ind": "actors_per_10k"}).run())
    table = at.dataframe[0].value
    code = "Code"
    assert sorted(table[code]) == ["MA", "NA", "NE"]
    per_capita = [c for c in table.columns if "10" in c and "000" in c][0]
    assert table.set_index(code).loc["MA", per_capita] == "—"
    assert table.set_index(code).loc["NA", per_capita] != "—"
    assert "Zones de test" in texts(at)  # the level is named by the zoning's name


def test_profile_of_a_zone_has_no_parent_column(level):
    at = ok(page_test("pages/territoires.py", {"level": level, "terr": f"{level}:NE"}).run())
    assert at.title[0].value.replace("\\", "") == "Nantes est"
    cols = list(at.dataframe[0].value.columns)
    assert cols[1:3] == ["Nantes est", "France entière"]


def test_zonages_page_lists_and_checks_a_file(level):
    at = ok(page_test("pages/zonages.py", {"lang": "en"}).run())
    listing = at.dataframe[0].value
    assert "Zones de test" in listing["Name"].tolist()
    row = listing.set_index("Name").loc["Zones de test"]
    assert (row["Made of"], row["Zones"], row["Population known"]) == ("polygons", "3", "yes")
    placed = re.fullmatch(r"([\d,]+) of ([\d,]+)", row["Actors placed"])
    assert placed and int(placed.group(2).replace(",", "")) == 5000
    at.selectbox(key="zon_chosen").set_value(level)
    at.button(key="zon_use").click()
    ok(at.run())
    assert at.sidebar.selectbox(key="w_level").value == level
    assert t("zoning.add", "en") in texts(at)


def test_reset_clears_the_zone(level):
    at = ok(page_test("pages/accueil.py", {"level": level, "terr": f"{level}:NE"}).run())
    assert at.sidebar.selectbox(key=f"w_t_{level}").value == "NE"
    reset = [b for b in at.sidebar.button if b.label == t("sidebar.reset", "fr")]
    reset[0].click()
    ok(at.run())
    assert at.sidebar.selectbox(key=f"w_t_{level}").value is None
    assert "terr" not in at.query_params


def test_zonages_page_adds_renames_and_deletes_a_zoning(level, tmp_path):
    """The page's own path, upload to delete: a Lambert-93 zipped Shapefile of the three
    test zones is read (reprojection said in the report), its population column picked,
    saved under a name; the list then shows it with the demo actors placed in it — those
    whose point lies strictly inside one of the three rectangles of
    tests/zoning_fixtures.py, recomputed from the generator — then it is renamed and
    deleted from the page."""
    a = demo.generate(5000).actors
    inside = 0
    for _, _, _, box in zf.ZONES:
        x0, y0, x1, y1 = box.bounds
        inside += int(((a.lon > x0) & (a.lon < x1) & (a.lat > y0) & (a.lat < y1)).sum())
    assert inside > 0
    data = zf.shapefile_zip(tmp_path, zf.frame(crs="EPSG:2154"))
    at = ok(page_test("pages/zonages.py", {"lang": "en"}).run())
    at.file_uploader(key="zon_file").set_value(("zones-l93.zip", data, "application/zip")).run()
    ok(at)
    assert at.selectbox(key="zon_code").value == "code_z"
    assert at.selectbox(key="zon_name").value == "lib_z"
    assert "3 zones" in texts(at)
    report = at.dataframe[-1].value
    assert "Coordinates reprojected from EPSG:2154 to WGS 84 (longitude/latitude)" in \
        report.iloc[:, -1].tolist()
    at.selectbox(key="zon_pop").set_value("pop_z").run()
    at.text_input(key="zon_new_name").set_value("Zones L93 (page)")
    [b for b in at.button if b.label == t("zoning.save", "en")][0].click().run()
    ok(at)
    listing = at.dataframe[0].value.set_index("Name")
    row = listing.loc["Zones L93 (page)"]
    assert (row["Made of"], row["Zones"], row["Population known"]) == ("polygons", "3", "yes")
    assert row["Actors placed"] == f"{number(inside, 'en')} of 5,000"
    saved = [str(s.value) for s in at.success if "Zones L93 (page)" in str(s.value)]
    new = re.search(r"\((z\d+)\)", saved[0]).group(1)
    assert new != level
    at.selectbox(key="zon_chosen").set_value(new).run()
    at.text_input(key=f"zon_rn_{new}").set_value("Zones renommées (page)")
    at.button(key="zon_rename_go").click().run()
    ok(at)
    names = at.dataframe[0].value["Name"].tolist()
    assert "Zones renommées (page)" in names and "Zones L93 (page)" not in names
    at.selectbox(key="zon_chosen").set_value(new).run()
    at.button(key="zon_delete_go").click().run()
    ok(at)
    names = at.dataframe[0].value["Name"].tolist()
    assert "Zones renommées (page)" not in names and "Zones de test" in names


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compare_a_zone_with_a_departement_at_the_default_level(lang, level):
    """Comparer takes zones like any territory whatever the sidebar's level: here the
    default level (régions) with a zone and Loire-Atlantique, evolution chart included
    (its series at the zone's level once failed: the zone column was missing)."""
    at = ok(page_test("pages/comparer.py", {"lang": lang, "cmp": f"{level}:NA,departement:44"})
            .run())
    assert at.sidebar.selectbox(key="w_level").value == "region"
    body = texts(at)
    own = {"fr": " : ", "en": ": "}[lang]
    assert "Nantes ouest" in body and "Loire-Atlantique" in body
    # the records left out of the zone's series: NA's actors with no usable date
    a = demo.generate(5000).actors
    inside = (a.lon > -1.70) & (a.lon < -1.55) & (a.lat > 47.15) & (a.lat < 47.30)
    undated = a.creation_year.isna() | (a.closing_year.isna() & ~a.active.astype(bool))
    k = int((inside & undated).sum())
    word = {"fr": "acteur" if k <= 1 else "acteurs", "en": "actor" if k == 1 else "actors"}[lang]
    assert f"Nantes ouest{own}{number(k, lang)} {word}" in body
