"""Issue 13, gap 1: role changes and visibility changes are audited (who gave whom
which role, when), on DuckDB and PostgreSQL. Expected rows written out by hand."""

import pytest

from ecosystem import members, writes
from ecosystem.access import LOCAL_ADMIN, PermissionDenied, User
from tests.fixtures import tiny

ALICE = User("sub-alice", name="Alice")
BOB = User("sub-bob", name="Bob")
CAROL = User("sub-carol", name="Carol")


def _rows(df):
    return [(r.actor_label, r.action, r.user_id, r.old_value, r.new_value) for r in df.itertuples()]


def test_grants_revocations_and_visibility_are_logged_newest_first(any_store):
    store = any_store
    writes.create(store, ALICE, "Obs", tiny())
    members.grant(store, ALICE, "Obs", BOB.id, "editor")
    members.grant(store, ALICE, "Obs", "Carol@Example.org", "viewer")
    members.set_visibility(store, ALICE, "Obs", "public")
    members.grant(store, ALICE, "Obs", BOB.id, "admin")
    members.grant(store, BOB, "Obs", BOB.id, "admin")         # no change: no row
    members.revoke(store, BOB, "Obs", "carol@example.org")
    members.revoke(store, BOB, "Obs", CAROL.id)               # not a member: no row
    members.set_visibility(store, BOB, "Obs", "public")       # no change: no row
    log = members.history(store, ALICE, "Obs")
    assert _rows(log) == [
        ("Bob", "revoke", "carol@example.org", "viewer", None),
        ("Alice", "grant", "sub-bob", "editor", "admin"),
        ("Alice", "visibility", None, "private", "public"),
        ("Alice", "grant", "carol@example.org", None, "viewer"),
        ("Alice", "grant", "sub-bob", None, "editor"),
        ("Alice", "grant", "sub-alice", None, "admin"),  # the creator
    ]
    assert list(log.actor_id[:2]) == ["sub-bob", "sub-alice"]
    assert log.changed_at.is_monotonic_decreasing and log.changed_at.notna().all()


def test_only_administrators_read_the_membership_history(any_store):
    writes.create(any_store, ALICE, "Obs", tiny())
    members.grant(any_store, ALICE, "Obs", BOB.id, "editor")
    with pytest.raises(PermissionDenied):
        members.history(any_store, BOB, "Obs")
    assert len(members.history(any_store, LOCAL_ADMIN, "Obs")) == 2


def test_a_deleted_inventory_takes_its_membership_history_along(any_store):
    writes.create(any_store, ALICE, "Obs", tiny())
    members.grant(any_store, ALICE, "Obs", BOB.id, "editor")
    writes.delete(any_store, ALICE, "Obs")
    writes.create(any_store, CAROL, "Neuf", tiny())  # may reuse the id
    assert _rows(members.history(any_store, CAROL, "Neuf")) == [
        ("Carol", "grant", "sub-carol", None, "admin")]


def test_postgres_replicas_share_the_membership_history(pg_replicas):
    one, two = pg_replicas
    writes.create(one, ALICE, "Obs", tiny())
    members.grant(one, ALICE, "Obs", BOB.id, "editor")
    members.set_visibility(two, ALICE, "Obs", "public_aggregates")
    assert _rows(members.history(one, ALICE, "Obs")) == [
        ("Alice", "visibility", None, "private", "public_aggregates"),
        ("Alice", "grant", "sub-bob", None, "editor"),
        ("Alice", "grant", "sub-alice", None, "admin")]
    assert _rows(members.history(two, ALICE, "Obs")) == _rows(members.history(one, ALICE, "Obs"))


def test_cli_members_history(tmp_path, geo):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app
    from ecosystem.storage.store import Store

    db = tmp_path / "cli.duckdb"
    with Store(db, geo=geo) as store:
        writes.create(store, LOCAL_ADMIN, "Obs", tiny())  # local mode: no creator grant
    run = CliRunner().invoke
    assert run(app, ["members", "grant", "Obs", "sub-carol", "editor", "--db", str(db)]).exit_code == 0
    assert run(app, ["visibility", "Obs", "public", "--db", str(db)]).exit_code == 0
    r = run(app, ["members", "history", "Obs", "--db", str(db)])
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.output.splitlines() if "local" in ln]
    assert len(lines) == 2
    assert "visibility" in lines[0] and "private" in lines[0] and "public" in lines[0]
    assert "grant" in lines[1] and "sub-carol" in lines[1] and "editor" in lines[1]
    r = run(app, ["--as", "sub-carol", "members", "history", "Obs", "--db", str(db), "--lang", "en"])
    assert r.exit_code == 1 and "sub-carol may not" in r.output


# ------------------------------------------------------------------ issue 13 gaps (a)
def test_renaming_an_inventory_is_logged_with_the_old_and_the_new_name(any_store):
    writes.create(any_store, ALICE, "Obs", tiny())
    members.grant(any_store, ALICE, "Obs", BOB.id, "admin")
    writes.rename(any_store, BOB, "Obs", "Observatoire 44")
    assert _rows(members.history(any_store, ALICE, "Observatoire 44")) == [
        ("Bob", "rename", None, "Obs", "Observatoire 44"),
        ("Alice", "grant", "sub-bob", None, "admin"),
        ("Alice", "grant", "sub-alice", None, "admin")]
    assert members.history(any_store, ALICE, "Observatoire 44").actor_id[0] == "sub-bob"


def test_a_deletion_is_kept_in_the_store_wide_log_for_the_operator(any_store):
    writes.create(any_store, ALICE, "Obs", tiny())
    writes.create(any_store, CAROL, "Autre", tiny())
    writes.delete(any_store, ALICE, "Obs")
    writes.create(any_store, CAROL, "Neuf", tiny())  # may reuse the id: not in its history
    gone = members.deletions(any_store, LOCAL_ADMIN)
    assert [(r.actor_id, r.actor_label, r.action, r.old_value, r.new_value)
            for r in gone.itertuples()] == [("sub-alice", "Alice", "delete", "Obs", None)]
    assert _rows(members.history(any_store, CAROL, "Neuf")) == [
        ("Carol", "grant", "sub-carol", None, "admin")]
    with pytest.raises(PermissionDenied):  # an inventory's administrator is no operator
        members.deletions(any_store, CAROL)


def test_postgres_replicas_share_a_rename(pg_replicas):
    one, two = pg_replicas
    writes.create(one, ALICE, "Obs", tiny())
    writes.rename(two, ALICE, "Obs", "Obs 2")
    assert _rows(members.history(one, ALICE, "Obs 2"))[0] == ("Alice", "rename", None, "Obs", "Obs 2")


def test_cli_members_deleted(tmp_path, geo):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app
    from ecosystem.storage.store import Store

    db = tmp_path / "cli.duckdb"
    with Store(db, geo=geo) as store:
        writes.create(store, ALICE, "Ancien", tiny())
        writes.create(store, ALICE, "Gardé", tiny())
    run = CliRunner().invoke
    r = run(app, ["members", "deleted", "--db", str(db), "--lang", "en"])
    assert r.exit_code == 0 and "No inventory deleted." in r.output
    with Store(db, geo=geo) as store:
        writes.delete(store, ALICE, "Ancien")
    r = run(app, ["members", "deleted", "--db", str(db)])
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.output.splitlines() if "Ancien" in ln]
    assert len(lines) == 1 and "Alice" in lines[0] and "Gardé" not in r.output
    r = run(app, ["--as", "sub-alice", "members", "deleted", "--db", str(db), "--lang", "en"])
    assert r.exit_code == 1
