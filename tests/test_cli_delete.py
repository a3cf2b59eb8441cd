"""``python -m ecosystem delete INVENTORY [--yes]`` on tests/fixtures.tiny() (10 actors,
5 projects): without --yes it says what would go and deletes nothing; a viewer is
refused; with --yes the inventory, its members and its change log are gone and the
store keeps who deleted it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ecosystem import __main__ as cli
from ecosystem import members, writes
from ecosystem.access import LOCAL_ADMIN
from ecosystem.storage.store import Store
from tests.fixtures import tiny


@pytest.fixture
def db(tmp_path, geo, monkeypatch):
    monkeypatch.setattr(cli.console, "width", 250)
    path = tmp_path / "cli.duckdb"
    with Store(path, geo=geo) as store:
        writes.create(store, LOCAL_ADMIN, "Brouillon", tiny())
        writes.create(store, LOCAL_ADMIN, "Garde", tiny())
        members.grant(store, LOCAL_ADMIN, "Brouillon", "sub-carol", "viewer")
    return path


def run(db, *args, who=None, lang="en"):
    head = ["--as", who] if who else []
    return CliRunner().invoke(cli.app, [*head, *args, "--db", str(db), "--lang", lang])


def names(db, geo) -> list[str]:
    with Store(db, geo=geo, read_only=True) as store:
        return sorted(store.list().name)


def test_without_yes_it_says_what_would_go_and_keeps_everything(db, geo):
    r = run(db, "delete", "Brouillon")
    assert r.exit_code == 2, r.output
    assert "“Brouillon” has 10 actors and 5 projects" in " ".join(r.output.split())
    assert names(db, geo) == ["Brouillon", "Garde"]
    r = run(db, "delete", "Brouillon", lang="fr")
    assert "« Brouillon » a 10 acteurs et 5 projets" in " ".join(r.output.split())


def test_a_viewer_is_refused_and_an_unknown_name_is_said(db, geo):
    r = run(db, "delete", "Brouillon", "--yes", who="sub-carol")
    assert r.exit_code == 1 and "sub-carol may not" in r.output
    r = run(db, "delete", "Nulle part", "--yes")
    assert r.exit_code == 2 and "Nulle part" in r.output
    assert names(db, geo) == ["Brouillon", "Garde"]


def test_with_yes_the_inventory_goes_and_the_store_keeps_who(db, geo):
    r = run(db, "delete", "Brouillon", "--yes")
    assert r.exit_code == 0, r.output
    assert "Inventory “Brouillon” deleted." in r.output
    assert names(db, geo) == ["Garde"]
    with Store(db, geo=geo, read_only=True) as store:
        gone = store.deletions()
        assert store.query("SELECT count(*) AS n FROM members").n[0] == 0
    assert gone.old_value.tolist() == ["Brouillon"]
