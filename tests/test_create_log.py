"""Issue 13, gap 2: an inventory created with records (``writes.create``) and records
appended (``writes.append``) are in the change log as the acting user's inserts, so
their history starts at their creation and an undo removes them."""

from ecosystem import editing, writes
from ecosystem.access import User
from tests.fixtures import frame, tiny

ALICE = User("sub-alice", name="Alice")

# tiny(): 10 actors, 5 projects, 5 partners, 5 fundings, 2 memberships,
# 1 declared partnership, 5 scores (counted in tests/fixtures.py)
TINY_RECORDS = 10 + 5 + 5 + 5 + 2 + 1 + 5


def test_created_inventory_logs_one_insert_per_record_by_its_creator(any_store):
    writes.create(any_store, ALICE, "Obs", tiny())
    sets = editing.change_sets(any_store, "Obs")
    assert len(sets) == 1
    s = sets.iloc[0]
    assert (s.user_label, s.origin, int(s.n_rows)) == ("Alice", "import", TINY_RECORDS)
    h = editing.history(any_store, "Obs", "actors", "A7")
    assert list(zip(h.op, h.user_label)) == [("insert", "Alice")]
    editing.revert(any_store, ALICE, s.change_set)
    assert int(any_store.info("Obs")["n_actors"]) == 0
    assert editing.read(any_store, "Obs", "projects", "P1") is None


def test_appended_records_are_logged_as_the_acting_user(any_store):
    writes.create(any_store, ALICE, "Obs")
    new = frame([dict(actor_id="N1", name="Nouvelle asso", actor_type="association",
                      commune_code="44109", source="test")])
    from ecosystem.model import InventoryData
    writes.append(any_store, ALICE, "Obs", InventoryData(actors=new))
    h = editing.history(any_store, "Obs", "actors", "N1")
    assert list(zip(h.op, h.user_label, h.origin)) == [("insert", "Alice", "import")]
