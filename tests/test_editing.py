"""Editing in place, history, revert, as-of and concurrent edits, on both backends.

Expected values are written from tests/fixtures.tiny() by hand: A1 is
"Entraide Nantes" (association, Nantes 44109, domains poverty;social_cohesion),
P2 is "Jardin partagé d'Herblain" (emergence, lead A2).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ecosystem import access, editing
from ecosystem.analysis.view import Filters, View
from tests import fixtures

ADMIN = access.LOCAL_ADMIN


@pytest.fixture
def inv(any_store):
    any_store.create("tiny", fixtures.tiny())
    return any_store


def _hist(store, kind, key):
    h = editing.history(store, "tiny", kind, key)
    return [(r.op, r.field, r.old_value, r.new_value, r.origin, r.user_label)
            for r in h.itertuples()]


def test_edit_writes_history_rows_exactly(inv):
    rec = editing.read(inv, "tiny", "actors", "A1")
    version_before = inv.ref("tiny").version
    cs = editing.edit_actor(inv, ADMIN, "tiny", "A1",
                            {"name": "Entraide Nantaise", "volunteers": 12, "city": ""},
                            rec.version)
    assert cs is not None
    # newest first; "city" was empty and stays empty: no row for it
    assert _hist(inv, "actors", "A1") == [
        ("update", "volunteers", None, "12", "edit", "local"),
        ("update", "name", "Entraide Nantes", "Entraide Nantaise", "edit", "local"),
    ]
    assert inv.ref("tiny").version == version_before + 1
    # the derived table the analyses read follows the edit
    row = inv.query(f"SELECT name, volunteers, reg, dep, links_all FROM {inv.ref('tiny').derived('d_actors')} "
                    "WHERE actor_id = 'A1'").iloc[0]
    assert (row["name"], int(row.volunteers), row.reg, row.dep) == ("Entraide Nantaise", 12, "52", "44")
    # A1 leads P1 (3 participants: 2 links) and is a partner of P2 (2 participants: 1 link)
    assert int(row.links_all) == 3


def test_history_rows_are_in_save_order(inv):
    rec = editing.read(inv, "tiny", "actors", "A2")
    editing.edit_actor(inv, ADMIN, "tiny", "A2", {"volunteers": 3}, rec.version)
    rec = editing.read(inv, "tiny", "actors", "A2")
    editing.edit_actor(inv, ADMIN, "tiny", "A2", {"volunteers": 5}, rec.version)
    assert [(op, f, b, a) for op, f, b, a, *_ in _hist(inv, "actors", "A2")] == [
        ("update", "volunteers", "3", "5"), ("update", "volunteers", None, "3")]


def test_validation_is_the_models_and_says_field_and_reason(inv):
    rec = editing.read(inv, "tiny", "actors", "A1")
    with pytest.raises(editing.EditError) as err:
        editing.edit_actor(inv, ADMIN, "tiny", "A1",
                           {"actor_type": "pirate", "siren": "123456789", "lat": 123.0}, rec.version)
    got = sorted((i.column, i.check) for i in err.value.issues)
    assert got == [("actor_type", "vocabulary"), ("lat", "max"), ("siren", "siren")]
    assert "actor_type" in err.value.issues[0].message("fr")
    # nothing was written, nothing logged
    assert editing.read(inv, "tiny", "actors", "A1").values["actor_type"] == "association"
    assert _hist(inv, "actors", "A1") == []


def test_reference_to_nothing_refused(inv):
    with pytest.raises(editing.EditError) as err:
        editing.create_project(inv, ADMIN, "tiny", {"project_id": "P9", "title": "Nouveau",
                                                    "lead_actor_id": "A99", "stage": "emergence"})
    assert [(i.column, i.check, i.value) for i in err.value.issues] == [
        ("lead_actor_id", "unknown_ref", "A99")]
    assert inv.ref("tiny").version == 1


def test_end_before_start_refused(inv):
    rec = editing.read(inv, "tiny", "projects", "P1")
    with pytest.raises(editing.EditError) as err:
        editing.edit_project(inv, ADMIN, "tiny", "P1", {"end_year": 2019}, rec.version)
    assert [(i.column, i.check) for i in err.value.issues] == [("end_year", "end_before_start")]


def test_concurrent_edit_refused_never_lost(inv):
    first = editing.read(inv, "tiny", "actors", "A3")
    second = editing.read(inv, "tiny", "actors", "A3")
    editing.edit_actor(inv, ADMIN, "tiny", "A3", {"city": "Nantes"}, first.version)
    with pytest.raises(editing.Conflict) as err:
        editing.edit_actor(inv, ADMIN, "tiny", "A3", {"city": "Rezé"}, second.version)
    assert err.value.hint == "edit.conflict"
    assert "changed since you opened it" in str(err.value)
    assert editing.read(inv, "tiny", "actors", "A3").values["city"] == "Nantes"


def test_concurrent_edit_across_two_replicas(any_store, tmp_path, geo):
    """Two app replicas on one PostgreSQL database (or two handles on one DuckDB
    file's store): the second save of the same record is refused."""
    any_store.create("tiny", fixtures.tiny())
    with fixtures.second_replica(any_store, tmp_path, geo) as other:
        a = editing.read(any_store, "tiny", "actors", "A4")
        b = editing.read(other, "tiny", "actors", "A4")
        editing.edit_actor(any_store, ADMIN, "tiny", "A4", {"volunteers": 7}, a.version)
        with pytest.raises(editing.Conflict):
            editing.edit_actor(other, ADMIN, "tiny", "A4", {"volunteers": 9}, b.version)
        assert editing.read(other, "tiny", "actors", "A4").values["volunteers"] == "7"
        assert [r[:4] for r in _hist(other, "actors", "A4")] == [("update", "volunteers", None, "7")]


def test_anonymous_refused_on_private_inventory(inv):
    rec = editing.read(inv, "tiny", "actors", "A1")
    with pytest.raises(access.PermissionDenied):
        editing.edit_actor(inv, access.ANONYMOUS, "tiny", "A1", {"name": "X"}, rec.version)
    with pytest.raises(access.PermissionDenied):
        editing.create_actor(inv, access.ANONYMOUS, "tiny", {"name": "X", "actor_type": "association"})
    assert inv.ref("tiny").version == 1


def test_revert_restores_exact_values(inv):
    rec = editing.read(inv, "tiny", "actors", "A6")
    cs = editing.edit_actor(inv, ADMIN, "tiny", "A6", {"domains": "culture", "employees": 4.5,
                                                      "commune_code": "13055"}, rec.version)
    editing.revert(inv, ADMIN, cs)
    after = editing.read(inv, "tiny", "actors", "A6").values
    assert (after["domains"], after["employees"], after["commune_code"]) == \
        ("ecological_transition;employment", None, "13001")
    assert after == rec.values
    assert editing.read(inv, "tiny", "actors", "A6").version == rec.version
    # the derived row went back to Aix (EPCI of Aix-Marseille-Provence, dép. 13)
    d = inv.query(f"SELECT commune_code, dep FROM {inv.ref('tiny').derived('d_actors')} "
                  "WHERE actor_id = 'A6'").iloc[0]
    assert (d.commune_code, d.dep) == ("13001", "13")
    h = editing.history(inv, "tiny", "actors", "A6")
    assert list(h.origin) == ["revert"] * 3 + ["edit"] * 3
    with pytest.raises(editing.AlreadyReverted):
        editing.revert(inv, ADMIN, cs)


def test_revert_refused_when_later_change_touched_the_field(inv):
    rec = editing.read(inv, "tiny", "actors", "A7")
    cs = editing.edit_actor(inv, ADMIN, "tiny", "A7", {"name": "Solidarité des Abymes"}, rec.version)
    rec = editing.read(inv, "tiny", "actors", "A7")
    editing.edit_actor(inv, ADMIN, "tiny", "A7", {"name": "Solidarité Abymes 971"}, rec.version)
    with pytest.raises(editing.RevertConflict) as err:
        editing.revert(inv, ADMIN, cs)
    assert "name" in str(err.value)
    assert list(err.value.changes.field) == ["name"]
    assert editing.read(inv, "tiny", "actors", "A7").values["name"] == "Solidarité Abymes 971"


def test_revert_of_creation_removes_and_revert_of_revert_restores(inv):
    aid, cs = editing.create_actor(inv, ADMIN, "tiny", {"actor_id": "A11", "name": "Café associatif",
                                                        "actor_type": "association",
                                                        "commune_code": "44109"})
    assert aid == "A11" and inv.ref("tiny").version == 2
    assert int(inv.info("tiny")["n_actors"]) == 11
    undo = editing.revert(inv, ADMIN, cs)
    assert editing.read(inv, "tiny", "actors", "A11") is None
    assert int(inv.info("tiny")["n_actors"]) == 10
    editing.revert(inv, ADMIN, undo)
    back = editing.read(inv, "tiny", "actors", "A11").values
    assert (back["name"], back["actor_type"], back["commune_code"], back["source"], back["active"]) == \
        ("Café associatif", "association", "44109", "edit", "true")


def test_revert_of_an_import_removes_inserted_and_restores_updated(inv, tmp_path):
    new = fixtures.frame([dict(actor_id="A20", name="Nouvelle Asso", actor_type="association",
                               commune_code="44109", source="file")])
    merged = fixtures.frame([dict(actor_id="A2", name="Jardins d'Herblain", actor_type="association",
                                  city="Saint-Herblain", website="https://jardins.example",
                                  source="file")])
    from ecosystem.storage import changelog
    log = changelog.context("import", ADMIN, file_name="ajout.csv", checksum="ab" * 32)
    inv.apply_import("tiny", {"actors": new}, {"actors": merged}, log=log)
    assert editing.read(inv, "tiny", "actors", "A20") is not None
    a2 = editing.read(inv, "tiny", "actors", "A2").values
    assert (a2["city"], a2["website"]) == ("Saint-Herblain", "https://jardins.example")
    rows = editing.change_set(inv, log["change_set"])
    assert sorted(zip(rows.record_id, rows.op, rows.field.fillna(""), rows.origin)) == [
        ("A2", "update", "city", "merge"), ("A2", "update", "website", "merge"),
        ("A20", "insert", "", "import")]
    assert set(rows.file_name) == {"ajout.csv"} and set(rows.checksum) == {"ab" * 32}
    editing.revert(inv, ADMIN, log["change_set"])
    assert editing.read(inv, "tiny", "actors", "A20") is None
    a2 = editing.read(inv, "tiny", "actors", "A2").values
    assert (a2["city"], a2["website"]) == (None, None)
    assert int(inv.info("tiny")["n_actors"]) == 10


def test_as_of_a_date_between_two_edits(inv):
    rec = editing.read(inv, "tiny", "projects", "P2")
    editing.edit_project(inv, ADMIN, "tiny", "P2", {"stage": "experimentation"}, rec.version,
                         effective=dt.date(2025, 3, 1))
    rec = editing.read(inv, "tiny", "projects", "P2")
    editing.edit_project(inv, ADMIN, "tiny", "P2", {"stage": "diffusion"}, rec.version,
                         effective=dt.date(2025, 9, 1))
    editing.create_actor(inv, ADMIN, "tiny", {"actor_id": "A12", "name": "Nouveau venu",
                                              "actor_type": "company"},
                         effective=dt.date(2025, 6, 1))
    stage = lambda d: d["projects"].set_index("project_id").at["P2", "stage"]  # noqa: E731
    ids = lambda d: sorted(d["actors"].actor_id)  # noqa: E731
    assert stage(editing.as_of(inv, "tiny", dt.date(2025, 1, 1))) == "emergence"
    assert stage(editing.as_of(inv, "tiny", dt.date(2025, 3, 1))) == "experimentation"
    mid = editing.as_of(inv, "tiny", dt.date(2025, 5, 31))
    assert stage(mid) == "experimentation" and "A12" not in ids(mid) and len(ids(mid)) == 10
    june = editing.as_of(inv, "tiny", dt.date(2025, 6, 1))
    assert "A12" in ids(june) and stage(june) == "experimentation"
    assert stage(editing.as_of(inv, "tiny", dt.date(2025, 9, 2))) == "diffusion"
    # untouched values and types come through as they are
    p1 = mid["projects"].set_index("project_id").loc["P1"]
    assert (p1.title, int(p1.start_year), bool(p1.active), float(p1.jobs_fte)) == \
        ("Épicerie solidaire de Nantes", 2021, True, 2.0)


def test_new_project_feeds_the_view(inv):
    pid, _ = editing.create_project(inv, ADMIN, "tiny", {"project_id": "P6", "title": "Tiers-lieu",
                                                         "lead_actor_id": "A2", "stage": "emergence",
                                                         "commune_code": "44162"})
    view = View(inv, inv.ref("tiny"), Filters())
    n = view.query("SELECT count(*) AS n FROM fp").n[0]
    assert int(n) == 6
    d = inv.query(f"SELECT n_members, links, dep FROM {inv.ref('tiny').derived('d_projects')} "
                  "WHERE project_id = 'P6'").iloc[0]
    assert (int(d.n_members), int(d.links), d.dep) == (1, 0, "44")


def test_partner_funding_membership_partnership(inv):
    editing.add(inv, ADMIN, "tiny", "partners", {"project_id": "P2", "actor_id": "A9",
                                                 "role": "operational"})
    editing.add(inv, ADMIN, "tiny", "fundings", {"funding_id": "F6", "project_id": "P2",
                                                 "funder_actor_id": "A8", "amount_eur": 1500,
                                                 "year": 2024, "kind": "subvention",
                                                 "origin": "public"})
    editing.add(inv, ADMIN, "tiny", "memberships", {"actor_id": "A3", "network_id": "A9"})
    editing.add(inv, ADMIN, "tiny", "partnerships", {"actor_id_a": "A2", "actor_id_b": "A4"})
    d = inv.query(f"SELECT n_members, funding_total, funding_public FROM "
                  f"{inv.ref('tiny').derived('d_projects')} WHERE project_id = 'P2'").iloc[0]
    # P2: lead A2, partners A1 and (new) A9; one public funding of 1,500 €
    assert (int(d.n_members), float(d.funding_total), float(d.funding_public)) == (3, 1500.0, 1500.0)
    h = editing.history(inv, "tiny", "partners", ("P2", "A9"))
    assert sorted(zip(h.op, h.field.fillna(""), h.new_value.fillna(""))) == [
        ("insert", "", ""), ("update", "actor_id", "A9"), ("update", "project_id", "P2"),
        ("update", "role", "operational")]
    rec = editing.read(inv, "tiny", "fundings", "F6")
    editing.edit(inv, ADMIN, "tiny", "fundings", {"funding_id": "F6", "amount_eur": 2000},
                 rec.version)
    assert editing.read(inv, "tiny", "fundings", "F6").values["amount_eur"] == "2000.0"


def test_revert_refused_to_anonymous(inv):
    rec = editing.read(inv, "tiny", "actors", "A5")
    cs = editing.edit_actor(inv, ADMIN, "tiny", "A5", {"volunteers": 4}, rec.version)
    with pytest.raises(access.PermissionDenied):
        editing.revert(inv, access.ANONYMOUS, cs)
    assert editing.read(inv, "tiny", "actors", "A5").values["volunteers"] == "4"


def test_unchanged_save_writes_nothing(inv):
    rec = editing.read(inv, "tiny", "actors", "A1")
    assert editing.edit_actor(inv, ADMIN, "tiny", "A1", {"name": "Entraide Nantes"}, rec.version) is None
    assert inv.ref("tiny").version == 1
    assert _hist(inv, "actors", "A1") == []


def test_in_place_derived_rows_equal_a_full_rebuild(store):
    """Saving one record updates its derived row in place; the row must be the one a
    rebuild of the derived tables would give (the flags derived from siret and
    domains, a new actor, a new project with its lead's type)."""
    from ecosystem.storage import derived

    store.create("tiny", fixtures.tiny())
    rec = editing.read(store, "tiny", "actors", "A1")
    editing.edit_actor(store, ADMIN, "tiny", "A1",
                       {"siret": "73282932000074", "domains": "food;housing"}, rec.version)
    editing.create_actor(store, ADMIN, "tiny", {"actor_id": "N1", "name": "Nouvelle asso",
                                                "actor_type": "association",
                                                "commune_code": "44109", "domains": "health"})
    editing.save(store, ADMIN, "tiny", "projects",
                 {"project_id": "PN", "title": "Nouveau projet", "lead_actor_id": "N1",
                  "stage": "emergence", "domains": "health", "source": "edit"}, create=True)
    # the participations carry the actor's territory and domains, the project's stage,
    # domains and years (storage.derived): A2 moves to Marseille, P2 to diffusion
    rec = editing.read(store, "tiny", "actors", "A2")
    editing.edit_actor(store, ADMIN, "tiny", "A2", {"commune_code": "13055", "domains": "housing"},
                       rec.version)
    rec = editing.read(store, "tiny", "projects", "P2")
    editing.edit_project(store, ADMIN, "tiny", "P2", {"stage": "diffusion", "domains": "health",
                                                      "start_year": 2023, "end_year": 2025},
                         rec.version)
    ref = store.ref("tiny")
    order = {"d_actors": "actor_id", "d_projects": "project_id",
             "d_members": "actor_id, project_id"}
    before = {k: store.query(f"SELECT * FROM {ref.derived(k)} ORDER BY {o}") for k, o in order.items()}
    with store.transaction() as con:
        derived.build(con, ref.id)
    for k, o in order.items():
        after = store.query(f"SELECT * FROM {ref.derived(k)} ORDER BY {o}")
        pd.testing.assert_frame_equal(before[k][after.columns], after, check_dtype=False)
    a1 = before["d_actors"].set_index("actor_id").loc["A1"]
    assert bool(a1.has_siret) and int(a1.domain_bits) != 0
    assert before["d_projects"].set_index("project_id").at["PN", "lead_type"] == "association"
    members = before["d_members"].set_index(["actor_id", "project_id"])
    # A2 leads P2 (its only participation): now in Marseille (13, région 93), P2 in diffusion
    assert members.loc[("A2", "P2"), ["dep", "reg", "stage", "start_year"]].tolist() == \
        ["13", "93", "diffusion", 2023]
    assert members.loc[("A1", "P2"), "stage"] == "diffusion"  # its partner's row too
    assert members.loc[("N1", "PN"), ["dep", "actor_type", "stage"]].tolist() == \
        ["44", "association", "emergence"]
    # the summaries of each actor's projects (stage bits: emergence 1, experimentation
    # 2, diffusion 4): A1 in P1 (experimentation, 2021–) and P2 (now diffusion,
    # 2023–2025), A2 in P2 alone, N1 in PN (emergence, no year)
    actors = before["d_actors"].set_index("actor_id")
    summaries = ["proj_stage_bits", "proj_start_min", "proj_end_max"]
    assert actors.loc["A1", summaries].tolist() == [2 | 4, 2021, 9999]
    assert actors.loc["A2", summaries].tolist() == [4, 2023, 2025]
    assert actors.loc["N1", summaries].tolist() == [1, 0, 9999]


def test_card_follows_edits_of_fields_the_derived_actors_leave_out(inv):
    """``d_actors`` holds no website, SIRET, description or contact: an edit of those
    (the in-place refresh) and a new actor (its derived row inserted) still show on
    the card, which reads them from the inventory; the analysis columns follow."""
    from ecosystem.analysis.profiles import actor_profile

    rec = editing.read(inv, "tiny", "actors", "A2")
    editing.edit_actor(inv, ADMIN, "tiny", "A2", {"website": "https://jardins.example",
                                                 "siret": "73282932000074",
                                                 "description": "Potagers partagés"}, rec.version)
    card = actor_profile(inv, inv.ref("tiny"), "A2").record
    assert (card["website"], card["siret"], card["description"]) == (
        "https://jardins.example", "73282932000074", "Potagers partagés")
    assert bool(card["has_siret"]) and card["dep"] == "44"
    new_id, _ = editing.create_actor(inv, ADMIN, "tiny", {
        "name": "Atelier Vélo Rezé", "actor_type": "association", "commune_code": "44143",
        "website": "https://velo.example", "contact_email": "velo@example.org"})
    card = actor_profile(inv, inv.ref("tiny"), new_id).record
    assert (card["name"], card["website"], card["contact_email"], card["dep"], card["links_all"]) == (
        "Atelier Vélo Rezé", "https://velo.example", "velo@example.org", "44", 0)
    n = inv.query(f"SELECT count(*) AS n FROM {inv.ref('tiny').derived('d_actors')} "
                  "WHERE has_siret").n[0]
    assert n == 1  # A2 alone
