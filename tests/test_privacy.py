"""Personal data: the fields marked in the model, hidden from viewers' exports and
from anonymous visitors' cards, erased on demand (domain on both backends, CLI)."""

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecosystem import access, members, model, privacy, writes
from ecosystem.__main__ import app
from ecosystem.access import ANONYMOUS, LOCAL_ADMIN, PermissionDenied, User
from ecosystem.analysis import profiles
from ecosystem.render.exports import export_inventory
from ecosystem.storage.store import Store
from tests.fixtures import tiny

BOB = User("sub-bob")      # editor
CAROL = User("sub-carol")  # viewer


def with_contacts():
    """tiny() with personal fields: A1 has a contact (Marie Durand, her e-mail and
    phone), A2's leader is Marie Durand, A3's contact is Paul Martin."""
    data = tiny()
    a = data.actors.set_index("actor_id")
    a.loc["A1", ["contact_name", "contact_email", "contact_phone"]] = \
        ["Marie Durand", "marie.durand@example.org", "02 40 00 00 00"]
    a.loc["A2", "leader_name"] = "Marie Durand"
    a.loc["A3", "contact_name"] = "Paul Martin"
    data.actors = a.reset_index()
    data.actors.index = range(1, len(data.actors) + 1)
    return data


def test_model_marks_the_personal_fields():
    assert model.personal_columns("actors") == ["contact_name", "contact_email", "contact_phone",
                                                "leader_name"]
    assert model.personal_columns("projects") == []


def test_erase_blanks_every_personal_field_of_the_matching_records(any_store):
    store = any_store
    writes.create(store, LOCAL_ADMIN, "Obs", with_contacts())
    before = store.ref("Obs").version
    done = privacy.erase(store, LOCAL_ADMIN, "Obs", "  MARIE durand ")
    # A1: name, e-mail and phone (its contact_name matched); A2: leader_name
    assert sorted(map(tuple, done[["key", "column"]].values.tolist())) == [
        ("A1", "contact_email"), ("A1", "contact_name"), ("A1", "contact_phone"),
        ("A2", "leader_name")]
    a = store.load("Obs").actors.set_index("actor_id")
    for col in model.personal_columns("actors"):
        assert pd.isna(a.at["A1", col]) and pd.isna(a.at["A2", col])
    assert a.at["A3", "contact_name"] == "Paul Martin"
    assert a.at["A1", "name"] == "Entraide Nantes"  # not a personal field
    assert store.ref("Obs").version == before + 1
    # nothing matches any more: nothing written
    assert privacy.erase(store, LOCAL_ADMIN, "Obs", "marie.durand@example.org").empty
    assert store.ref("Obs").version == before + 1


def test_only_admins_erase(tmp_path, geo):
    store = Store(tmp_path / "s.duckdb", geo=geo)
    writes.create(store, LOCAL_ADMIN, "Obs", with_contacts())
    members.grant(store, LOCAL_ADMIN, "Obs", BOB.id, "editor")
    with pytest.raises(PermissionDenied):
        privacy.erase(store, BOB, "Obs", "Paul Martin")
    assert store.load("Obs").actors.set_index("actor_id").at["A3", "contact_name"] == "Paul Martin"
    store.close()


def test_viewer_exports_and_anonymous_cards_leave_personal_fields_out(tmp_path, geo):
    store = Store(tmp_path / "s.duckdb", geo=geo)
    writes.create(store, LOCAL_ADMIN, "Obs", with_contacts())
    members.grant(store, LOCAL_ADMIN, "Obs", CAROL.id, "viewer")
    out = export_inventory(store, "Obs", "csv", tmp_path / "v.csv", ["actors"],
                           personal=access.allowed(store, CAROL, "Obs", "read_personal"))[0]
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert "contact_name" not in header and "leader_name" not in header and "siren" in header
    out = export_inventory(store, "Obs", "csv", tmp_path / "a.csv", ["actors"])[0]
    assert "Marie Durand" in out.read_text(encoding="utf-8-sig")
    members.set_visibility(store, LOCAL_ADMIN, "Obs", "public")
    card = profiles.actor_profile(store, access.ref_for(store, ANONYMOUS, "Obs"), "A1")
    assert "contact_email" not in card.record and card.record["name"] == "Entraide Nantes"
    card = profiles.actor_profile(store, access.ref_for(store, LOCAL_ADMIN, "Obs"), "A1")
    assert card.record["contact_email"] == "marie.durand@example.org"
    store.close()


def test_cli_members_visibility_erase_and_acting_user(tmp_path, geo):
    db = tmp_path / "cli.duckdb"
    with Store(db, geo=geo) as store:
        writes.create(store, LOCAL_ADMIN, "Obs", with_contacts())
    run = CliRunner().invoke
    r = run(app, ["members", "grant", "Obs", "sub-carol", "viewer", "--db", str(db), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "sub-carol is now viewer of “Obs”" in r.output
    r = run(app, ["members", "grant", "Obs", "Bob@Example.org", "editor", "--db", str(db)])
    assert r.exit_code == 0, r.output
    # the viewer may not grant, nor change the visibility, nor erase
    for args in (["members", "grant", "Obs", "sub-carol", "admin"], ["visibility", "Obs", "public"],
                 ["erase", "-i", "Obs", "--match", "Paul Martin"]):
        r = run(app, ["--as", "sub-carol", *args, "--db", str(db), "--lang", "en"])
        assert r.exit_code == 1, r.output
        assert "sub-carol may not" in r.output
    r = run(app, ["visibility", "Obs", "public_aggregates", "--db", str(db), "--lang", "en"])
    assert r.exit_code == 0 and "public, aggregates only" in r.output
    r = run(app, ["members", "list", "Obs", "--db", str(db)])
    assert r.exit_code == 0
    assert "bob@example.org" in r.output and "sub-carol" in r.output
    r = run(app, ["erase", "-i", "Obs", "--match", "Paul Martin", "--db", str(db), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "1 personal field erased on 1 record of “Obs”" in r.output
    # the inventory list follows the acting user
    r = run(app, ["--as", "sub-dave", "inventories", "--db", str(db)])
    assert r.exit_code == 0 and "Obs" in r.output  # public_aggregates: listed for anyone
    run(app, ["visibility", "Obs", "private", "--db", str(db)])
    r = run(app, ["--as", "sub-dave", "inventories", "--db", str(db)])
    assert "Obs" not in r.output
    with Store(db, geo=geo) as store:
        assert store.visibility("Obs") == "private"
        assert access.role_of(store, User("x", email="bob@example.org"), "Obs") == "editor"
        assert pd.isna(store.load("Obs").actors.set_index("actor_id").at["A3", "contact_name"])


def test_cli_viewer_cannot_import(tmp_path, geo):
    db = tmp_path / "cli.duckdb"
    with Store(db, geo=geo) as store:
        writes.create(store, LOCAL_ADMIN, "Obs", tiny())
        members.grant(store, LOCAL_ADMIN, "Obs", CAROL.id, "viewer")
    src = tmp_path / "acteurs.csv"
    src.write_text("actor_id;name;actor_type;commune_code;source\nX1;Entraide;association;44109;t\n",
                   encoding="utf-8")
    r = CliRunner().invoke(app, ["--as", "sub-carol", "import", str(src), "-i", "Obs", "--db", str(db),
                                 "--lang", "en"])
    assert r.exit_code == 1, r.output
    assert "sub-carol may not import in inventory “Obs”" in r.output
    with Store(db, geo=geo) as store:
        assert store.info("Obs")["n_actors"] == 10
    r = CliRunner().invoke(app, ["import", str(src), "-i", "Obs", "--db", str(db)])
    assert r.exit_code == 0, r.output
    with Store(db, geo=geo) as store:
        assert store.info("Obs")["n_actors"] == 11
