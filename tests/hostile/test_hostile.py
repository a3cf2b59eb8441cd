"""Hostile inputs: every case ends in a clear message or a clean import — never a
crash, never a partial inventory, and the inventory already there is untouched."""

import json
import math

import pandas as pd
import pytest

from ecosystem import model
from ecosystem.i18n import t
from ecosystem.ingest.pipeline import ImportError_, run_import
from ecosystem.storage.store import Store
from tests.fixtures import tiny
from tests.hostile import make_corpus

CASES = make_corpus.cases()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    directory = tmp_path_factory.mktemp("hostile")
    manifest = make_corpus.write(directory)
    return directory, manifest


def test_corpus_has_fifty_two_cases(corpus):
    assert len(corpus[1]) == 52


GOOD3 = ["Entraide Nantes", "Jardins d'Herblain", "SCOP Ressourcerie"]
PAYLOAD = make_corpus.PAYLOAD
CLEAN3 = dict(names=GOOD3)


def imported(names, issues=(), excluded=0, unplaced=None, cells=None):
    """An import: ``names`` saved (in any order: the store keeps actors sorted by
    their commune, so a file whose commune codes are read comes back in that order), ``issues`` of the validation report as
    (row, column, check, action), ``excluded`` rows left out, the geocoder's unplaced
    reasons and some stored cells ({name: {column: value}}, None = emptied)."""
    return dict(outcome="import", names=list(names), issues=list(issues), excluded=excluded,
                unplaced=unplaced or {}, cells=cells or {})


def refused(key):
    return dict(outcome="error", key=key)


#: The one outcome of each case, worked out from the file's content (make_corpus.py).
#: GOOD rows all carry coordinates (placed); rows with neither coordinates nor postal
#: code + city stay unplaced (``no_location``). ``0001-01-01`` and ``NON`` are empty
#: markers (normalise.EMPTY_MARKERS): emptied without a report.
EXPECTED = {
    # --- encodings: decoded, every row saved
    "enc_utf8.csv": imported(GOOD3),
    "enc_utf8_bom.csv": imported(GOOD3),
    "enc_latin1.csv": imported(GOOD3),
    "enc_cp1252_euro.csv": imported(GOOD3 + ["Cœur & Œuvre"],
                                    cells={"Cœur & Œuvre": {"description": "Budget 10 €"}}),
    "enc_utf16.csv": imported(GOOD3),
    # the file is read as Windows-1252 (its last line is not UTF-8): the Latin-1 line
    # is right; the UTF-8 accents of the first lines come out as two characters each
    "enc_mixed_utf8_latin1.csv": imported(GOOD3 + ["Élan Solidaire"],
                                          cells={"Élan Solidaire": {"description": "Été"}}),
    # FF FE 80 read as Windows-1252; that row has no coordinates
    "enc_invalid_bytes.csv": imported(GOOD3 + ["Nom\u00ff\u00fe\u20ac"],
                                      unplaced={"no_location": 1}),
    "enc_null_bytes.csv": imported(
        GOOD3, issues=[(2, "description", "controls", "cleaned")],
        cells={"Entraide Nantes": {"description": "Aidealimentaire"}}),
    # --- structure
    "ragged_fewer_fields.csv": refused("imp.err.ragged"),
    "ragged_more_fields.csv": refused("imp.err.ragged"),
    "header_duplicates.csv": imported(GOOD3),                 # the first "nom" is the name
    "header_empty_names.csv": imported(                       # an unnamed column is not read
        GOOD3, cells={n: {"description": None} for n in GOOD3}),
    "header_only.csv": refused("imp.err.nothing_valid"),
    "empty.csv": refused("imp.err.empty"),
    "whitespace_only.csv": refused("imp.err.no_header"),
    "only_delimiters.csv": refused("imp.err.no_header"),
    "binary_random.csv": refused("imp.err.encoding"),
    "png_named.csv": refused("imp.err.dialect"),
    # the lone quote is kept as a character: 3 + 2 rows
    "unbalanced_quotes.csv": imported(GOOD3 + ['"Guillemet ouvert', "Entraide Nantes"],
                                      unplaced={"no_location": 1}),
    "newlines_in_quoted.csv": imported(["Multi ligne", "Jardins d'Herblain"],
                                       cells={"Multi ligne": {"description": "une\ndescription"}}),
    "title_rows_before_header.csv": imported(GOOD3),
    "comma_delimited.csv": imported(["Entraide Nantes", "Jardins, Herblain", "SCOP Ressourcerie"]),
    "tab_delimited.tsv": imported(GOOD3),
    "wide_5000_columns.csv": refused("imp.err.unmapped"),     # no column holds a name
    "long_field_1mb.csv": refused("imp.err.csv"),             # field over the 128 KiB limit
    # --- content: formulas and markup stored as the file's text
    "formulas_everywhere.csv": imported(
        ["=cmd|' /C calc'!A0", "+33 1 00"], issues=[(2, "creation_year", "type", "emptied")],
        cells={"=cmd|' /C calc'!A0": {"city": "=1+1", "description": '=HYPERLINK("x")',
                                      "creation_year": None},
               "+33 1 00": {"description": "-2+3", "creation_year": 2001}}),
    "html_js_everywhere.csv": imported([PAYLOAD], cells={PAYLOAD: {"city": PAYLOAD,
                                                                   "description": PAYLOAD}}),
    # 999/-999 and abc/def are not coordinates (emptied); NaN/inf is empty; the two
    # valid pairs outside France are kept and left unplaced
    "absurd_coordinates.csv": imported(
        ["Lat 999", "Lat texte", "Lat NaN", "Inversées", "Océan"],
        unplaced={"coords_invalid": 2, "coords_outside": 2, "no_location": 1},
        cells={"Lat 999": {"lat": None, "lon": None}, "Lat texte": {"lat": None, "lon": None},
               "Inversées": {"lat": -1.5536, "lon": 47.2184}, "Océan": {"lat": 30.0, "lon": -40.0}}),
    "dates_0001_9999.csv": imported(
        ["Ancienne", "Future", "Texte", "Négative"],
        issues=[(3, "creation_year", "type", "emptied"), (4, "creation_year", "type", "emptied"),
                (5, "creation_year", "type", "emptied")], unplaced={"no_location": 4},
        cells={n: {"creation_year": None} for n in ("Ancienne", "Future", "Texte", "Négative")}),
    "bad_commune_codes.csv": imported(["Zéro", "Neufs", "Lettres", "Corse fausse", "Sans zéro"],
                                      unplaced={"no_location": 5}),
    "bad_sirens.csv": imported(
        ["Clé fausse", "Espaces", "Court"],
        issues=[(2, "siren", "siren", "emptied"), (4, "siren", "siren", "emptied")],
        unplaced={"no_location": 3},
        cells={"Clé fausse": {"siren": None}, "Espaces": {"siren": "732829320"},
               "Court": {"siren": None}}),
    "unknown_types.csv": imported(
        ["Type inconnu", "Type vide"],
        issues=[(2, "actor_type", "vocabulary", "default value"),  # "licorne"
                (3, "actor_type", "defaulted", "default value")],  # empty: listed since real-sweep
        unplaced={"no_location": 2},
        cells={"Type inconnu": {"actor_type": "association"}, "Type vide": {"actor_type": "association"}}),
    "decimal_commas_thousands.csv": imported(["Entraide Nantes"],
                                             cells={"Entraide Nantes": {"employees": 1234.5}}),
    # no identifier: nothing is an exact duplicate, all six are saved
    "duplicate_rows.csv": imported(GOOD3 + GOOD3),
    "missing_names.csv": imported(["Entraide Nantes"], excluded=1, unplaced={"no_location": 1},
                                  issues=[(2, "name", "required", "left out")]),
    "non_values.csv": imported(["Entraide Nantes"], excluded=1, unplaced={"no_location": 1},
                               issues=[(2, "name", "required", "left out")]),
    # a new inventory: no project or actor they refer to exists
    "projects_negative_amounts.csv": refused("imp.err.nothing_valid"),
    "fundings_negative.csv": refused("imp.err.nothing_valid"),
    # --- other formats
    "not_json.json": refused("imp.err.json"),
    "json_object_not_array.json": refused("imp.err.unmapped"),
    "json_deep.json": refused("imp.err.json_deep"),
    "json_array_of_numbers.json": refused("imp.err.unmapped"),
    "js_export_broken.js": refused("imp.err.json"),
    "js_export_payloads.js": imported(
        [PAYLOAD, "Hors carte"], issues=[(1, "domains", "vocabulary", "emptied")],
        unplaced={"coords_invalid": 1}, cells={PAYLOAD: {"city": PAYLOAD}}),
    "parquet_corrupt.parquet": refused("imp.err.parquet"),
    "xlsx_is_csv.xlsx": imported(GOOD3),
    "xlsx_truncated.xlsx": refused("imp.err.xlsx"),
    # a formula cell has no cached value in this file: the name is empty
    "xlsx_formulas.xlsx": imported(["Normal"], excluded=1, unplaced={},
                                   issues=[(2, "name", "required", "left out")]),
    "xlsx_empty_sheet.xlsx": refused("imp.err.no_header"),
    "xlsx_zip_bomb.xlsx": refused("imp.err.xlsx_bomb"),
    "legacy_xls.xls": refused("imp.err.xls"),
    "rna_truncated_header.csv": refused("imp.err.unmapped"),  # no name column
}


def test_every_case_has_one_expected_outcome():
    assert sorted(EXPECTED) == sorted(CASES)
    assert {n: CASES[n][0] for n in CASES} == {n: e["outcome"] for n, e in EXPECTED.items()}


def _run(path, store, geo):
    """("error", (key, message)) or ("import", Import)."""
    try:
        imp, _ = run_import(path, store, "cible", geo=geo)
    except ImportError_ as exc:
        return "error", (exc.key, t(exc.key, "fr", **exc.params))
    except model.ValidationError as exc:
        return "error", (exc.issues[0].check, exc.issues[0].message("fr"))
    return "import", imp


def _value(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v.item() if hasattr(v, "item") else v


@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(name, corpus, tmp_path, geo):
    directory, manifest = corpus
    store = Store(tmp_path / "s.duckdb", geo=geo)
    store.create("base", tiny())
    before = store.info("base")
    outcome, result = _run(directory / name, store, geo)
    expected = EXPECTED[name]
    assert manifest[name] == expected["outcome"]
    if outcome == "error":
        key, message = result
        assert expected == refused(key), f"{name}: refused with {key}: {message}"
        assert message and not message.startswith("⟦"), f"{name}: no readable message ({message})"
        assert store.names() == ["base"], f"{name}: half-written inventory"
    else:
        imp = result
        try:
            part = imp.summary()["parts"][0]
            issues = imp.issues(0, "en")
            got_issues = [(int(r), c, k, a) for r, c, k, a in
                          issues[["row", "column", "check", "action"]].values.tolist()]
            unplaced = part["geo"]["unplaced"]
        finally:
            imp.close()
        assert expected["outcome"] == "import", f"{name}: imported, {expected} expected"
        n = len(expected["names"])
        assert part["balance"] == {"read": n + expected["excluded"], "saved": n, "merged": 0,
                                   "excluded": expected["excluded"]}, name
        assert got_issues == expected["issues"], name
        assert unplaced == expected["unplaced"], name
        data = store.load("cible")
        assert sorted(data.actors.name) == sorted(expected["names"])
        _, problems = model.validate(data)
        assert problems == [], f"{name}: stored data invalid: {problems[:3]}"
        by_name = data.actors.drop_duplicates("name").set_index("name")
        for actor, columns in expected["cells"].items():
            got = {c: _value(by_name.at[actor, c]) for c in columns}
            assert got == columns, f"{name}: {actor}"
    after = store.info("base")
    assert {k: after[k] for k in ("version", "n_actors", "n_projects")} == \
           {k: before[k] for k in ("version", "n_actors", "n_projects")}
    store.close()


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_one_gigabyte_file_is_refused_quickly(tmp_path, geo):
    path = tmp_path / "big_1gb_one_line.csv"
    make_corpus.write_big(path)
    store = Store(tmp_path / "s.duckdb", geo=geo)
    store.create("base", tiny())
    outcome, (key, message) = _run(path, store, geo)
    assert outcome == "error" and message
    assert store.names() == ["base"]


def test_manifest_written_with_the_corpus(corpus):
    directory, manifest = corpus
    assert json.loads((directory / "manifest.json").read_text()) == manifest


def test_zip_bomb_is_refused_from_the_zip_directory(corpus, tmp_path, geo):
    """The bomb is refused before openpyxl inflates it, with the member and its ratio."""
    directory, _ = corpus
    store = Store(tmp_path / "s.duckdb", geo=geo)
    try:
        run_import(directory / "xlsx_zip_bomb.xlsx", store, "cible", geo=geo)
    except ImportError_ as exc:
        assert exc.key == "imp.err.xlsx_bomb"
        assert exc.params["member"] == "xl/worksheets/sheet1.xml"
        assert float(exc.params["ratio"].replace(",", "")) > 100
    else:
        pytest.fail("the zip bomb was imported")
    finally:
        store.close()
