"""Issue 15, the view's speed at 1.5 M actors: what the work left out of a rerun
was, checked on tests/fixtures.tiny() with values worked out by hand
(docs/performance.md, "View at 1.5 M actors, third pass")."""

import math

import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from ecosystem import numbers
from ecosystem.analysis import indicators as ind
from ecosystem.analysis.view import Filters, View
from ecosystem.render import mapview


@pytest.fixture
def tiny(tiny_store):
    return tiny_store, tiny_store.ref("tiny")


# ------------------------------------------------------------- view cache
@pytest.mark.parametrize("territory, actors, participations", [
    # P1 (Nantes, experimentation): A1 leads, A3 and A4 are partners
    ("departement:44", ["A1", "A3", "A4"], 3),
    # P5 (Marseille, experimentation): A5 leads, A6 (Aix, also 13) is a partner
    ("departement:13", ["A5", "A6"], 2),
])
def test_a_territory_with_a_project_filter_scans_the_participations(tiny, territory, actors,
                                                                    participations):
    store, ref = tiny
    f = Filters(territory=territory, stages=("experimentation",))
    view = View(store, ref, f)
    got = view.query("SELECT string_agg(actor_id, ',' ORDER BY actor_id) AS a, "
                     "(SELECT count(*) FROM fm) AS m FROM fa").iloc[0]
    assert got.a.split(",") == actors and got.m == participations
    # the participations carry their project's stage (storage.derived): the territory's
    # are a scan of them with the stage test, and no set of all France is made first
    national = (ref.cache_key, Filters(stages=("experimentation",)).cache_key())
    assert national not in store._views and f.base_filters() is None
    # the territory's actors are found among the participations of its own actors
    # (d_members is stored by the actor's territory), not among all France's
    # participations in its projects: no fm table
    statements = {n: (s, p) for n, s, p in f.statements(ref, "t_", None)}
    assert list(statements) == ["fp", "fa"]
    sql, params = statements["fa"]
    level, code = f.scope
    assert ref.derived("d_members") in sql and "m.stage IN (?) AND TRUE AND m.dep = ?" in sql
    assert ref.derived("d_projects") not in sql and params == [code, "experimentation", code]


def test_a_territory_s_participations_keep_partners_from_elsewhere(store):
    import dataclasses

    from tests import fixtures
    data = fixtures.tiny()
    # A7 (Les Abymes, Guadeloupe) joins P1 (Nantes, experimentation: A1 lead, A3, A4)
    partners = fixtures.pd.concat([data.partners, fixtures.frame([
        dict(project_id="P1", actor_id="A7", role="operational")])], ignore_index=True)
    store.create("tiny", dataclasses.replace(data, partners=partners))
    ref = store.ref("tiny")
    pairs = "string_agg(actor_id || '/' || project_id, ',' ORDER BY actor_id, project_id)"
    got = View(store, ref, Filters(territory="departement:44", stages=("experimentation",))).query(
        f"SELECT (SELECT {pairs} FROM fm) AS fm, (SELECT {pairs} FROM fma) AS fma, "
        f"(SELECT string_agg(actor_id, ',' ORDER BY actor_id) FROM fa) AS fa").iloc[0]
    # the territory's project P1 with all its participants, A7 included; its actors are
    # those of Loire-Atlantique only, and so are their participations
    assert got.tolist() == ["A1/P1,A3/P1,A4/P1,A7/P1", "A1/P1,A3/P1,A4/P1", "A1,A3,A4"]
    # Guadeloupe: A7 takes part in no project of its own territory's (P4 is evaluation)
    got = View(store, ref, Filters(territory="region:01", stages=("experimentation",))).query(
        "SELECT count(*) AS n FROM fa").n.iloc[0]
    assert got == 0


def test_all_france_with_a_project_filter_materialises_nothing(tiny):
    store, ref = tiny
    view = View(store, ref, Filters(stages=("experimentation",), actor_types=("association",)))
    got = view.query("SELECT (SELECT string_agg(actor_id || '/' || project_id, ',' "
                     "ORDER BY actor_id, project_id) FROM fm) AS m, "
                     "(SELECT string_agg(actor_id || '/' || project_id, ',' "
                     "ORDER BY actor_id, project_id) FROM fma) AS ma, "
                     "(SELECT string_agg(actor_id, ',' ORDER BY actor_id) FROM fa) AS a").iloc[0]
    # experimentation projects led by an association: P1 (A1 lead; A3, A4 partners);
    # P5 is led by the commune of Marseille. Its associations: A1 only
    assert got.tolist() == ["A1/P1,A3/P1,A4/P1", "A1/P1", "A1"]
    assert store._views == {}
    sql = view.sql(" SELECT 1")
    assert ref.derived("d_projects") not in sql.text.split("fm AS")[1].split("fa AS")[0]


# -------------------------------------------------------------- indicators
def test_domain_counts_read_the_bit_mask_not_the_lists(tiny):
    store, ref = tiny
    seen = []
    real = store.query
    store.query = lambda sql, params=None: seen.append(sql) or real(sql, params)
    row = ind.compute(View(store, ref, Filters()), "departement",
                      ["actors"], within=("departement", "44")).iloc[0]
    # Loire-Atlantique: P1 (poverty, food) and P2 (food), both active
    assert row.n_domains_active == 2
    p_food, p_poverty = 2 / 3, 1 / 3
    expected = -(p_food * math.log(p_food) + p_poverty * math.log(p_poverty)) / math.log(17)
    assert row.domain_entropy == pytest.approx(expected)
    assert not any("list_contains(domains" in s for s in seen)


# --------------------------------------------------------------------- map
def test_map_bounds_are_the_extent_of_the_shapes_without_their_union(monkeypatch):
    class Geo:
        def shapes(self, level, codes):
            return pd.Series([box(0, 0, 1, 1), box(2, 3, 4, 5)], index=["a", "b"])

    def union_all(*args, **kwargs):
        raise AssertionError("the union of every shape is not needed for its bounds")

    monkeypatch.setattr(shapely, "union_all", union_all)
    bounds, extent = mapview._bounds.__wrapped__(Geo(), "commune", ("a", "b"))
    assert bounds == [[0.0, 0.0], [5.0, 4.0]]
    assert extent == 5.0  # the larger span: longitude 0–4, latitude 0–5


def test_a_rate_is_formatted_without_evaluating_the_plural_rule(monkeypatch):
    calls = []
    real = numbers.plural_form
    monkeypatch.setattr(numbers, "plural_form", lambda n, lang="fr": calls.append(n) or real(n, lang))
    # a rate's unit has no singular: 1 acteur pour 10 000 hab. reads "1,00 pour 10 000 hab."
    assert ind.format_value("actors_per_10k", 1.0, "fr", with_unit=True) == "1,00 pour 10 000 hab."
    assert calls == []
    # a count's unit has one: the rule is asked, French 1 is singular
    assert ind.format_value("actors", 1, "fr", with_unit=True) == "1 acteur"
    assert calls == [1]
