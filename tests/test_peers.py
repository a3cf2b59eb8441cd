"""Peer territories on a fixture whose answer is worked out by hand.

Six départements of two communes each (population, area, rural communes):

====  ==========  ======  ======  =======  =========
dep   population  km²     density rural    overseas
====  ==========  ======  ======  =======  =========
10    100,000     1,000   100     1 of 2   no   (the target)
11    110,000     1,000   110     1 of 2   no   (nearly the same)
12    250,000     1,000   250     1 of 2   no
971   100,000     1,000   100     1 of 2   yes  (same figures, overseas)
20    5,000,000   500     10,000  0 of 2   no
21    1,000       5,000   0.2     2 of 2   no
====  ==========  ======  ======  =======  =========

Hand computation (z-scores over the six, log10 for population and density+1):
distance to 11 ≈ 0.05, to 12 ≈ 0.50, to 20 ≈ 2.92, to 21 ≈ 3.04, to 971 ≈ 3.79
(overseas weighs 2: √2 × 1/0.373, the only variable that differs).
"""

from __future__ import annotations

import pytest

from ecosystem.analysis import peers as pe
from ecosystem.geo import Geography
from tests.minigeo import write_geography

#: dep -> (reg, [(population, km²), (population, km²)])
DEPS = {
    "10": ("84", [(90_000, 100), (10_000, 900)]),
    "11": ("84", [(99_000, 100), (11_000, 900)]),
    "12": ("53", [(240_000, 100), (10_000, 900)]),
    "971": ("01", [(90_000, 100), (10_000, 900)]),
    "20": ("11", [(2_500_000, 250), (2_500_000, 250)]),
    "21": ("53", [(500, 2_500), (500, 2_500)]),
}


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    rows = []
    for n, (dep, (reg, communes)) in enumerate(DEPS.items()):
        for k, (pop, km2) in enumerate(communes):
            code = f"{dep[:2]}{n}{k:02d}" if dep != "971" else f"971{n}{k}"
            rows.append({"code": code, "name": f"Commune {code}", "dep": dep, "reg": reg,
                         "epci": None, "population": pop, "area_km2": float(km2),
                         "x": n * 0.3 + k * 0.1, "y": 45.0})
    return Geography(write_geography(tmp_path_factory.mktemp("geo"), rows))


def test_context_variables_by_hand(mini):
    ctx = pe.context(mini, "departement")
    assert ctx.loc["12", "population"] == 250_000
    assert ctx.loc["12", "density"] == pytest.approx(250.0)
    assert ctx.loc["10", "rural_share"] == 0.5   # 90,000 on 100 km² is urban, 10,000 on 900 is rural
    assert ctx.loc["20", "rural_share"] == 0.0
    assert ctx.loc["21", "rural_share"] == 1.0
    assert ctx.loc["971", "overseas"] == 1.0
    assert ctx.loc["10", "overseas"] == 0.0


def test_nearest_peers_in_order(mini):
    found = pe.peers(mini, "departement", "10", k=5)
    assert found.code.tolist() == ["11", "12", "20", "21", "971"]
    assert found.distance.tolist() == pytest.approx([0.052, 0.505, 2.919, 3.042, 3.795], abs=0.01)
    assert pe.peers(mini, "departement", "10", k=2).code.tolist() == ["11", "12"]


def test_target_is_never_its_own_peer(mini):
    assert "10" not in pe.peers(mini, "departement", "10", k=10).code.tolist()
    assert len(pe.peers(mini, "departement", "10", k=10)) == 5


def test_weights_are_configurable(mini):
    # on population alone the overseas twin (exactly 100,000) is the nearest
    found = pe.peers(mini, "departement", "10", k=2, weights={"population": 1.0})
    assert found.code.tolist() == ["971", "11"]
    assert found.distance.iloc[0] == 0.0
    with pytest.raises(ValueError):
        pe.peers(mini, "departement", "10", weights={"income": 1.0})


def test_within_restricts_candidates(mini):
    # région 53 holds départements 12 and 21 only
    assert pe.peers(mini, "departement", "10", k=3, within=("region", "53")).code.tolist() == \
        ["12", "21"]


def test_unknown_territory_is_a_key_error(mini):
    with pytest.raises(KeyError):
        pe.peers(mini, "departement", "99")


def test_explanation_in_words(mini):
    table = pe.explained(mini, "departement", "10", lang="en", k=5).set_index("code")
    assert table.at["11", "explanation"] == ("population similar, density similar, share of rural "
                                             "communes similar, also in metropolitan France")
    assert table.at["12", "explanation"] == ("population 2.5× larger, density 2.5× higher, share of "
                                             "rural communes similar, also in metropolitan France")
    assert table.at["21", "explanation"] == ("population 100× smaller, density 500× lower, 100% rural "
                                             "communes (here 50%), also in metropolitan France")
    assert table.at["971", "explanation"].endswith("overseas (this territory is not)")
    fr = pe.explained(mini, "departement", "10", lang="fr", k=2).set_index("code")
    assert fr.at["12", "explanation"] == ("population 2,5 fois plus grande, densité 2,5 fois plus "
                                          "forte, part de communes rurales comparable, également en "
                                          "métropole")


def test_matches_brute_force_at_commune_level(geo):
    for code in ("44109", "29019", "97411", "01001"):
        fast = pe.peers(geo, "commune", code, k=5).code.tolist()
        assert fast == pe.brute_force(geo, "commune", code, k=5)
        assert code not in fast
