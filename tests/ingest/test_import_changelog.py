"""An import writes one change set: its file name and SHA-256, one insert row per new
record, one merge row per field a merge fills (bulk SQL in the store)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ecosystem import access, editing
from ecosystem.ingest.pipeline import run_import

SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"


def test_import_change_set_has_file_checksum_and_inserted_ids(store, geo, tmp_path):
    path = tmp_path / "acteurs.csv"
    path.write_text("actor_id;name;actor_type;commune_code;source\n"
                    "X1;Atelier Vélo;association;44109;test\n"
                    "X2;Recyclerie Sud;social_enterprise;13055;test\n", encoding="utf-8")
    imp, ref = run_import(path, store, "inv", geo=geo)
    imp.close()
    sets = editing.change_sets(store, "inv")
    assert len(sets) == 1
    cs = sets.change_set[0]
    rows = editing.change_set(store, cs)
    assert sorted(zip(rows.tbl, rows.record_id, rows.op)) == [
        ("actors", "X1", "insert"), ("actors", "X2", "insert")]
    assert set(rows.file_name) == {"acteurs.csv"}
    assert set(rows.checksum) == {hashlib.sha256(path.read_bytes()).hexdigest()}
    # reverting the import removes what it inserted
    editing.revert(store, access.LOCAL_ADMIN, cs)
    assert int(store.info("inv")["n_actors"]) == 0


def test_change_log_off_writes_nothing(store, geo, tmp_path):
    store.change_log = False
    path = tmp_path / "a.csv"
    path.write_text("actor_id;name;actor_type;source\nX1;Atelier;association;test\n", encoding="utf-8")
    imp, _ = run_import(path, store, "inv", geo=geo)
    imp.close()
    assert store.scalar("SELECT count(*) FROM change_log") == 0
