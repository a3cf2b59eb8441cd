"""The import command line: sheets (issue 12 item 1), saved mappings (item 5), what the
summary says of the mapping (item 6), Rich markup in user strings (item 12) and the
equation rows read = saved + merged + excluded in the summary and the report."""

import copy
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecosystem.__main__ import app
from tests.fixtures import workbook_bytes
from ecosystem.geo import Geography
from ecosystem.ingest import mapping as mp
from ecosystem.ingest.pipeline import run_import
from ecosystem.storage import open_store

RNA_HEAD = ["id", "titre", "objet_social1", "adrs_codeinsee", "libcom", "position"]


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone (runs of whitespace as one space)."""
    return " ".join(text.split())


def cli(*args, lang="en"):
    result = CliRunner().invoke(app, [*map(str, args)] + (["--lang", lang] if lang else []))
    return result, flat(result.output)


def workbook(path, sheets: dict[str, list[list]]):
    path.write_bytes(workbook_bytes(sheets))
    return path


NOTES = [["Remarque"], ["Inventaire 2025, voir l'onglet Structures"]]
STRUCTURES = [["Nom de la structure", "Code INSEE"], ["Entraide", "44109"], ["Jardins", "29019"]]
RNA_ROWS = [RNA_HEAD, ["W441000001", "ENTRAIDE NANTAISE", "019000", "44109", "NANTES", "A"],
            ["W441000002", "JARDINS", "024000", "44109", "NANTES", "A"],
            ["W441000003", "CHORALE", "006000", "44109", "NANTES", "A"]]
TABLEUR = [["Structure", "Commune INSEE", "Remarque"], ["Café solidaire", "44109", "ok"]]


# ------------------------------------------------------------------ item 1: sheets
def test_sheet_option_reads_named_sheet(tmp_path):
    src = workbook(tmp_path / "classeur.xlsx", {"Notes": NOTES, "Structures": STRUCTURES})
    result, out = cli("import", src, "--inventory", "Test", "--sheet", "Structures", "--dry-run",
                      "--db", tmp_path / "a.duckdb")
    assert result.exit_code == 0, result.output
    assert "Sheet read: “Structures”." in out
    assert "Rows read 2 = saved 2 + merged 0 + left out 0" in out
    assert "Other sheets of the workbook, not read: “Notes”" in out


def test_sheet_option_unknown_sheet_lists_the_sheets_and_fails(tmp_path):
    src = workbook(tmp_path / "classeur.xlsx", {"Notes": NOTES, "Structures": STRUCTURES})
    result, out = cli("import", src, "--inventory", "Test", "--sheet", "Nope", "--dry-run",
                      "--db", tmp_path / "a.duckdb")
    assert result.exit_code == 1
    assert ("The sheet “Nope” is not in this workbook. Sheets of the workbook: “Notes”, "
            "“Structures”.") in out


def test_summary_names_the_sheet_and_the_other_sheets_by_default(tmp_path):
    src = workbook(tmp_path / "classeur.xlsx", {"RNA": RNA_ROWS, "Notes": NOTES})
    result, out = cli("import", src, "--inventory", "Test", "--dry-run", "--db", tmp_path / "a.duckdb")
    assert result.exit_code == 0, result.output
    assert "Sheet read: “RNA”." in out and "not read: “Notes”" in out


def test_sheet_all_imports_each_recognised_or_mapped_sheet_apart(tmp_path):
    db = tmp_path / "a.duckdb"
    spec = tmp_path / "tableur.json"
    spec.write_text(json.dumps({"table": "actors", "rules": {"name": "Structure",
                                                             "commune_code": "Commune INSEE"},
                                "defaults": {"actor_type": "association"},
                                "columns": ["Structure", "Commune INSEE", "Remarque"]}))
    assert cli("mappings", "save", "Tableur", spec, "--db", db)[0].exit_code == 0
    src = workbook(tmp_path / "classeur.xlsx", {"Notes": NOTES, "RNA": RNA_ROWS, "Tableur": TABLEUR})
    result, out = cli("import", src, "--inventory", "Test all", "--sheet", "all", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Sheet “Notes” not imported" in out
    assert "Sheet read: “RNA”." in out and "Rows read 3 = saved 3 + merged 0 + left out 0" in out
    assert "Sheet read: “Tableur”." in out and "Rows read 1 = saved 1 + merged 0 + left out 0" in out
    assert "holds 3 actors" in out and "holds 4 actors" in out  # one transaction per sheet
    assert "Other sheets" not in out


def test_sheet_all_with_nothing_recognised_fails(tmp_path):
    src = workbook(tmp_path / "classeur.xlsx", {"Notes": NOTES, "Structures": STRUCTURES})
    result, out = cli("import", src, "--inventory", "Test", "--sheet", "all", "--db", tmp_path / "a.duckdb")
    assert result.exit_code == 1
    assert "Sheet “Structures” not imported" in out and "nothing was imported" in out


# ------------------------------------------------------------------ item 5: mappings
MAPPING = {"table": "actors", "rules": {"name": {"source": "Structure"},
                                        "commune_code": {"source": "Commune INSEE"},
                                        "actor_id": {"how": "id"}},
           "defaults": {"actor_type": "association"}, "source": "import:cress",
           "columns": ["Structure", "Commune INSEE", "Remarque"]}


def test_unknown_mapping_name_lists_saved_ones_without_traceback(tmp_path):
    db = tmp_path / "a.duckdb"
    spec = tmp_path / "m.json"
    spec.write_text(json.dumps(MAPPING))
    assert cli("mappings", "save", "Tableur CRESS", spec, "--db", db)[0].exit_code == 0
    src = tmp_path / "t.csv"
    src.write_text("Structure;Commune INSEE\nCafé;44109\n")
    result, out = cli("import", src, "--inventory", "Test", "--mapping", "Nope", "--db", db)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # a message, not a KeyError
    assert "Unknown mapping “Nope”. Saved mappings: “Tableur CRESS”." in out


def test_mappings_save_list_show_delete_round_trip(tmp_path):
    db = tmp_path / "a.duckdb"
    spec = tmp_path / "m.json"
    spec.write_text(json.dumps(MAPPING), encoding="utf-8")
    result, out = cli("mappings", "save", "Tableur CRESS", spec, "--db", db)
    assert result.exit_code == 0 and "Mapping “Tableur CRESS” saved (actors, 3 fields)." in out
    result, out = cli("mappings", "list", "--db", db)
    assert "Tableur CRESS" in out and "actor_id, commune_code, name" in out
    result = CliRunner().invoke(app, ["mappings", "show", "Tableur CRESS", "--db", str(db)])
    shown = json.loads(result.output)
    assert shown["rules"]["name"]["source"] == "Structure"
    assert shown["signature"] == mp.signature(MAPPING["columns"])
    # what show prints is a mapping file: saved again under another name, same layout
    (tmp_path / "shown.json").write_text(result.output, encoding="utf-8")
    assert cli("mappings", "save", "Copie", tmp_path / "shown.json", "--db", db)[0].exit_code == 0
    store = open_store(db, geo=Geography())
    try:
        assert mp.SavedMappings(store).signature_of("Copie") == mp.signature(MAPPING["columns"])
    finally:
        store.close()
    assert cli("mappings", "delete", "Copie", "--db", db)[0].exit_code == 0
    assert cli("mappings", "delete", "Tableur CRESS", "--db", db)[0].exit_code == 0
    result, out = cli("mappings", "list", "--db", db)
    assert out == "No saved mapping."
    result, out = cli("mappings", "delete", "Tableur CRESS", "--db", db)
    assert result.exit_code == 2 and "Unknown mapping “Tableur CRESS”. Saved mappings: none." in out


@pytest.mark.parametrize("content, message", [
    ('{"table": "actors",\n "rules": {"name": }}', "invalid JSON at line 2, column 20"),
    ('{"table": "actors", "rules": {"name": {"source": "Nom", "how": "sql"}}}', "unknown transform 'sql'"),
    ('{"table": "actors", "rules": {"name": {"colonne": "Nom"}}}', "rules.name: unknown key 'colonne'"),
    ('{"table": "acteurs", "rules": {}}', "unknown table 'acteurs'"),
    ('{"table": "actors", "rules": {"nom": "Nom"}}', "unknown target column 'nom'"),
])
def test_mappings_save_refuses_a_bad_file_saying_where(tmp_path, content, message):
    spec = tmp_path / "bad.json"
    spec.write_text(content)
    result, out = cli("mappings", "save", "X", spec, "--db", tmp_path / "a.duckdb")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert message in out


def test_unmapped_required_column_says_how_to_fix_on_the_command_line(tmp_path):
    src = tmp_path / "liste.csv"
    src.write_text("Intitulé long;Code INSEE\nCafé;44109\n")
    result, out = cli("import", src, "--inventory", "Test", "--db", tmp_path / "a.duckdb")
    assert result.exit_code == 1
    assert "Required columns with no match (actors): name." in out
    assert "Columns of the file: Intitulé long, Code INSEE." in out
    assert "--mapping NAME" in out and "mappings save NAME file.json" in out


# ------------------------------------------------------------------ item 6: which mapping
def test_summary_names_saved_mapping_applied_automatically(tmp_path):
    db = tmp_path / "a.duckdb"
    spec = tmp_path / "m.json"
    spec.write_text(json.dumps(MAPPING))
    cli("mappings", "save", "Tableur CRESS", spec, "--db", db)
    src = tmp_path / "tableur_2025.csv"
    src.write_text("Structure;Commune INSEE;Remarque\nCafé solidaire;44109;ok\n")
    result, out = cli("import", src, "--inventory", "Test", "--dry-run", "--db", db)
    assert result.exit_code == 0, result.output
    assert "Saved mapping “Tableur CRESS” applied automatically" in out
    assert "mapped by hand" not in out
    assert "│ Structure │ name │ name │" in out and "│ Commune INSEE │ commune_code │ commune │" in out
    assert "Columns ignored (1): Remarque" in out


def test_summary_says_mapping_given_with_option(tmp_path):
    db = tmp_path / "a.duckdb"
    spec = tmp_path / "m.json"
    spec.write_text(json.dumps(MAPPING))
    cli("mappings", "save", "Tableur CRESS", spec, "--db", db)
    src = tmp_path / "autre.csv"  # other columns: not applied automatically
    src.write_text("Structure;Commune INSEE;Contact;Tel\nCafé solidaire;44109;Ana;01\n")
    result, out = cli("import", src, "--inventory", "Test", "--dry-run", "--mapping", "Tableur CRESS",
                      "--db", db)
    assert result.exit_code == 0, result.output
    assert "Saved mapping “Tableur CRESS” given with --mapping." in out
    assert "Columns ignored (2): Contact, Tel" in out


def test_mapping_origin_in_the_summary(store, geo, tmp_path):
    rna = tmp_path / "rna_import_x.csv"
    rna.write_text(";".join(RNA_HEAD) + "\nW1;A;019000;44109;NANTES;A\n", encoding="latin-1")
    auto = tmp_path / "liste.csv"
    auto.write_text("Nom;Code INSEE;Divers\nCafé;44109;x\n")
    seen = {}
    for path in (rna, auto):
        imp, _ = run_import(path, store, "Test", geo=geo, dry_run=True)
        seen[path.name] = imp.summary()["parts"][0]["mapping"]
        imp.close()
    assert seen["rna_import_x.csv"]["origin"] == "recognised"
    assert seen["rna_import_x.csv"]["ignored"] == []
    m = seen["liste.csv"]
    assert (m["origin"], m["name"], m["ignored"]) == ("auto", None, ["Divers"])
    assert [(f["field"], f["columns"]) for f in m["fields"]] == [
        ("actor_id", []), ("name", ["Nom"]), ("commune_code", ["Code INSEE"])]
    assert m["defaults"] == {"actor_type": "association"}


# ------------------------------------------------------------------ item 12: markup
HOSTILE = ["[/red]", "[link=http://x]a[/link]", "[bold]"]


def test_rich_markup_in_names_columns_and_values_is_printed_as_text(tmp_path):
    db = tmp_path / "a.duckdb"
    src = tmp_path / "[bold]liste.csv"
    src.write_text("Nom;Code INSEE;[link=http://x]a[/link]\n[/red];44109;[bold]\n")
    result, out = cli("import", src, "--inventory", "[/red]", "--db", db)
    assert result.exit_code == 0, result.output
    assert "File: " in out and "[bold]liste.csv" in out
    assert "Columns ignored (1): [link=http://x]a[/link]" in out
    assert "Saved: the inventory “[/red]” holds 1 actor." in out
    result, out = cli("inventories", "--db", db, lang=None)
    assert result.exit_code == 0, result.output
    assert "│ [/red] │ 1 │" in out


def test_rich_markup_in_refused_lines_is_printed_as_text(tmp_path):
    src = tmp_path / "[bold]decale.csv"
    src.write_text("nom;type;code\n[bold]A;association;44109\n[/red]B;[link=http://x]a[/link]\n")
    result, out = cli("import", src, "--inventory", "[link=http://x]a[/link]", "--db", tmp_path / "a.duckdb")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "line 3: 2 fields instead of 3 — [/red]B;[link=http://x]a[/link]" in out


def test_rich_markup_in_mapping_names_is_printed_as_text(tmp_path):
    db = tmp_path / "a.duckdb"
    spec = tmp_path / "m.json"
    spec.write_text(json.dumps(MAPPING))
    result, out = cli("mappings", "save", "[bold]x[/bold] :warning:", spec, "--db", db)
    assert result.exit_code == 0 and "Mapping “[bold]x[/bold] :warning:” saved" in out
    result, out = cli("mappings", "list", "--db", db)
    assert result.exit_code == 0 and "[bold]x[/bold]" in out and ":warning:" in out  # cell wrapped
    assert "\u26a0" not in out  # not turned into an emoji


# ------------------------------------------------------------------ the equation in the report
def test_report_lists_merged_rows_beside_excluded_ones(tmp_path):
    src = tmp_path / "actors.csv"
    src.write_text("actor_id;name;actor_type;rna_id;commune_code;source\n"
                   "A1;Les Amis;association;W441000001;44109;test\n"
                   "A2;Amis copie;association;W441000001;44109;test\n"
                   "A3;;association;;44109;test\n")
    report = tmp_path / "report.csv"
    result, out = cli("import", src, "--inventory", "Test", "--dry-run", "--report", report,
                      "--db", tmp_path / "a.duckdb")
    assert result.exit_code == 0, result.output
    assert "Rows read 3 = saved 1 + merged 1 + left out 1" in out
    df = pd.read_csv(report, sep=";", encoding="utf-8-sig", dtype=str)
    assert df[["row", "column", "action", "check"]].fillna("").values.tolist() == [
        ["3", "", "merged", "merged_file"], ["4", "name", "left out", "required"]]
    assert df.reason.tolist()[0] == "merged into row 2 of the file (id A1)"
    assert set(df.file) == {str(src)} and set(df.table) == {"actors"}


def test_saved_mapping_generates_ids_from_the_new_file(store, geo, tmp_path):
    # a mapping file with no id rule gets generated ids; a second file of the same
    # layout must not get the first file's ids (they would be merged as duplicates)
    spec = {k: v for k, v in copy.deepcopy(MAPPING).items() if k != "columns"}
    del spec["rules"]["actor_id"]
    mapping, _, _ = mp.load_file(json.dumps(spec))
    mp.SavedMappings(store).save("Tableur", mapping, MAPPING["columns"])
    first, second = tmp_path / "janvier.csv", tmp_path / "fevrier.csv"
    first.write_text("Structure;Commune INSEE;Remarque\nCafé solidaire;44109;ok\n")
    second.write_text("Structure;Commune INSEE;Remarque\nRessourcerie;29019;ok\n")
    imp, _ = run_import(first, store, "Test ids", geo=geo)
    imp.close()
    imp, _ = run_import(second, store, "Test ids", geo=geo)
    try:
        assert imp.summary()["parts"][0]["balance"] == {"read": 1, "saved": 1, "merged": 0, "excluded": 0}
    finally:
        imp.close()
    names = sorted(store.load("Test ids").actors.name)
    assert names == ["Café solidaire", "Ressourcerie"]


def test_mapped_preview_of_a_sheet_with_no_name_column(geo, tmp_path):
    # the page previews the first sheet of a workbook; a notes sheet maps no name:
    # the preview is shown (without name), it does not fail
    from ecosystem.ingest.pipeline import Import

    src = workbook(tmp_path / "classeur.xlsx", {"Notes": NOTES, "Structures": STRUCTURES})
    with Import(src, geo=geo, workdir=tmp_path) as imp:
        imp.read()
        preview = imp.mapped_preview(imp.parts[0].index, 5)
        assert preview.columns.tolist() == ["_row", "actor_id", "actor_type"]
        assert preview["_row"].tolist() == [2]
        assert imp.sheet_rows() == {"Notes": 2, "Structures": 3}


def test_mapping_file_example_of_the_docs_is_valid():
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    example = re.search(r"### Mapping file.*?```json\n(.*?)```", docs, re.S).group(1)
    mapping, columns, sig = mp.load_file(example)
    assert sorted(mapping.used()) == ["actor_id", "address", "commune_code", "domains", "name"]
    assert mapping.rules["address"].columns == ["Adresse 1", "Adresse 2"]
    assert len(columns) == 5 and sig is None
