"""Issue 13, gap 3: the proposals waiting, counted for those who may moderate, with
the permissions (one read per run), on DuckDB and across PostgreSQL replicas."""

from ecosystem import access, members, writes
from ecosystem.access import ANONYMOUS, User
from ecosystem.editing import contributions as contrib
from tests.fixtures import tiny

ALICE = User("sub-alice", name="Alice")  # admin of Obs
BOB = User("sub-bob", name="Bob")        # editor of Obs
CAROL = User("sub-carol", name="Carol")  # viewer of Obs
NEW = {"name": "Nouvelle asso", "actor_type": "association", "commune_code": "44109"}


def _team(store):
    writes.create(store, ALICE, "Obs", tiny())
    writes.create(store, ALICE, "Autre", tiny())
    members.grant(store, ALICE, "Obs", BOB.id, "editor")
    members.grant(store, ALICE, "Obs", CAROL.id, "viewer")
    members.set_visibility(store, ALICE, "Obs", "public")


def test_waiting_counts_pending_proposals_for_moderators_only(any_store):
    _team(any_store)
    for i in range(3):
        contrib.propose(any_store, ANONYMOUS, "Obs", f"s{i}", "new", NEW)
    first = contrib.queue(any_store, BOB, "Obs").id.iloc[0]
    contrib.reject(any_store, BOB, first, "doublon")
    # 3 proposed, 1 rejected: 2 waiting on Obs; none on Autre
    assert [members.permissions(any_store, u).waiting("Obs") for u in (ALICE, BOB, CAROL, ANONYMOUS)] \
        == [2, 2, 0, 0]
    assert members.permissions(any_store, ALICE).waiting("Autre") == 0
    assert members.permissions(any_store, access.LOCAL_ADMIN).waiting("Obs") == 2


def test_a_proposal_made_on_one_replica_is_counted_on_the_other(pg_replicas):
    one, two = pg_replicas
    _team(one)
    assert members.permissions(two, BOB).waiting("Obs") == 0
    contrib.propose(one, ANONYMOUS, "Obs", "s1", "new", NEW)
    assert members.permissions(two, BOB).waiting("Obs") == 1
