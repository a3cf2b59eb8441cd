"""The ecosystem as of a year and time series (issue 14), on tests/fixtures_time.history():
every expected value below is worked out by hand from the table in that module."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ecosystem.analysis import indicators as ind
from ecosystem.analysis import timeline
from ecosystem.analysis.view import Filters, View
from tests.fixtures_time import history

YEARS = [2014, 2015, 2016, 2017, 2018, 2019, 2020]


@pytest.fixture
def hstore(store):
    store.create("history", history())
    return store


@pytest.fixture
def view(hstore):
    return View(hstore, hstore.ref("history"))


def by_year(df, code):
    rows = df[df.code == code]
    return dict(zip(rows.year, rows.value))


def left_out(df, code):
    return set(df[df.code == code].left_out)


def test_actor_counts_through_time_per_departement(view):
    df = timeline.series(view, "actors", YEARS, "departement", ["44", "13"])
    # 44: H1 from 2010; H2 2015–2017 (closed 2018); H3 from 2018
    assert by_year(df, "44") == {2014: 1, 2015: 2, 2016: 2, 2017: 2, 2018: 2, 2019: 2, 2020: 2}
    # 13: H4 2012–2019 (closed 2020); H5 has no creation year, H6 closed at an unknown date
    assert by_year(df, "13") == {2014: 1, 2015: 1, 2016: 1, 2017: 1, 2018: 1, 2019: 1, 2020: 0}
    assert left_out(df, "44") == {0} and left_out(df, "13") == {2}
    assert len(df) == 14


def test_france_series_and_left_out(view):
    df = timeline.series(view, "actors", YEARS)
    assert by_year(df, "FR") == {2014: 2, 2015: 3, 2016: 3, 2017: 3, 2018: 3, 2019: 3, 2020: 2}
    assert left_out(df, "FR") == {2}
    df = timeline.series(view, "projects", YEARS)
    # Q3 from 2012, Q1 from 2015, Q2 from 2018; Q4 has no start year
    assert by_year(df, "FR") == {2014: 1, 2015: 2, 2016: 2, 2017: 2, 2018: 3, 2019: 3, 2020: 3}
    assert left_out(df, "FR") == {1}


def test_projects_reaching_diffusion_per_year(view):
    df = timeline.series(view, "projects_reaching_diffusion", YEARS)
    # Q3 reached diffusion in 2014, Q1 in 2019
    assert by_year(df, "FR") == {2014: 1, 2015: 0, 2016: 0, 2017: 0, 2018: 0, 2019: 1, 2020: 0}


def test_stage_as_of_a_year(view):
    df = timeline.series(view, "projects_diffusion_per_100k", [2014, 2016, 2019], "commune",
                         ["13055", "44109"])
    marseille, nantes = 886_040, 327_734  # legal populations (tests/fixtures.py)
    # Q3: diffusion in 2014 and 2015, evaluation from 2016; Q1: diffusion from 2019
    assert by_year(df, "13055") == pytest.approx({2014: 1e5 / marseille, 2016: 0, 2019: 0})
    assert by_year(df, "44109") == pytest.approx({2014: 0, 2016: 0, 2019: 1e5 / nantes})
    # experimentation counts: Q3 in 2013 only; Q1 in 2017 and 2018; Q2 from its start (2018)
    exp = timeline.series(view, "projects_experimentation_per_100k", [2013, 2017, 2018],
                          "departement", ["44", "13"])
    assert by_year(exp, "13")[2013] > 0 and by_year(exp, "13")[2017] == 0
    pop44 = view.store.scalar("SELECT population FROM geo_territories WHERE level = "
                              "'departement' AND code = '44'")
    assert by_year(exp, "44") == pytest.approx({2013: 0, 2017: 1e5 / pop44, 2018: 2e5 / pop44})


def test_active_projects_as_of(view):
    df = timeline.series(view, "active_projects", [2014, 2016, 2017, 2018])
    # Q3 active until its end (2016); Q1 active, no end; Q2 from 2018
    assert by_year(df, "FR") == {2014: 1, 2016: 2, 2017: 1, 2018: 2}


def test_funding_cumulated_and_growth(view):
    df = timeline.series(view, "funding_total", [2014, 2015, 2016, 2017, 2018])
    assert by_year(df, "FR") == {2014: 0, 2015: 3000, 2016: 6000, 2017: 6000, 2018: 10000}
    assert left_out(df, "FR") == {1}  # F4 has no year
    growth = by_year(timeline.series(view, "funding_growth", [2015, 2016, 2017, 2018]), "FR")
    # 2015: nothing in 2014 → undefined; 2016: 3,000 after 3,000; 2017: 0 after 3,000
    assert math.isnan(growth[2015]) and math.isnan(growth[2018])
    assert growth[2016] == 0 and growth[2017] == -1


def test_new_actors_per_10k(view):
    df = timeline.series(view, "new_actors_per_10k", [2012, 2015, 2016, 2018], "departement",
                         ["44", "13"])
    pops = dict(view.store.query("SELECT code, population FROM geo_territories WHERE level = "
                                 "'departement' AND code IN ('44', '13')").values)
    assert by_year(df, "44") == pytest.approx({2012: 0, 2015: 1e4 / pops["44"], 2016: 0,
                                               2018: 1e4 / pops["44"]})
    assert by_year(df, "13") == pytest.approx({2012: 1e4 / pops["13"], 2015: 0, 2016: 0, 2018: 0})


def test_view_as_of_a_year(view):
    v = view.with_(as_of=2017, level="departement")
    df = ind.compute(v, "departement", ["actors", "projects", "funding_total"]).set_index("code")
    assert df.loc["44", "actors"] == 2 and df.loc["13", "actors"] == 1
    assert df.loc["44", "projects"] == 1 and df.loc["13", "projects"] == 1
    assert df.loc["44", "funding_total"] == 4000 and df.loc["13", "funding_total"] == 2000
    fr = ind.national(v, ["actors", "projects", "projects_evaluation_per_100k"])
    assert fr["actors"] == 3 and fr["n_experimentation"] == 1 and fr["n_evaluation"] == 1
    assert fr["n_diffusion"] == 0 and fr["n_emergence"] == 0
    # the same view on a territory: its sets are cut from the national as-of sets
    t = view.with_(as_of=2014, territory="departement:13")
    assert t.query("SELECT count(*) AS n FROM fa").n[0] == 1  # H4 only
    assert t.query("SELECT stage FROM fp").stage.tolist() == ["diffusion"]
    # and now: no as-of year, every actor of 13 (H4 closed is still listed as an actor)
    assert view.with_(territory="departement:13").query("SELECT count(*) AS n FROM fa").n[0] == 3


def test_series_agrees_with_the_as_of_view(view):
    df = timeline.series(view, "funding_per_inhabitant", [2016], "departement", ["44"])
    one = ind.compute(view.with_(as_of=2016), "departement", ["funding_per_inhabitant"],
                      within=("departement", "44"))
    assert df.value.iloc[0] == pytest.approx(one.funding_per_inhabitant.iloc[0])


def test_as_of_url_round_trip():
    f = Filters(level="departement", as_of=2017)
    assert f.to_params() == {"level": "departement", "asof": "2017"}
    assert Filters.from_params(f.to_params()) == f
    assert Filters.from_params({"asof": "deux mille"}).as_of is None
    assert not Filters(as_of=2017).is_default and not Filters(as_of=2017).has_project_filter


def test_undated_indicator_refused(view):
    with pytest.raises(ValueError):
        timeline.series(view, "net_density", [2020])
    with pytest.raises(ValueError):
        timeline.series(view, "actors", [2020], "departement", ["44'; DROP TABLE x; --"])


def test_older_store_gains_the_new_columns(tmp_path, geo):
    from ecosystem.storage.store import Store

    s = Store(tmp_path / "old.duckdb", geo=geo)
    s.create("old", history())
    ref = s.ref("old")
    with s.transaction() as con:
        con.execute(f"ALTER TABLE {ref.table('actors')} DROP COLUMN closing_year")
        con.execute(f"ALTER TABLE {ref.table('projects')} DROP COLUMN diffusion_year")
    s.close()
    s = Store(tmp_path / "old.duckdb", geo=geo)
    ref = s.ref("old")
    assert s.query(f"SELECT count(closing_year) AS n FROM {ref.derived('d_actors')}").n[0] == 0
    df = timeline.series(View(s, ref), "actors", [2019])
    # closing years lost: H2 and H4 are closed at an unknown date now, left out with H5, H6
    assert by_year(df, "FR") == {2019: 2} and left_out(df, "FR") == {4}
    s.close()


def test_postgres_server_gains_the_new_columns(pg_url, geo, tmp_path):
    """A PostgreSQL server written before closing_year existed gets the column."""
    import psycopg

    from ecosystem.storage.postgres import PostgresStore

    s = PostgresStore(pg_url, mirror=tmp_path / "m1.duckdb", geo=geo)
    s.create("history", history())
    s.close()
    with psycopg.connect(pg_url, autocommit=True) as pg:
        pg.execute("ALTER TABLE eco_actors DROP COLUMN closing_year")
    s = PostgresStore(pg_url, mirror=tmp_path / "m2.duckdb", geo=geo)
    with psycopg.connect(pg_url, autocommit=True) as pg:
        cols = {r[0] for r in pg.execute("SELECT column_name FROM information_schema.columns "
                                         "WHERE table_name = 'eco_actors'").fetchall()}
    assert "closing_year" in cols
    s.close()


FAST = [i for i in ind.DATED if all(c in timeline._INTERVALS
                                    for c in timeline._columns(ind.INDICATORS[i].expr))]


def test_the_interval_path_covers_the_headline_indicators():
    assert set(ind.EVOLUTION_IDS) <= set(FAST) and "actors" in FAST
    assert "actor_types" not in FAST and "domain_diversity" not in FAST


@pytest.mark.parametrize("indicator", FAST)
def test_interval_path_agrees_with_the_expansion(view, indicator):
    """Both ways of computing a series give the same values on the hand-made histories
    (the expansion runs the registry's own aggregates)."""
    years = list(range(2011, 2022))
    for level, codes in ((None, None), ("departement", ["44", "13"]), ("region", None),
                         ("commune", ["44109", "44162", "13055"])):
        fast = timeline.series(view, indicator, years, level, codes)
        slow = timeline.series(view, indicator, years, level, codes, fast=False)
        assert len(fast) == len(slow) > 0
        assert fast.code.tolist() == slow.code.tolist()
        assert fast.left_out.tolist() == slow.left_out.tolist()
        pd.testing.assert_series_equal(fast.value.astype(float), slow.value.astype(float),
                                       check_exact=False)
