"""Public contributions and moderation on both backends, expectations by hand
from tests/fixtures.tiny() (A1 "Entraide Nantes", Nantes 44109; A3 "Durand
Logistique", SIREN 732829320)."""

from __future__ import annotations

import datetime as dt

import pytest

from ecosystem import access, editing
from ecosystem.editing import contributions as contrib
from tests import fixtures

ADMIN = access.LOCAL_ADMIN
VISITOR = access.ANONYMOUS


def _public(store, visibility="public", name="tiny"):
    from ecosystem import members

    members.set_visibility(store, ADMIN, name, visibility)
    return store


@pytest.fixture
def pub(any_store):
    any_store.create("tiny", fixtures.tiny())
    return _public(any_store)


def _ids(store):
    return sorted(store.query(f"SELECT actor_id FROM {store.ref('tiny').actors}").actor_id)


def test_private_inventory_refuses_visitors(any_store):
    any_store.create("tiny", fixtures.tiny())
    with pytest.raises(access.PermissionDenied):
        contrib.propose(any_store, VISITOR, "tiny", "s1", "new",
                        {"name": "Asso", "actor_type": "association"})


def test_proposal_invisible_until_accepted_then_logged(pub):
    pid = contrib.propose(pub, VISITOR, "tiny", "s1", "new",
                          {"name": "Repair Café Nantes", "actor_type": "association",
                           "commune_code": "44109", "website": "https://repair.example"})
    assert len(_ids(pub)) == 10 and pub.ref("tiny").version == 1
    q = contrib.queue(pub, ADMIN, "tiny")
    assert list(q.id) == [pid] and list(q.status) == ["pending"]
    with pytest.raises(access.PermissionDenied):
        contrib.queue(pub, VISITOR, "tiny")
    with pytest.raises(access.PermissionDenied):
        contrib.accept(pub, VISITOR, pid)
    aid = contrib.accept(pub, ADMIN, pid, {"name": "Repair Café de Nantes"})
    rec = editing.read(pub, "tiny", "actors", aid).values
    assert (rec["name"], rec["commune_code"], rec["website"], rec["source"]) == \
        ("Repair Café de Nantes", "44109", "https://repair.example", "contribution")
    h = editing.history(pub, "tiny", "actors", aid)
    assert set(h.origin) == {"contribution"}
    assert contrib.get(pub, pid)["status"] == "accepted"
    assert contrib.queue(pub, ADMIN, "tiny").empty
    with pytest.raises(contrib.ContributionRefused):
        contrib.reject(pub, ADMIN, pid, "trop tard")


def test_report_accepted_changes_the_card(pub):
    pid = contrib.propose(pub, VISITOR, "tiny", "s1", "report", {"city": "Nantes"},
                          message="La ville manque", record_id="A1")
    assert editing.read(pub, "tiny", "actors", "A1").values["city"] is None
    contrib.accept(pub, ADMIN, pid)
    assert editing.read(pub, "tiny", "actors", "A1").values["city"] == "Nantes"
    h = editing.history(pub, "tiny", "actors", "A1")
    assert [(r.field, r.old_value, r.new_value, r.origin) for r in h.itertuples()] == [
        ("city", None, "Nantes", "contribution")]


def test_merge_fills_the_existing_actor(pub):
    pid = contrib.propose(pub, VISITOR, "tiny", "s1", "new",
                          {"name": "Durand Logistique SAS", "actor_type": "company",
                           "siren": "732829320", "commune_code": "44109",
                           "website": "https://durand.example"})
    dup = contrib.duplicates(pub, "tiny", contrib.get(pub, pid)["fields"])
    assert list(dup.actor_id) == ["A3"] and list(dup.basis) == ["siren"]
    contrib.merge(pub, ADMIN, pid, "A3")
    a3 = editing.read(pub, "tiny", "actors", "A3").values
    # empty fields filled, the existing name kept
    assert (a3["name"], a3["website"]) == ("Durand Logistique", "https://durand.example")
    assert len(_ids(pub)) == 10
    assert contrib.get(pub, pid)["status"] == "merged"


def test_duplicates_by_close_name_in_the_same_commune(pub):
    dup = contrib.duplicates(pub, "tiny", {"name": "Entraide de Nantes", "commune_code": "44109"})
    assert list(dup.actor_id) == ["A1"] and list(dup.basis) == ["name"]


def test_reject_needs_a_reason_and_keeps_it(pub):
    pid = contrib.propose(pub, VISITOR, "tiny", "s1", "new",
                          {"name": "Spam", "actor_type": "company"})
    with pytest.raises(contrib.ContributionRefused) as err:
        contrib.reject(pub, ADMIN, pid, "  ")
    assert err.value.hint == "contrib.reason"
    contrib.reject(pub, ADMIN, pid, "publicité")
    p = contrib.get(pub, pid)
    assert (p["status"], p["reason"], p["decided_by"]) == ("rejected", "publicité", "local")
    assert len(_ids(pub)) == 10


def test_rate_limit_per_session(pub):
    t0 = dt.datetime(2026, 1, 1, 12, 0)
    for i in range(5):
        contrib.propose(pub, VISITOR, "tiny", "s1", "new", {"name": f"Asso {i}",
                                                            "actor_type": "association"},
                        now=t0 + dt.timedelta(minutes=i))
    with pytest.raises(contrib.ContributionRefused) as err:
        contrib.propose(pub, VISITOR, "tiny", "s1", "new", {"name": "Asso 6",
                                                            "actor_type": "association"},
                        now=t0 + dt.timedelta(minutes=5))
    assert err.value.hint == "contrib.rate"
    # another session is not limited; the first one is again after ten minutes
    contrib.propose(pub, VISITOR, "tiny", "s2", "new", {"name": "Asso 7", "actor_type": "association"},
                    now=t0 + dt.timedelta(minutes=5))
    contrib.propose(pub, VISITOR, "tiny", "s1", "new", {"name": "Asso 8", "actor_type": "association"},
                    now=t0 + dt.timedelta(minutes=10, seconds=1))
    assert len(contrib.queue(pub, ADMIN, "tiny")) == 7


def test_size_limits(pub):
    with pytest.raises(contrib.ContributionRefused) as err:
        contrib.propose(pub, VISITOR, "tiny", "s1", "new",
                        {"name": "x" * 2001, "actor_type": "association"})
    assert err.value.hint == "contrib.too_long"
    with pytest.raises(contrib.ContributionRefused) as err:
        contrib.propose(pub, VISITOR, "tiny", "s1", "new",
                        {"name": "Asso", "actor_type": "association", "description": "é" * 1990,
                         "address": "é" * 1990, "city": "é" * 1990})
    assert err.value.hint == "contrib.too_big"  # 3 × 3,980 bytes > 8,000
    with pytest.raises(contrib.ContributionRefused) as err:
        contrib.propose(pub, VISITOR, "tiny", "s1", "new",
                        {"name": "Asso", "actor_type": "association", "source": "x"})
    assert err.value.hint == "contrib.fields"
    assert contrib.queue(pub, ADMIN, "tiny").empty


def test_invalid_proposal_says_field(pub):
    with pytest.raises(editing.EditError) as err:
        contrib.propose(pub, VISITOR, "tiny", "s1", "new", {"name": "Asso", "actor_type": "pirate"})
    assert [(i.column, i.check) for i in err.value.issues] == [("actor_type", "vocabulary")]


def test_aggregates_only_inventory_accepts_contributions(any_store):
    any_store.create("tiny", fixtures.tiny())
    _public(any_store, "public_aggregates")
    pid = contrib.propose(any_store, VISITOR, "tiny", "s1", "new",
                          {"name": "Asso", "actor_type": "association"})
    assert contrib.get(any_store, pid)["status"] == "pending"


def test_rate_limit_per_inventory_whatever_the_session(pub, monkeypatch):
    """A script opening a new session for each proposal is limited too: at most
    RATE_INVENTORY proposals per inventory and window, all sessions together."""
    monkeypatch.setattr(contrib, "RATE_INVENTORY", (3, 3600))
    t0 = dt.datetime(2026, 1, 1, 12, 0)
    for i in range(3):
        contrib.propose(pub, VISITOR, "tiny", f"s{i}", "new",
                        {"name": f"Asso {i}", "actor_type": "association"},
                        now=t0 + dt.timedelta(minutes=i))
    with pytest.raises(contrib.ContributionRefused) as err:
        contrib.propose(pub, VISITOR, "tiny", "s9", "new", {"name": "Asso 9",
                                                            "actor_type": "association"},
                        now=t0 + dt.timedelta(minutes=30))
    assert (err.value.hint, err.value.params) == ("contrib.rate_inventory", {"n": 3, "minutes": 60})
    # an hour after the first one, one more may come
    contrib.propose(pub, VISITOR, "tiny", "s9", "new", {"name": "Asso 10", "actor_type": "association"},
                    now=t0 + dt.timedelta(minutes=60, seconds=1))
    assert len(contrib.queue(pub, ADMIN, "tiny")) == 4
