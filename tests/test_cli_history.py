"""``python -m ecosystem history | revert | as-of`` with ``--as``, on tests/fixtures.tiny():
A1 is "Entraide Nantes"; P2 has partner A1; the inventory has 10 actors."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecosystem import __main__ as cli
from ecosystem import access, editing, members
from ecosystem.access import LOCAL_ADMIN
from ecosystem.storage.store import Store
from tests.fixtures import tiny

ADMIN = LOCAL_ADMIN


@pytest.fixture
def db(tmp_path, geo, monkeypatch):
    monkeypatch.setattr(cli.console, "width", 250)  # table cells on one line
    path = tmp_path / "cli.duckdb"
    with Store(path, geo=geo) as store:
        store.create("tiny", tiny())
        members.grant(store, ADMIN, "tiny", "sub-carol", "viewer")
    return path


def run(db, *args, who=None):
    head = ["--as", who] if who else []
    return CliRunner().invoke(cli.app, [*head, *args, "--db", str(db), "--lang", "en"])


def _edit(db, geo, kind, key, values, **kw):
    with Store(db, geo=geo) as store:
        rec = editing.read(store, "tiny", kind, key)
        return editing.save(store, ADMIN, "tiny", kind, {**rec.values, **values}, version=rec.version, **kw)


def test_history_of_a_record_and_of_the_inventory(db, geo):
    cs = _edit(db, geo, "actors", "A1", {"name": "[bold]Entraide[/bold] Nantaise"})
    r = run(db, "history", "-i", "tiny", "--record", "A1")
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if "name" in x)
    # before, after (Rich markup shown as typed), origin and change set on the field's line
    for cell in ("Entraide Nantes", "[bold]Entraide[/bold] Nantaise", "edit", cs, "local"):
        assert cell in line, (cell, line)
    r = run(db, "history", "-i", "tiny")
    assert r.exit_code == 0, r.output
    sets = [x for x in r.output.splitlines() if cs in x]
    assert len(sets) == 1 and "edit" in sets[0]
    r = run(db, "history", "-i", "tiny", "--record", "A2")
    assert r.exit_code == 0 and "No change recorded for this record." in r.output


def test_history_of_a_link_by_its_two_part_key(db, geo):
    with Store(db, geo=geo) as store:
        rec = editing.read(store, "tiny", "partners", ("P2", "A1"))
        editing.remove(store, ADMIN, "tiny", "partners", ("P2", "A1"), rec.version)
    r = run(db, "history", "-i", "tiny", "--table", "partners", "--record", "P2;A1")
    assert r.exit_code == 0, r.output
    assert "record removed" in r.output and "operational" in r.output
    r = run(db, "history", "-i", "tiny", "--table", "partners", "--record", "P2")
    assert r.exit_code == 2
    assert "--record “P2”: a partners record's key has the parts project_id;actor_id." in r.output
    r = run(db, "history", "-i", "tiny", "--table", "people", "--record", "P2")
    assert r.exit_code == 2 and "--table “people”: unknown table" in r.output


def test_history_hides_personal_values_from_a_viewer_and_refuses_strangers(db, geo):
    _edit(db, geo, "actors", "A3", {"contact_email": "paul.martin@example.org", "city": "Nantes"})
    admin = run(db, "history", "-i", "tiny", "--record", "A3")
    assert "paul.martin@example.org" in admin.output
    viewer = run(db, "history", "-i", "tiny", "--record", "A3", who="sub-carol")
    assert viewer.exit_code == 0, viewer.output
    assert "contact_email" in viewer.output and "Nantes" in viewer.output
    assert "paul.martin" not in viewer.output
    stranger = run(db, "history", "-i", "tiny", "--record", "A3", who="sub-dave")
    assert stranger.exit_code == 1 and "sub-dave may not" in stranger.output
    stranger = run(db, "history", "-i", "tiny", who="sub-dave")
    assert stranger.exit_code == 1


def test_revert_from_the_command_line(db, geo):
    cs = _edit(db, geo, "actors", "A2", {"volunteers": 8})
    r = run(db, "revert", cs, who="sub-carol")  # a viewer may not
    assert r.exit_code == 1 and "sub-carol may not" in r.output
    r = run(db, "revert", cs)
    assert r.exit_code == 0, r.output
    assert f"Change set {cs} undone (the undo is change set " in r.output
    with Store(db, geo=geo) as store:
        assert editing.read(store, "tiny", "actors", "A2").values["volunteers"] is None
        assert list(editing.history(store, "tiny", "actors", "A2").origin) == ["revert", "edit"]
    r = run(db, "revert", cs)
    assert r.exit_code == 2 and "This change was already undone." in r.output
    r = run(db, "revert", "nothing-like-it")
    assert r.exit_code == 2 and "Change not found: nothing-like-it." in r.output


def test_as_of_a_date(db, geo, tmp_path):
    with Store(db, geo=geo) as store:
        editing.create_actor(store, ADMIN, "tiny", {"actor_id": "A12", "name": "Nouveau venu",
                                                    "actor_type": "company",
                                                    "contact_email": "jo@example.org"},
                             effective=dt.date(2025, 6, 1))
    r = run(db, "as-of", "2025-05-31", "-i", "tiny")
    assert r.exit_code == 0, r.output
    assert "“tiny” as of May 31, 2025: 10 actors." in r.output
    out = tmp_path / "june.csv"
    r = run(db, "as-of", "2025-06-01", "-i", "tiny", "--out", str(out), who="sub-carol")
    assert r.exit_code == 0, r.output
    assert "“tiny” as of Jun 1, 2025: 11 actors." in r.output
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert len(table) == 11 and "Nouveau venu" in set(table.name)
    assert "contact_email" not in table.columns  # a viewer's file has no personal field
    r = run(db, "as-of", "2025-13-01", "-i", "tiny")
    assert r.exit_code == 2
    assert "“2025-13-01”: not a date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)." in r.output
    r = run(db, "as-of", "2025-06-01", "-i", "tiny", "--table", "fundings")
    assert r.exit_code == 2 and "one of actors, projects" in r.output
    r = run(db, "as-of", "2025-06-01", "-i", "tiny", who="sub-dave")
    assert r.exit_code == 1
    with Store(db, geo=geo) as store:
        assert access.allowed(store, access.User("sub-carol"), "tiny", "read_records")


def test_history_of_the_inventory_filtered_by_user_days_and_origin(db, geo):
    cs1 = _edit(db, geo, "actors", "A1", {"city": "Nantes"})  # the local administrator
    with Store(db, geo=geo) as store:
        members.grant(store, ADMIN, "tiny", "sub-carol", "editor")
        rec = editing.read(store, "tiny", "actors", "A2")
        cs2 = editing.save(store, access.User("sub-carol", name="Carol"), "tiny", "actors",
                           {"actor_id": "A2", "city": "Saint-Herblain"}, version=rec.version)

    def listed(*args):
        r = run(db, "history", "-i", "tiny", *args)
        assert r.exit_code == 0, r.output
        return [cs for cs in (cs1, cs2) if cs in r.output]

    today = dt.datetime.now(dt.timezone.utc).date()
    around = ["--since", str(today - dt.timedelta(days=1)), "--until", str(today + dt.timedelta(days=1))]
    assert listed() == [cs1, cs2]
    assert listed("--user", "carol") == [cs2]
    assert listed("--user", "local") == [cs1]
    assert listed("--origin", "import") == []
    assert listed("--origin", "edit", "--origin", "revert") == [cs1, cs2]
    assert listed("--until", "2001-01-31") == []
    assert listed(*around) == [cs1, cs2]
    r = run(db, "history", "-i", "tiny", "--since", "hier")
    assert r.exit_code == 2 and "“hier”: write a day, YYYY-MM-DD." in r.output
    r = run(db, "history", "-i", "tiny", "--origin", "magic")
    assert r.exit_code == 2 and "“magic”: unknown origin; one of edit, import, merge" in r.output
