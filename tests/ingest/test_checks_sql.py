"""ingest.checks piece by piece, on DuckDB tables of a few rows (milliseconds each).

These are the fast tests the mutation run of checks.py starts with (scripts/mutation.sh
checks): every expected value below is worked out by hand from the model's rules
(actors: siren 9 digits with a Luhn key, creation_year 1800-2100, employees >= 0, ...).
"""

import json

import duckdb
import pytest

from ecosystem import model
from ecosystem.ingest import checks


def col(table: str, name: str) -> model.Col:
    return next(c for c in model.TABLES[table].columns if c.name == name)


# --- params, typed, flag ---------------------------------------------------------------

def test_params_are_sorted_pairs_in_json():
    assert checks.params() == "[]"
    assert checks.params(bound="0", a=1) == '[["a", 1], ["bound", "0"]]'


def test_typed_casts_by_kind():
    assert checks.typed(col("actors", "name"), "x") == "x"
    assert checks.typed(col("actors", "domains"), "x") == "x"
    assert checks.typed(col("actors", "volunteers"), "x") == "TRY_CAST(x AS INTEGER)"
    assert checks.typed(col("actors", "employees"), "x") == "TRY_CAST(x AS DOUBLE)"
    assert checks.typed(col("actors", "active"), "x") == "TRY_CAST(x AS BOOLEAN)"


def test_flag_names_the_column_and_the_check():
    assert checks.flag("siret", "pattern") == '"_ok_siret__pattern"'


# --- valid_sql: the rules of a column, evaluated on values ------------------------------

def holds(con, cond: str, value) -> bool | None:
    return con.execute(f"SELECT {cond} FROM (SELECT CAST(? AS VARCHAR) AS v)", [value]).fetchone()[0]


@pytest.fixture
def ncon():
    from ecosystem.ingest import normalise
    c = normalise.connect()
    yield c
    normalise.close(c)


def test_valid_sql_lists_each_rule_of_a_column():
    assert [c for c, _, _ in checks.valid_sql(col("actors", "name"), "v")] == []
    assert [c for c, _, _ in checks.valid_sql(col("actors", "siret"), "v")] == ["placeholder", "siret"]
    assert [c for c, _, _ in checks.valid_sql(col("actors", "siren"), "v")] == ["placeholder", "siren"]
    assert [c for c, _, _ in checks.valid_sql(col("actors", "rna_id"), "v")] == ["placeholder", "pattern"]
    assert [c for c, _, _ in checks.valid_sql(col("actors", "postal_code"), "v")] == ["pattern"]
    # commune_code is placed by geocoding: its pattern is not a check here
    assert [c for c, _, _ in checks.valid_sql(col("actors", "commune_code"), "v")] == []
    rules = checks.valid_sql(col("actors", "creation_year"), "v")
    assert [(c, p) for c, _, p in rules] == [("min", '[["bound", "1800"]]'), ("max", '[["bound", "2100"]]')]
    assert [(c, p) for c, _, p in checks.valid_sql(col("actors", "employees"), "v")] == \
        [("min", '[["bound", "0"]]')]


def test_valid_sql_conditions_hold_for_good_values_only(ncon):
    rules = {c: cond for c, cond, _ in checks.valid_sql(col("actors", "creation_year"), "v")}
    assert holds(ncon, rules["min"], "1800") is True
    assert holds(ncon, rules["min"], "1799") is False
    assert holds(ncon, rules["max"], "2100") is True
    assert holds(ncon, rules["max"], "2101") is False
    pat = dict((c, cond) for c, cond, _ in checks.valid_sql(col("actors", "postal_code"), "v"))["pattern"]
    assert holds(ncon, pat, "29200") is True
    assert holds(ncon, pat, "292001") is False  # the whole value, not a part of it
    assert holds(ncon, pat, "2920") is False
    rna = {c: cond for c, cond, _ in checks.valid_sql(col("actors", "rna_id"), "v")}
    # "W291000001" or "123A45": an alternation wrapped so both sides are anchored
    assert holds(ncon, rna["pattern"], "W291000001") is True
    assert holds(ncon, rna["pattern"], "W291000001X") is False
    assert holds(ncon, rna["placeholder"], "W291000001") is True
    assert holds(ncon, rna["placeholder"], "W000000000") is False
    siren = {c: cond for c, cond, _ in checks.valid_sql(col("actors", "siren"), "v")}
    assert holds(ncon, siren["siren"], "732829320") is True   # Luhn: 7+6+2+7+2+9+3+4+0 = 40
    assert holds(ncon, siren["siren"], "732829321") is False
