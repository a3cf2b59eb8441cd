"""ingest.checks piece by piece, on DuckDB tables of a few rows (milliseconds each).

These are the fast tests the mutation run of checks.py starts with (scripts/mutation.sh
checks): every expected value below is worked out by hand from the model's rules
(actors: siren 9 digits with a Luhn key, creation_year 1800-2100, employees >= 0, ...).
"""

from types import SimpleNamespace

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


# --- _fold: continuation rows merged into the record above --------------------------------

def test_fold_merges_lists_text_and_values_into_the_record_above():
    con = duckdb.connect()
    con.execute("""CREATE TABLE chk (_row BIGINT, name VARCHAR, domains VARCHAR[], address VARCHAR,
        city VARCHAR, geo_method VARCHAR, _issues BIGINT)""")
    con.execute("""INSERT INTO chk VALUES
        (2, 'Jardins', ['food'], '1 rue A', NULL, 'none', 0),
        (3, NULL, ['food', 'culture'], 'Bâtiment B', 'Nantes', 'commune_code', 4),
        (4, NULL, ['health'], '1 rue A', 'Rezé', 'postal_code', 0),
        (5, 'Épicerie', NULL, NULL, 'Brest', 'postal_code', 0),
        (6, NULL, NULL, NULL, NULL, 'commune_code', 0)""")
    con.execute("CREATE TABLE pairs AS SELECT * FROM (VALUES (3, 2), (4, 2), (6, 5)) t(_row, target)")
    checks._fold(con, "chk", "pairs")
    got = con.execute("SELECT * FROM chk WHERE _row IN (2, 5) ORDER BY _row").fetchall()
    # lists united in row order without repeats; address lines joined, a repeat dropped;
    # an empty value filled by the first continuation row; geo_method 'none' is no method
    # (the continuation row's method is taken), a real one is kept; _issues untouched
    assert got == [(2, "Jardins", ["food", "culture", "health"], "1 rue A\nBâtiment B", "Nantes",
                    "commune_code", 0),
                   (5, "Épicerie", None, None, "Brest", "postal_code", 0)]
    # the folded temporary table is dropped
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'chk__folded'"
                       ).fetchone()[0] == 0


# --- _action, flags -----------------------------------------------------------------------

def test_action_by_column():
    mapping = SimpleNamespace(defaults={"actor_type": "association"})
    assert checks._action(col("actors", "actor_type"), mapping) == "default"   # required, defaulted
    assert checks._action(col("actors", "name"), mapping) == "excluded"        # required
    assert checks._action(col("actors", "siret"), mapping) == "cleared"        # optional


def test_flags_evaluate_each_rule_once_per_mapped_column(ncon):
    # actor_id (the first column) is not mapped: the columns after it still are
    mapping = SimpleNamespace(table="actors")
    out = checks.flags(mapping, {"name": "column", "postal_code": "column", "employees": "column"})
    ncon.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('A', '29200', '3'), ('B', '2920', '-1'),"
                 " ('C', NULL, NULL)) v(name, postal_code, employees)")
    got = ncon.execute(f"SELECT {', '.join(out)} FROM t j").df()
    # name has no rule; a missing value fails its check (coalesce to FALSE)
    assert got.columns.tolist() == ["_ok_postal_code__pattern", "_ok_employees__min"]
    assert got.values.tolist() == [[True, True], [False, False], [False, False]]
    assert checks.flags(mapping, {}) == []


# --- strip_controls ------------------------------------------------------------------------

def test_each_text_column_with_controls_is_cleaned_after_a_clean_one():
    con = duckdb.connect()
    con.execute("CREATE TABLE r (_row BIGINT, a VARCHAR, b VARCHAR, c VARCHAR)")
    con.execute("INSERT INTO r VALUES (2, 'propre', 'x' || chr(0) || 'y' || chr(27), 'ok'),"
                " (3, 'net', 'z', 'k' || chr(8203) || 'o')")
    out = checks.strip_controls(con, "r", "_row")
    assert con.execute("SELECT a, b, c FROM r ORDER BY _row").fetchall() == [("propre", "xy", "ok"),
                                                                             ("net", "z", "ko")]
    # one line per cell: row, the file's column, value cleaned, characters removed
    assert con.execute(f'SELECT _row, "column", value, "check", params, action FROM {out} '
                       "ORDER BY _row").fetchall() == [
        (2, "b", "xy", "controls", '[["count", 2]]', "cleaned"),
        (3, "c", "ko", "controls", '[["count", 1]]', "cleaned")]


# --- continuation ----------------------------------------------------------------------

def rules(*targets):
    return {t: SimpleNamespace(columns=[t.title()]) for t in targets}


#: targets and how they are read; "name" first (the loop over the others goes on past
#: it), two name columns, "source" a constant (not from the file)
HOWS = {"name": "name", "leader_name": "name", "actor_id": "text", "siret": "siret",
        "city": "text", "address": "text", "source": "constant"}
MAPPING = SimpleNamespace(table="actors", rules=rules("name", "leader_name", "actor_id", "siret",
                                                      "city", "address"))


def continuation_table(con):
    """Rows: 2 an address before any named record (stays); 3 Jardins; 4 a city only and
    5 an unknown city only (continuation rows of 3); 6 a record named by its leader;
    7 nothing from the file (the constant source only: not a continuation row);
    8 an address only (continuation row of 6)."""
    con.execute("""CREATE TABLE chk (_row BIGINT, name VARCHAR, leader_name VARCHAR,
        actor_id VARCHAR, siret VARCHAR, city VARCHAR, _bad_city VARCHAR, address VARCHAR,
        source VARCHAR, _issues BIGINT)""")
    con.execute("""INSERT INTO chk VALUES
        (2, NULL, NULL, NULL, NULL, NULL, NULL, 'orpheline', 'f', 0),
        (3, 'Jardins', NULL, 'J1', NULL, NULL, NULL, 'rue A', 'f', 0),
        (4, NULL, NULL, NULL, NULL, 'Nantes', NULL, NULL, 'f', 0),
        (5, NULL, NULL, NULL, NULL, NULL, 'Nantess', NULL, 'f', 1),
        (6, NULL, 'Marie', NULL, NULL, NULL, NULL, NULL, 'f', 0),
        (7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'f', 0),
        (8, NULL, NULL, NULL, NULL, NULL, NULL, 'Bât B', 'f', 0)""")


def test_continuation_rows_excluded_and_listed():
    con = duckdb.connect()
    continuation_table(con)
    assert checks.continuation(con, "chk", MAPPING, HOWS, "exclude") == 3
    assert con.execute("SELECT * FROM chk__cont ORDER BY _row").fetchall() == [
        (4, "name", None, "continuation", '[["above", 3]]', "excluded"),
        (5, "name", None, "continuation", '[["above", 3]]', "excluded"),
        (8, "name", None, "continuation", '[["above", 6]]', "excluded")]
    # removed, and nothing merged into the records above
    assert con.execute("SELECT _row, city, address FROM chk ORDER BY _row").fetchall() == [
        (2, None, "orpheline"), (3, None, "rue A"), (6, None, None), (7, None, None)]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'chk__pairs'"
                       ).fetchone()[0] == 0


def test_continuation_rows_folded():
    con = duckdb.connect()
    continuation_table(con)
    assert checks.continuation(con, "chk", MAPPING, HOWS, "fold") == 3
    assert [r[-1] for r in con.execute("SELECT * FROM chk__cont").fetchall()] == ["folded"] * 3
    assert con.execute("SELECT _row, city, _bad_city, address FROM chk ORDER BY _row").fetchall() == [
        (2, None, None, "orpheline"), (3, "Nantes", "Nantess", "rue A"), (6, None, None, "Bât B"),
        (7, None, None, None)]


def test_no_continuation_rows_cost_nothing_and_count_zero():
    con = duckdb.connect()
    continuation_table(con)
    con.execute("DELETE FROM chk WHERE _row IN (4, 5, 8)")
    assert checks.continuation(con, "chk", MAPPING, HOWS, "exclude") == 0
    # no name column, or nothing but names and keys: no continuation row can be told
    no_name = {k: ("text" if v == "name" else v) for k, v in HOWS.items()}
    assert checks.continuation(con, "chk", MAPPING, no_name, "exclude") == 0
    keys_only = {"name": "name", "actor_id": "text"}
    assert checks.continuation(con, "chk", MAPPING, keys_only, "exclude") == 0
    assert con.execute("SELECT count(*) FROM chk__cont").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM chk").fetchone()[0] == 4  # 7 rows less 4, 5, 8
    with pytest.raises(ValueError, match="^merge$"):  # the message names the unknown mode
        checks.continuation(con, "chk", MAPPING, HOWS, "merge")


# --- plan: every check of a mapping, with its bit ----------------------------------------

def checks_of(mapping, hows):
    return [(c.bit, c.column, c.check, c.cond, c.value, c.params, c.action)
            for c in checks.plan(mapping, hows)]


def test_plan_lists_each_check_in_column_order():
    from ecosystem.ingest.mapping import Mapping, Rule

    read = ["actor_id", "name", "actor_type", "domains", "siret", "lat", "creation_year",
            "employees", "volunteers"]
    mapping = Mapping("actors", rules={t: Rule(source=t.upper()) for t in read},
                      defaults={"actor_type": "association"})
    hows = {"actor_id": "text", "name": "name", "actor_type": "vocab", "domains": "domains",
            "siret": "text", "lat": "number", "creation_year": "year", "employees": "number",
            "volunteers": "staff_band"}
    assert checks_of(mapping, hows) == [
        (0, "actor_id", "required", 'j."actor_id" IS NULL', "none", "[]", "excluded"),
        (1, "name", "required", 'j."name" IS NULL', "none", "[]", "excluded"),
        # required but defaulted: no "required" check; an empty cell takes the default and
        # is said (ingest finding b), an unknown code takes it too
        (2, "actor_type", "defaulted", 'j."_k_actor_type" IS NULL', "none",
         '[["default", "association"], ["vocabulary", "actor_type"]]', "default"),
        (3, "actor_type", "vocabulary", 'j."_bad_actor_type" IS NOT NULL', "bad",
         '[["vocabulary", "actor_type"]]', "default"),
        (4, "domains", "vocabulary", 'j."_bad_domains" IS NOT NULL', "bad",
         '[["vocabulary", "domain"]]', "cleared"),
        # a placeholder is reported as one; the SIRET key only for values that are not one
        (5, "siret", "placeholder", 'j."siret" IS NOT NULL AND NOT j."_ok_siret__placeholder"',
         "raw", "[]", "cleared"),
        (6, "siret", "siret", 'j."siret" IS NOT NULL AND NOT j."_ok_siret__siret"'
         ' AND j."_ok_siret__placeholder"', "raw", "[]", "cleared"),
        # lat is placed by geocoding: no check here
        (7, "creation_year", "min", 'j."creation_year" IS NOT NULL AND NOT j."_ok_creation_year__min"',
         "raw", '[["bound", "1800"]]', "cleared"),
        (8, "creation_year", "max", 'j."creation_year" IS NOT NULL AND NOT j."_ok_creation_year__max"',
         "raw", '[["bound", "2100"]]', "cleared"),
        (9, "creation_year", "type", 'j."_c_creation_year" IS NOT NULL AND j."creation_year" IS NULL',
         "raw", '[["kind", "int"]]', "cleared"),
        (10, "employees", "min", 'j."employees" IS NOT NULL AND NOT j."_ok_employees__min"',
         "raw", '[["bound", "0"]]', "cleared"),
        (11, "employees", "type", 'j."_c_employees" IS NOT NULL AND j."employees" IS NULL',
         "raw", '[["kind", "float"]]', "cleared"),
        # a lookup without vocabulary (a staff band): its failure is a wrong type
        (12, "volunteers", "type", 'j."_bad_volunteers" IS NOT NULL', "bad", '[["kind", "int"]]',
         "cleared"),
        (13, "volunteers", "min", 'j."volunteers" IS NOT NULL AND NOT j."_ok_volunteers__min"',
         "raw", '[["bound", "0"]]', "cleared"),
        # source is required even when no column of the file gives it
        (14, "source", "required", 'j."source" IS NULL', "none", "[]", "excluded"),
    ]


def test_plan_without_default_and_for_projects():
    from ecosystem.ingest.mapping import Mapping, Rule

    # no default: the type is required (missing and not an unknown code), unknown excludes
    mapping = Mapping("actors", rules={"actor_type": Rule(source="T")})
    assert checks_of(mapping, {"actor_type": "vocab"})[2:4] == [
        (2, "actor_type", "required", 'j."actor_type" IS NULL AND j."_bad_actor_type" IS NULL',
         "none", "[]", "excluded"),
        (3, "actor_type", "vocabulary", 'j."_bad_actor_type" IS NOT NULL', "bad",
         '[["vocabulary", "actor_type"]]', "excluded")]
    # a computed value (no column of the file): no "type" check; another alias
    plain = Mapping("actors", rules={"employees": Rule(constant="3")})
    assert [c.check for c in checks.plan(plain, {"employees": "number"}, alias="k")
            if c.column == "employees"] == ["min"]
    assert checks.plan(plain, {"employees": "number"}, alias="k")[3].cond == \
        'k."employees" IS NOT NULL AND NOT k."_ok_employees__min"'
    # projects: an end before the start is cleared
    projects = Mapping("projects", rules={"start_year": Rule(source="D"), "end_year": Rule(source="F")})
    last = checks_of(projects, {"start_year": "year", "end_year": "year"})[-1]
    assert last[1:] == ("end_year", "end_before_start",
                        "TRY_CAST(j.end_year AS INTEGER) < TRY_CAST(j.start_year AS INTEGER)",
                        "raw", "[]", "cleared")
    only_end = checks_of(projects, {"end_year": "year"})
    assert "end_before_start" not in [c[2] for c in only_end]


# --- final_columns: the checked table's values -------------------------------------------

def test_final_columns_clear_type_default_and_place(ncon):
    from ecosystem.ingest.mapping import Mapping

    mapping = Mapping("actors", defaults={"actor_type": "association", "city": "Nantes"})
    hows = {t: "text" for t in ("actor_id", "name", "actor_type", "domains", "siren", "siret",
                                "creation_year", "employees", "lat", "lon", "commune_code")}
    ncon.execute("""CREATE TABLE j AS SELECT * FROM (VALUES
        ('A1', 'Un', NULL, 'food;culture', NULL, '73282932000074', '2001', '2.5', '47.2', '-1.55',
         '44109', FALSE, FALSE, TRUE, TRUE, TRUE, TRUE, TRUE),
        ('A2', 'Deux', 'company', '', NULL, '732829320', '1700', '-1', '95', '0', '29019',
         FALSE, FALSE, TRUE, FALSE, FALSE, TRUE, FALSE),
        ('A3', 'Trois', 'company', NULL, NULL, NULL, NULL, NULL, '43.3', '5.37', '99999',
         FALSE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE))
        v(actor_id, name, actor_type, domains, siren, siret, creation_year, employees, lat, lon,
          commune_code, _ok_siren__placeholder, _ok_siren__siren, _ok_siret__placeholder,
          _ok_siret__siret, _ok_creation_year__min, _ok_creation_year__max, _ok_employees__min)""")
    ncon.execute("CREATE TABLE gc AS SELECT * FROM (VALUES ('44109', 47.21, -1.55), "
                 "('29019', 48.39, -4.49)) v(code, lat, lon)")
    cols = checks.final_columns(mapping, hows, "j", place=True)
    cur = ncon.execute(f"SELECT {', '.join(cols)} FROM j LEFT JOIN gc ON gc.code = j.commune_code "
                       "ORDER BY actor_id")
    names = [d[0] for d in cur.description]
    assert names == [c.name for c in model.TABLES["actors"].columns]
    one, two, three = (SimpleNamespace(**dict(zip(names, row))) for row in cur.fetchall())
    # A1: the default type, a list of codes, typed values, the file's point kept, placed
    assert (one.actor_type, list(one.domains), one.siret, one.siren) == \
        ("association", ["food", "culture"], "73282932000074", None)
    assert (one.creation_year, one.employees) == (2001, 2.5)
    assert (one.commune_code, one.geo_method, one.lat, one.lon) == ("44109", "commune_code", 47.2, -1.55)
    assert (one.city, one.volunteers, one.website) == ("Nantes", None, None)
    # A2: an empty list is none; invalid values cleared; the SIREN written in the SIRET
    # column (siren read too, empty) moves to siren; the point outside the world is replaced by the commune's
    assert two.domains is None and two.siret is None and two.siren == "732829320"
    assert (two.creation_year, two.employees) == (None, None)
    assert (two.commune_code, two.geo_method, two.lat, two.lon) == ("29019", "commune_code", 48.39, -4.49)
    # A3: an unknown commune places nothing (the other methods come later); the point stays
    assert (three.commune_code, three.geo_method, three.lat, three.lon) == (None, "none", 43.3, 5.37)


def test_final_columns_without_placing_and_for_projects(ncon):
    from ecosystem.ingest.mapping import Mapping

    # place=False (the default): the commune code is checked like any value, lat/lon typed
    mapping = Mapping("actors")
    hows = {"commune_code": "text", "lat": "text"}
    cols = checks.final_columns(mapping, hows)  # the alias "j" by default
    ncon.execute("CREATE TABLE j AS SELECT '44109' AS commune_code, '47.5' AS lat, '-1.5' AS lon, "
                 "TRUE AS _ok_lat__min, TRUE AS _ok_lat__max")
    got = ncon.execute(f"SELECT {', '.join(cols)} FROM j").fetchone()
    names = [c.name for c in model.TABLES["actors"].columns]
    assert (got[names.index("commune_code")], got[names.index("lat")],
            got[names.index("geo_method")]) == ("44109", 47.5, None)
    # placing with nothing but the coordinates read: the file's point is kept
    placed = checks.final_columns(mapping, {"lat": "text", "lon": "text"}, "j", place=True)
    got = ncon.execute(f"SELECT {', '.join(placed)} FROM j LEFT JOIN (SELECT NULL AS code, "
                       "NULL AS lat, NULL AS lon) gc ON FALSE").fetchone()
    assert (got[names.index("lat")], got[names.index("lon")], got[names.index("geo_method")]) == \
        (47.5, -1.5, "none")
    # an end year before the start year is cleared (only when the start is read too)
    projects = Mapping("projects")
    ncon.execute("""CREATE TABLE p AS SELECT * FROM (VALUES ('2020', '2019'), ('2020', '2021'))
        v(start_year, end_year)""")
    flags_ = "TRUE AS _ok_start_year__min, TRUE AS _ok_start_year__max, " \
             "TRUE AS _ok_end_year__min, TRUE AS _ok_end_year__max"
    both = checks.final_columns(projects, {"start_year": "year", "end_year": "year"}, "j")
    pnames = [c.name for c in model.TABLES["projects"].columns]
    rows = ncon.execute(f"SELECT {', '.join(both)} FROM (SELECT *, {flags_} FROM p) j "
                        "ORDER BY j.end_year").fetchall()
    assert [(r[pnames.index("start_year")], r[pnames.index("end_year")]) for r in rows] == \
        [(2020, None), (2020, 2021)]
    alone = checks.final_columns(projects, {"end_year": "year"}, "j")
    rows = ncon.execute(f"SELECT {', '.join(alone)} FROM (SELECT *, {flags_} FROM p) j "
                        "ORDER BY j.end_year").fetchall()
    assert [r[pnames.index("end_year")] for r in rows] == [2019, 2021]


# --- build: the checked table in one pass ------------------------------------------------

def rule_map(default_type=None, **sources):
    from ecosystem.ingest.mapping import Mapping, Rule
    return Mapping("actors", rules={t: Rule(source=s) for t, s in sources.items()}, source="essai",
                   defaults={"actor_type": default_type} if default_type else {})


def test_build_types_clears_and_sets_the_mask_bits(ncon):
    ncon.execute("""CREATE TABLE raw AS SELECT * FROM (VALUES (2, 'A1', 'Un', 'association', '3'),
        (3, 'A2', NULL, 'club', 'x'), (4, 'A3', 'Trois', NULL, '-2')) v(_row, id, nom, type, salaries)""")
    mapping = rule_map(actor_id="id", name="nom", actor_type="type", employees="salaries")
    hows, planned = checks.build(ncon, "raw", "_row", mapping, "chk")
    assert hows == {"actor_id": "text", "name": "name", "actor_type": "vocab", "employees": "number",
                    "source": "text"}
    # bits: 0 actor_id required, 1 name required, 2 actor_type required, 3 actor_type
    # vocabulary, 4 employees min, 5 employees type, 6 source required
    assert [(c.bit, c.column, c.check) for c in planned] == [
        (0, "actor_id", "required"), (1, "name", "required"), (2, "actor_type", "required"),
        (3, "actor_type", "vocabulary"), (4, "employees", "min"), (5, "employees", "type"),
        (6, "source", "required")]
    got = ncon.execute("SELECT _row, actor_id, name, actor_type, employees, source, _bad_actor_type, "
                       "_issues FROM chk ORDER BY _row").fetchall()
    assert got == [(2, "A1", "Un", "association", 3.0, "essai", None, 0),
                   # no name (2) + unknown type (8) + "x" is no number (32)
                   (3, "A2", None, None, None, "essai", "club", 42),
                   # no type at all (4) + employees below 0 (16)
                   (4, "A3", "Trois", None, None, "essai", None, 20)]
    # a preview: the first records only, numbered as in the file
    checks.build(ncon, "raw", "_row", mapping, "prev", limit=2)
    assert ncon.execute("SELECT _row, actor_id FROM prev ORDER BY _row").fetchall() == \
        [(2, "A1"), (3, "A2")]
    assert ncon.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_lim'"
                        ).fetchone()[0] == 0


def test_build_places_by_commune_and_keeps_the_rest_for_later(ncon):
    ncon.execute("""CREATE TABLE raw AS SELECT * FROM (VALUES (2, 'A1', 'Un', '44109', '47.2', '-1.5'),
        (3, 'A2', 'Deux', '99999', '43.3', '5.4'), (4, 'A3', 'Trois', NULL, NULL, NULL))
        v(_row, id, nom, insee, la, lo)""")
    ncon.execute("CREATE TABLE geo_c AS SELECT * FROM (VALUES ('44109', 47.21, -1.55)) v(code, lat, lon)")
    mapping = rule_map("association", actor_id="id", name="nom", commune_code="insee", lat="la",
                       lon="lo")
    checks.build(ncon, "raw", "_row", mapping, "chk", geo=True)
    got = ncon.execute("SELECT _row, commune_code, geo_method, lat, lon, actor_type, _in_commune_code, "
                       "_in_lat, _in_lon, _issues FROM chk ORDER BY _row").fetchall()
    assert got == [
        # placed by its code; the file's valid point is kept; nothing left to place
        (2, "44109", "commune_code", 47.2, -1.5, "association", None, None, None, 0),
        # an unknown code: not placed here, its inputs kept for the other methods
        (3, None, "none", 43.3, 5.4, "association", "99999", "43.3", "5.4", 0),
        (4, None, "none", None, None, "association", None, None, None, 0)]
    # without a commune column every record is left to the other methods
    checks.build(ncon, "raw", "_row", rule_map("association", actor_id="id", name="nom"), "chk2",
                 geo=True)
    assert ncon.execute("SELECT _row, commune_code, geo_method FROM chk2 ORDER BY _row").fetchall() == \
        [(2, None, "none"), (3, None, "none"), (4, None, "none")]


def test_plan_clears_an_unknown_code_of_a_list_even_with_a_default():
    from ecosystem.ingest.mapping import Mapping, Rule

    # a list keeps its known codes: an unknown one is dropped ("cleared"), never replaced
    # by the default; a single code (ess_family) takes the default
    mapping = Mapping("actors", rules={"domains": Rule(source="D"), "ess_family": Rule(source="F")},
                      defaults={"actor_type": "association", "domains": "food", "ess_family": "association"})
    got = {(c.column, c.check): c.action for c in checks.plan(mapping, {"domains": "domains",
                                                                         "ess_family": "vocab"})}
    assert got[("domains", "vocabulary")] == "cleared"
    assert got[("ess_family", "vocabulary")] == "default"
    # a conversion with no rule (a value not read from the file): no "type" check
    assert [c.check for c in checks.plan(Mapping("actors"), {"creation_year": "year"})
            if c.column == "creation_year"] == ["min", "max"]


def test_final_columns_place_a_project_by_its_commune_code(ncon):
    from ecosystem.ingest.mapping import Mapping

    # a project's commune is the one found in the geography (geo_c), or none
    cols = checks.final_columns(Mapping("projects"), {"commune_code": "text"}, "j", place=True)
    ncon.execute("CREATE TABLE j AS SELECT * FROM (VALUES ('44109'), ('99999')) v(commune_code)")
    ncon.execute("CREATE TABLE gc AS SELECT '44109' AS code")
    pnames = [c.name for c in model.TABLES["projects"].columns]
    rows = ncon.execute(f"SELECT {', '.join(cols)} FROM j LEFT JOIN gc ON gc.code = j.commune_code "
                        "ORDER BY j.commune_code").fetchall()
    assert [r[pnames.index("commune_code")] for r in rows] == ["44109", None]


def test_build_refuses_a_required_column_with_no_rule_and_no_default(ncon):
    # actors need an id, a name, a type and a source (the mapping's); this mapping reads an
    # id and a name, and the user removed the default type ("—" in the wizard): no record
    # could get a type, the build says which column is missing instead of failing in SQL
    ncon.execute("CREATE TABLE raw AS SELECT * FROM (VALUES (2, 'A1', 'Un')) v(_row, id, nom)")
    with pytest.raises(checks.Unmapped) as err:
        checks.build(ncon, "raw", "_row", rule_map(actor_id="id", name="nom"), "chk")
    assert err.value.key == "imp.err.unmapped"
    assert err.value.params == {"table": "actors", "columns": "actor_type"}
    assert str(err.value) == "actors: required columns with no rule and no default: actor_type"
    assert ncon.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'chk'").fetchone()[0] == 0
    # a project read by its title only: its lead and stage are missing (model order)
    from ecosystem.ingest.mapping import Mapping, Rule
    with pytest.raises(checks.Unmapped) as err:
        checks.build(ncon, "raw", "_row", Mapping("projects", rules={"project_id": Rule(source="id"),
                                                                     "title": Rule(source="nom")}), "chk")
    assert err.value.params == {"table": "projects", "columns": "lead_actor_id, stage"}
    # with the default type (the wizard's "association"), every record gets it
    checks.build(ncon, "raw", "_row", rule_map("association", actor_id="id", name="nom"), "chk")
    assert ncon.execute("SELECT actor_id, actor_type, _issues FROM chk").fetchall() == [("A1", "association", 0)]


# --- issues: one line per problem, values as written in the file --------------------------

ISSUES_RAW = """CREATE TABLE raw AS SELECT * FROM (VALUES
    (2, 'A1', 'Un', 'association', '111111111', NULL, '3'),
    (3, 'A2', NULL, 'club', '000000000', NULL, 'x'),
    (4, 'A3', 'Tr' || chr(27) || 'ois', 'association', '123 456 789', NULL, '-2'),
    (5, 'A4', 'Quatre', 'association', '222222222', NULL, '1'),
    (6, 'A5', 'Cinq', 'association', '333333333', NULL, '1'),
    (7, 'A6', 'Six', 'association', '444444444', NULL, '1'),
    (8, 'A7', 'Sept', 'association', '555555555', NULL, '1'),
    (9, 'A8', 'Huit', 'association', '111 111 111', NULL, '1'),
    (10, 'A9', 'Neuf', 'association', '732829320', NULL, '1')) v(_row, id, nom, type, siren, siret, sal)"""


def issue_rows(ncon, table="iss"):
    return ncon.execute(f'SELECT _row, "column", value, "check", params, action FROM {table} '
                        'ORDER BY _row NULLS FIRST, "column", "check"').fetchall()


def test_issues_lists_each_failed_check_with_the_file_s_value(ncon):
    ncon.execute(ISSUES_RAW)
    mapping = rule_map(actor_id="id", name="nom", actor_type="type", siren="siren", siret="siret",
                       employees="sal")
    _, planned = checks.build(ncon, "raw", "_row", mapping, "chk")
    # what the other steps left for the report: a continuation row, two commune codes
    # that the coordinates contradict (one point in another commune, one abroad)
    ncon.execute(f"CREATE TABLE chk__cont ({checks.ISSUE_COLUMNS})")
    ncon.execute("INSERT INTO chk__cont VALUES (12, 'nom', 'suite', 'continuation', '[[\"row\", 11]]', "
                 "'excluded')")
    ncon.execute("CREATE TABLE chk_mismatch (_row BIGINT, declared VARCHAR, located VARCHAR, km DOUBLE, "
                 "placed_by VARCHAR, declared_label VARCHAR, located_label VARCHAR)")
    ncon.execute("INSERT INTO chk_mismatch VALUES (5, '44109', '44143', 12.34, 'coords', 'Nantes', 'Rezé'), "
                 "(6, '13055', NULL, 900, 'coords', 'Marseille', NULL)")
    checks.issues(ncon, "raw", "_row", mapping, "chk", planned, "iss")
    assert issue_rows(ncon) == [
        # seven placeholder SIRENs (rows 2, 3, 5-9) in one line: the first five distinct
        # values as written, sorted (the space sorts first); siret has none: no line
        (None, "siren", "000000000, 111 111 111, 111111111, 222222222, 333333333", "placeholder",
         '[["n", 7]]', "cleared"),
        (3, "actor_type", "club", "vocabulary", '[["vocabulary", "actor_type"]]', "excluded"),
        (3, "employees", "x", "type", '[["kind", "float"]]', "cleared"),
        (3, "name", None, "required", "[]", "excluded"),
        (4, "employees", "-2", "min", '[["bound", "0"]]', "cleared"),
        (4, "nom", "Trois", "controls", '[["count", 1]]', "cleaned"),
        (4, "siren", "123 456 789", "siren", "[]", "cleared"),
        (5, "commune_code", "44109", "coords_elsewhere",
         '[["declared","Nantes"],["km","12.3"],["located","Rezé"]]', "placed_by_coords"),
        (6, "commune_code", "13055", "coords_abroad",
         '[["declared","Marseille"],["km","900.0"],["located",""]]', "placed_by_coords"),
        (12, "nom", "suite", "continuation", '[["row", 11]]', "excluded")]
    assert ncon.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = '_flag'").fetchone()[0] == 0
    # no check planned: the lines of the other steps only
    checks.issues(ncon, "raw", "_row", mapping, "chk", [], "iss2")
    assert [(r[0], r[3]) for r in issue_rows(ncon, "iss2")] == [
        (4, "controls"), (5, "coords_elsewhere"), (6, "coords_abroad"), (12, "continuation")]


def test_issues_of_a_clean_file_and_a_lookup_value(ncon):
    ncon.execute("""CREATE TABLE raw AS SELECT * FROM (VALUES (2, 'A1', 'Un', 'club'), (3, 'A2', 'Deux', NULL))
        v(_row, id, nom, type)""")
    # the default type replaces an unknown one (row 2) and fills an empty one (row 3, the
    # "defaulted" check: its params name the default, then the vocabulary): both reported
    mapping = rule_map("association", actor_id="id", name="nom", actor_type="type")
    _, planned = checks.build(ncon, "raw", "_row", mapping, "chk")
    checks.issues(ncon, "raw", "_row", mapping, "chk", planned, "iss")
    assert issue_rows(ncon) == [
        (2, "actor_type", "club", "vocabulary", '[["vocabulary", "actor_type"]]', "default"),
        (3, "actor_type", None, "defaulted", '[["default", "association"], ["vocabulary", "actor_type"]]',
         "default")]
    # nothing flagged, nothing else to report: an empty table with the report's columns
    clean = rule_map("association", actor_id="id", name="nom")
    _, planned = checks.build(ncon, "raw", "_row", clean, "chk2")
    checks.issues(ncon, "raw", "_row", clean, "chk2", planned, "iss2")
    assert issue_rows(ncon, "iss2") == []
    assert [r[0] for r in ncon.execute("DESCRIBE iss2").fetchall()] == \
        ["_row", "column", "value", "check", "params", "action"]


def test_build_reads_two_lookups_the_source_column_constants_and_projected_points(ncon):
    from ecosystem.ingest.mapping import Mapping, Rule

    ncon.execute("""CREATE TABLE raw AS SELECT * FROM (VALUES
        (2, 'A1', 'Un', 'association', 'Coopérative', 'Annuaire', 'r1', '355000', '6690000', '44109'),
        (3, 'A2', 'Deux', 'zzz', 'bidule', NULL, 'r2', '890000', '6250000', '99999'))
        v(_row, id, nom, type, fam, origine, ref, x, y, insee)""")
    ncon.execute("CREATE TABLE geo_c AS SELECT * FROM (VALUES ('44109', 47.21::DOUBLE, -1.55::DOUBLE)) "
                 "v(code, lat, lon)")
    rules = {"actor_id": "id", "name": "nom", "actor_type": "type", "ess_family": "fam", "source": "origine",
             "source_id": "ref", "_x": "x", "_y": "y", "commune_code": "insee"}
    mapping = Mapping("actors", rules={**{t: Rule(source=s) for t, s in rules.items()},
                                       "employees": Rule(constant="3")},
                      source="essai", defaults={"actor_type": "association"})
    hows, planned = checks.build(ncon, "raw", "_row", mapping, "chk", geo=True)
    assert hows == {"actor_id": "text", "name": "name", "actor_type": "vocab", "commune_code": "commune",
                    "employees": "number", "source": "text", "source_id": "text", "ess_family": "vocab",
                    "_x": "number", "_y": "number"}
    # the model's columns, the part of each lookup not understood, what the other
    # geocoding methods need, the mask
    actors = [c.name for c in model.TABLES["actors"].columns]
    assert [r[0] for r in ncon.execute("DESCRIBE chk").fetchall()] == \
        ["_row", *actors, "_bad_actor_type", "_bad_ess_family", "_in_commune_code", "_in__x", "_in__y",
         "_issues"]
    bit = {(c.column, c.check): 1 << c.bit for c in planned}
    got = ncon.execute("SELECT _row, actor_type, _bad_actor_type, ess_family, _bad_ess_family, source, "
                       "source_id, employees, commune_code, geo_method, lat, lon, _in_commune_code, "
                       "CAST(_in__x AS DOUBLE), CAST(_in__y AS DOUBLE), _issues FROM chk ORDER BY _row"
                       ).fetchall()
    assert got == [
        # placed by its code (the commune's point: no lat/lon read); projected points are
        # kept for conversion even so
        (2, "association", None, "cooperative", None, "Annuaire", "r1", 3.0, "44109", "commune_code",
         47.21, -1.55, None, 355000.0, 6690000.0, 0),
        # an unknown type takes the default (still reported), an unknown family is
        # cleared, no source in its column: excluded
        (3, "association", "zzz", None, "bidule", None, "r2", 3.0, None, "none", None, None, "99999",
         890000.0, 6250000.0,
         bit[("actor_type", "vocabulary")] + bit[("source", "required")] + bit[("ess_family", "vocabulary")])]
    # every table the build leaves is named after its output (the importer drops them
    # by prefix), but the raw table and the record of its cleaning
    tables = {r[0] for r in ncon.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"raw", "raw__ctl", "geo_c", "chk", "chk__lk_actor_type", "chk__lk_ess_family"}


def test_issues_of_a_constant_that_fails_a_rule_show_no_file_value(ncon):
    from ecosystem.ingest.mapping import Mapping, Rule

    ncon.execute("CREATE TABLE raw AS SELECT * FROM (VALUES (2, 'A1', 'Un'), (3, 'A2', 'Deux')) v(_row, id, nom)")
    # a constant below the minimum (employees >= 0) fails on every record; the file holds
    # no value for it
    mapping = Mapping("actors", rules={"actor_id": Rule(source="id"), "name": Rule(source="nom"),
                                       "employees": Rule(constant="-2")},
                      source="essai", defaults={"actor_type": "association"})
    _, planned = checks.build(ncon, "raw", "_row", mapping, "chk")
    checks.issues(ncon, "raw", "_row", mapping, "chk", planned, "iss")
    assert issue_rows(ncon) == [(2, "employees", None, "min", '[["bound", "0"]]', "cleared"),
                                (3, "employees", None, "min", '[["bound", "0"]]', "cleared")]
    assert ncon.execute("SELECT employees FROM chk ORDER BY _row").fetchall() == [(None,), (None,)]


def test_build_gives_a_default_to_a_field_the_file_does_not_hold(ncon):
    from ecosystem.ingest.mapping import Mapping, Rule

    ncon.execute("CREATE TABLE raw AS SELECT * FROM (VALUES (2, 'A1', 'Un'), (3, 'A2', 'Deux')) v(_row, id, nom)")
    # the source is the mapping's (a constant), the file's id also its source_id (a field
    # after source in the model); a website and a number of volunteers no column holds,
    # taken from the defaults
    mapping = Mapping("actors", rules={"actor_id": Rule(source="id"), "name": Rule(source="nom"),
                                       "source_id": Rule(source="id")},
                      source="essai", defaults={"actor_type": "association", "website": "https://exemple.fr",
                                                "volunteers": "0"})
    hows, _ = checks.build(ncon, "raw", "_row", mapping, "chk")
    assert hows == {"actor_id": "text", "name": "name", "actor_type": "vocab", "volunteers": "int",
                    "website": "text", "source": "text", "source_id": "text"}
    assert ncon.execute("SELECT _row, actor_type, volunteers, website, source, source_id, _issues FROM chk "
                        "ORDER BY _row").fetchall() == [
        (2, "association", 0, "https://exemple.fr", "essai", "A1", 0),
        (3, "association", 0, "https://exemple.fr", "essai", "A2", 0)]


def test_build_with_no_check_to_make_sets_an_empty_mask(ncon):
    from ecosystem.ingest.mapping import Mapping

    # memberships whose two required fields come from the defaults and nothing is read
    # from the file: no check applies (plan is empty), every record passes
    ncon.execute("CREATE TABLE raw AS SELECT * FROM (VALUES (2, 'x'), (3, 'y')) v(_row, a)")
    mapping = Mapping("memberships", defaults={"actor_id": "A1", "network_id": "N1"})
    _, planned = checks.build(ncon, "raw", "_row", mapping, "chk")
    assert planned == []
    assert ncon.execute("SELECT _row, actor_id, network_id, since_year, _issues FROM chk ORDER BY _row"
                        ).fetchall() == [(2, "A1", "N1", None, 0), (3, "A1", "N1", None, 0)]


def test_plan_says_the_default_of_a_lookup_without_vocabulary():
    # a staff band (a lookup with no vocabulary) given a default: the "defaulted" check
    # names the default only (no vocabulary to name), the band's checks take its action
    from ecosystem.ingest.mapping import Mapping, Rule

    mapping = Mapping("actors", rules={"actor_id": Rule(source="ID"), "name": Rule(source="NOM"),
                                       "volunteers": Rule(source="BENEVOLES")},
                      defaults={"volunteers": "5"})
    hows = {"actor_id": "text", "name": "name", "volunteers": "staff_band"}
    assert [c for c in checks_of(mapping, hows) if c[1] == "volunteers"] == [
        (3, "volunteers", "defaulted", 'j."_k_volunteers" IS NULL', "none", '[["default", "5"]]',
         "default"),
        (4, "volunteers", "type", 'j."_bad_volunteers" IS NOT NULL', "bad", '[["kind", "int"]]',
         "default"),
        (5, "volunteers", "min", 'j."volunteers" IS NOT NULL AND NOT j."_ok_volunteers__min"',
         "raw", '[["bound", "0"]]', "default")]
