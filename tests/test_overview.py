"""Key figures and base indicators against values computed by hand on tests/fixtures.tiny()."""

import math

import pytest

from ecosystem.analysis import indicators, overview
from ecosystem.analysis.view import Filters, View


@pytest.fixture
def tiny(tiny_store):
    return tiny_store, tiny_store.ref("tiny")


def test_key_figures_whole_inventory(tiny, geo):
    store, ref = tiny
    k = overview.key_figures(View(store, ref, Filters()))
    # pairs sharing a project: P1 {A1,A3,A4} -> 3, P2 {A2,A1} -> 1, P3/P5 {A5,A6} -> 1
    assert k == {"actors": 10, "projects": 5, "collaborations": 5, "funding_eur": 105000.0,
                 "population": int(geo.communes.population.sum())}


def test_key_figures_with_stage_filter(tiny):
    store, ref = tiny
    k = overview.key_figures(View(store, ref, Filters(stages=("experimentation",))))
    # P1 and P5; actors involved: A1, A3, A4 (P1) and A5, A6 (P5)
    assert (k["actors"], k["projects"], k["collaborations"], k["funding_eur"]) == (5, 2, 4, 55000.0)


def test_key_figures_for_a_departement(tiny, geo):
    store, ref = tiny
    k = overview.key_figures(View(store, ref, Filters(territory="departement:44")))
    assert (k["actors"], k["projects"], k["collaborations"], k["funding_eur"]) == (5, 2, 4, 15000.0)
    assert k["population"] == geo.population("departement", "44")


def test_type_and_domain_filters(tiny):
    store, ref = tiny
    k = overview.key_figures(View(store, ref, Filters(actor_types=("association",))))
    assert (k["actors"], k["projects"]) == (4, 3)  # A1 A2 A7 A10; P1 P2 P4 led by associations
    k = overview.key_figures(View(store, ref, Filters(domains=("food",))))
    assert (k["actors"], k["projects"]) == (1, 2)  # A2; P1 and P2


def test_counts_by_type_and_stage(tiny):
    store, ref = tiny
    by_type = overview.count_by(View(store, ref, Filters()), "actor_type").set_index("code").n
    assert by_type["association"] == 4 and by_type["company"] == 1 and by_type.sum() == 10
    by_stage = overview.count_by(View(store, ref, Filters()), "stage").set_index("code").n
    assert by_stage.to_dict() == {"emergence": 1, "experimentation": 2, "diffusion": 1,
                                  "evaluation": 1}


def test_by_region_per_10k(tiny, geo):
    store, ref = tiny
    df = overview.by_region(View(store, ref, Filters())).set_index("code")
    assert len(df) == 18
    pop52 = geo.population("region", "52")
    assert df.at["52", "actors"] == 5 and df.at["52", "projects"] == 2
    assert df.at["52", "actors_per_10k"] == pytest.approx(5 * 10000 / pop52)
    assert df.at["93", "actors"] == 3 and df.at["01", "actors"] == 1  # Guadeloupe (overseas)
    assert df.at["11", "actors"] == 0 and df.at["11", "actors_per_10k"] == 0


def test_indicators_per_level_and_zero_population(tiny, geo):
    store, ref = tiny
    df = indicators.compute(View(store, ref, Filters()), "commune",
                            within=("departement", "55")).set_index("code")
    assert df.at["55039", "population"] == 0
    assert df.at["55039", "actors"] == 1
    assert math.isnan(df.at["55039", "actors_per_10k"])  # undefined, not infinite
    deps = indicators.compute(View(store, ref, Filters()), "departement").set_index("code")
    assert len(deps) == 101
    assert deps.at["13", "projects"] == 2
    assert deps.at["13", "projects_per_100k"] == pytest.approx(2 * 100000 /
                                                                geo.population("departement", "13"))
    nat = indicators.national(View(store, ref, Filters()))
    assert nat.actors == 10 and nat.projects == 5
    assert nat.actors_per_10k == pytest.approx(10 * 10000 / geo.population("france"))


def test_registry_entries_are_complete():
    for ind in indicators.INDICATORS.values():
        assert ind.label("fr") and ind.label("en") and ind.unit("fr") and ind.unit("en")
        assert len(ind.definition("fr")) > 20 and len(ind.definition("en")) > 20
        assert ind.formula and (ind.expr or ind.engine != "sql")
        assert ind.group in indicators.GROUPS
