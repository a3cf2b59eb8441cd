"""CSV and XLSX exports reopened: values kept, formulas made inert."""

import io

import numpy as np
import openpyxl
import pandas as pd

from ecosystem.exports import neutralise_formulas, sheet_name, to_csv_bytes, to_xlsx_bytes

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
