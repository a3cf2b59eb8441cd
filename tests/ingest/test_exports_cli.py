"""Exports (formulas neutralised), templates, and the command line."""

import io
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from ecosystem import model
from ecosystem.__main__ import app
from ecosystem.render.exports import (export_inventory, template_frame, templates_workbook,
                               to_csv_bytes, to_xlsx_bytes)
from tests.conftest import ROOT
from tests.fixtures import tiny

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+33 1 23", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_downloads_neutralise_formulas():
    df = pd.DataFrame({"name": DANGEROUS + ["Normal"], "n": [-1, 2, 3, 4, 5, 6, 7]})
    back = pd.read_csv(io.BytesIO(to_csv_bytes(df, sep=";")), sep=";", encoding="utf-8-sig")
    assert back.name.tolist()[:5] == ["'" + v for v in DANGEROUS[:5]]
    assert back.name.str.startswith("'").sum() == 6 and back.name.tolist()[-1] == "Normal"
    assert back.n.tolist()[0] == -1  # numbers untouched
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes({"a": df}))).active
    cells = [sheet.cell(row=i, column=1) for i in range(2, 9)]
    assert [c.data_type for c in cells] == ["s"] * 7  # text, never a formula
    assert cells[0].value == "'=HYPERLINK(\"http://x\")"


def test_inventory_exports_in_three_formats(store, tmp_path):
    data = tiny()
    data.actors.loc[1, "name"] = "=1+1 Entraide"
    store.create("inv", data)
    files = export_inventory(store, "inv", "csv", tmp_path / "csv")
    assert [f.name for f in files] == [f"{t}.csv" for t in model.TABLES]
    raw = (tmp_path / "csv" / "actors.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    actors = pd.read_csv(tmp_path / "csv" / "actors.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert actors.set_index("actor_id").at["A1", "name"] == "'=1+1 Entraide"
    assert actors.set_index("actor_id").at["A1", "domains"] == "poverty;social_cohesion"
    [pq] = export_inventory(store, "inv", "parquet", tmp_path / "actors.parquet", ["actors"])
    assert len(pd.read_parquet(pq)) == 10
    [xlsx] = export_inventory(store, "inv", "xlsx", tmp_path / "inv.xlsx")
    assert openpyxl.load_workbook(xlsx).sheetnames == list(model.TABLES)
    with pytest.raises(ValueError):
        export_inventory(store, "inv", "ods", tmp_path / "x.ods")


def test_templates():
    assert template_frame("projects").columns.tolist() == model.TABLES["projects"].column_names
    wb = openpyxl.load_workbook(io.BytesIO(templates_workbook("en")))
    assert wb.sheetnames == ["actors", "projects", "partners", "fundings", "README"]
    readme = pd.read_excel(io.BytesIO(templates_workbook("en")), sheet_name="README")
    row = readme[(readme.table == "actors") & (readme.Column == "actor_type")].iloc[0]
    assert row.Required == "yes" and "association" in row["Allowed values"]


# ------------------------------------------------------------------ command line

RNA = ("id;titre;objet_social1;adrs_codeinsee;libcom;position;adrs_codepostal\n"
       "W441000001;ENTRAIDE NANTAISE;019000;44109;NANTES;A;44000\n"
       "W441000002;JARDINS;024000;1053;BOURG;D;01000\n")


def test_cli_import_export_and_listing(tmp_path):
    db = tmp_path / "cli.duckdb"
    src = tmp_path / "rna_import_test.csv"
    src.write_bytes(RNA.encode("latin-1"))
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(src), "--inventory", "Test CLI", "--db", str(db),
                                 "--lang", "en", "--report", str(tmp_path / "report.csv")])
    assert result.exit_code == 0, result.output
    assert "RNA (rna_import)" in result.output and "Active" in result.output
    assert "Saved: the inventory “Test CLI” holds 2 actors." in result.output
    result = runner.invoke(app, ["export", "--inventory", "Test CLI", "--format", "csv",
                                 str(tmp_path / "out"), "--db", str(db), "--table", "actors"])
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "out" / "actors.csv", sep=";", encoding="utf-8-sig", dtype=str)
    out = out.sort_values("actor_id")
    assert out.name.tolist() == ["Entraide Nantaise", "JARDINS"]  # one word: maybe an acronym
    assert out.commune_code.tolist() == ["44109", "01053"]
    result = runner.invoke(app, ["inventories", "--db", str(db)])
    assert "Test CLI" in result.output


def test_cli_refuses_a_ragged_file_with_line_numbers(tmp_path):
    db = tmp_path / "cli.duckdb"
    src = tmp_path / "bad.csv"
    src.write_text("nom;type;code\nA;association;44109\nB;association\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(src), "--inventory", "X", "--db", str(db),
                                      "--lang", "en"])
    assert result.exit_code == 1
    assert "line 3: 2 fields instead of 3" in result.output


def test_python_m_ecosystem_runs_as_a_program(tmp_path):
    src = tmp_path / "rna_import_test.csv"
    src.write_bytes(RNA.encode("latin-1"))
    proc = subprocess.run([sys.executable, "-m", "ecosystem", "import", str(src), "--inventory",
                           "Sous-processus", "--db", str(tmp_path / "p.duckdb"), "--dry-run"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Essai à blanc" in proc.stdout
