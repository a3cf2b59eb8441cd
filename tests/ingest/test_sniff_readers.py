"""Sniffing (kind, encoding, dialect) and reading files into text tables."""

import json

import openpyxl
import pandas as pd
import pytest

from ecosystem.ingest import readers, sniff
from ecosystem.ingest.readers import ReadError, find_header, header_names

ROWS = "nom;ville;code\nCafé des Sports;Brest;29019\nÉcole de l’Été;Quimper;29232\n"


def read(con, path, sheet=None):
    info = sniff.sniff(path, con=con, workdir=path.parent)
    return info, readers.read(con, info, "raw", sheet)


def rows(con, raw):
    return con.execute(f"SELECT {raw.row_sql} AS r, * FROM raw ORDER BY r").fetchall()


# ------------------------------------------------------------------ encodings

@pytest.mark.parametrize("encoding, detected, duck", [
    ("utf-8", "utf_8", "utf-8"),
    ("utf-8-sig", "utf_8_sig", "utf-8"),
    ("utf-16", "utf_16", "utf-16"),
])
def test_unicode_encodings_are_read_natively(con, write, encoding, detected, duck):
    text = ROWS.replace("’", "'") if encoding == "utf-16" else ROWS
    info, raw = read(con, write("a.csv", text, encoding))
    assert (info.encoding, info.duckdb_encoding) == (detected, duck)
    assert raw.columns == ["nom", "ville", "code"]
    assert rows(con, raw)[0][1] == "Café des Sports"


def test_latin1_file_is_read_as_latin1_without_copy(con, write):
    text = ROWS.replace("’", "'")  # no cp1252-only character: ISO-8859-1 is enough
    info, raw = read(con, write("a.csv", text, "latin-1"))
    assert info.duckdb_encoding == "latin-1" and info.read_path == info.path
    assert [r[1] for r in rows(con, raw)] == ["Café des Sports", "École de l'Été"]


def test_cp1252_only_characters_are_transcoded(con, write):
    # ’ (0x92) and € (0x80) do not exist in ISO-8859-1: the file is copied to UTF-8
    info, raw = read(con, write("a.csv", ROWS + "Prix €;Brest;29019\n", "cp1252"))
    assert info.encoding == "cp1252" and info.read_path != info.path
    got = [r[1] for r in rows(con, raw)]
    assert got == ["Café des Sports", "École de l’Été", "Prix €"]


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_any_delimiter(con, write, sep):
    text = f"nom{sep}code{sep}montant\nA{sep}44109{sep}\"1,5\"\nB{sep}1001{sep}2\n"
    info, raw = read(con, write("a.csv", text))
    assert info.delimiter == sep
    assert rows(con, raw) == [(2, "A", "44109", "1,5"), (3, "B", "1001", "2")]


def test_old_excel_and_empty_files_are_refused(write):
    with pytest.raises(sniff.SniffError) as err:
        sniff.sniff(write("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100))
    assert err.value.key == "imp.err.xls"
    with pytest.raises(sniff.SniffError) as err:
        sniff.sniff(write("empty.csv", b""))
    assert err.value.key == "imp.err.empty"


# ------------------------------------------------------------------ header

def test_header_below_title_rows_keeps_line_numbers(con, write):
    text = "Inventaire 2024;;\n;;\nnom;type;code\nA;association;44109\nB;association;1001\n"
    _, raw = read(con, write("a.csv", text))
    assert raw.columns == ["nom", "type", "code"] and raw.header_rows == [3]
    assert rows(con, raw) == [(4, "A", "association", "44109"), (5, "B", "association", "1001")]


def test_header_spread_over_two_rows_merged_groups():
    sheet = [["Liste des structures", None, None, None],
             ["Identité", None, "Localisation", None],
             ["Nom", "Type", "Code INSEE", "Ville"],
             ["A", "association", "44109", "Nantes"],
             ["B", "association", "44162", "Saint-Herblain"]]
    start, count = find_header(sheet)
    assert (start, count) == (1, 2)
    assert header_names(sheet, start, count, 4) == ["Identité Nom", "Identité Type",
                                                     "Localisation Code INSEE", "Localisation Ville"]


def test_header_words_broken_on_two_rows():
    sheet = [["Nom de", "Code", "Nombre de"],
             ["la structure", "commune", "salariés"],
             ["A", "44109", "3"], ["B", "44162", "12"], ["C", "1001", "0"]]
    assert find_header(sheet) == (0, 2)
    assert header_names(sheet, 0, 2, 3) == ["Nom de la structure", "Code commune", "Nombre de salariés"]


def test_blank_and_repeated_header_names():
    sheet = [["nom", None, "nom", "Code\ncommune"], ["A", "x", "B", "44109"]]
    assert header_names(sheet, 0, 1, 4) == ["nom", "column_2", "nom_2", "Code commune"]


# ------------------------------------------------------------------ ragged files

def test_ragged_csv_is_refused_with_its_line_numbers(con, write):
    text = "nom;type;code\nA;association;44109\nB;association\nC;association;44109;en trop\nD;x;1\n"
    with pytest.raises(ReadError) as err:
        read(con, write("a.csv", text))
    assert err.value.key == "imp.err.ragged"
    assert [(x["line"], x["found"], x["expected"]) for x in err.value.lines] == [(3, 2, 3), (4, 4, 3)]
    assert err.value.params["first"] == "3 (2/3), 4 (4/3)"
    assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'raw'"
                       ).fetchall()[0][0] == 0  # nothing shifted, nothing kept


# ------------------------------------------------------------------ XLSX

def test_xlsx_sheet_choice_title_rows_and_numbers(con, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["rien ici"])
    data = wb.create_sheet("Acteurs")
    data.append(["Recensement des acteurs ESS"])
    data.append([])
    data.append(["Nom", "Code INSEE", "Salariés", "Créée le"])
    data.append(["Entraide", 1001, 2.5, pd.Timestamp("2012-03-15").to_pydatetime()])
    data.append([None, None, None, None])
    data.append(["Jardins", 44109, 12, None])
    path = tmp_path / "acteurs.xlsx"
    wb.save(path)
    info, raw = read(con, path, sheet="Acteurs")
    assert info.kind == "xlsx" and info.sheets == ["Notes", "Acteurs"]
    assert raw.columns == ["Nom", "Code INSEE", "Salariés", "Créée le"]
    # sheet rows kept; an integer stays an integer (1001, not 1001.0); empty rows skipped
    assert rows(con, raw) == [(4, 4, "Entraide", "1001", "2.5", "2012-03-15"),
                              (6, 6, "Jardins", "44109", "12", None)]


# ------------------------------------------------------------------ JSON, JS, Parquet

def test_js_map_export_is_flattened(con, write):
    items = [{"id": "a1", "title": "AMAP", "location": {"lat": 46.3, "lon": -0.46},
              "address": {"postalCode": "79000", "city": "Niort"},
              "categories": [{"id": 3, "name": "Agriculture"}, {"id": 8, "name": "Éducation"}]},
             {"id": "a2", "title": "Repair café", "location": {"lat": "46.32", "lon": "-0.45"},
              "categories": []}]
    path = write("transiscopeDatas.js", "const transiscopeDatas = " + json.dumps(items) + ";\n")
    info, raw = read(con, path)
    assert info.kind == "js"
    assert raw.columns == ["id", "title", "location.lat", "location.lon", "address.postalCode",
                           "address.city", "categories"]
    assert rows(con, raw)[0][1:] == (1, "a1", "AMAP", "46.3", "-0.46", "79000", "Niort",
                                     "Agriculture; Éducation")
    assert rows(con, raw)[1][-1] is None


def test_invalid_json_says_where(con, write):
    with pytest.raises(ReadError) as err:
        read(con, write("a.json", '[{"name": "A"},\n {"name": }]'))
    assert err.value.key == "imp.err.json" and err.value.params["line"] == 2


def test_geojson_points_and_gogocarto_data_key(con, write):
    geo = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-1.55, 47.21]},
         "properties": {"name": "Tiers-lieu"}}]}
    _, raw = read(con, write("a.geojson", json.dumps(geo)))
    assert rows(con, raw) == [(1, 1, "-1.55", "47.21", "Tiers-lieu")]
    gogo = {"licence": "ODbL", "data": [{"name": "Ressourcerie", "geo": {"latitude": 47.2,
                                                                         "longitude": -1.5}}]}
    _, raw = read(con, write("b.json", json.dumps(gogo)))
    assert raw.columns == ["name", "geo.latitude", "geo.longitude"]


def test_parquet_columns_become_text(con, tmp_path):
    path = tmp_path / "a.parquet"
    pd.DataFrame({"nom": ["A", "B"], "code": [1001, 44109], "x": [1.5, None]}).to_parquet(path)
    info, raw = read(con, path)
    assert info.kind == "parquet"
    assert rows(con, raw) == [(1, "A", "1001", "1.5"), (2, "B", "44109", None)]
