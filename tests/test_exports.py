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
    # column T: description, after the model's closing_year (issue 14)
    assert [r[1:] for r in notes[3:]] == [("T2", "description", 2, 40_000),
                                          ("T3", "description", 3, 33_000)]


# ------------------------------------------- every option of the XLSX writer, by hand
def xlsx_sheets(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_text_stays_text_links_and_digits_included():
    df = pd.DataFrame({"site": ["http://example.org", "mailto:a@b.fr"], "code": ["0123", "1e5"]})
    ws = xlsx_sheets(to_xlsx_bytes({"s": df})).active
    assert [(c.value, c.data_type, c.hyperlink) for c in ws[2]] == \
        [("http://example.org", "s", None), ("0123", "s", None)]
    assert [(c.value, c.data_type, c.hyperlink) for c in ws[3]] == \
        [("mailto:a@b.fr", "s", None), ("1e5", "s", None)]


def test_xlsx_infinite_and_missing_numbers_are_empty_cells():
    df = pd.DataFrame({"x": [1.5, np.inf, -np.inf, np.nan]})
    ws = xlsx_sheets(to_xlsx_bytes({"s": df})).active
    assert [ws.cell(row=i, column=1).value for i in range(1, 6)] == ["x", 1.5, None, None, None]


def test_xlsx_header_row_is_frozen_and_sheet_names_unique_ignoring_case():
    wb = xlsx_sheets(to_xlsx_bytes({"a": pd.DataFrame({"x": [1]}), "A": pd.DataFrame({"y": [2]})}))
    assert wb.sheetnames == ["a", "A (2)"]
    assert [ws.freeze_panes for ws in wb] == ["A2", "A2"]
    assert [c.value for c in wb["A (2)"]["A"]] == ["y", 2]


def reference_widths(widths: list[float]) -> list[float]:
    """What openpyxl reads back for these xlsxwriter column widths (its own unit)."""
    import xlsxwriter
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet("s")
    for i, w in enumerate(widths):
        ws.write(0, i, "x")
        ws.set_column(i, i, w)
    wb.close()
    ws = xlsx_sheets(buf.getvalue())["s"]
    return [ws.column_dimensions[chr(65 + i)].width for i in range(len(widths))]


def test_xlsx_column_widths_fit_the_first_200_values_between_8_and_60():
    # widths: longest of the header and the first 200 values, + 2, at least 8, at most 60
    df = pd.DataFrame({
        "a": ["x"] * 201,                                # "a" / "x": 1 + 2 -> 8 (minimum)
        "bb": ["y" * 10] * 200 + ["z" * 30],             # 10 + 2 = 12: row 201 not read
        "c": ["w" * 100] + [""] * 200,                   # 100 + 2 -> 60 (maximum)
        "header_of_7": [""] * 201,                       # 11 + 2 = 13
    })
    ws = xlsx_sheets(to_xlsx_bytes({"s": df}))["s"]
    assert [ws.column_dimensions[c].width for c in "ABCD"] == reference_widths([8, 12, 60, 13])


def test_xlsx_cell_of_exactly_the_limit_is_kept_whole():
    df = pd.DataFrame({"n": [1], "t": ["a" * 32_767]})
    assert exports.xlsx_cut_cells({"s": df}) == 0
    wb = xlsx_sheets(to_xlsx_bytes({"s": df}))
    assert wb.sheetnames == ["s"] and wb["s"]["B2"].value == "a" * 32_767


def test_the_apostrophe_in_front_of_a_formula_can_push_a_cell_over_the_limit():
    # "=" + 32,766 characters = 32,767: the apostrophe makes it 32,768, one too many
    df = pd.DataFrame({"n": [1, 2], "t": ["=" + "a" * 32_766, "b"]})
    assert exports.xlsx_cut_cells({"s": df}) == 1
    wb = xlsx_sheets(to_xlsx_bytes({"s": df}))
    assert wb["s"]["B2"].value == "'=" + "a" * 32_764 + "…"
    assert exports.xlsx_cut_cells({"s": df.assign(t=["a" * 32_766, "b"])}) == 0


def test_long_text_is_found_after_a_number_column_and_among_numbers():
    # column 1 numbers, column 2 mixed (an object column that is not all text)
    df = pd.DataFrame({"n": [1, 2], "mixed": [7, "é" * 40_000]})
    assert exports.xlsx_cut_cells({"s": df}) == 1
    wb = xlsx_sheets(to_xlsx_bytes({"s": df}, "en"))
    assert wb.sheetnames == ["s", "Notes"]
    assert wb["s"]["B2"].value == 7 and len(wb["s"]["B3"].value) == 32_767
    notes = list(wb["Notes"].iter_rows(values_only=True))
    assert notes[0][0].startswith("1 cell longer than 32,767 characters")
    assert notes[2] == ("Sheet", "Cell", "Column", "Row", "Original length (characters)")
    assert notes[3] == ("s", "B3", "mixed", 3, 40_000)


def test_notes_sheet_speaks_french_by_default():
    df = pd.DataFrame({"t": ["x" * 40_000]})
    notes = list(xlsx_sheets(to_xlsx_bytes({"s": df}))["Notes"].iter_rows(values_only=True))
    assert notes[0][0].startswith("1 cellule de plus de 32\u202f767 caractères")
    assert notes[2] == ("Feuille", "Cellule", "Colonne", "Ligne", "Longueur d'origine (caractères)")


def test_cut_message_numbers_follow_the_language():
    assert exports.xlsx_cut_message(12_345).startswith(
        "12\u202f345 cellules de plus de 32\u202f767 caractères (la limite d'Excel)")
    assert exports.xlsx_cut_message(12_345, "en").startswith(
        "12,345 cells longer than 32,767 characters (Excel's limit)")


def test_unique_names_and_sheet_names_count_on():
    assert exports.unique_names(["a", "a", "a", 1, "1"]) == ["a", "a (2)", "a (3)", "1", "1 (2)"]
    assert sheet_name("x", {"x", "X (2)"}) == "x (3)"
    assert sheet_name("'cité'") == "cité"                       # Excel refuses a quote at the ends
    assert sheet_name("Xavier") == "Xavier"
    assert sheet_name("a" * 31, {"a" * 31}) == "a" * 27 + " (2)"  # still 31 characters


# ------------------------------------------- inventory exports, every branch
def test_partners_template_help_in_french_by_default():
    from ecosystem import vocabulary as voc
    df = exports.template_help("partners")
    assert df.columns.tolist() == ["Colonne", "Obligatoire", "Type", "Valeurs possibles", "Description"]
    assert df.iloc[:, :3].values.tolist() == [["project_id", "oui", "texte"],
                                              ["actor_id", "oui", "texte"],
                                              ["role", "oui", "texte"]]
    assert df.iloc[:2, 3].tolist() == ["", ""]
    assert df.iloc[2, 3] == ", ".join(voc.PARTNER_ROLES.codes)
    assert exports.template_frame("partners").columns.tolist() == ["project_id", "actor_id", "role"]
    en = exports.template_help("partners", "en")
    assert en.columns.tolist() == ["Column", "Required", "Type", "Allowed values", "Description"]
    assert en.iloc[0, :3].tolist() == ["project_id", "yes", "text"]


def test_templates_workbook_in_french_describes_every_table():
    readme = pd.read_excel(io.BytesIO(exports.templates_workbook()), sheet_name="README")
    assert readme.columns.tolist()[:3] == ["table", "Colonne", "Obligatoire"]
    fundings = readme[readme.table == "fundings"]
    assert fundings.Colonne.tolist()[:3] == ["funding_id", "project_id", "funder_actor_id"]
    assert fundings.Obligatoire.fillna("").tolist()[:3] == ["oui", "oui", ""]
    assert fundings.Description.tolist()[2] == "Financeur (actor_id), vide pour les recettes"
    assert readme.table.unique().tolist() == ["actors", "projects", "partners", "fundings"]


def test_one_table_to_one_csv_file_and_quoted_text_columns(store, tmp_path):
    data = tiny()
    data.actors.loc[1, "name"] = "Dupont;=1+1"
    data.actors.loc[2, "name"] = "=1+1"
    store.create("inv", data)
    out = tmp_path / "new" / "dir" / "acteurs.csv"            # parent folders are made
    assert exports.export_inventory(store, "inv", "csv", out, ["actors"]) == [out]
    raw = out.read_bytes()
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith('"actor_id";"name";"actor_type";')   # text columns quoted
    assert ';lat;lon;' in lines[0]                                   # numbers not
    assert lines[1].startswith('"A1";"Dupont;=1+1";"association";"poverty;social_cohesion";')
    assert lines[2].startswith('"A2";"\'=1+1";"association";"food";')
    # the same asked as a folder (no .csv suffix): one file per table in it
    files = exports.export_inventory(store, "inv", "csv", tmp_path / "it's" / "csv",
                                     ["partners", "fundings"])
    # again into the same folder: files are replaced
    assert exports.export_inventory(store, "inv", "csv", tmp_path / "it's" / "csv",
                                    ["partners", "fundings"]) == files
    assert files == [tmp_path / "it's" / "csv" / "partners.csv", tmp_path / "it's" / "csv" / "fundings.csv"]
    assert files[0].read_bytes().decode("utf-8-sig").split("\r\n")[1] == '"P1";"A3";"financial"'


def test_parquet_export_keeps_lists_flat_and_text_as_written(store, tmp_path):
    data = tiny()
    data.actors.loc[1, "name"] = "=1+1"
    store.create("inv", data)
    files = exports.export_inventory(store, "inv", "parquet", tmp_path / "l'été", ["actors", "projects"])
    assert files == [tmp_path / "l'été" / "actors.parquet", tmp_path / "l'été" / "projects.parquet"]
    actors = pd.read_parquet(files[0]).set_index("actor_id")
    assert actors.at["A1", "name"] == "=1+1"                   # not a spreadsheet: unchanged
    assert actors.at["A1", "domains"] == "poverty;social_cohesion"
    assert pd.read_parquet(files[1]).project_id.tolist() == ["P1", "P2", "P3", "P4", "P5"]


def test_xlsx_inventory_export_reports_cut_cells_in_french(store, tmp_path):
    data = tiny()
    data.actors.loc[1, "name"] = "=1+1"
    data.actors.loc[2, "description"] = "d" * 40_000
    store.create("inv", data)
    report = {}
    out = tmp_path / "sub" / "dir" / "inv.xlsx"
    assert exports.export_inventory(store, "inv", "xlsx", out, ["actors", "partners"],
                                    report=report) == [out]
    assert report == {"xlsx_cut": 1}
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["actors", "partners", "Notes"]
    assert wb["actors"]["B2"].value == "'=1+1" and wb["actors"]["D2"].value == "poverty;social_cohesion"
    assert wb["Notes"]["A1"].value.startswith("1 cellule de plus")
    assert [c.value for c in wb["partners"][2]] == ["P1", "A3", "financial"]
    # again, into the folder that now exists
    assert exports.export_inventory(store, "inv", "xlsx", out, ["partners"]) == [out]
    assert openpyxl.load_workbook(out).sheetnames == ["partners"]
    english = tmp_path / "en.xlsx"
    exports.export_inventory(store, "inv", "xlsx", english, ["actors"], lang="en")
    assert openpyxl.load_workbook(english)["Notes"]["A1"].value.startswith("1 cell longer")


def test_unknown_format_or_table_is_refused_with_its_name(store, tmp_path):
    store.create("inv", tiny())
    with pytest.raises(ValueError, match=r"^unknown format 'ods' \(one of csv, xlsx, parquet\)$"):
        exports.export_inventory(store, "inv", "ods", tmp_path / "x.ods")
    with pytest.raises(ValueError, match=r"^unknown table 'acteurs'$"):
        exports.export_inventory(store, "inv", "csv", tmp_path / "x", ["acteurs"])


def test_xlsx_refuses_a_table_longer_than_a_worksheet(store, tmp_path, monkeypatch):
    store.create("inv", tiny())                                # 10 actors, 5 projects
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 10)
    assert exports.export_inventory(store, "inv", "xlsx", tmp_path / "a.xlsx", ["actors"])
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 9)
    with pytest.raises(ValueError, match=r"^actors: 10 rows, more than a worksheet holds"):
        exports.export_inventory(store, "inv", "xlsx", tmp_path / "b.xlsx", ["actors"])


def test_notes_sheet_of_its_own_name_and_width():
    # a table called "Notes" keeps its name; the list of cut cells goes to "Notes (2)"
    df = pd.DataFrame({"t": ["x" * 40_000]})
    wb = xlsx_sheets(to_xlsx_bytes({"Notes": df}))
    assert wb.sheetnames == ["Notes", "Notes (2)"]
    notes = wb["Notes (2)"]
    assert notes["A4"].value == "Notes" and notes["B4"].value == "A2"
    # its first three columns are 24 wide (one <col> element for A to C)
    dim = notes.column_dimensions["A"]
    assert (dim.min, dim.max, dim.width) == (1, 3, reference_widths([24])[0])


ACTOR_COLUMNS_NOT_PERSONAL = [
    "actor_id", "name", "actor_type", "domains", "siren", "siret", "rna_id", "commune_code",
    "postal_code", "city", "address", "lat", "lon", "geo_method", "creation_year",
    "closing_year", "employees", "volunteers", "website", "description", "active", "source",
    "source_id", "ess_family"]  # contact_name, contact_email, contact_phone, leader_name left out


def _personal_inventory(store):
    data = tiny()
    data.actors.loc[1, "contact_name"] = "Jeanne Martin"
    data.actors.loc[1, "leader_name"] = "Paul Durand"
    data.actors.loc[1, "ess_family"] = "association"      # the column after the personal ones
    data.actors.loc[1, "city"] = "Nantes"
    data.actors.loc[1, "address"] = "1 rue Kervégan"
    store.create("inv", data)


def test_a_viewer_s_export_leaves_out_the_personal_columns_and_keeps_those_after(store, tmp_path):
    _personal_inventory(store)
    out = tmp_path / "a.csv"
    exports.export_inventory(store, "inv", "csv", out, ["actors"], personal=False)
    raw = out.read_bytes()
    rows = read_csv_cells(raw, ";")
    assert rows[0] == ACTOR_COLUMNS_NOT_PERSONAL
    assert rows[1][0] == "A1" and rows[1][-1] == "association"
    assert b"Jeanne Martin" not in raw and b"Paul Durand" not in raw
    # text columns quoted (a viewer's file too), numbers not
    assert raw.decode("utf-8-sig").split("\r\n")[1].startswith(
        '"A1";"Entraide Nantes";"association";"poverty;social_cohesion";;;;"44109";;"Nantes";')
    # the workbook (personal passed by position there) says the same
    exports.export_inventory(store, "inv", "xlsx", tmp_path / "a.xlsx", ["actors"], personal=False)
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["actors"]
    assert [c.value for c in sheet[1]] == ACTOR_COLUMNS_NOT_PERSONAL
    assert sheet["X2"].value == "association"                 # X: the 24th column
    # an editor's export keeps them, in the model's order
    exports.export_inventory(store, "inv", "csv", out, ["actors"])
    header = read_csv_cells(out.read_bytes(), ";")[0]
    assert ';"Jeanne Martin";;;"Paul Durand";"association"\r\n' in out.read_bytes().decode("utf-8-sig")
    assert header[-5:] == ["contact_name", "contact_email", "contact_phone", "leader_name",
                           "ess_family"]


def test_a_stored_table_older_than_a_column_exports_it_empty_in_its_place(store, tmp_path):
    _personal_inventory(store)
    with store._cursor() as cur:                               # a file written before "city"
        cur.execute(f"ALTER TABLE {store.ref('inv').table('actors')} DROP COLUMN city")
    out = tmp_path / "a.csv"
    exports.export_inventory(store, "inv", "csv", out, ["actors"], personal=False)
    rows = read_csv_cells(out.read_bytes(), ";")
    assert rows[0] == ACTOR_COLUMNS_NOT_PERSONAL
    a1 = dict(zip(rows[0], rows[1]))
    assert (a1["actor_id"], a1["city"], a1["address"], a1["ess_family"]) == \
        ("A1", "", "1 rue Kervégan", "association")
    exports.export_inventory(store, "inv", "xlsx", tmp_path / "a.xlsx", ["actors"])
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx")["actors"]
    assert [c.value for c in sheet[1]][9:11] == ["city", "address"]
    assert [c.value for c in sheet[1]][-5:] == ["contact_name", "contact_email", "contact_phone",
                                                "leader_name", "ess_family"]  # an editor's
    assert (sheet["J2"].value, sheet["K2"].value) == (None, "1 rue Kervégan")


def test_xlsx_refusal_counts_rows_the_english_way(store, tmp_path, monkeypatch):
    data = tiny()
    more = pd.concat([data.actors] * 101, ignore_index=True)      # 1,010 actors
    more["actor_id"] = [f"A{i}" for i in range(1, len(more) + 1)]
    data.actors = more
    store.create("inv", data)
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 1_000)
    with pytest.raises(ValueError) as refused:
        exports.export_inventory(store, "inv", "xlsx", tmp_path / "b.xlsx", ["actors"])
    assert str(refused.value) == \
        "actors: 1,010 rows, more than a worksheet holds (use csv or parquet)"
