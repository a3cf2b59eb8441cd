"""The view computed once: filters.View and the store's view cache, on
tests/fixtures.tiny() (values worked out by hand in tests/test_overview.py)."""

import pandas as pd
import pytest

from ecosystem.analysis import indicators, overview
from ecosystem.render import report
from ecosystem.analysis.view import Filters, View, scoped
from ecosystem.storage.store import Store


@pytest.fixture
def tiny(tiny_store):
    return tiny_store, tiny_store.ref("tiny")


def cached_tables(store) -> list[str]:
    return sorted(r[0] for r in store.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'eco_view'").fetchall())


def test_sets_are_materialised_once_per_filters_and_shared(tiny, monkeypatch):
    store, ref = tiny
    calls = []
    real = store.view_sets
    monkeypatch.setattr(store, "view_sets", lambda r, f: calls.append(f) or real(r, f))
    f = Filters(territory="departement:44", stages=("experimentation",), level="departement")
    view = View(store, ref, f)
    # P1 (Nantes) only; actors of Loire-Atlantique involved: A1 (lead), A3, A4
    k = overview.key_figures(view)
    assert (k["actors"], k["projects"]) == (3, 1)
    indicators.compute(view, "departement")
    indicators.white_zones(view)
    report.build(view)
    # key figures, white zones, the report's territory: the territory's sets, asked for
    # again and again but made once; compute and the references (all France with the
    # stage filter) ask for none
    assert {c.cache_key() for c in calls} == {f.with_(level="region").cache_key()}
    # the territory's fp and fa (its participations are read where they are stored, by
    # the actor's territory: no fm table); all France with a project-side filter is
    # column tests over the derived tables, its participations included: nothing
    # materialised
    assert sorted(t.rsplit("_", 1)[1] for t in cached_tables(store)) == ["fa", "fp"]


def test_level_does_not_change_the_sets_and_territory_does(tiny):
    store, ref = tiny
    base = Filters(stages=("experimentation",))
    a = View(store, ref, base).query("SELECT count(*) AS n FROM fa").n.iloc[0]
    View(store, ref, base.with_(level="commune")).query("SELECT count(*) FROM fa")
    assert a == 5  # A1, A3, A4 (P1), A5, A6 (P5)
    assert len(cached_tables(store)) == 0  # participations read in place (members_inline)
    n = View(store, ref, base.with_(territory="departement:44")).query(
        "SELECT count(*) AS n FROM fa").n.iloc[0]
    assert len(cached_tables(store)) == 2  # the territory's fp and fa (fm inline)
    # actors of Loire-Atlantique in its experimentation project P1: A1, A3, A4
    assert n == 3


def test_france_without_project_filter_is_not_copied_and_a_territory_is(tiny):
    store, ref = tiny
    base = Filters(actor_types=("association",))
    sql = View(store, ref, base).sql(" SELECT 1")
    # the sets are predicates over the derived tables: nothing materialised
    # the type of the projects' leads, of the actors, then of the participations' actors
    # and leads (fma)
    assert ref.derived("d_actors") in sql.text and sql.params == ["association"] * 4
    assert View(store, ref, base).query("SELECT count(*) AS n FROM fa").n.iloc[0] == 4
    assert cached_tables(store) == []
    n = View(store, ref, base.with_(territory="departement:44")).query(
        "SELECT count(*) AS n FROM fa").n.iloc[0]
    assert len(cached_tables(store)) == 2  # fp, fa of Loire-Atlantique only
    # associations of Loire-Atlantique in the fixture: A1 (44109) and A2 (44162)
    assert n == 2


@pytest.mark.parametrize("f", [
    Filters(), Filters(stages=("experimentation",)), Filters(territory="departement:44"),
    Filters(domains=("food",)), Filters(actor_types=("association",), year_min=2020),
    # a territory's sets cut from the national ones: with a project-side filter the
    # actors must take part in one of the territory's projects
    Filters(territory="departement:44", stages=("experimentation",)),
    Filters(territory="departement:13", stages=("experimentation",)),
    Filters(territory="departement:44", actor_types=("association",))])
def test_cached_sets_hold_what_the_query_computes(tiny, f):
    store, ref = tiny
    body = " SELECT (SELECT string_agg(actor_id, ',' ORDER BY actor_id) FROM fa) AS a, " \
           "(SELECT string_agg(project_id, ',' ORDER BY project_id) FROM fp) AS p"
    direct = scoped(ref, f, body)
    expected = store.query(direct.text, direct.params).iloc[0].tolist()
    assert View(store, ref, f).query(body).iloc[0].tolist() == expected


def test_no_filter_reads_the_derived_tables_without_a_copy(tiny):
    store, ref = tiny
    sql = View(store, ref, Filters(level="commune")).sql(" SELECT 1")
    assert ref.derived("d_actors") in sql.text and "eco_view" not in sql.text
    assert cached_tables(store) == []


def test_least_recently_used_idle_views_are_dropped(tiny, monkeypatch):
    store, ref = tiny
    monkeypatch.setattr(Store, "VIEW_CACHE", 2)
    monkeypatch.setattr(Store, "VIEW_IDLE_S", 0.0)
    for d in ("food", "health", "culture"):
        View(store, ref, Filters(territory="departement:44", domains=(d,))).query(
            "SELECT count(*) FROM fa")
    # three views of two tables each were made; the oldest (food) was dropped
    assert len(store._views) == 2
    assert len(cached_tables(store)) == 4
    kept = {dict(k[1])["domains"] for k in store._views}
    assert kept == {("health",), ("culture",)}


def test_a_view_in_use_is_not_dropped(tiny, monkeypatch):
    store, ref = tiny
    monkeypatch.setattr(Store, "VIEW_CACHE", 1)  # idle time stays at a minute
    for d in ("food", "health"):
        View(store, ref, Filters(territory="departement:44", domains=(d,))).query(
            "SELECT count(*) FROM fa")
    assert len(store._views) == 2


def test_a_new_revision_gets_new_sets(tiny):
    store, ref = tiny
    f = Filters(domains=("food",))
    assert View(store, ref, f).query("SELECT count(*) AS n FROM fa").n.iloc[0] == 1  # A2
    from tests import fixtures
    data = fixtures.tiny()
    data.actors.loc[data.actors.actor_id == "A1", "domains"] = "food"
    store.save("tiny", data)
    ref2 = store.ref("tiny")
    assert ref2.version == ref.version + 1
    assert View(store, ref2, f).query("SELECT count(*) AS n FROM fa").n.iloc[0] == 2


def test_read_only_store_computes_the_sets_in_the_query(tiny, tmp_path):
    store, ref = tiny
    path = store.path
    store.close()
    ro = Store(path, read_only=True)
    try:
        k = overview.key_figures(View(ro, ro.ref("tiny"), Filters(stages=("experimentation",))))
        assert (k["actors"], k["projects"]) == (5, 2)
        # a territory (not inline: the store would materialise it, a read-only one
        # cannot): Loire-Atlantique's experimentation project P1 and its actors A1, A3, A4
        view = View(ro, ro.ref("tiny"), Filters(territory="departement:44",
                                                stages=("experimentation",)))
        assert list(view.query("SELECT actor_id FROM fa ORDER BY 1").actor_id) == ["A1", "A3", "A4"]
        assert list(view.query("SELECT project_id FROM fp").project_id) == ["P1"]
    finally:
        ro.close()


FMA = " SELECT string_agg(project_id || ':' || actor_id, ',' ORDER BY project_id, actor_id) FROM fma"


@pytest.mark.parametrize("f, expected", [
    # Loire-Atlantique: projects P1 (lead A1, partners A3, A4) and P2 (lead A2, partner A1)
    (Filters(territory="departement:44"), "P1:A1,P1:A3,P1:A4,P2:A1,P2:A2"),
    # Bouches-du-Rhône in experimentation: P5 only (lead A5, partner A6); A8 takes no part
    (Filters(territory="departement:13", stages=("experimentation",)), "P5:A5,P5:A6")])
def test_scoped_participations_of_the_view_s_actors_in_its_projects(tiny, f, expected):
    store, ref = tiny
    sql = scoped(ref, f, FMA)
    assert store.query(sql.text, sql.params).iloc[0, 0] == expected


def test_base_filters_only_as_of_a_year_with_a_territory_and_a_project_filter():
    f = Filters(level="departement", territory="region:52", stages=("emergence",), as_of=2020)
    # the same filters over all France, at the region level
    assert f.base_filters() == Filters(stages=("emergence",), as_of=2020)
    assert Filters(stages=("emergence",), as_of=2020).base_filters() is None     # France
    assert Filters(territory="region:52", as_of=2020).base_filters() is None     # no project filter
    # today's participations are a scan of the derived ones: nothing to cut from
    assert Filters(territory="region:52", stages=("emergence",)).base_filters() is None
    # a domain outside the vocabulary has no bit: the lists are tested, fm is cut
    g = Filters(territory="region:52", stages=("emergence",), domains=("other",))
    assert g.base_filters() == Filters(stages=("emergence",), domains=("other",))


def test_actor_project_test_only_for_one_project_filter_alone():
    """The derived actors' summary columns stand for a project-side filter only when
    it is alone: a funder, a domain, an actor type or a year of the view must hold for
    the same project, which only the participations say."""
    from ecosystem.analysis.view import actor_project_test
    params: list = []
    # stages in vocabulary order: emergence bit 1, experimentation 2, diffusion 4
    assert actor_project_test(Filters(stages=("emergence", "diffusion")), params) \
        == "(a.proj_stage_bits & ?) <> 0"
    assert params == [5]
    params = []
    assert actor_project_test(Filters(year_min=2021), params) == "a.proj_end_max >= ?"
    assert params == [2021]
    params = []
    assert actor_project_test(Filters(year_max=2019), params) == "a.proj_start_min <= ?"
    assert params == [2019]
    for other in ({"funders": ("Région",)}, {"as_of": 2022}, {"domains": ("employment",)},
                  {"actor_types": ("association",)}, {"year_min": 2020},
                  {"stages": ("unknown-stage",)}):
        params = []
        f = Filters(stages=("experimentation",)).with_(**other)
        assert actor_project_test(f, params) is None, other
        assert params == [], other


def test_france_as_of_a_year_with_a_project_filter_materialises_its_participations(tiny):
    """As of a year the participations cannot be column tests (members_inline): the
    store materialises fm from the projects of the filter (members_statement)."""
    store, ref = tiny
    f = Filters(year_min=2022, as_of=2026)
    view = View(store, ref, f)
    # running in 2022: P1 (2021-), P2 (2024-), P3 (2016-), P5 (2022-); P4 ended 2019
    assert sorted(view.query("SELECT project_id FROM fp").project_id) == ["P1", "P2", "P3", "P5"]
    # their participants, lead or partner: P1 A1 A3 A4, P2 A2 A1, P3 A6 A5, P5 A5 A6
    members = view.query("SELECT project_id, actor_id FROM fm ORDER BY project_id, actor_id")
    assert list(zip(members.project_id, members.actor_id)) == [
        ("P1", "A1"), ("P1", "A3"), ("P1", "A4"), ("P2", "A1"), ("P2", "A2"),
        ("P3", "A5"), ("P3", "A6"), ("P5", "A5"), ("P5", "A6")]
    # the tiny actors have no creation year: none exists as of a year (asof.actor_undated)
    assert len(view.query("SELECT actor_id FROM fa")) == 0
    # and each project's fundings up to the year (fundings_statement), read by fp in place
    assert [t.rsplit("_", 1)[1] for t in cached_tables(store)] == ["fm", "fy"]
    # funded by A5 (the fundings table): F3 P3 and F5 P5, whose participants are A5 and A6
    members = View(store, ref, Filters(funders=("A5",), as_of=2026)).query(
        "SELECT project_id, actor_id FROM fm ORDER BY project_id, actor_id")
    assert list(zip(members.project_id, members.actor_id)) == [
        ("P3", "A5"), ("P3", "A6"), ("P5", "A5"), ("P5", "A6")]


def test_a_territory_s_participations_left_inline_under_a_project_filter(tiny):
    """A territory with a project filter the participations' columns answer
    (territory_members): fm and fma are queries over the derived participations."""
    store, ref = tiny
    # Loire-Atlantique's experimentation projects: P1 (lead A1, partners A3, A4);
    # its actors taking part: A1, A3, A4, all of Nantes
    view = View(store, ref, Filters(territory="departement:44", stages=("experimentation",)))
    for name in ("fm", "fma"):
        rows = view.query(f"SELECT project_id, actor_id FROM {name} ORDER BY actor_id")
        assert list(zip(rows.project_id, rows.actor_id)) == [
            ("P1", "A1"), ("P1", "A3"), ("P1", "A4")], name
    # Bouches-du-Rhône's: P5 (lead A5 Marseille, partner A6 Aix), P3 being diffusion
    view = View(store, ref, Filters(territory="departement:13", stages=("experimentation",)))
    for name in ("fm", "fma"):
        rows = view.query(f"SELECT project_id, actor_id FROM {name} ORDER BY actor_id")
        assert list(zip(rows.project_id, rows.actor_id)) == [("P5", "A5"), ("P5", "A6")], name


def test_france_s_participations_under_a_project_filter_and_an_actor_type(tiny):
    """All France, a stage and an actor type (the lead's type for the projects): fm
    holds every participation in the projects, not only the type's."""
    store, ref = tiny
    # experimentation projects led by an association: P1 (A1); P5's lead A5 is a
    # local authority. P1's participants: A1 (lead), A3 (company), A4 (research)
    view = View(store, ref, Filters(stages=("experimentation",), actor_types=("association",)))
    rows = view.query("SELECT project_id, actor_id FROM fm ORDER BY actor_id")
    assert list(zip(rows.project_id, rows.actor_id)) == [("P1", "A1"), ("P1", "A3"), ("P1", "A4")]
    assert list(view.query("SELECT actor_id FROM fa").actor_id) == ["A1"]
    # fma: the participations of the view's actors only
    rows = view.query("SELECT project_id, actor_id FROM fma")
    assert list(zip(rows.project_id, rows.actor_id)) == [("P1", "A1")]
    # a domain: experimentation projects of poverty: P1 (poverty;food), not P5
    # (employment); actors of poverty: A1 and A7 (no experimentation project)
    view = View(store, ref, Filters(stages=("experimentation",), domains=("poverty",)))
    rows = view.query("SELECT project_id, actor_id FROM fm ORDER BY actor_id")
    assert list(zip(rows.project_id, rows.actor_id)) == [("P1", "A1"), ("P1", "A3"), ("P1", "A4")]
    rows = view.query("SELECT project_id, actor_id FROM fma")
    assert list(zip(rows.project_id, rows.actor_id)) == [("P1", "A1")]


@pytest.fixture
def history(store):
    from tests.fixtures_time import history as data
    store.create("history", data())
    return store, store.ref("history")


def test_france_as_of_a_year_copies_no_project(history):
    """All France as of a year with no other filter: the projects are read in place as
    they were then (stage, active flag, fundings cumulated to the year); only each
    project's fundings up to the year are materialised. Copying every project started
    by the year made each later year of the Carte's play slower (docs/performance.md,
    "Time"). By hand (tests/fixtures_time.py): Q1 started 2015, still at emergence
    (experimentation 2017), F1 1,000 € (2015) + F2 3,000 € (2016) public; Q3 started
    2012, diffusion 2014, evaluation 2016, ends 2016, F3 2,000 € private (2015); Q2
    starts 2018, Q4 has no start year."""
    store, ref = history
    body = ("SELECT project_id, stage, active, funding_total, funding_public, "
            "funding_private FROM fp ORDER BY project_id")

    def rows(year):
        got = View(store, ref, Filters(as_of=year)).query(body)
        return [(r.project_id, r.stage, bool(r.active), r.funding_total, r.funding_public,
                 r.funding_private) for r in got.itertuples(index=False)]

    assert rows(2016) == [("Q1", "emergence", True, 4000.0, 4000.0, 0.0),
                          ("Q3", "evaluation", True, 2000.0, 0.0, 2000.0)]
    assert rows(2015) == [("Q1", "emergence", True, 1000.0, 1000.0, 0.0),
                          ("Q3", "diffusion", True, 2000.0, 0.0, 2000.0)]
    assert rows(2017) == [("Q1", "experimentation", True, 4000.0, 4000.0, 0.0),
                          ("Q3", "evaluation", False, 2000.0, 0.0, 2000.0)]
    assert [t.rsplit("_", 1)[1] for t in cached_tables(store)] == ["fy", "fy", "fy"]


def test_as_of_a_year_the_view_s_actors_were_active_then_and_today_s_flag_otherwise(history):
    """tests/fixtures_time.history(): H2 (2015-2018) and H4 (2012-2020) are closed
    today (active false) but were active in 2016; H1 (2010-) too. H3 (2018), H5 (no
    creation year) and H6 (closed at an unknown date) are not of 2016."""
    store, ref = history
    body = "SELECT actor_id, active FROM fa ORDER BY actor_id"

    def actors(view_or_sql):
        if isinstance(view_or_sql, View):
            df = view_or_sql.query(body)
        else:
            df = store.query(view_or_sql.text, view_or_sql.params)
        return [(r.actor_id, None if pd.isna(r.active) else bool(r.active))
                for r in df.itertuples(index=False)]

    as_of = [("H1", True), ("H2", True), ("H4", True)]
    # the year alone: the actors read in place (actors_in_place)
    assert actors(View(store, ref, Filters(as_of=2016))) == as_of
    # read in place too with a territory: those of Loire-Atlantique (H4 is in Marseille)
    assert actors(View(store, ref, Filters(as_of=2016, territory="departement:44"))) == as_of[:2]
    # with an actor type: the actors' table made by view_statements; all three are
    # associations
    assert actors(View(store, ref, Filters(as_of=2016, actor_types=("association",)))) == as_of
    # the read-only fallback, computed in the query
    assert actors(scoped(ref, Filters(as_of=2016), body)) == as_of
    # with a project filter over all France (fm materialised, actors inline): running in
    # 2016 and started by then, Q1 (2015-, lead H1) and Q3 (2012-2016, lead H4)
    assert actors(View(store, ref, Filters(as_of=2016, year_min=2016))) == [
        ("H1", True), ("H4", True)]
    # today, the stored flag: the closed associations H2 and H4 (inline, all France),
    # and in the Bouches-du-Rhône H4 and H6 (a territory's table)
    closed = "SELECT actor_id FROM fa WHERE NOT active ORDER BY actor_id"
    assert list(View(store, ref, Filters(actor_types=("association",))).query(closed).actor_id) \
        == ["H2", "H4"]
    assert list(View(store, ref, Filters(territory="departement:13")).query(closed).actor_id) \
        == ["H4", "H6"]


def test_a_domain_outside_the_vocabulary_over_all_france(tiny):
    """A domain code outside the vocabulary has no bit: the lists are tested. Over all
    France the sets stay predicates (nothing copied), but with a project-side filter
    the participations cannot be a column test (they carry no list): fm is made from
    the projects (members_statement)."""
    store, ref = tiny
    f = Filters(domains=("food", "not_a_domain"))
    view = View(store, ref, f)
    # food: the actor A2, the projects P1 (poverty;food) and P2
    assert list(view.query("SELECT actor_id FROM fa").actor_id) == ["A2"]
    assert list(view.query("SELECT project_id FROM fp ORDER BY 1").project_id) == ["P1", "P2"]
    assert cached_tables(store) == []
    # at the emergence stage: P2 (lead A2, partner A1); of its participants, A2 is food
    view = View(store, ref, f.with_(stages=("emergence",)))
    rows = view.query("SELECT project_id, actor_id FROM fm ORDER BY actor_id")
    assert list(zip(rows.project_id, rows.actor_id)) == [("P2", "A1"), ("P2", "A2")]
    assert list(view.query("SELECT actor_id FROM fa").actor_id) == ["A2"]
    assert [t.rsplit("_", 1)[1] for t in cached_tables(store)] == ["fm"]


def test_a_territory_s_cached_sets_give_the_participations_of_its_actors(tiny):
    store, ref = tiny
    # Loire-Atlantique: P1 (lead A1, partners A3, A4) and P2 (lead A2, partner A1)
    got = View(store, ref, Filters(territory="departement:44")).query(FMA).iloc[0, 0]
    assert got == "P1:A1,P1:A3,P1:A4,P2:A1,P2:A2"


def test_as_of_a_year_a_stage_filter_tests_the_stage_the_project_had_reached(history):
    """tests/fixtures_time.history(), stages as of a year (docs/time.md): Q1 (diffusion
    today) started 2015, experimentation 2017, diffusion 2019; Q2 experimentation from
    its start in 2018; Q3 (evaluation today) experimentation 2013, diffusion 2014,
    evaluation 2016. In 2018 Q1 and Q2 were in experimentation and none in diffusion;
    in 2015 Q3 was in diffusion. Leads: Q1 H1 (44), Q2 H3 (44), Q3 H4 (13)."""
    store, ref = history
    body = "SELECT project_id, stage FROM fp ORDER BY project_id"

    def projects(f, territory=None):
        f = f if territory is None else f.with_(territory=territory)
        return [tuple(r) for r in View(store, ref, f).query(body).itertuples(index=False)]

    exp18 = Filters(stages=("experimentation",), as_of=2018)
    assert projects(exp18) == [("Q1", "experimentation"), ("Q2", "experimentation")]
    assert list(View(store, ref, exp18).query("SELECT actor_id FROM fa ORDER BY 1").actor_id) \
        == ["H1", "H3"]
    assert projects(exp18, "departement:44") == [("Q1", "experimentation"),
                                                ("Q2", "experimentation")]
    sql = scoped(ref, exp18, body)
    assert [tuple(r) for r in store.query(sql.text, sql.params).itertuples(index=False)] == [
        ("Q1", "experimentation"), ("Q2", "experimentation")]
    assert projects(Filters(stages=("diffusion",), as_of=2018)) == []
    assert projects(Filters(stages=("diffusion",), as_of=2015)) == [("Q3", "diffusion")]
    assert projects(Filters(stages=("diffusion",), as_of=2015), "departement:13") == [
        ("Q3", "diffusion")]
    # today the stored stage
    assert projects(Filters(stages=("diffusion",))) == [("Q1", "diffusion")]
