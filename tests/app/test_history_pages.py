"""Issue 13's gaps in the app (AppTest, French and English): the actor card's history
reads yes / no and numbers in the UI's language, in the table and in its CSV / XLSX
downloads (formulas neutralised); the Membres page's audit names an inventory's
rename with its old and new names. Expected texts written out by hand."""

import csv
import io

import openpyxl
import pytest
from streamlit.delta_generator import DeltaGenerator

from ecosystem import editing, members, writes
from ecosystem.access import LOCAL_ADMIN
from ecosystem.geo import Geography
from ecosystem.storage.store import Store
from tests import fixtures
from tests.app.pagetest import ok, page_test

NNBSP = "\u202f"


@pytest.fixture(scope="module")
def hist_db(tmp_path_factory):
    """"Brouillon" renamed "Hist"; its actor A1 edited once (active, employees,
    volunteers and a name that looks like a formula)."""
    path = tmp_path_factory.mktemp("hist") / "hist.duckdb"
    store = Store(path, geo=Geography())
    writes.create(store, LOCAL_ADMIN, "Brouillon", fixtures.tiny())
    writes.rename(store, LOCAL_ADMIN, "Brouillon", "Hist")
    members.set_visibility(store, LOCAL_ADMIN, "Hist", "public")
    rec = editing.read(store, "Hist", "actors", "A1")
    editing.edit_actor(store, LOCAL_ADMIN, "Hist", "A1",
                       {"active": False, "employees": "1234.5", "volunteers": "1500",
                        "name": "=HYPERLINK(\"http://x\")"}, rec.version)
    store.close()
    return path


@pytest.fixture
def downloads(monkeypatch):
    """Every download button's file, produced as a click would (file name -> bytes)."""
    files: dict[str, bytes] = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, *args, **kwargs):
        body = data() if callable(data) else data
        files[file_name] = body
        return original(self, label, body, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return files


@pytest.mark.parametrize("lang,cols,expected,file", [
    ("fr", ("Champ", "Avant", "Après"),
     [("En activité", "", "Non"), ("Nom", "Entraide Nantes", "=HYPERLINK(\"http://x\")"),
      ("Salariés (ETP)", "", f"1{NNBSP}234,5"), ("Bénévoles", "", f"1{NNBSP}500")], "historique"),
    ("en", ("Field", "Before", "After"),
     [("Active", "", "No"), ("Name", "Entraide Nantes", "=HYPERLINK(\"http://x\")"),
      ("Employees (FTE)", "", "1,234.5"), ("Volunteers", "", "1,500")], "history")])
def test_actor_history_reads_yes_no_and_numbers_in_the_ui_language(hist_db, monkeypatch, downloads,
                                                                    lang, cols, expected, file):
    monkeypatch.setenv("ECOSYSTEM_DB", str(hist_db))
    at = ok(page_test("pages/acteur.py", {"inv": "Hist", "actor": "A1", "lang": lang}).run())
    table = next(df.value for df in at.dataframe if cols[1] in df.value.columns)
    field, before, after = (table[c].tolist() for c in cols)
    edit = [(f, b, a) for f, b, a in zip(field, before, after) if f in {e[0] for e in expected}]
    assert sorted(edit) == sorted(expected)
    rows = list(csv.reader(io.StringIO(downloads[f"{file}.csv"].decode("utf-8-sig"))))
    assert rows[0] == list(table.columns)
    assert len(rows) == len(table) + 1
    named = next(r for r in rows if r[list(table.columns).index(cols[0])] == expected[1][0])
    assert named[list(table.columns).index(cols[2])] == "'=HYPERLINK(\"http://x\")"
    sheet = openpyxl.load_workbook(io.BytesIO(downloads[f"{file}.xlsx"])).active
    assert [c.value for c in sheet[1]] == list(table.columns)
    after_col = [c.value for c in sheet[1]].index(cols[2])
    values = [r[after_col].value for r in sheet.iter_rows(min_row=2)]
    assert expected[0][2] in values and "'=HYPERLINK(\"http://x\")" in values


@pytest.mark.parametrize("lang,action,before,after", [
    ("fr", "Inventaire renommé", "Brouillon", "Hist"),
    ("en", "Inventory renamed", "Brouillon", "Hist")])
def test_members_page_names_a_rename(hist_db, monkeypatch, lang, action, before, after):
    monkeypatch.setenv("ECOSYSTEM_DB", str(hist_db))
    at = ok(page_test("pages/membres.py", {"inv": "Hist", "lang": lang}).run())
    log = at.dataframe[-1].value
    change, old, new = (("Changement", "Avant", "Après") if lang == "fr" else ("Change", "Before", "After"))
    assert list(zip(log[change], log[old], log[new]))[-1] == (action, before, after)
