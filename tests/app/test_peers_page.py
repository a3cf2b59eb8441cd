"""Territoires, profile: the "Territoires comparables" section (AppTest)."""

import pytest

from ecosystem.i18n import t
from tests.app.pagetest import ok, page_test


def _peers_table(at, lang):
    column = t("peers.col.difference", lang)
    [table] = [d.value for d in at.dataframe if column in d.value.columns]
    return table


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_profile_lists_comparable_territories(lang):
    at = ok(page_test("pages/territoires.py", {"terr": "departement:44", "lang": lang}).run())
    assert t("peers.title", lang) in [s.value for s in at.subheader]
    table = _peers_table(at, lang)
    assert len(table) == 5
    names = table[t("col.name", lang)].tolist()
    assert not any("(44)" in n for n in names)
    # every row says the overseas clause: Loire-Atlantique is in metropolitan France
    same = t("peers.metropole.same", lang)
    assert all(e.endswith(same) for e in table[t("peers.col.difference", lang)])
    label = at.button(key="w_peers_compare").label
    assert label.startswith(t("peers.compare", lang, names=""))
    # the button names the three nearest, the ones Comparer will show
    for n in names[:3]:
        assert n.rsplit(" (", 1)[0] in label


def test_criteria_change_the_peers_and_none_is_explained():
    at = ok(page_test("pages/territoires.py", {"terr": "commune:29019"}).run())
    before = _peers_table(at, "fr")
    at.multiselect(key="w_peers_vars").set_value(["overseas"])
    ok(at.run())
    after = _peers_table(at, "fr")
    # on "overseas" alone every metropolitan commune is at distance 0: the ties are
    # broken by code, so the first five communes of France (01001…) come first
    assert after[t("col.name", "fr")].str.extract(r"\((\d+)\)")[0].tolist() == \
        ["01001", "01002", "01004", "01005", "01006"]
    assert before[t("col.name", "fr")].tolist() != after[t("col.name", "fr")].tolist()
    at.multiselect(key="w_peers_vars").set_value([])
    ok(at.run())
    assert t("peers.pick_criteria", "fr") in [str(i.value) for i in at.info]


def test_national_profile_has_no_peers():
    at = ok(page_test("pages/territoires.py").run())
    assert t("peers.title", "fr") not in [s.value for s in at.subheader]



# --- the zones of a user zoning (tests/app/test_zoning_pages.py's polygons: NA 1,000
# inhabitants, NE 2,000 on a rectangle of the same size, MA without population)
from tests.app.test_zoning_pages import level  # noqa: E402,F401  (the module's fixture)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_zone_has_comparable_zones(lang, level):  # noqa: F811
    at = ok(page_test("pages/territoires.py", {"level": level, "terr": f"{level}:NA",
                                                "lang": lang}).run())
    assert t("peers.title", lang) in [s.value for s in at.subheader]
    assert t("peers.zoning_caption", lang) in [c.value for c in at.caption]
    table = _peers_table(at, lang)
    # MA has no population: it cannot be compared with NA on population and density
    assert table[t("col.name", lang)].tolist() == ["Nantes est (NE)"]
    said = table[t("peers.col.difference", lang)].iat[0]
    assert said.startswith(t("peers.population.larger", lang, ratio="2") + t("peers.separator", lang)
                           + t("peers.density.larger", lang, ratio="2"))
    assert said.endswith(t("peers.metropole.same", lang))


def test_a_zone_without_population_is_compared_on_the_rest(level):  # noqa: F811
    at = ok(page_test("pages/territoires.py", {"level": level, "terr": f"{level}:MA",
                                                "lang": "en"}).run())
    table = _peers_table(at, "en")
    assert sorted(table[t("col.name", "en")]) == ["Nantes est (NE)", "Nantes ouest (NA)"]
    assert all(e.startswith("population unknown, density unknown, ")
               for e in table[t("peers.col.difference", "en")])
