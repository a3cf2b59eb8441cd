"""Linking review in an import (issue 16 item 4, on the page): the SIRENE legal units of
``tests/data/shaped/sirene_StockUniteLegale.csv`` (rows 2–9: U1 … U8) imported into an
inventory of three RNA records, written by hand:

* R1 ``rna:W291000001`` Entraide, RNA W291000001, SIRET 10000001700010 (U1's head office);
* R2 ``rna:W291000007`` Parti local, RNA W291000007 (declared by U7), but carrying the
  SIRET of a garage (10000006600017: SIREN 100000066 = U6): a conflict;
* R3 ``rna:W292000002`` Club, RNA only.

The import's exact pairs (same RNA number): U1 (row 2) → R1, U7 (row 8) → R2, both merged
by default: actors read 8 = saved 6 + merged 2. Linking: {row 2, R1} by RNA number and
SIREN (R1's SIRET starts with U1's SIREN); {row 7 (U6), row 8 (U7), R2}: R2 shares U7's
RNA number and U6's SIREN — two SIRENs, a conflict. Kept apart: U7 saved on its own,
8 = 7 + 1.
"""

from pathlib import Path

import pytest

from ecosystem.ingest import linking
from ecosystem.ingest.pipeline import Import, run_import

SHAPED = Path(__file__).resolve().parent.parent / "data" / "shaped"
UNITS = SHAPED / "sirene_StockUniteLegale.csv"


@pytest.fixture
def imp(store, geo, tmp_path):
    src = tmp_path / "rna.csv"
    src.write_text("actor_id;name;actor_type;rna_id;siret;commune_code;source\n"
                   "rna:W291000001;Entraide;association;W291000001;10000001700010;29019;rna\n"
                   "rna:W291000007;Parti local;association;W291000007;10000006600017;29151;rna\n"
                   "rna:W292000002;Club;association;W292000002;;29019;rna\n", encoding="utf-8")
    run_import(src, store, "RNA", geo=geo)[0].close()
    i = Import(UNITS, geo=geo, store=store)
    i.read()
    i.analyse("RNA")
    i.prepare()
    yield i
    i.close()


def test_structures_rules_and_conflict(imp):
    got = linking.review(imp, 0)
    rule = got.records.set_index("actor_id").rule.to_dict()
    assert {k: v for k, v in rule.items() if v} == {
        "file:2": "rna_id+siren", "rna:W291000001": "rna_id+siren",
        "file:7": "siren", "file:8": "rna_id", "rna:W291000007": "rna_id+siren"}
    assert got.conflicts.values.tolist() == [
        ["actor:file:7", "siren", "100000066;100000074", "file:7;file:8;rna:W291000007"]]
    s = got.structures.set_index("structure")
    assert s.at["siren:100000017", "actor_ids"] == "file:2;rna:W291000001"
    assert s.at["siren:100000017", "sources"] == "inventory;sirene"
    # 8 units + 3 inventory records in 11 − 1 − 2 = 8 structures
    assert got.summary()["structures"] == 8


def test_keep_apart_then_merge_in_the_equation(imp, store):
    got = linking.review(imp, 0)
    assert imp.summary()["parts"][0]["balance"] == {"read": 8, "saved": 6, "merged": 2, "excluded": 0}
    assert linking.decisions(imp, 0, got) == {"actor:file:7": True}
    assert linking.decide(imp, 0, got, "actor:file:7", merge=False) == 1   # U7 → R2
    imp.prepare()
    assert imp.summary()["parts"][0]["balance"] == {"read": 8, "saved": 7, "merged": 1, "excluded": 0}
    assert imp.balanced()
    assert linking.decisions(imp, 0, got) == {"actor:file:7": False}
    ref = imp.commit(store, "RNA")
    ids = set(store.query(f"SELECT actor_id FROM {ref.table('actors')}").actor_id)
    assert len(ids) == 3 + 7 and "sirene:100000074" in ids and "sirene:100000017" not in ids


def test_unknown_structure(imp):
    with pytest.raises(KeyError):
        linking.decide(imp, 0, linking.review(imp, 0), "siren:999999999", merge=True)


def _cli_inventory(tmp_path):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    db = str(tmp_path / "cli.duckdb")
    src = tmp_path / "rna.csv"
    src.write_text("actor_id;name;actor_type;rna_id;siret;commune_code;source\n"
                   "rna:W291000001;Entraide;association;W291000001;10000001700010;29019;rna\n"
                   "rna:W291000007;Parti local;association;W291000007;10000006600017;29151;rna\n"
                   "rna:W292000002;Club;association;W292000002;;29019;rna\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(src), "-i", "RNA", "--db", db]).exit_code == 0
    return runner, app, db


def test_command_line_lists_the_conflicts_then_keeps_apart(tmp_path):
    """The page's review on the command line: ``--links`` lists the structures and
    conflicts of the import, ``--keep-apart STRUCTURE`` saves their records apart."""
    from ecosystem.storage.store import Store

    runner, app, db = _cli_inventory(tmp_path)
    base = ["import", str(UNITS), "-i", "RNA", "--db", db, "--lang", "en"]
    dry = runner.invoke(app, base + ["--links", "--dry-run"])
    out = " ".join(dry.output.split())
    assert dry.exit_code == 0, out
    assert ("11 records (file and inventory) in 8 structures; 5 linked to another; "
            "1 structures in conflict.") in out
    assert "actor:file:7 siren 100000066;100000074 file:7;file:8;rna:W291000007" in out
    assert "Rows read 8 = saved 6 + merged 2 + left out 0" in out       # merged by default
    kept = runner.invoke(app, base + ["--keep-apart", "actor:file:7"])
    out = " ".join(kept.output.split())
    assert kept.exit_code == 0, out
    assert "Rows read 8 = saved 7 + merged 1 + left out 0" in out
    store = Store(tmp_path / "cli.duckdb")
    try:
        ids = set(store.query(f"SELECT actor_id FROM {store.ref('RNA').table('actors')}").actor_id)
    finally:
        store.close()
    assert len(ids) == 3 + 7 and "sirene:100000074" in ids


def test_command_line_unknown_structure_to_keep_apart(tmp_path):
    runner, app, db = _cli_inventory(tmp_path)
    got = runner.invoke(app, ["import", str(UNITS), "-i", "RNA", "--db", db, "--lang", "en",
                              "--keep-apart", "siren:999999999"])
    out = " ".join(got.output.split())
    assert got.exit_code != 0
    assert "siren:999999999 is not a structure in conflict of this import (actor:file:7)" in out
