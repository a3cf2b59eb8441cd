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

