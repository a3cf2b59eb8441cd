"""Issue 13's gaps (b): a card's history reads as the UI does — yes/no, numbers and
amounts with the locale's separators (Babel), years as years, field names as labels,
a removed record as its fields — in the page and in its CSV/XLSX downloads. The
log keeps the flat text it stores. Expected texts written out by hand (CLDR: French
groups with U+202F, a decimal comma and `` €`` after a no-break space)."""

import csv
import io

import openpyxl
import pandas as pd

from ecosystem.editing.history import field_label, labelled
from ecosystem.render import exports
from ecosystem.render import history as rh

NNBSP, NBSP = "\u202f", "\xa0"

ROWS = pd.DataFrame({
    "tbl": ["actors", "actors", "actors", "actors", "fundings", "actors", "partners"],
    "op": ["update"] * 6 + ["delete"],
    "field": ["active", "employees", "volunteers", "creation_year", "amount_eur", "lat", None],
    "old_value": ["true", "3.5", "12", "2015", "10000.0", None,
                  '{"project_id": "P1", "actor_id": "A3", "role": "financial"}'],
    "new_value": ["false", "1234.5", "1500", "2016", "12500.5", "47.2184", None],
}, dtype=object)  # as history() gives them


def test_booleans_numbers_years_and_amounts_read_in_french():
    out = labelled(ROWS, "fr")
    assert list(zip(out.old_value, out.new_value))[:6] == [
        ("Oui", "Non"),
        ("3,5", f"1{NNBSP}234,5"),
        ("12", f"1{NNBSP}500"),
        ("2015", "2016"),                      # a year is not grouped
        (f"10{NNBSP}000{NBSP}€", f"12{NNBSP}500,50{NBSP}€"),
        (None, "47,2184")]


def test_booleans_numbers_years_and_amounts_read_in_english():
    out = labelled(ROWS, "en")
    assert list(zip(out.old_value, out.new_value))[:6] == [
        ("Yes", "No"), ("3.5", "1,234.5"), ("12", "1,500"), ("2015", "2016"),
        ("€10,000", "€12,500.50"), (None, "47.2184")]
    assert ROWS.old_value[0] == "true"  # the rows themselves keep the log's text


def test_a_removed_record_reads_as_its_labelled_fields():
    assert labelled(ROWS, "fr").old_value[6] == (
        f"Projet (identifiant){NBSP}: P1 ; Acteur (identifiant){NBSP}: A3 ; "
        f"Rôle{NBSP}: Partenaire financier")
    assert labelled(ROWS, "en").old_value[6] == (
        "Project (id): P1; Actor (id): A3; Role: Financial partner")  # the forms' labels


def test_a_value_that_is_not_a_number_stays_as_it_is():
    odd = pd.DataFrame({"tbl": ["actors"], "op": ["update"], "field": ["employees"],
                        "old_value": ["beaucoup"], "new_value": ["nan"]}, dtype=object)
    out = labelled(odd, "fr")
    assert (out.old_value[0], out.new_value[0]) == ("beaucoup", "nan")


def test_every_field_has_a_label_never_a_missing_key():
    assert field_label("active", "fr") == "En activité"
    assert field_label("closing_year", "fr") == "Année de fermeture"
    assert field_label("closing_year", "en") == "Year closed"
    assert field_label("lat", "en") == "Latitude"
    assert field_label("made_up", "fr") == "made_up"


HOSTILE = pd.DataFrame({
    "seq": [2, 1], "change_set": ["c2", "c1"],
    "saved_at": [pd.Timestamp("2026-03-01 14:05"), pd.Timestamp("2026-02-01 09:00")],
    "effective": [pd.Timestamp("2026-03-01 14:05"), pd.Timestamp("2026-02-01 09:00")],
    "user_label": ["=cmd|' /C calc'!A0", "Alice"], "tbl": ["actors", "actors"],
    "record_id": ["A1", "A1"], "op": ["update", "update"], "field": ["active", "name"],
    "old_value": ["true", None], "new_value": ["false", "@SUM(1+1)"], "origin": ["edit", "merge"],
    "file_name": [None, "rna.csv"], "checksum": [None, None]}, dtype=object)


def test_the_history_table_in_french_and_its_csv_keep_no_formula():
    table = rh.table(HOSTILE, "fr", "actors")
    assert list(table.columns) == ["Quand", "Qui", "Champ", "Avant", "Après", "Origine", "Lien"]
    assert table.iloc[0].tolist() == ["1 mars 2026, 14:05", "=cmd|' /C calc'!A0", "En activité",
                                      "Oui", "Non", "modification", ""]
    assert table.iloc[1].tolist()[2:6] == ["Nom", "", "@SUM(1+1)", "fusion à l'import"]
    rows = list(csv.reader(io.StringIO(exports.to_csv_bytes(table).decode("utf-8-sig"))))
    assert rows[1][1] == "'=cmd|' /C calc'!A0" and rows[2][4] == "'@SUM(1+1)"
    assert rows[1][3:5] == ["Oui", "Non"]


def test_the_history_table_in_english_as_a_workbook():
    table = rh.table(HOSTILE.assign(tbl="projects"), "en", "projects")
    assert list(table.columns) == ["When", "Effective date", "Who", "Field", "Before", "After",
                                   "Origin", "Link"]
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes({"History": table}, "en")))
    sheet = book["History"]
    assert [c.value for c in sheet[2]][2:6] == ["'=cmd|' /C calc'!A0", "Active", "Yes", "No"]
