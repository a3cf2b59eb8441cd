"""Territory profile, ranking and comparison on tests/fixtures.tiny(), by hand."""

import math

import pytest

from ecosystem.analysis import territories as T
from ecosystem.analysis.view import Filters, View


@pytest.fixture
def tiny(tiny_store):
    return tiny_store, tiny_store.ref("tiny")


def test_parents(geo):
    assert T.parent(geo, "commune", "44109") == ("epci", "244400404")   # Nantes Métropole
    assert T.parent(geo, "epci", "244400404") == ("departement", "44")
    assert T.parent(geo, "departement", "971") == ("region", "01")
    assert T.parent(geo, "region", "52") is None


def test_references_territory_parent_france(tiny, geo):
    store, ref = tiny
    r = T.references(View(store, ref, Filters(territory="departement:44")), ("departement", "44"),
                     ["actors", "actors_per_10k", "cross_type_share"]).set_index("id")
    assert r.loc["actors"].tolist() == [5, 5, 10]        # 44, Pays de la Loire, France
    assert r.at["actors_per_10k", "parent"] == pytest.approx(5e4 / geo.population("region", "52"))
    assert r.at["cross_type_share", "france"] == pytest.approx(5 / 6)
    national = T.references(View(store, ref, Filters()), None, ["actors"]).set_index("id")
    assert national.at["actors", "territory"] == 10 and math.isnan(national.at["actors", "parent"])


def test_top_actors_and_projects(tiny):
    store, ref = tiny
    f = Filters(territory="departement:44")
    actors = T.top_actors(View(store, ref, f))
    # A1 leads P1 and partners P2; A3, A4 in P1 (2 links each); A2 in P2 (1 link); A9 none
    assert actors.actor_id.tolist() == ["A1", "A3", "A4", "A2", "A9"]
    assert actors.projects.tolist() == [2, 1, 1, 1, 0]
    projects = T.top_projects(View(store, ref, f))
    assert projects.project_id.tolist() == ["P1", "P2"]  # 15,000 € then 0 €
    assert projects["lead"].tolist() == ["Entraide Nantes", "Jardins d'Herblain"]
    # Bouches-du-Rhône: P3 50,000 € before P5 40,000 €
    assert T.top_projects(View(store, ref, Filters(territory="departement:13"))).project_id.tolist() == \
        ["P3", "P5"]


@pytest.mark.parametrize("f, expected", [
    # P1 (experimentation, Nantes): A1 leads, A3 and A4 are partners, 2 links each;
    # ties by name: Durand Logistique, Entraide Nantes, Laboratoire ABC
    (Filters(territory="departement:44", stages=("experimentation",)),
     [("A3", 1, 2), ("A1", 1, 2), ("A4", 1, 2)]),
    # P2 (emergence, Saint-Herblain): A2 leads, A1 is its partner (1 link each)
    (Filters(territory="departement:44", stages=("emergence",)), [("A1", 1, 1), ("A2", 1, 1)]),
    # associations of Bouches-du-Rhône in experimentation projects: none (A5 is a commune,
    # A6 a SCOP); of Loire-Atlantique: A1 only (A3 is a company, A4 a laboratory)
    (Filters(territory="departement:13", stages=("experimentation",), actor_types=("association",)), []),
    (Filters(territory="region:52", stages=("experimentation",), actor_types=("association",)),
     [("A1", 1, 2)]),
])
def test_top_actors_with_a_project_filter(tiny, f, expected):
    store, ref = tiny
    actors = T.top_actors(View(store, ref, f))
    assert list(zip(actors.actor_id, actors.projects, actors.links)) == expected


def test_ranking_within_scope_and_undefined_last(tiny, geo):
    store, ref = tiny
    r = T.ranking(View(store, ref, Filters(level="departement", territory="region:52")), "actors")
    assert r.code.tolist()[0] == "44" and len(r) == 5 and r["rank"].tolist() == [1, 2, 2, 2, 2]
    # communes of the Meuse by actors per 10,000: Beaumont (population 0) is undefined, last
    r = T.ranking(View(store, ref, Filters(level="commune", territory="departement:55")),
                  "actors_per_10k")
    # (the Meuse has six communes "mortes pour la France" with no inhabitant)
    undefined = r[r.actors_per_10k.isna()]
    assert (undefined.population == 0).all() and "55039" in set(undefined.code)
    assert undefined.index.min() == len(r) - len(undefined)            # all at the bottom
    assert undefined["rank"].isna().all()
    assert r.actors.sum() == 1 and r.actors_per_10k.max() == 0
    # a scope at or below the level does not limit the ranking: all 18 régions
    r = T.ranking(View(store, ref, Filters(level="region", territory="departement:44")), "projects")
    assert len(r) == 18 and r.code.iloc[0] in ("52", "93")  # 2 projects each


def test_compare_any_levels_with_france(tiny, geo):
    store, ref = tiny
    keys = T.parse_keys("departement:44,commune:55039,bogus,region:99,departement:44", geo)
    assert keys == ["departement:44", "commune:55039"]
    c = T.compare(View(store, ref, Filters()), keys + ["region:01"], ["actors_per_10k", "research_share"])
    c = c.set_index("key")
    assert c.index.tolist() == ["departement:44", "commune:55039", "region:01", "france"]
    assert c.at["departement:44", "research_share"] == pytest.approx(0.5)
    assert math.isnan(c.at["commune:55039", "actors_per_10k"])          # population 0
    assert c.at["region:01", "actors_per_10k"] == pytest.approx(1e4 / geo.population("region", "01"))
    idx = T.index_vs_france(c.reset_index(), ["research_share"]).set_index("key")
    assert idx.at["departement:44", "index"] == pytest.approx(0.5 / 0.2 * 100)
    assert idx.at["france", "index"] == 100
    assert math.isnan(idx.at["commune:55039", "index"])                 # no project: undefined


def test_parse_keys_caps_at_four(geo):
    raw = ",".join(f"departement:{d}" for d in ("01", "02", "03", "04", "05"))
    assert len(T.parse_keys(raw, geo)) == 4


def test_figures_export_has_distinct_columns_at_every_level(tiny_store):
    # issue 12 #14: France's profile exported "France" twice (territory and reference)
    from ecosystem.analysis import territories as terr
    ref = tiny_store.ref("tiny")
    ids = ["actors", "projects"]
    refs = terr.references(View(tiny_store, ref, Filters()), None, ids)
    out = terr.figures_export(refs, "France entière", None, national=True, lang="fr")
    assert out.columns.tolist() == ["id", "indicator", "unit", "France entière", "definition"]
    assert out["France entière"].tolist() == [10, 5]   # 10 actors, 5 projects in tiny
    scope = ("departement", "44")
    refs = terr.references(View(tiny_store, ref, Filters(territory="departement:44")), scope, ids)
    out = terr.figures_export(refs, "Loire-Atlantique", "Pays de la Loire", lang="fr")
    assert out.columns.tolist() == ["id", "indicator", "unit", "Loire-Atlantique",
                                    "Pays de la Loire", "France entière", "definition"]
    # Loire-Atlantique: A1, A2, A3, A4, A9 and P1, P2; the région holds the same
    assert out["Loire-Atlantique"].tolist() == [5, 2] and out["France entière"].tolist() == [10, 5]
    out = terr.figures_export(refs, "Guadeloupe", "Guadeloupe", lang="fr")
    assert out.columns.tolist()[3:6] == ["Guadeloupe", "Guadeloupe (2)", "France entière"]
