"""CSV and XLSX exports reopened: values kept, formulas made inert."""

import io

import numpy as np
import openpyxl
import pandas as pd

from ecosystem.render import exports as exports_module
from ecosystem.render.exports import neutralise_formulas, sheet_name, to_csv_bytes, to_xlsx_bytes

NASTY = ["=HYPERLINK(\"http://x\",\"y\")", "+33 1 23", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd",
         "Épicerie « solidaire »", None]


def frame():
    return pd.DataFrame({"name": NASTY, "amount": [1.5, -2.0, np.nan, 3, 4, 5, 6, 7],
                         "domains": [["food", "poverty"], None, [], ["culture"], None, None,
                                     None, None],
                         "n": range(8)})


def test_neutralise_prefixes_text_only():
    out = neutralise_formulas(frame())
    assert out.name.tolist()[:6] == ["'" + v for v in NASTY[:6]]
    assert out.name[6] == "Épicerie « solidaire »" and pd.isna(out.name[7])
    assert out.amount.tolist()[:2] == [1.5, -2.0]          # numbers stay numbers
    assert out.domains[0] == "food;poverty"
    assert list(neutralise_formulas(pd.DataFrame({"=bad": [1]})).columns) == ["'=bad"]


def test_csv_round_trip():
    raw = to_csv_bytes(frame())
    assert raw.startswith(b"\xef\xbb\xbf")                 # BOM: Excel reads UTF-8 accents
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)
    assert back.name[0] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert back.name[3] == "'@SUM(A1:A2)"
    assert back.name[6] == "Épicerie « solidaire »"
    assert back.amount[1] == "-2.0"                        # a number, not prefixed
    assert back.name[5] == "'\rcmd"                          # CR kept inside quotes
    assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in back.name)


def test_xlsx_cells_are_text_not_formulas():
    data = to_xlsx_bytes({"Acteurs/2026": frame(), "b": frame().head(1)})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Acteurs 2026", "b"]
    ws = wb["Acteurs 2026"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("name", "amount", "domains", "n")
    assert rows[1][0] == "'=HYPERLINK(\"http://x\",\"y\")" and rows[1][2] == "food;poverty"
    assert rows[2][1] == -2 and rows[3][1] is None          # NaN -> empty cell
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.coordinate  # no formula anywhere
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert rows[7][0] == "Épicerie « solidaire »"


def test_sheet_names_are_valid_and_unique():
    assert sheet_name("a" * 40) == "a" * 31
    assert sheet_name("x", {"X"}) == "x (2)"
    assert sheet_name("[]:*?/\\") == "Sheet"


def test_repeated_column_names_are_made_distinct():
    # issue 12 #14: two columns called "France" made every download of the page fail
    df = pd.DataFrame([["a", 1, 2]], columns=["id", "France", "France"])
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df)), encoding="utf-8-sig")
    assert back.columns.tolist() == ["id", "France", "France (2)"]
    assert back.iloc[0].tolist() == ["a", 1, 2]
    rows = list(openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": df})))["s"]
                .iter_rows(values_only=True))
    assert rows == [("id", "France", "France (2)"), ("a", 1, 2)]
    assert exports_module.xlsx_cut_cells({"s": df}) == 0


# ------------------------------------------- issue 12 #18: quoting, formulas, long cells
import csv  # noqa: E402

import duckdb  # noqa: E402
import pytest  # noqa: E402

from ecosystem.render import exports
from ecosystem.render import safe  # noqa: E402
from tests.fixtures import tiny  # noqa: E402

# (value, what a spreadsheet cell must hold), worked out by hand from the rule:
# control / zero-width characters removed, then "'" in front when the text starts
# with a tab or line break, or with = + - @ ＝ ＋ － ＠ after leading blanks
HOSTILE_CELLS = [
    ("Dupont;=1+1", "Dupont;=1+1"),
    ("a,b", "a,b"),
    ('dit "oui";x', 'dit "oui";x'),
    ("ligne\nsuivante", "ligne\nsuivante"),
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("  =1+1", "'  =1+1"),
    ("\t=cmd", "'\t=cmd"),
    ("\r\n@SUM(A1)", "'\r\n@SUM(A1)"),
    ("\u200b=1+1", "'=1+1"),                 # zero-width space removed, then caught
    ("\ufeff+33", "'+33"),
    ("\x00\x01-2", "'-2"),
    ("＝1+1", "'＝1+1"),                     # full-width equals sign
    ("\u3000＠x", "'\u3000＠x"),              # ideographic space, full-width @
    ("\xa0-1", "'\xa0-1"),
    ("a\x00b", "ab"),
    ("x=1", "x=1"),
    ("\ttexte", "'\ttexte"),                 # a leading tab, even without a formula
    ("", ""),
]


def test_safe_cell_follows_the_rule():
    assert [safe.cell(v) for v, _ in HOSTILE_CELLS] == [want for _, want in HOSTILE_CELLS]


def test_safe_sql_and_safe_cell_agree_on_hostile_values():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [[i, v] for i, (v, _) in enumerate(HOSTILE_CELLS)])
    got = [r[0] for r in con.execute(f"SELECT {exports.safe_sql('v')} FROM t ORDER BY i").fetchall()]
    assert got == [want for _, want in HOSTILE_CELLS]


def read_csv_cells(raw: bytes, sep: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=sep))


@pytest.mark.parametrize("sep", [",", ";"])
def test_csv_download_reads_back_cell_for_cell(sep):
    df = pd.DataFrame({"nom": [v for v, _ in HOSTILE_CELLS], "n": range(len(HOSTILE_CELLS))})
    raw = to_csv_bytes(df, sep=sep)
    rows = read_csv_cells(raw, sep)
    assert rows[0] == ["nom", "n"]
    assert [r[0] for r in rows[1:]] == [want for _, want in HOSTILE_CELLS]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(HOSTILE_CELLS))]
    assert raw.count(b"\r\n") >= len(HOSTILE_CELLS) + 1      # RFC 4180 line ends


def test_a_comma_file_opened_with_semicolons_does_not_split_into_a_formula():
    # French spreadsheets split CSV on ";": an unquoted "Dupont;=1+1" in a ","
    # file became two cells, the second one "=1+1"
    raw = to_csv_bytes(pd.DataFrame({"nom": ["Dupont;=1+1", "a;@b"], "n": [1, 2]}), sep=",")
    rows = read_csv_cells(raw, ";")
    assert rows[1:] == [["Dupont;=1+1,1"], ["a;@b,2"]]         # one cell each, no "=1+1"


def test_inventory_csv_export_reads_back_cell_for_cell(store, tmp_path):
    data = tiny()
    values = [v for v, _ in HOSTILE_CELLS if v][:10]        # actors A1..A10
    data.actors["name"] = values
    store.create("inv", data)
    exports.export_inventory(store, "inv", "csv", tmp_path / "out", ["actors"])
    raw = (tmp_path / "out" / "actors.csv").read_bytes()
    rows = read_csv_cells(raw, ";")
    header = rows[0]
    assert all(len(r) == len(header) for r in rows[1:])
    names = {r[header.index("actor_id")]: r[header.index("name")] for r in rows[1:]}
    want = dict(HOSTILE_CELLS)
    assert names == {f"A{i + 1}": want[v] for i, v in enumerate(values)}
    assert b'"Dupont;=1+1"' in raw and raw.count(b"\r\n") >= 11


def test_xlsx_cell_over_the_limit_is_cut_and_listed():
    long = "é" * 40_000
    df = pd.DataFrame({"id": ["a", "b"], "texte": ["court", long]})
    assert exports.xlsx_cut_cells({"s": df}) == 1
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": df}, "fr")))
    assert wb.sheetnames == ["s", "Notes"]
    cell = wb["s"]["B3"].value
    assert len(cell) == 32_767 and cell.endswith("…") and cell[:-1] == "é" * 32_766
    notes = list(wb["Notes"].iter_rows(values_only=True))
    assert notes[0][0].startswith("1 cellule de plus de 32\u202f767 caractères")
    assert notes[3] == ("s", "B3", "texte", 3, 40_000)
    assert exports.xlsx_cut_cells({"s": df.head(1)}) == 0
    assert openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"s": df.head(1)}))).sheetnames == ["s"]


def test_cli_xlsx_export_says_how_many_cells_were_cut(store, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT
    data = tiny()
    data.actors["description"] = None
    data.actors.loc[1, "description"] = "x" * 40_000
    data.actors.loc[2, "description"] = "y" * 33_000
    store.create("long", data)
    store.close()
    out = tmp_path / "long.xlsx"
    proc = subprocess.run([sys.executable, "-m", "ecosystem", "export", "--inventory", "long",
                           "--format", "xlsx", "--db", str(tmp_path / "test.duckdb"), str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2 cells longer than 32,767 characters" in " ".join(proc.stderr.split())
    notes = list(openpyxl.load_workbook(out)["Notes"].iter_rows(values_only=True))
    assert [r[1:] for r in notes[3:]] == [("S2", "description", 2, 40_000),
                                          ("S3", "description", 3, 33_000)]
