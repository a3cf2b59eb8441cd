"""checks.no_controls records that a raw table holds no control character, so the
SQL scan of checks.strip_controls is skipped (the reader already scanned the bytes)."""

import duckdb

from ecosystem.ingest import checks


def _raw(con):
    con.execute("CREATE TABLE r (_row BIGINT, name VARCHAR)")
    con.execute("INSERT INTO r VALUES (1, 'Asso' || chr(1) || 'ciation'), (2, 'Jardin')")


def test_strip_controls_cleans_and_records_each_cell():
    con = duckdb.connect()
    _raw(con)
    out = checks.strip_controls(con, "r", "_row")
    assert out == "r__ctl"
    assert con.execute("SELECT name FROM r ORDER BY _row").fetchall() == [("Association",),
                                                                           ("Jardin",)]
    rows = con.execute(f"SELECT * FROM {out}").fetchall()
    assert len(rows) == 1 and rows[0][0] == 1 and rows[0][1] == "name"


def test_no_controls_makes_strip_controls_skip_the_scan():
    con = duckdb.connect()
    _raw(con)
    checks.no_controls(con, "r")
    # the record says "none": the table is taken as it is, nothing cleaned or recorded
    assert checks.strip_controls(con, "r", "_row") == "r__ctl"
    assert con.execute("SELECT name FROM r WHERE _row = 1").fetchone()[0] == "Asso\x01ciation"
    assert con.execute("SELECT count(*) FROM r__ctl").fetchone()[0] == 0


def test_only_text_columns_are_scanned():
    con = duckdb.connect()
    con.execute("CREATE TABLE r (_row BIGINT, n INTEGER, name VARCHAR)")
    con.execute("INSERT INTO r VALUES (1, 7, 'Bon' || chr(11) || 'jour')")
    out = checks.strip_controls(con, "r", "_row")
    # the vertical tab (a C0 control) is removed from the text; the number is left alone
    assert con.execute("SELECT n, name FROM r").fetchone() == (7, "Bonjour")
    assert con.execute(f"SELECT \"column\" FROM {out}").fetchall() == [("name",)]
