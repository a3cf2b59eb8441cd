"""Issue 13's gaps (c): every save, moderation decision, role or visibility change
and inventory rename / deletion writes one structured line (logger
``ecosystem.audit``, logfmt ``key=value``; the same fields on ``record.audit``).
User text goes through ``safe.log_value``: a name holding a line break or an
escape sequence cannot forge a second line or colour the terminal. Expected lines
written out by hand."""

import logging

import pytest

from ecosystem import access, editing, members, writes
from ecosystem.access import User
from ecosystem.editing import contributions as contrib
from ecosystem.render import safe
from tests.fixtures import tiny

ALICE = User("sub-alice", name="Alice Martin")
BOB = User("sub-bob", name="Bob")


@pytest.fixture
def audit(caplog):
    caplog.set_level(logging.INFO, logger="ecosystem.audit")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "ecosystem.audit"]
    lines.records = lambda: [r for r in caplog.records if r.name == "ecosystem.audit"]
    return lines


def test_log_value_quotes_and_escapes_what_could_break_a_line():
    assert safe.log_value("Obs") == "Obs"
    assert safe.log_value("Alice Martin") == '"Alice Martin"'
    assert safe.log_value("a=b") == '"a=b"'
    assert safe.log_value("") == '""'
    assert safe.log_value(None) == '""'
    assert safe.log_value('say "hi"\\') == '"say \\"hi\\"\\\\"'
    assert safe.log_value("x\ny\r\tz") == '"x\\ny\\r\\tz"'
    assert safe.log_value("\x1b[31mred\u2028") == '"\\u001b[31mred\\u2028"'
    assert safe.log_value(12) == "12"


def test_a_save_writes_one_line_with_who_what_and_the_change_set(store, audit):
    writes.create(store, ALICE, "Obs", tiny())
    rec = editing.read(store, "Obs", "actors", "A1")
    cs = editing.edit_actor(store, ALICE, "Obs", "A1", {"city": "Nantes", "volunteers": "3"}, rec.version)
    save = [ln for ln in audit() if ln.startswith("event=record.save")]
    assert save == [f'event=record.save user=sub-alice user_label="Alice Martin" inventory=Obs '
                    f'table=actors record=A1 op=update fields=city,volunteers origin=edit change_set={cs}']
    record = [r for r in audit.records() if r.getMessage() == save[0]][0]
    assert record.audit["fields"] == "city,volunteers" and record.levelno == logging.INFO


def test_nothing_saved_nothing_logged(store, audit):
    writes.create(store, ALICE, "Obs", tiny())
    rec = editing.read(store, "Obs", "actors", "A1")
    assert editing.edit_actor(store, ALICE, "Obs", "A1", {"name": "Entraide Nantes"}, rec.version) is None
    assert [ln for ln in audit() if "record.save" in ln] == []


def test_a_hostile_label_stays_on_its_line(store, audit):
    evil = User("sub-evil", name="Eve\nevent=access.grant user=root\x1b[2J")
    writes.create(store, evil, "Obs", tiny())
    rec = editing.read(store, "Obs", "actors", "A2")
    editing.edit_actor(store, evil, "Obs", "A2", {"city": "Herblain"}, rec.version)
    line = next(ln for ln in audit() if ln.startswith("event=record.save"))
    assert "\n" not in line and "\x1b" not in line
    assert 'user_label="Eve\\nevent=access.grant user=root\\u001b[2J"' in line


def test_roles_visibility_rename_and_delete_each_write_a_line(store, audit):
    writes.create(store, ALICE, "Obs", tiny())
    members.grant(store, ALICE, "Obs", BOB.id, "editor")
    members.grant(store, ALICE, "Obs", BOB.id, "admin")
    members.set_visibility(store, ALICE, "Obs", "public")
    members.revoke(store, ALICE, "Obs", BOB.id)
    writes.rename(store, ALICE, "Obs", "Obs 44")
    writes.delete(store, ALICE, "Obs 44")
    who = 'user=sub-alice user_label="Alice Martin"'
    assert [ln for ln in audit() if not ln.startswith("event=inventory.create")] == [
        f'event=access.grant {who} inventory=Obs member=sub-bob before="" after=editor',
        f"event=access.grant {who} inventory=Obs member=sub-bob before=editor after=admin",
        f"event=access.visibility {who} inventory=Obs before=private after=public",
        f'event=access.revoke {who} inventory=Obs member=sub-bob before=admin after=""',
        f'event=inventory.rename {who} inventory="Obs 44" before=Obs after="Obs 44"',
        f'event=inventory.delete {who} inventory="Obs 44"']


def test_moderation_decisions_write_a_line_each(store, audit):
    writes.create(store, ALICE, "Obs", tiny())
    members.set_visibility(store, ALICE, "Obs", "public")
    new = {"name": "Nouvelle asso", "actor_type": "association", "commune_code": "44109"}
    first = contrib.propose(store, access.ANONYMOUS, "Obs", "s1", "new", new)
    second = contrib.propose(store, access.ANONYMOUS, "Obs", "s2", "new", new)
    aid = contrib.accept(store, ALICE, first)
    contrib.reject(store, ALICE, second, "doublon de\nNouvelle asso")
    decided = [ln for ln in audit() if ln.startswith("event=moderation.")]
    cs = editing.history(store, "Obs", "actors", aid).change_set[0]
    who = 'user=sub-alice user_label="Alice Martin"'
    assert decided == [
        f"event=moderation.accept {who} inventory=Obs proposal={first} record={aid} change_set={cs}",
        f'event=moderation.reject {who} inventory=Obs proposal={second} reason="doublon de\\nNouvelle asso"']
    proposed = [ln for ln in audit() if ln.startswith("event=contribution.propose")]
    assert proposed[0] == f'event=contribution.propose user="" user_label=anonymous inventory=Obs proposal={first} kind=new'


def test_an_import_writes_one_line_with_its_file_and_change_set(tmp_path, store, audit):
    from ecosystem.ingest.pipeline import Import

    src = tmp_path / "acteurs.csv"
    src.write_text("actor_id,name,actor_type,commune_code,source\n"
                   "X1,Asso Un,association,44109,test\nX2,Asso Deux,association,44109,test\n",
                   encoding="utf-8")
    writes.create(store, ALICE, "Obs", tiny())
    with Import(src, geo=store.geo, store=store, workdir=tmp_path) as imp:
        imp.read()
        imp.analyse("Obs")
        imp.prepare()
        writes.commit_import(imp, store, ALICE, "Obs")
    line = next(ln for ln in audit() if ln.startswith("event=inventory.import"))
    cs = editing.history(store, "Obs", "actors", "X1").change_set[0]
    assert line.startswith('event=inventory.import user=sub-alice user_label="Alice Martin" '
                           'inventory=Obs created=false file=acteurs.csv checksum=')
    assert line.endswith(f" change_set={cs}")


def test_configure_writes_the_lines_to_a_file(tmp_path, store, monkeypatch):
    from ecosystem import audit

    monkeypatch.setattr(audit.log, "_eco_configured", False, raising=False)
    monkeypatch.setattr(audit.log, "handlers", [])
    monkeypatch.setattr(audit.log, "level", logging.NOTSET)
    path = tmp_path / "audit.log"
    handler = audit.configure(str(path))
    try:
        writes.create(store, ALICE, "Obs", tiny())
        writes.rename(store, ALICE, "Obs", 'Obs "2"')
    finally:
        handler.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(' INFO ecosystem.audit event=inventory.create user=sub-alice '
                             'user_label="Alice Martin" inventory=Obs')
    assert lines[1].endswith('event=inventory.rename user=sub-alice user_label="Alice Martin" '
                             'inventory="Obs \\"2\\"" before=Obs after="Obs \\"2\\""')
