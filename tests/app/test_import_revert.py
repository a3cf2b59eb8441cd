"""The Importer lists the latest imports of the sidebar's inventory to its editors, and
undoes a whole import in one click (issue 13: "an editor can revert a change or a
whole import"; before, only from the history of one of the import's records)."""

from __future__ import annotations

import pytest

from ecosystem import members, writes
from ecosystem.access import LOCAL_ADMIN, User
from ecosystem.geo import Geography
from ecosystem.storage import changelog
from ecosystem.storage.store import Store
from tests import fixtures
from tests.app.pagetest import ok, page_test


@pytest.fixture
def rev_db(tmp_path):
    """"Rev" (tiny) and one import into it from "ajout.csv": a new actor A20."""
    path = tmp_path / "rev.duckdb"
    store = Store(path, geo=Geography())
    writes.create(store, LOCAL_ADMIN, "Rev", fixtures.tiny())
    members.grant(store, LOCAL_ADMIN, "Rev", "sub-vera", "viewer")
    new = fixtures.frame([dict(actor_id="A20", name="Nouvelle Asso", actor_type="association",
                               commune_code="44109", source="file")])
    log = changelog.context("import", LOCAL_ADMIN, file_name="ajout.csv", checksum="ab" * 32)
    store.apply_import("Rev", {"actors": new}, {}, log=log)
    store.close()
    return path, log["change_set"]


def test_an_editor_undoes_a_whole_import_from_the_importer(rev_db, monkeypatch):
    path, change_set = rev_db
    monkeypatch.setenv("ECOSYSTEM_DB", str(path))
    at = ok(page_test("pages/importer.py", {"inv": "Rev"}).run())
    pick = at.selectbox(key="imp_revert_pick")
    assert pick.value == change_set  # the latest import first
    assert "ajout.csv" in pick.format_func(change_set)
    ok(at.button(key="imp_revert").click().run())
    assert [s.value for s in at.success] == [
        "Import « ajout.csv » annulé : 1 enregistrement retiré, 0 enregistrement rétabli."]
    # undone: no longer offered (the inventory's creation by writes.create, logged as
    # its records' inserts, is the one import left); the record is gone from the inventory
    assert [len(s.options) for s in at.selectbox if s.key == "imp_revert_pick"] == [1]
    assert change_set not in at.selectbox(key="imp_revert_pick").options
    ctx = at.session_state["_ctx"]
    assert ctx.store.scalar(f"SELECT count(*) FROM {ctx.store.ref('Rev').actors} "
                            "WHERE actor_id = 'A20'") == 0


def test_a_viewer_is_not_offered_to_undo_an_import(rev_db, monkeypatch):
    path, _ = rev_db
    monkeypatch.setenv("ECOSYSTEM_DB", str(path))
    at = ok(page_test("pages/importer.py", {"inv": "Rev"},
                      state={"user": User("sub-vera", name="Vera")}).run())
    assert not [s for s in at.selectbox if s.key == "imp_revert_pick"]
    assert not [b for b in at.button if b.key == "imp_revert"]
