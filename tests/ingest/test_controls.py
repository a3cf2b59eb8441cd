"""Issue 12 item 19: NUL bytes and other control characters are removed at import.

They are removed in SQL from every text column of the file read (the characters
``safe.strip_controls`` removes: C0 controls but tab, LF and CR; DEL; zero-width
characters and the BOM) and each cleaned cell is reported: row, the file's column,
the value as cleaned, the number of characters removed, action ``cleaned``.
"""

import json

from ecosystem.ingest import checks
from ecosystem.render import safe

from .conftest import checked


def cleaned(imp):
    """(row, column, characters removed, action) of the cells reported for control characters."""
    rows = imp.con.execute(
        f"SELECT _row, \"column\", params, action FROM \"{imp.parts[0].tbl('issues')}\" "
        "WHERE \"check\" = 'controls' ORDER BY _row, \"column\"").fetchall()
    return [(r, c, dict(json.loads(p))["count"], a) for r, c, p, a in rows]


def test_nul_and_control_characters_are_stripped_and_reported_per_cell(write, analyse):
    # records: 1 header; 2 Alpha with a NUL in its name and a bell in its city;
    # 3 Beta clean; 4 Gamma with a zero-width space and an escape in its name
    text = ("nom;ville;code commune\nAl\x00pha;Br\x07est;29019\nBeta;Nantes;44109\n"
            "Gam\u200bma\x1b;Rennes;35238\n")
    imp = analyse(write("ctl.csv", text))
    table = checked(imp)
    assert table["name"].tolist() == ["Alpha", "Beta", "Gamma"]
    assert table["city"].tolist() == ["Brest", "Nantes", "Rennes"]
    assert cleaned(imp) == [(2, "nom", 1, "cleaned"), (2, "ville", 1, "cleaned"), (4, "nom", 2, "cleaned")]
    part = imp.summary()["parts"][0]
    assert part["issues"]["cleaned"] == 3
    assert part["insert"] == 3 and part["excluded"] == 0
    # the values shown in the report carry no control character either
    assert imp.issues(imp.parts[0].index)["value"].tolist() == ["Alpha", "Brest", "Gamma"]


def test_tabs_and_line_breaks_are_not_control_characters_here(write, analyse):
    text = 'nom;description\nAlpha;"ligne 1\nligne 2\tfin"\n'
    imp = analyse(write("ok.csv", text))
    assert cleaned(imp) == []
    assert checked(imp)["description"].tolist() == ["ligne 1\nligne 2\tfin"]


def test_json_records_with_nul_escapes_are_cleaned(write, analyse):
    records = [{"name": "Ressour\u0000cerie", "city": "Niort"}, {"name": "AMAP\ufeff", "city": "Niort"}]
    imp = analyse(write("ctl.json", json.dumps(records)))
    assert checked(imp)["name"].tolist() == ["Ressourcerie", "AMAP"]
    assert cleaned(imp) == [(1, "name", 1, "cleaned"), (2, "name", 1, "cleaned")]


def test_sql_pattern_removes_what_safe_strip_controls_removes(con):
    chars = [chr(c) for c in list(range(0, 0x80)) + list(range(0x2000, 0x2070)) + [0xfeff, 0xe9]]
    got = con.execute(f"SELECT c, regexp_replace(c, {checks.lit(safe.CONTROLS_RE2)}, '', 'g') "
                      "FROM unnest(?) t(c)", [chars]).fetchall()
    assert [out for _, out in got] == [safe.strip_controls(c) for c in chars]
    removed = [c for c, out in got if out == ""]
    assert len(removed) == 9 + 2 + 18 + 1 + 5 + 1 + 1   # C0 but \t\n\r, DEL, U+200B–F, U+2060, BOM


def test_zero_width_space_alone_in_utf8_and_unit_separator_in_latin1_are_found(write, analyse):
    # the reader's byte scan decides whether the SQL pass runs: it must see these too
    imp = analyse(write("zw.csv", "nom;ville\nCafé\u200b;Brest\nBeta;Nantes\n"))
    assert checked(imp)["name"].tolist() == ["Café", "Beta"]
    assert cleaned(imp) == [(2, "nom", 1, "cleaned")]
    imp = analyse(write("l1.csv", "nom;ville\nÉcole;Br\x1fest\n", "latin-1"))
    assert checked(imp)["city"].tolist() == ["Brest"]
    assert cleaned(imp) == [(2, "ville", 1, "cleaned")]


def test_control_characters_do_not_stop_encoding_detection(write):
    from ecosystem.ingest import sniff
    # charset-normalizer gave up on this ISO-8859-1 file (imp.err.encoding)
    path = write("l1.csv", "nom;ville\nÉcole;Br\x1fest\nMarché;Quimper\n", "latin-1")
    # cp1252 is ISO-8859-1's superset: the file holds no 0x80-0x9F byte, so DuckDB reads it as latin-1
    assert sniff.detect_encoding(path) == "cp1252"
    assert sniff.sniff(path).duckdb_encoding == "latin-1"
