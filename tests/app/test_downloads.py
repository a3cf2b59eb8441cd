"""Every download of every page, at France level and at territory levels (issue 12,
item 14): each file is produced (the deferred callables are run), CSVs parse with
Python's ``csv`` module into rows as wide as their header, header names are
distinct, workbooks open, reports are HTML / PDF.

Guadeloupe is a département and a région of the same name: its profile compares
"Guadeloupe" with "Guadeloupe"."""

import csv
import io
import json

import openpyxl
import pytest

from tests.app.pagetest import ok, page_test

VIEWS = [  # (page, URL parameters)
    ("pages/territoires.py", {}),
    ("pages/territoires.py", {"view": "ranking"}),
    ("pages/comparer.py", {"cmp": "departement:44,region:52"}),
    ("pages/grille.py", {}),
    ("pages/reseau.py", {"view": "brokers"}),
    ("pages/reseau.py", {"view": "isolated"}),
    ("pages/reseau.py", {"view": "communities"}),
    ("pages/reseau.py", {"view": "suggestions"}),
    ("pages/reseau.py", {"view": "export"}),
    ("pages/carte.py", {}),
]
SCOPES = [None, "departement:971", "region:52", "commune:44109"]
#: (page, URL parameters, territory): every view at every scope; the importer's
#: downloads (the templates) do not read the territory: once
CASES = [(page, params, terr) for page, params in VIEWS for terr in SCOPES] + \
    [("pages/importer.py", {}, None)]


def check_file(name: str, body: bytes) -> None:
    assert body, name
    if name.endswith(".csv"):
        text = body.decode("utf-8-sig")
        sep = ";" if text.split("\r\n", 1)[0].count(";") > text.split("\r\n", 1)[0].count(",") \
            else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
        header = rows[0]
        assert len(set(header)) == len(header), (name, header)
        assert all(len(r) == len(header) for r in rows[1:]), name
    elif name.endswith(".xlsx"):
        wb = openpyxl.load_workbook(io.BytesIO(body))
        for ws in wb.worksheets:
            header = next(ws.iter_rows(max_row=1, values_only=True), ())
            named = [h for h in header if h is not None]
            assert len(set(named)) == len(named), (name, ws.title, header)
    elif name.endswith(".pdf"):
        assert body.startswith(b"%PDF"), name
    elif name.endswith(".html"):
        assert body.startswith(b"<!DOCTYPE html>"), name
    elif name.endswith(".gpkg"):
        assert body.startswith(b"SQLite format 3\x00"), name
    elif name.endswith(".geojson"):
        data = json.loads(body)
        assert data["type"] == "FeatureCollection" and data["features"], name
    else:
        assert name.endswith((".gexf", ".graphml")), name
        assert body.startswith(b"<?xml"), name


@pytest.mark.parametrize("page,params,terr", CASES)
def test_every_download_of_every_page(downloads, page, params, terr):
    params = dict(params)
    if terr:
        params["terr"] = terr
    ok(page_test(page, params).run())
    assert downloads, "no download on this view"
    for name, body in downloads.items():
        check_file(name, body)


def test_a_cell_too_long_for_excel_is_announced_and_listed(downloads, tmp_path, monkeypatch):
    # issue 12 #18: XLSX cells over 32,767 characters were cut silently
    from ecosystem.geo import Geography
    from ecosystem.storage.store import Store
    from tests import fixtures
    from tests.app.pagetest import texts

    data = fixtures.tiny()
    data.actors.loc[1, "name"] = "Entraide " + "x" * 40_000      # A1, top actor in 44
    with Store(tmp_path / "long.duckdb", geo=Geography()) as s:
        s.create("long", data)
    monkeypatch.setenv("ECOSYSTEM_DB", str(tmp_path / "long.duckdb"))
    at = ok(page_test("pages/territoires.py", {"terr": "departement:44"}).run())
    assert "1 cellule de plus de 32\u202f767 caractères" in texts(at)
    from ecosystem.i18n import catalogue
    book = openpyxl.load_workbook(io.BytesIO(downloads["acteurs-les-plus-impliques.xlsx"]))
    notes = list(book["Notes"].iter_rows(values_only=True))
    # A1's name: "Entraide " + 40,000 x = 40,009 characters, first data row
    assert notes[3][1:] == ("A2", catalogue("fr")["col.name"], 2, 40_009)


def test_importer_reports_download_and_read_back(downloads):
    # the validation and geocoding reports of an analysed file (";" files)
    from tests.app.test_importer import button, upload
    at = ok(page_test("pages/importer.py").run())
    at = upload(at, "acteurs.csv", (
        "actor_id;name;actor_type;commune_code;employees;source\n"
        "X1;Entraide;association;44109;\"douze;=1+1\";t\n"
        "X2;Jardin;association;99999;3;t\n").encode())
    at.text_input(key="imp_target_name").set_value("Test téléchargements")
    button(at, "imp_analyse").click()
    ok(at.run())
    issues = downloads["validation_actors.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(issues, newline=""), delimiter=";"))
    assert all(len(r) == len(rows[0]) for r in rows[1:])
    assert "douze;=1+1" in [c for r in rows[1:] for c in r]        # one cell, not split
    geo = downloads["geocodage_actors.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(geo, newline=""), delimiter=";"))
    assert [r[rows[0].index("commune_code")] for r in rows[1:]] == ["99999"]
