"""Issue 13's gaps in the app (AppTest, French and English): the actor card's history
reads yes / no and numbers in the UI's language, in the table and in its CSV / XLSX
downloads (formulas neutralised); the Membres page's audit names an inventory's
rename with its old and new names. Expected texts written out by hand."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from ecosystem import editing, members, writes
from ecosystem.access import LOCAL_ADMIN
from ecosystem.geo import Geography
from ecosystem.storage.store import Store
from tests import fixtures
from ecosystem.i18n import catalogue
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


@pytest.mark.parametrize("page,params,key,tab_label", [
    ("pages/acteur.py", {"actor": "A1"}, "w_actor_tab", "Historique"),
    ("pages/projet.py", {"project": "P1", "lang": "en"}, "w_project_tab", "History")])
def test_a_card_opens_on_its_history_from_its_link(hist_db, monkeypatch, page, params, key, tab_label):
    """``?tab=history`` opens a card on its history, and the URL keeps it (a link to share)."""
    monkeypatch.setenv("ECOSYSTEM_DB", str(hist_db))
    at = ok(page_test(page, {"inv": "Hist", "tab": "history", **params}).run())
    assert at.query_params["tab"] == "history"
    assert at.session_state[key] == tab_label


@pytest.mark.parametrize("lang,cols,origins", [
    ("fr", ("Qui", "Origine", "Tables", "Fiches"), ["modification", "import"]),
    ("en", ("Who", "Origin", "Tables", "Records"), ["edit", "import"])])
def test_journal_lists_the_change_sets_with_a_link_to_the_card_history(hist_db, monkeypatch, downloads,
                                                                       lang, cols, origins):
    monkeypatch.setenv("ECOSYSTEM_DB", str(hist_db))
    at = ok(page_test("pages/journal.py", {"inv": "Hist", "lang": lang}).run())
    table = at.dataframe[0].value
    who, origin, tables, records = (table[c].tolist() for c in cols)
    assert origin == origins and who == ["local", "local"]
    assert (tables[0], records[0]) == (("Acteurs", 1) if lang == "fr" else ("Actors", 1))
    assert records[1] == 33  # tiny(): 10 actors, 5 projects, 5 partners, 5 fundings, 2 memberships,
    # 1 partnership, 5 scores
    assert table["card"][0].endswith("actor=A1&tab=history")
    rows = list(csv.reader(io.StringIO(downloads["journal.csv"].decode("utf-8-sig"))))
    assert [r[list(table.columns).index(cols[1])] for r in rows[1:]] == origins


def test_journal_filters_by_origin_and_days(hist_db, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_DB", str(hist_db))
    at = ok(page_test("pages/journal.py", {"inv": "Hist"}, {"w_journal_origins": ["import"]}).run())
    assert at.dataframe[0].value["Origine"].tolist() == ["import"]
    long_ago = (dt.date(2001, 1, 1), dt.date(2001, 1, 31))  # before the inventory existed
    at = ok(page_test("pages/journal.py", {"inv": "Hist"}, {"w_journal_days": long_ago}).run())
    assert not at.dataframe and "Aucun changement ne correspond à ces filtres." in [i.value for i in at.info]


@pytest.fixture
def two_db(tmp_path):
    path = tmp_path / "two.duckdb"
    store = Store(path, geo=Geography())
    writes.create(store, LOCAL_ADMIN, "Brouillon", fixtures.tiny())
    writes.create(store, LOCAL_ADMIN, "Autre", fixtures.tiny())
    store.close()
    return path


@pytest.mark.parametrize("lang,field,button,action", [
    ("fr", "Nom de l'inventaire", "Renommer l'inventaire", "Inventaire renommé"),
    ("en", "Inventory name", "Rename the inventory", "Inventory renamed")])
def test_an_administrator_renames_the_inventory_and_the_audit_says_so(two_db, monkeypatch, lang,
                                                                       field, button, action):
    monkeypatch.setenv("ECOSYSTEM_DB", str(two_db))
    at = ok(page_test("pages/membres.py", {"inv": "Brouillon", "lang": lang}).run())
    box = next(t for t in at.text_input if t.label == field)
    box.input("Observatoire 44")
    at = ok(next(b for b in at.button if b.label == button).click().run())
    assert at.sidebar.selectbox(key="w_inv").value == "Observatoire 44"  # the sidebar follows
    log = at.dataframe[-1].value
    assert log.iloc[0].tolist()[1:] == ["local", action, "", "Brouillon", "Observatoire 44"]
    with Store(two_db, geo=Geography()) as store:
        assert sorted(store.names()) == ["Autre", "Observatoire 44"]


def test_a_rename_to_a_taken_name_is_refused_with_the_name(two_db, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_DB", str(two_db))
    at = ok(page_test("pages/membres.py", {"inv": "Brouillon"}).run())
    next(t for t in at.text_input if t.label == "Nom de l'inventaire").input("Autre")
    at = ok(next(b for b in at.button if b.label == "Renommer l'inventaire").click().run())
    assert [e.value for e in at.error] == [catalogue("fr")["store.hint.exists"].format(name="Autre")]
    with Store(two_db, geo=Geography()) as store:
        assert sorted(store.names()) == ["Autre", "Brouillon"]


@pytest.fixture
def delete_db(tmp_path):
    """"Brouillon" and "Garde", both tiny() (10 actors, 5 projects)."""
    path = tmp_path / "delete.duckdb"
    store = Store(path, geo=Geography())
    for name in ("Brouillon", "Garde"):
        writes.create(store, LOCAL_ADMIN, name, fixtures.tiny())
    store.close()
    return path


def _submit_delete(at, typed: str):
    box = next(b for b in at.text_input if b.key == "w_members_delete_Brouillon")
    box.input(typed)
    button = next(b for b in at.button if b.label == "Supprimer définitivement")
    return ok(button.click().run())


def test_members_page_deletes_an_inventory_only_when_its_name_is_typed(delete_db, monkeypatch):
    monkeypatch.setenv("ECOSYSTEM_DB", str(delete_db))
    at = ok(page_test("pages/membres.py", {"inv": "Brouillon"}).run())
    assert [e.label for e in at.expander] == ["Supprimer l'inventaire"]
    warning = " ".join(str(w.value) for w in at.warning)
    assert "Supprimer « Brouillon » efface 10 acteurs, 5 projets, leurs liens" in warning
    at = _submit_delete(at, "brouillon")  # not the name: nothing goes
    assert [str(e.value) for e in at.error] == ["Le nom tapé n'est pas « Brouillon » : rien n'a été supprimé."]
    with Store(delete_db, geo=Geography()) as store:  # the app's own configuration
        assert sorted(store.list().name) == ["Brouillon", "Garde"]
    at = _submit_delete(at, "Brouillon")
    assert "Inventaire « Brouillon » supprimé." in [str(s.value) for s in at.success]
    assert at.session_state["w_members_inv"] == "Garde"  # the page moved to what is left
    with Store(delete_db, geo=Geography()) as store:
        assert sorted(store.list().name) == ["Garde"]
        assert store.deletions().old_value.tolist() == ["Brouillon"]
