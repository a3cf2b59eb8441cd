"""Peer territories for the zones of a user zoning (issue 14 item 5), on the small
geography of tests/zoning_fixtures.py (``PEER_COMMUNES``), answers worked out by hand.

Commune zoning (``PEER_ZONES``, variables in the fixture's table), z-scores over the
five zones, log10(x + 1) for population and density, weights 1, 1, 1, 2:

* population: ZA and ZD 5.00000, ZB 5.04140, ZC 6.43775, ZE 4.04143; mean 5.10412,
  std 0.765963 → z ZA -0.1359, ZB -0.0819, ZC 1.7411, ZE -1.3874;
* density: ZA and ZD 2.004321, ZB 2.045323, ZC 3.893738, ZE 0.457033; mean 2.080947,
  std 1.089616 → z ZA -0.0703, ZB -0.0327, ZC 1.6637, ZE -1.4904;
* rural share 0.5, 0.5, 0, 0.5, 1 → z 0, 0, -1.5811, 0, 1.5811;
* overseas 0, 0, 0, 1, 0 → z -0.5, -0.5, -0.5, 2, -0.5.

From ZA: ZB √(0.0541² + 0.0376²) = 0.066; ZE √(1.2515² + 1.4200² + 1.5811²) = 2.466;
ZC √(1.8770² + 1.7340² + 1.5811²) = 3.005; ZD √(2 × 2.5²) = 3.536.
"""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import box

from ecosystem import zonings
from ecosystem.analysis import peers as pe
from ecosystem.geo import Geography, ZoneLevel
from ecosystem.storage import zonings as zstore
from ecosystem.storage.store import Store
from tests import zoning_fixtures as zf


@pytest.fixture(scope="module")
def pgeo(tmp_path_factory):
    return Geography(zf.peer_geography(tmp_path_factory.mktemp("peergeo")))


@pytest.fixture(scope="module")
def stored(pgeo, tmp_path_factory):
    """The commune zoning stored, and the geography with it as a level (as pages get it)."""
    store = Store(tmp_path_factory.mktemp("peerstore") / "s.duckdb", geo=pgeo)
    frame = zonings.read(zf.peer_table_csv(), "zonage.csv")
    zoning = zonings.from_communes(frame, pgeo, "CODGEO", "ZT", "LIBZT")
    level = f"z{zstore.add(store, 'Zones pairs', zoning)}"
    yield zstore.geography(store, pgeo), level
    store.close()


def test_zone_variables_from_their_communes(stored):
    geo, level = stored
    ctx = pe.context(geo, level)
    assert ctx.population.to_dict() == {"ZA": 100_000, "ZB": 110_000, "ZC": 2_740_000,
                                        "ZD": 100_000, "ZE": 11_000}
    # the communes' areas summed (not the drawn squares')
    assert ctx.area_km2.to_dict() == {"ZA": 1_000, "ZB": 1_000, "ZC": 350, "ZD": 1_000, "ZE": 5_900}
    assert ctx.loc["ZC", "density"] == pytest.approx(7_828.571, abs=0.001)
    assert ctx.loc["ZE", "density"] == pytest.approx(1.864407, abs=1e-6)
    assert ctx.rural_share.to_dict() == {"ZA": 0.5, "ZB": 0.5, "ZC": 0.0, "ZD": 0.5, "ZE": 1.0}
    assert ctx.overseas.to_dict() == {"ZA": 0.0, "ZB": 0.0, "ZC": 0.0, "ZD": 1.0, "ZE": 0.0}


def test_nearest_zones_in_order(stored):
    geo, level = stored
    found = pe.peers(geo, level, "ZA", k=5)
    assert found.code.tolist() == ["ZB", "ZE", "ZC", "ZD"]
    assert found.distance.tolist() == pytest.approx([0.066, 2.466, 3.005, 3.536], abs=0.01)


def test_zone_peers_explained_in_words(stored):
    geo, level = stored
    table = pe.explained(geo, level, "ZA", lang="en", k=2).set_index("code")
    assert table.at["ZB", "explanation"] == ("population similar, density similar, share of rural "
                                             "communes similar, also in metropolitan France")
    assert table.at["ZE", "explanation"] == ("population 9.1× smaller, density 53.6× lower, 100% "
                                             "rural communes (here 50%), also in metropolitan France")


# ------------------------------------------------------------------ polygons
#: zones over the squares of PEER_COMMUNES (centres at x + 0.05, 45.05); areas given
#: by hand. PB has no population; PC holds no commune's centre (inside 12200's square,
#: 12200 is the nearest); PE covers the overseas pair.
POLYGONS = [("PA", box(-0.01, 44.99, 0.21, 45.11), 100_000, 1_000.0),
            ("PB", box(0.29, 44.99, 0.51, 45.11), None, 1_000.0),
            ("PC", box(0.61, 45.01, 0.64, 45.04), 5_000, 10.0),
            ("PD", box(1.49, 44.99, 1.71, 45.11), 1_000, 5_000.0),
            ("PE", box(0.89, 44.99, 1.11, 45.11), 100_000, 1_000.0)]


@pytest.fixture(scope="module")
def polygons(pgeo):
    codes = [p[0] for p in POLYGONS]
    pts = [p[1].representative_point() for p in POLYGONS]
    table = pd.DataFrame({"code": codes, "name": [f"Zone {c}" for c in codes],
                          "population": [float("nan") if p[2] is None else float(p[2]) for p in POLYGONS],
                          "lat": [p.y for p in pts], "lon": [p.x for p in pts],
                          "area_km2": [p[3] for p in POLYGONS], "level": "z90"}, index=codes)
    shapes = pd.Series([p[1] for p in POLYGONS], index=codes)
    return pgeo.with_levels({"z90": ZoneLevel("z90", "Polygones", "polygons", table, shapes)})


def test_polygon_zone_members(polygons):
    member = pe.members(polygons, "z90")
    assert sorted(member.items()) == [("10000", "PA"), ("10001", "PA"), ("11100", "PB"),
                                      ("11101", "PB"), ("12200", "PC"), ("21500", "PD"),
                                      ("21501", "PD"), ("97130", "PE"), ("97131", "PE")]
    ctx = pe.context(polygons, "z90")
    assert ctx.rural_share.to_dict() == {"PA": 0.5, "PB": 0.5, "PC": 0.0, "PD": 1.0, "PE": 0.5}
    assert ctx.overseas.to_dict() == {"PA": 0.0, "PB": 0.0, "PC": 0.0, "PD": 0.0, "PE": 1.0}
    assert ctx.loc["PC", "density"] == 500.0
    assert pd.isna(ctx.loc["PB", "population"]) and pd.isna(ctx.loc["PB", "density"])


def test_zone_without_population_is_compared_on_the_rest(polygons):
    # PB: rural share and overseas only. Rural z over the five: 0, 0, -1.5811, 1.5811, 0;
    # overseas z: -0.5 ×4, 2 → PA 0, PC and PD 1.5811 (tie broken by code), PE √2 × 2.5
    found = pe.explained(polygons, "z90", "PB", lang="en", k=4)
    assert found.code.tolist() == ["PA", "PC", "PD", "PE"]
    assert found.distance.tolist() == pytest.approx([0.0, 1.581, 1.581, 3.536], abs=0.01)
    assert found.explanation.iat[0] == ("population unknown, density unknown, share of rural "
                                        "communes similar, also in metropolitan France")


def test_zone_with_population_leaves_out_the_unknown_ones(polygons):
    # PA on the four variables, over the zones where each is known. Population
    # (PA, PC, PD, PE: 5.0000, 3.6991, 3.0004, 5.0000) z .9580, -.5524, -1.3636, .9580;
    # density (2.0043, 2.6998, 0.0792, 2.0043) z .3149, 1.0274, -1.6572, .3149;
    # PC √(1.5104² + 0.7125² + 1.5811²) = 2.300, PD √(2.3216² + 1.9721² + 1.5811²) = 3.432,
    # PE √(2 × 2.5²) = 3.536; PB (no population) is not a candidate
    found = pe.peers(polygons, "z90", "PA", k=5)
    assert found.code.tolist() == ["PC", "PD", "PE"]
    assert found.distance.tolist() == pytest.approx([2.300, 3.432, 3.536], abs=0.01)


def test_context_key_changes_with_the_zones(stored, polygons):
    geo, level = stored
    assert pe.context_key(geo, "departement") == ""
    assert pe.context_key(geo, level) != pe.context_key(polygons, "z90")
    assert pe.context_key(geo, level) == pe.context_key(geo, level)
