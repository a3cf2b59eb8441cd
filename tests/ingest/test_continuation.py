"""Issue 12 item 9: continuation rows of hand-made spreadsheets.

A continuation row has its key cells (name, identifiers read from the file) empty,
some other cell filled, and a named record above it. It is folded into that record
(lists united, text joined with a line break, other values fill the record's empty
ones) — counted as merged — or excluded and listed ("continuation row"); never
imported as a nameless record.

Fixture ``tests/data/shaped/continuation_rows_jardins.csv`` (records; 1 is the header):
2 Les Jardins Partagés, 3 and 4 its continuation rows (Insertion / Bâtiment B;
Culture / a website), 5 Épicerie Solidaire, 6 Ressourcerie du Pays, 7 its continuation
row (an address only).
"""

import json
import shutil

import openpyxl
import pytest
from typer.testing import CliRunner

from ecosystem.__main__ import app
from ecosystem.ingest.pipeline import Import, ImportError_

from .conftest import checked

SHAPED = __import__("pathlib").Path(__file__).resolve().parent.parent / "data" / "shaped"
JARDINS = SHAPED / "continuation_rows_jardins.csv"


def run(path, geo, tmp_path, mode=None):
    imp = Import(path, geo=geo, workdir=tmp_path)
    if mode:
        imp.set_continuation(mode)
    imp.read()
    imp.analyse()
    imp.prepare()
    return imp


def continuation_lines(imp):
    """(row, action, row above) of the report's continuation lines."""
    part = imp.parts[0]
    rows = imp.con.execute(f"SELECT _row, action, params FROM \"{part.tbl('issues')}\" "
                           "WHERE \"check\" = 'continuation' ORDER BY _row").fetchall()
    return [(r, a, dict(json.loads(p))["above"]) for r, a, p in rows]


def xlsx_copy(tmp_path):
    """The fixture as a workbook (sheet rows = the CSV's records)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in JARDINS.read_text(encoding="utf-8").splitlines():
        ws.append([v or None for v in line.split(";")])
    path = tmp_path / "continuation_rows_jardins.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_continuation_rows_folded_into_the_record_above(geo, tmp_path, kind):
    path = JARDINS if kind == "csv" else xlsx_copy(tmp_path)
    imp = run(path, geo, tmp_path, "fold")
    try:
        table = checked(imp)
        assert table.index.tolist() == [2, 5, 6]
        assert table["name"].tolist() == ["Les Jardins Partagés", "Épicerie Solidaire",
                                          "Ressourcerie du Pays"]
        # lists united in order (Alimentation, Insertion, Culture)
        assert list(table.at[2, "domains"]) == ["food", "employment", "culture"]
        # text joined with a line break; the record above's empty website filled
        assert table.at[2, "address"] == "12 rue de Siam\nBâtiment B"
        assert table.at[2, "website"] == "https://jardins.example"
        assert table.at[6, "address"] == "Zone de Kerivin"
        assert table.at[2, "city"] == "Brest"
        part = imp.summary()["parts"][0]
        assert (part["rows"], part["insert"], part["merged_in_file"], part["excluded"]) == (6, 3, 3, 0)
        assert part["continuation"] == 3
        assert continuation_lines(imp) == [(3, "folded", 2), (4, "folded", 2), (7, "folded", 6)]
        issues = imp.issues(imp.parts[0].index, "en", limit=None)
        assert issues[issues["check"] == "required"].empty   # no nameless record reported
    finally:
        imp.close()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_continuation_rows_excluded_and_listed_by_default(geo, tmp_path, kind):
    path = JARDINS if kind == "csv" else xlsx_copy(tmp_path)
    imp = run(path, geo, tmp_path)
    try:
        assert imp.continuation == "exclude"
        table = checked(imp)
        assert table.index.tolist() == [2, 5, 6]
        assert list(table.at[2, "domains"]) == ["food"]
        assert table.at[2, "address"] == "12 rue de Siam"
        part = imp.summary()["parts"][0]
        assert (part["rows"], part["insert"], part["merged_in_file"], part["excluded"]) == (6, 3, 0, 3)
        assert continuation_lines(imp) == [(3, "excluded", 2), (4, "excluded", 2), (7, "excluded", 6)]
        issues = imp.issues(imp.parts[0].index, "en", limit=None)
        assert issues[issues["check"] == "continuation"]["reason"].tolist() == [
            "continuation row of row 2 (its name and identifiers are empty).",
            "continuation row of row 2 (its name and identifiers are empty).",
            "continuation row of row 6 (its name and identifiers are empty)."]
        assert issues[issues["check"] == "required"].empty
        examples = imp.continuation_examples(imp.parts[0].index, 2)
        assert examples["row"].tolist() == [3, 4]
        assert examples["above"].tolist() == [2, 2]
        assert examples["Thématiques"].tolist() == ["Insertion", "Culture"]
    finally:
        imp.close()


def test_a_nameless_first_record_or_an_empty_one_is_not_a_continuation_row(write, geo, tmp_path):
    # records: 2 nameless with nothing above; 3 Alpha; 4 empty; 5 Beta
    path = write("n.csv", "Nom;Ville\n;Brest\nAlpha;Nantes\n;\nBeta;Rennes\n")
    imp = run(path, geo, tmp_path, "fold")
    try:
        part = imp.summary()["parts"][0]
        assert part["continuation"] == 0
        assert (part["insert"], part["merged_in_file"], part["excluded"]) == (2, 0, 2)
        issues = imp.issues(imp.parts[0].index, "en", limit=None)
        assert issues[issues["check"] == "required"]["row"].tolist() == [2, 4]
    finally:
        imp.close()


def test_records_with_their_own_id_are_not_continuation_rows(write, geo, tmp_path):
    # an id column filled on every record: a nameless record is an error, not a continuation
    path = write("i.csv", "Identifiant;Nom;Ville\nA1;Alpha;Nantes\nA2;;Brest\n")
    imp = run(path, geo, tmp_path, "fold")
    try:
        part = imp.summary()["parts"][0]
        assert part["continuation"] == 0
        assert (part["insert"], part["excluded"]) == (1, 1)
    finally:
        imp.close()


def test_unknown_continuation_mode_is_refused(geo, tmp_path):
    imp = Import(JARDINS, geo=geo, workdir=tmp_path)
    try:
        with pytest.raises(ImportError_) as err:
            imp.set_continuation("merge")
        assert err.value.key == "imp.err.continuation_mode"
    finally:
        imp.close()


@pytest.mark.parametrize("option, action", [
    ([], "left out"), (["--continuation", "fold"], "merged into the row above"),
    (["--continuation", "exclude"], "left out")])
def test_cli_continuation_option(tmp_path, option, action):
    src = tmp_path / JARDINS.name
    shutil.copy(JARDINS, src)
    report = tmp_path / "report.csv"
    result = CliRunner().invoke(app, ["import", str(src), "--inventory", "Jardins", "--db",
                                      str(tmp_path / "c.duckdb"), "--lang", "en",
                                      "--report", str(report)] + option)
    assert result.exit_code == 0, result.output
    import csv

    with open(report, encoding="utf-8-sig", newline="") as fh:
        lines = [(r["row"], r["reason"], r["action"]) for r in csv.DictReader(fh, delimiter=";")]
    cont = [x for x in lines if x[1].startswith("continuation row")]
    above2 = "continuation row of row 2 (its name and identifiers are empty)."
    above6 = "continuation row of row 6 (its name and identifiers are empty)."
    assert cont == [("3", above2, action), ("4", above2, action), ("7", above6, action)]


def test_cli_help_states_the_continuation_default():
    result = CliRunner().invoke(app, ["import", "--help"], terminal_width=200)
    assert "--continuation" in result.output
    assert "default: exclude" in result.output.replace("\n", " ")


@pytest.mark.parametrize("mode, merged, excluded", [("fold", 3, 0), ("exclude", 0, 3)])
def test_continuation_rows_in_the_equation_and_the_ledger(geo, tmp_path, mode, merged, excluded):
    """Rows 3 and 4 go with row 2, row 7 with row 6: 6 read = 3 saved + the 3
    continuation rows, merged (folded, into the row above) or excluded."""
    imp = run(JARDINS, geo, tmp_path, mode)
    try:
        assert imp.summary()["parts"][0]["balance"] == {
            "read": 6, "saved": 3, "merged": merged, "excluded": excluded}
        assert imp.balanced()
        ledger = imp.ledger(imp.parts[0].index, "en")
        assert ledger["row"].tolist() == [3, 4, 7]
        assert ledger["outcome"].tolist() == ["merged" if mode == "fold" else "excluded"] * 3
        if mode == "fold":
            assert ledger["into_row"].tolist() == [2, 2, 6]
    finally:
        imp.close()
