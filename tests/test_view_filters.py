"""analysis/view.py, filter by filter: the URL round trip of Filters and the sets each
filter gives on tests/fixtures.tiny(), worked out by hand from its docstring:

=====  ========  ===============  ============  ==========  ============  ===========
proj   lead      partners         stage         domains     years         funders
=====  ========  ===============  ============  ==========  ============  ===========
P1     A1 assoc  A3, A4           experiment.   poverty;    2021-         A8, A3
                                                food
P2     A2 assoc  A1               emergence     food        2024-
P3     A6 s.e.   A5               diffusion     eco; empl.  2016-         A5
P4     A7 assoc                   evaluation    poverty     2015-2019
P5     A5 l.a.   A6               experiment.   employment  2022-         A5
=====  ========  ===============  ============  ==========  ============  ===========

Actors with the domain employment: A3, A5, A6, A8; associations: A1, A2, A7, A10.
Région 52 (Pays de la Loire): A1-A4, A9 and P1, P2; commune 44109 (Nantes): A1, A3,
A4, A9 and P1.
"""

import pytest

from ecosystem.analysis.view import Filters, View, scoped

FULL = Filters(level="commune", territory="departement:44", actor_types=("association", "company"),
               domains=("food",), stages=("emergence",), funders=("A5", "A8"), year_min=2020,
               year_max=2024)
FULL_PARAMS = {"level": "commune", "terr": "departement:44", "types": "association,company",
               "domains": "food", "stages": "emergence", "funders": "A5,A8", "from": "2020",
               "to": "2024"}


# ------------------------------------------------------------------ URL round trip
def test_default_filters_write_no_parameter():
    assert Filters().to_params() == {}
    assert Filters.from_params({}) == Filters()


def test_every_filter_is_written_and_read_back():
    assert FULL.to_params() == FULL_PARAMS
    assert Filters.from_params(FULL_PARAMS) == FULL


def test_the_year_of_the_view_and_a_zoning_level_go_through_the_url():
    # "asof": the ecosystem as of a year; "z3": the level of the user zoning number 3
    f = Filters(level="z3", territory="z3:NA", as_of=2015)
    assert f.to_params() == {"level": "z3", "terr": "z3:NA", "asof": "2015"}
    assert Filters.from_params({"level": "z3", "terr": "z3:NA", "asof": "2015"}) == f
    assert Filters.from_params({"asof": "15"}).as_of is None  # outside the years read


def test_a_repeated_parameter_keeps_its_last_value():
    assert Filters.from_params({"level": ["departement", "epci"]}).level == "epci"
    assert Filters.from_params({"level": ["region", "departement", "epci"]}).level == "epci"
    assert Filters.from_params({"level": []}).level == "region"


def test_malformed_parameters_are_dropped():
    f = Filters.from_params({"level": "planet", "terr": "planet:1", "types": "association,alien",
                             "domains": "food,,x", "stages": "emergence,done",
                             "funders": "A5,," + "x" * 65 + ",A8", "from": "abc", "to": "2077"})
    assert f == Filters(actor_types=("association",), domains=("food",), stages=("emergence",),
                        funders=("A5", "A8"))
    assert Filters.from_params({"terr": "commune:"}).territory is None
    assert Filters.from_params({"terr": "commune:44109"}).territory == "commune:44109"


def test_a_funder_id_of_64_characters_is_kept_and_20_funders_at_most():
    assert Filters.from_params({"funders": "f" * 64}).funders == ("f" * 64,)
    many = ",".join(f"F{i}" for i in range(25))
    assert Filters.from_params({"funders": many}).funders == tuple(f"F{i}" for i in range(20))


@pytest.mark.parametrize("raw, year", [("1789", None), ("1790", 1790), ("2076", 2076),
                                       ("2077", None), ("2020", 2020), (None, None), ("", None)])
def test_years_outside_1790_2076_are_dropped(raw, year):
    # YEAR_MIN - 200 = 1790 and YEAR_MAX + 50 = 2076 are the bounds, both kept
    assert Filters.from_params({"from": raw, "to": raw}) == Filters(year_min=year, year_max=year)


def test_which_filters_are_project_side_and_which_view_is_the_default():
    assert not Filters(domains=("food",), actor_types=("association",)).has_project_filter
    for f in (Filters(stages=("emergence",)), Filters(funders=("A5",)), Filters(year_min=2020),
              Filters(year_max=2020)):
        assert f.has_project_filter
        assert not f.is_default
    assert Filters(level="commune").is_default
    for f in (Filters(territory="region:52"), Filters(actor_types=("association",)),
              Filters(domains=("food",))):
        assert not f.is_default


def test_cache_key_lists_every_field():
    assert Filters(domains=("food",)).cache_key() == (
        ("level", "region"), ("territory", None), ("actor_types", ()), ("domains", ("food",)),
        ("stages", ()), ("funders", ()), ("year_min", None), ("year_max", None), ("as_of", None))


# ------------------------------------------------------------------ sets of each filter
BODY = (" SELECT (SELECT string_agg(actor_id, ',' ORDER BY actor_id) FROM fa) AS a, "
        "(SELECT string_agg(project_id, ',' ORDER BY project_id) FROM fp) AS p")

CASES = [
    # ended in 2019: P4 is out; actors: the participants of P1, P2, P3, P5
    (Filters(year_min=2020), "A1,A2,A3,A4,A5,A6", "P1,P2,P3,P5"),
    # started in 2016 at the latest: P3, P4
    (Filters(year_max=2016), "A5,A6,A7", "P3,P4"),
    # running in 2020-2021: P1 (from 2021) and P3 (from 2016, not ended)
    (Filters(year_min=2020, year_max=2021), "A1,A3,A4,A5,A6", "P1,P3"),
    (Filters(funders=("A8",)), "A1,A3,A4", "P1"),
    (Filters(funders=("A5", "A8")), "A1,A3,A4,A5,A6", "P1,P3,P5"),
    # an actor filter alone does not restrict actors to projects; projects: lead's type
    (Filters(actor_types=("association",)), "A1,A10,A2,A7", "P1,P2,P4"),
    (Filters(actor_types=("association", "local_authority")), "A1,A10,A2,A5,A7", "P1,P2,P4,P5"),
    (Filters(domains=("employment",)), "A3,A5,A6,A8", "P3,P5"),
    (Filters(domains=("employment", "culture")), "A10,A3,A5,A6,A8", "P3,P5"),
    # a code outside the vocabulary (no stored record has one): tested on the lists
    # themselves, nothing found; beside a known code, the known code's records
    (Filters(domains=("not_a_domain",)), None, None),
    (Filters(domains=("culture", "not_a_domain")), "A10", None),
    (Filters(stages=("experimentation", "diffusion")), "A1,A3,A4,A5,A6", "P1,P3,P5"),
    (Filters(territory="region:52"), "A1,A2,A3,A4,A9", "P1,P2"),
    (Filters(territory="commune:44109"), "A1,A3,A4,A9", "P1"),
    # a territory with a project-side filter: actors of the territory in its projects
    (Filters(territory="region:52", stages=("emergence",)), "A1,A2", "P2"),
    (Filters(territory="region:52", actor_types=("company",)), "A3", None),
    # as of 2026 every project of tiny() exists (started 2015-2024): region 52's food
    # projects P1, P2, read as they were; its actors have no creation year, so none is
    # in any year (asof.actor_undated)
    (Filters(as_of=2026, territory="region:52", domains=("food",)), None, "P1,P2"),
]


@pytest.mark.parametrize("f, actors, projects", CASES)
def test_each_filter_gives_the_sets_worked_out_by_hand(tiny_store, f, actors, projects):
    ref = tiny_store.ref("tiny")
    direct = scoped(ref, f, BODY)
    assert tiny_store.query(direct.text, direct.params).iloc[0].tolist() == [actors, projects]
    # the cached sets, made twice (national sets first, then the territory's cut from them)
    for _ in range(2):
        got = View(tiny_store, ref, f).query(BODY).iloc[0].tolist()
        assert [None if v != v else v for v in got] == [actors, projects]


def test_territory_false_drops_only_the_territory(tiny_store):
    ref = tiny_store.ref("tiny")
    f = Filters(territory="region:52", stages=("experimentation",))
    # experimentation everywhere: P1 (A1, A3, A4) and P5 (A5, A6)
    want = ["A1,A3,A4,A5,A6", "P1,P5"]
    assert View(tiny_store, ref, f).query(BODY, territory=False).iloc[0].tolist() == want
    direct = scoped(ref, f, BODY, territory=False)
    assert tiny_store.query(direct.text, direct.params).iloc[0].tolist() == want
    assert View(tiny_store, ref, f).query(BODY).iloc[0].tolist() == ["A1,A3,A4", "P1"]


def test_query_parameters_come_after_the_filters_own(tiny_store):
    ref = tiny_store.ref("tiny")
    view = View(tiny_store, ref, Filters(territory="region:52"))
    n = view.query("SELECT count(*) AS n FROM fa WHERE actor_type = ?", ["association"]).n.iloc[0]
    assert n == 2  # A1, A2
    f = Filters(territory="region:52", domains=("food",))
    direct = scoped(ref, f, "SELECT count(*) AS n FROM fa WHERE actor_id = ?")
    # food actors of région 52: A2 only
    assert tiny_store.query(direct.text, direct.params + ["A2"]).n.iloc[0] == 1


def test_a_store_without_a_view_cache_computes_the_sets_in_the_query(tiny_store):
    class Plain:  # a store that only answers queries
        def query(self, sql, params=None):
            return tiny_store.query(sql, params)

    ref = tiny_store.ref("tiny")
    got = View(Plain(), ref, Filters(stages=("emergence",))).query(BODY).iloc[0].tolist()
    assert got == ["A1,A2", "P2"]
    # a territory, which a store with a view cache would materialise: région 52's
    # emergence project P2 (lead A2, partner A1)
    f = Filters(territory="region:52", stages=("emergence",))
    assert View(Plain(), ref, f).query(BODY).iloc[0].tolist() == ["A1,A2", "P2"]


def test_view_reads_level_scope_and_changes_filters(tiny_store):
    ref = tiny_store.ref("tiny")
    view = View(tiny_store, ref, Filters(level="epci", territory="departement:44"))
    assert (view.level, view.scope) == ("epci", ("departement", "44"))
    other = view.with_(level="commune", territory=None)
    assert (other.level, other.scope, other.ref, other.store) == ("commune", None, ref, tiny_store)
    assert view.filters.level == "epci"  # unchanged
    assert View(tiny_store, ref).filters == Filters()
    assert view.cache_key() == (ref.cache_key, view.filters.cache_key())
    assert repr(View(tiny_store, ref)) == f"View('tiny' v{ref.version}, {Filters()})"


# ------------------------------------------------------------------ sidebar choices
def _projects_inventory(projects, actors=None, fundings=None):
    import pandas as pd

    from ecosystem.model import InventoryData
    actors = actors if actors is not None else [dict(actor_id="A1", name="Porteur",
                                                     actor_type="association", source="t")]
    extra = {"fundings": pd.DataFrame(fundings)} if fundings else {}
    return InventoryData(actors=pd.DataFrame(actors), projects=pd.DataFrame(projects), **extra)


def _project(pid, **years):
    return dict(project_id=pid, title=pid, lead_actor_id="A1", stage="emergence", source="t", **years)


def test_year_bounds_of_one_year_or_no_start_are_none(store):
    from ecosystem.analysis.view import year_bounds
    store.create("one", _projects_inventory([_project("P1", start_year=2020)]))
    assert year_bounds(store, store.ref("one")) is None          # 2020-2020: no range
    store.create("nostart", _projects_inventory([_project("P1", end_year=2020)]))
    assert year_bounds(store, store.ref("nostart")) is None       # an end but no start
    # years up to 2100 are valid in the model; a filter reads up to 2026 + 50 = 2076
    store.create("far", _projects_inventory([_project("P1", start_year=2020, end_year=2100)]))
    assert year_bounds(store, store.ref("far")) == (2020, 2076)


def test_at_most_300_funders_by_default_and_a_funder_without_commune(store):
    from ecosystem.analysis.view import funder_choices
    actors = [dict(actor_id="A1", name="Porteur", actor_type="association", source="t")] + [
        dict(actor_id=f"F{i:03d}", name=f"Fonds {i}", actor_type="funder", source="t")
        for i in range(1, 302)]
    fundings = [dict(funding_id=f"G{i}", project_id="P1", funder_actor_id=f"F{i:03d}",
                     amount_eur=float(i), kind="subvention", origin="public") for i in range(1, 302)]
    store.create("many", _projects_inventory([_project("P1", start_year=2020)], actors, fundings))
    got = funder_choices(store, store.ref("many"))
    # largest first: F301 (301 EUR) ... F002 (2 EUR); F001, the 301st, is left out
    assert list(got) == [f"F{i:03d}" for i in range(301, 1, -1)]
    assert got["F301"] == "Fonds 301"                             # no commune: the name alone


def test_a_territory_s_sets_are_cut_from_the_national_sets(tiny_store):
    from ecosystem.analysis.view import view_statements
    ref = tiny_store.ref("tiny")
    f = Filters(territory="departement:44", stages=("emergence",))
    base = {"fp": "nat_fp", "fm": "nat_fm", "fa": "nat_fa"}
    (n1, fp, p1), (n2, fm, p2), (n3, fa, p3) = view_statements(ref, f, "t_", base)
    assert (n1, n2, n3) == ("fp", "fm", "fa")
    assert fp == "CREATE TABLE t_fp AS SELECT * FROM nat_fp p WHERE p.dep = ?" and p1 == ["44"]
    assert fm == "CREATE TABLE t_fm AS SELECT m.* FROM nat_fm m SEMI JOIN t_fp USING (project_id)"
    assert p2 == []
    assert fa == ("CREATE TABLE t_fa AS SELECT * FROM nat_fa a WHERE a.dep = ? "
                  "AND a.actor_id IN (SELECT actor_id FROM t_fm)") and p3 == ["44"]
    # for France itself, the sets come from the derived tables
    statements = view_statements(ref, f.with_(territory=None), "u_", base)
    assert [s[0] for s in statements] == ["fp", "fm", "fa"]
    assert "nat_" not in " ".join(s[1] for s in statements)
    assert ref.derived("d_members") in statements[1][1]
    assert ref.derived("d_actors") in statements[2][1]
    # without national sets, the territory's actors come from the participations of
    # its own actors (stored by the actor's territory) in its projects: no fm table
    statements = view_statements(ref, f, "u_", None)
    assert [s[0] for s in statements] == ["fp", "fa"]
    assert ref.derived("d_members") in statements[1][1] and "m.dep = ?" in statements[1][1]
    assert "SEMI JOIN u_fp USING (project_id)" in statements[1][1]


def test_view_sql_keeps_the_territory_by_default(tiny_store):
    ref = tiny_store.ref("tiny")
    sql = View(tiny_store, ref, Filters(territory="region:52")).sql(BODY)
    assert tiny_store.query(sql.text, sql.params).iloc[0].tolist() == ["A1,A2,A3,A4,A9", "P1,P2"]


def test_actors_are_read_in_place_as_of_a_year_with_no_other_filter():
    from ecosystem.analysis.view import actors_in_place
    assert actors_in_place(Filters(as_of=2015))
    assert actors_in_place(Filters(as_of=2015, territory="departement:44", level="commune"))
    assert not actors_in_place(Filters(as_of=2015, domains=("food",)))
    assert not actors_in_place(Filters(territory="departement:44"))


def test_a_year_s_projects_have_the_columns_of_today_s(tiny_store):
    # as of a year, stage, active and the funding totals are replaced in place: the
    # analyses read the same columns, nothing of the fundings' join is added
    ref = tiny_store.ref("tiny")
    f = Filters(territory="region:52", domains=("food",))

    def columns(g):
        return list(View(tiny_store, ref, g).query("SELECT * FROM fp LIMIT 0").columns)

    assert columns(f.with_(as_of=2026)) == columns(f)
    assert "funding_total" in columns(f)


# ------------------- one project-side filter over all France: the actors' own columns
def _actors_of(store, filters):
    from ecosystem.analysis.view import View
    view = View(store, store.ref("tiny"), filters)
    got = view.query("SELECT string_agg(actor_id, ',' ORDER BY actor_id) AS a FROM fa").a[0]
    return view.sql(" SELECT 1").text, got


def test_a_single_project_filter_tests_the_actors_summaries_not_a_semi_join(tiny_store):
    from ecosystem.analysis.view import Filters
    # experimentation: P1 (A1 lead, A3, A4), P5 (A5 lead, A6)
    sql, got = _actors_of(tiny_store, Filters(stages=("experimentation",)))
    assert got == "A1,A3,A4,A5,A6"
    assert "proj_stage_bits" in sql and "IN (SELECT actor_id FROM fm)" not in sql
    # started by 2015: P4 (2015, A7) only
    sql, got = _actors_of(tiny_store, Filters(year_max=2015))
    assert got == "A7" and "proj_start_min" in sql
    # still running in 2020: every project but P4 (ended 2019)
    sql, got = _actors_of(tiny_store, Filters(year_min=2020))
    assert got == "A1,A2,A3,A4,A5,A6" and "proj_end_max" in sql


def test_combined_project_filters_keep_the_semi_join(tiny_store):
    from ecosystem.analysis.view import Filters
    # experimentation and started by 2020: no project (P1 starts 2021, P5 2022),
    # although A5 and A6 are in an experimentation project and in one started in 2016
    sql, got = _actors_of(tiny_store, Filters(stages=("experimentation",), year_max=2020))
    assert got is None and "proj_" not in sql
    # experimentation led by a social enterprise: none (P1's lead is an association,
    # P5's a commune), although A6, a social enterprise, is in P5
    sql, got = _actors_of(tiny_store, Filters(stages=("experimentation",),
                                              actor_types=("social_enterprise",)))
    assert got is None and "proj_" not in sql
