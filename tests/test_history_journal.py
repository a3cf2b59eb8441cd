"""Issue 13's gaps: the inventory's journal of change sets, filtered by who, days,
origin and record (``editing.change_sets``), as a team running the observatory
reads it. Times are fixed; expected change sets worked out by hand."""

import datetime as dt

import pytest

from ecosystem import editing, members, writes
from ecosystem.access import User
from ecosystem.storage import changelog
from tests.fixtures import tiny

ALICE = User("sub-alice", name="Alice")
BOB = User("sub-bob", name="Bob")


@pytest.fixture
def journal(store, monkeypatch):
    """cs1 Alice creates "Obs" (1 March, 10:00), cs2 Alice edits A1 (2 March, 09:00),
    cs3 Bob edits P1 (3 March, 18:00), cs4 Bob edits A1 (3 March, 19:00)."""
    clock = iter([dt.datetime(2026, 3, 1, 10), dt.datetime(2026, 3, 2, 9),
                  dt.datetime(2026, 3, 3, 18), dt.datetime(2026, 3, 3, 19)])
    times = {"now": None}
    monkeypatch.setattr(changelog, "now", lambda: times["now"])

    def at():
        times["now"] = next(clock)

    at()
    writes.create(store, ALICE, "Obs", tiny())
    members.grant(store, ALICE, "Obs", BOB.id, "editor")
    sets = []
    for who, kind, key, values in ((ALICE, "actors", "A1", {"city": "Nantes"}),
                                   (BOB, "projects", "P1", {"title": "Épicerie"}),
                                   (BOB, "actors", "A1", {"volunteers": "4"})):
        at()
        rec = editing.read(store, "Obs", kind, key)
        sets.append(editing.save(store, who, "Obs", kind, {**values, rec.kind[:-1] + "_id": key},
                                 version=rec.version))
    first = editing.change_sets(store, "Obs").change_set.iloc[-1]
    return store, [first] + sets


def test_filters_by_who_days_origin_and_record(journal):
    store, (cs1, cs2, cs3, cs4) = journal
    def ids(**kw):  # the Journal's query (details) and the Importer's give the same sets
        plain = editing.change_sets(store, "Obs", **kw).change_set.tolist()
        assert editing.change_sets(store, "Obs", details=True, **kw).change_set.tolist() == plain
        return plain

    assert ids() == [cs4, cs3, cs2, cs1]
    assert ids(who="bob") == [cs4, cs3]
    assert ids(who="sub-alice") == [cs2, cs1]
    assert ids(since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 2)) == [cs2]
    assert ids(until=dt.date(2026, 3, 2)) == [cs2, cs1]
    assert ids(since=dt.date(2026, 3, 3)) == [cs4, cs3]
    assert ids(origins=["edit"]) == [cs4, cs3, cs2]
    assert ids(origins=["import"]) == [cs1]
    assert ids(kind="actors", key="A1") == [cs4, cs2, cs1]
    assert ids(kind="projects", key="P1", who="Bob") == [cs3]


def test_each_change_set_names_what_it_touched(journal):
    store, (cs1, cs2, cs3, cs4) = journal
    sets = editing.change_sets(store, "Obs", details=True).set_index("change_set")
    assert sets.loc[cs3, ["user_id", "user_label", "origin", "tables", "n_records", "tbl", "record_id"]
                    ].tolist() == ["sub-bob", "Bob", "edit", "projects", 1, "projects", "P1"]
    assert sets.loc[cs1, "tables"] == "actors,fundings,memberships,partners,partnerships,projects,scores"
    assert sets.loc[cs2, "saved_at"] == dt.datetime(2026, 3, 2, 9)
    assert editing.authors(store, "Obs") == ["Alice", "Bob"]
