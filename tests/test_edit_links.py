"""Links of a record (partners, fundings, memberships, declared partnerships): listed,
edited (the key too), removed, reverted, seen as of a date, on both backends.

Expected values are worked out by hand from tests/fixtures.tiny(): P1 is led by
A1 with partners A3 (financial) and A4 (research); P2 is led by A2 with partner
A1 (operational); P3 (lead A6, partner A5) has fundings F3 (A5, 20,000 €,
public) and F4 (earnings, 30,000 €); P5 is led by A5 with partner A6 (F5: A5,
40,000 €); A1 and A2 are members of the network A9; A1 and A3 declared a
partnership.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ecosystem import access, editing, members, model
from ecosystem.editing import links
from tests import fixtures

ADMIN = access.LOCAL_ADMIN


@pytest.fixture
def inv(any_store):
    any_store.create("tiny", fixtures.tiny())
    return any_store


def _project(store, pid):
    d = store.query(f"SELECT n_members, funding_total, funding_public FROM "
                    f"{store.ref('tiny').derived('d_projects')} WHERE project_id = ?", [pid]).iloc[0]
    return int(d.n_members), float(d.funding_total), float(d.funding_public)


def _keys(store, kind):
    table = store.ref("tiny").table(kind)
    key = ", ".join(model.TABLES[kind].key)
    return [tuple(r) for r in store.query(f"SELECT {key} FROM {table} ORDER BY {key}").itertuples(index=False)]


def test_links_of_an_actor(inv):
    a1 = {k: links.actor_links(inv, "tiny", k, "A1") for k in links.LINKS}
    assert list(zip(a1["partners"].project_id, a1["partners"].role)) == [("P2", "operational")]
    assert list(zip(a1["memberships"].actor_id, a1["memberships"].network_id,
                    a1["memberships"].since_year)) == [("A1", "A9", "2018")]
    assert list(zip(a1["partnerships"].actor_id_a, a1["partnerships"].actor_id_b)) == [("A1", "A3")]
    # A1 gives nothing; it leads P1, which receives F1 and F2
    assert list(a1["fundings"].funding_id) == ["F1", "F2"]
    # the network sees its two members; A5 gives F3 and F5 and leads P5 (F5 once)
    assert list(links.actor_links(inv, "tiny", "memberships", "A9").actor_id) == ["A1", "A2"]
    assert list(links.actor_links(inv, "tiny", "fundings", "A5").funding_id) == ["F3", "F5"]
    assert list(links.actor_links(inv, "tiny", "partners", "A1").record_id) == ["P2\x1fA1"]
    with pytest.raises(KeyError):
        links.actor_links(inv, "tiny", "actors", "A1")


def test_remove_a_partner_logs_the_record_and_revert_brings_it_back(inv):
    assert _project(inv, "P2")[0] == 2
    rec = editing.read(inv, "tiny", "partners", ("P2", "A1"))
    cs = links.remove(inv, ADMIN, "tiny", "partners", ("P2", "A1"), rec.version)
    assert editing.read(inv, "tiny", "partners", ("P2", "A1")) is None
    assert _project(inv, "P2")[0] == 1  # the lead alone
    assert inv.ref("tiny").version == 2
    h = editing.history(inv, "tiny", "partners", ("P2", "A1"))
    assert [(r.op, r.field, r.origin, r.change_set) for r in h.itertuples()] == [
        ("delete", None, "edit", cs)]
    kept = json.loads(h.old_value[0])
    assert (kept["project_id"], kept["actor_id"], kept["role"]) == ("P2", "A1", "operational")

    editing.revert(inv, ADMIN, cs)
    back = editing.read(inv, "tiny", "partners", ("P2", "A1"))
    assert back.values == rec.values and back.version == rec.version
    assert _project(inv, "P2")[0] == 2
    assert list(editing.history(inv, "tiny", "partners", ("P2", "A1")).op) == ["insert", "delete"]


def test_remove_refused_when_changed_or_removed_since_opened(inv):
    opened = editing.read(inv, "tiny", "memberships", ("A2", "A9"))
    editing.edit(inv, ADMIN, "tiny", "memberships",
                 {"actor_id": "A2", "network_id": "A9", "since_year": 2021}, opened.version)
    with pytest.raises(editing.Conflict) as err:
        links.remove(inv, ADMIN, "tiny", "memberships", ("A2", "A9"), opened.version)
    assert err.value.hint == "edit.conflict" and "since_year" in str(err.value)
    assert editing.read(inv, "tiny", "memberships", ("A2", "A9")).values["since_year"] == "2021"

    now = editing.read(inv, "tiny", "memberships", ("A2", "A9"))
    links.remove(inv, ADMIN, "tiny", "memberships", ("A2", "A9"), now.version)
    with pytest.raises(editing.Conflict) as err:  # a second editor, same form
        links.remove(inv, ADMIN, "tiny", "memberships", ("A2", "A9"), now.version)
    assert "delete" in str(err.value)
    with pytest.raises(editing.RecordNotFound):
        links.remove(inv, ADMIN, "tiny", "memberships", ("A3", "A9"), "0")
    assert _keys(inv, "memberships") == [("A1", "A9")]


def test_remove_refused_to_viewers_and_anonymous(inv):
    members.grant(inv, ADMIN, "tiny", "v1", "viewer")
    members.set_visibility(inv, ADMIN, "tiny", "public")
    rec = editing.read(inv, "tiny", "partnerships", ("A1", "A3"))
    for user in (access.User("v1"), access.ANONYMOUS):
        with pytest.raises(access.PermissionDenied):
            links.remove(inv, user, "tiny", "partnerships", ("A1", "A3"), rec.version)
        with pytest.raises(access.PermissionDenied):
            links.edit_link(inv, user, "tiny", "partnerships", ("A1", "A3"), {"kind": "x"}, rec.version)
    assert _keys(inv, "partnerships") == [("A1", "A3")]
    assert inv.ref("tiny").version == 1


def test_edit_a_funding_amount(inv):
    assert _project(inv, "P3") == (2, 50000.0, 20000.0)
    rec = editing.read(inv, "tiny", "fundings", "F3")
    cs = links.edit_link(inv, ADMIN, "tiny", "fundings", "F3", {"amount_eur": "25000"}, rec.version)
    assert _project(inv, "P3") == (2, 55000.0, 25000.0)
    rows = editing.change_set(inv, cs)
    assert list(zip(rows.op, rows.field, rows.old_value, rows.new_value)) == [
        ("update", "amount_eur", "20000.0", "25000.0")]
    # nothing changed: no change set
    rec = editing.read(inv, "tiny", "fundings", "F3")
    assert links.edit_link(inv, ADMIN, "tiny", "fundings", "F3", {"year": "2017"}, rec.version) is None


def test_move_a_partner_to_another_project_is_one_change_set(inv):
    assert (_project(inv, "P1")[0], _project(inv, "P5")[0]) == (3, 2)
    rec = editing.read(inv, "tiny", "partners", ("P1", "A3"))
    cs = links.edit_link(inv, ADMIN, "tiny", "partners", ("P1", "A3"), {"project_id": "P5"},
                         rec.version)
    assert editing.read(inv, "tiny", "partners", ("P1", "A3")) is None
    assert editing.read(inv, "tiny", "partners", ("P5", "A3")).values["role"] == "financial"
    assert (_project(inv, "P1")[0], _project(inv, "P5")[0]) == (2, 3)
    rows = editing.change_set(inv, cs)
    assert sorted(zip(rows.record_id, rows.op, rows.field.fillna(""))) == [
        ("P1\x1fA3", "delete", ""), ("P5\x1fA3", "insert", ""), ("P5\x1fA3", "update", "actor_id"),
        ("P5\x1fA3", "update", "project_id"), ("P5\x1fA3", "update", "role")]
    assert inv.ref("tiny").version == 2  # one save

    editing.revert(inv, ADMIN, cs)
    assert editing.read(inv, "tiny", "partners", ("P5", "A3")) is None
    assert editing.read(inv, "tiny", "partners", ("P1", "A3")).values == rec.values
    assert (_project(inv, "P1")[0], _project(inv, "P5")[0]) == (3, 2)


def test_move_refused_onto_an_existing_link_or_a_missing_project(inv):
    rec = editing.read(inv, "tiny", "partners", ("P1", "A4"))
    with pytest.raises(editing.EditError) as err:  # A4 → A3 in P1: A3 is already a partner
        links.edit_link(inv, ADMIN, "tiny", "partners", ("P1", "A4"), {"actor_id": "A3"}, rec.version)
    assert [i.check for i in err.value.issues] == ["id_exists"]
    with pytest.raises(editing.EditError) as err:
        links.edit_link(inv, ADMIN, "tiny", "partners", ("P1", "A4"), {"project_id": "P9"}, rec.version)
    assert [(i.column, i.check, i.value) for i in err.value.issues] == [("project_id", "unknown_ref", "P9")]
    # nothing written: the old row is still there, no log row
    assert _keys(inv, "partners") == [("P1", "A3"), ("P1", "A4"), ("P2", "A1"), ("P3", "A5"),
                                      ("P5", "A6")]
    assert editing.history(inv, "tiny", "partners", ("P1", "A4")).empty
    assert inv.ref("tiny").version == 1


def test_as_of_sees_a_removed_link_before_its_removal(inv):
    rec = editing.read(inv, "tiny", "partnerships", ("A1", "A3"))
    links.remove(inv, ADMIN, "tiny", "partnerships", ("A1", "A3"), rec.version)
    before = editing.as_of(inv, "tiny", dt.date.today() - dt.timedelta(days=1), kinds=("partnerships",))
    p = before["partnerships"]
    assert list(zip(p.actor_id_a, p.actor_id_b, p.kind, p.since_year)) == [
        ("A1", "A3", "mécénat de compétences", 2020)]
    after = editing.as_of(inv, "tiny", dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1),
                          kinds=("partnerships",))
    assert after["partnerships"].empty


def test_remove_across_two_replicas(any_store, tmp_path, geo):
    """Two app replicas: the second removal of one row, opened before the first, is refused."""
    any_store.create("tiny", fixtures.tiny())
    with fixtures.second_replica(any_store, tmp_path, geo) as other:
        a = editing.read(any_store, "tiny", "fundings", "F2")
        b = editing.read(other, "tiny", "fundings", "F2")
        links.remove(any_store, ADMIN, "tiny", "fundings", "F2", a.version)
        with pytest.raises(editing.Conflict):
            links.edit_link(other, ADMIN, "tiny", "fundings", "F2", {"amount_eur": 1}, b.version)
        assert editing.read(other, "tiny", "fundings", "F2") is None
        assert list(editing.history(other, "tiny", "fundings", "F2").op) == ["delete"]


def test_history_of_an_actors_links(inv):
    """A1's links: partner of P2 (removed), lead of P1 (F1's amount edited), member of A9
    (year edited); A3 leaving P1 is not A1's link. A9 sees its member's membership."""
    rec = editing.read(inv, "tiny", "partners", ("P2", "A1"))
    links.remove(inv, ADMIN, "tiny", "partners", ("P2", "A1"), rec.version)
    rec = editing.read(inv, "tiny", "fundings", "F1")
    links.edit_link(inv, ADMIN, "tiny", "fundings", "F1", {"amount_eur": 12000}, rec.version)
    rec = editing.read(inv, "tiny", "memberships", ("A1", "A9"))
    links.edit_link(inv, ADMIN, "tiny", "memberships", ("A1", "A9"), {"since_year": 2019}, rec.version)
    rec = editing.read(inv, "tiny", "partners", ("P1", "A3"))
    links.remove(inv, ADMIN, "tiny", "partners", ("P1", "A3"), rec.version)
    rec = editing.read(inv, "tiny", "fundings", "F5")  # A5 funds A5's own P5: not A1's
    links.edit_link(inv, ADMIN, "tiny", "fundings", "F5", {"year": 2023}, rec.version)
    h = links.link_history(inv, "tiny", "A1")
    assert [(r.tbl, r.record_id, r.op, r.field, r.old_value, r.new_value) for r in h.itertuples()
            if r.op != "delete"] == [
        ("memberships", "A1\x1fA9", "update", "since_year", "2018", "2019"),
        ("fundings", "F1", "update", "amount_eur", "10000.0", "12000.0")]
    assert list(h.tbl) == ["memberships", "fundings", "partners"]  # newest first
    assert list(links.link_history(inv, "tiny", "A9").record_id) == ["A1\x1fA9"]
    # A3 left P1 (F2, which it gives, has no logged change)
    assert sorted(links.link_history(inv, "tiny", "A3").record_id) == ["P1\x1fA3"]
    with pytest.raises(access.PermissionDenied):
        links.link_history(inv, "tiny", "A1", user=access.ANONYMOUS)
