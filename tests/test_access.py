"""Who may do what: every role × every action through the domain API, on DuckDB and
PostgreSQL (``any_store``). Expected values are the rules of issue 13 written out
by hand, not read from ``access.ACTIONS``."""

import pytest

from ecosystem import access, members, writes
from ecosystem.access import ANONYMOUS, LOCAL_ADMIN, PermissionDenied, User  # noqa: F401
from ecosystem.storage.store import StoreError
from tests.fixtures import tiny

ALICE = User("sub-alice", name="Alice")      # creates the inventory: admin
BOB = User("sub-bob", name="Bob")            # editor
CAROL = User("sub-carol", name="Carol")      # viewer
DAVE = User("sub-dave", name="Dave")         # signed in, not a member
ERIN = User("sub-erin", name="Erin", email="Erin@Example.org")  # granted by e-mail: viewer

PEOPLE = {"admin": ALICE, "editor": BOB, "viewer": CAROL, "outsider": DAVE,
          "anonymous": ANONYMOUS}
ACTIONS = ("read_aggregates", "read_records", "read_personal", "import", "edit", "moderate",
           "manage")
T, F = True, False
#: by hand: (visibility, person) -> the actions above, in order
EXPECTED = {
    ("private", "admin"): (T, T, T, T, T, T, T),
    ("private", "editor"): (T, T, T, T, T, T, F),
    ("private", "viewer"): (T, T, F, F, F, F, F),
    ("private", "outsider"): (F, F, F, F, F, F, F),
    ("private", "anonymous"): (F, F, F, F, F, F, F),
    ("public_aggregates", "viewer"): (T, T, F, F, F, F, F),
    ("public_aggregates", "outsider"): (T, F, F, F, F, F, F),
    ("public_aggregates", "anonymous"): (T, F, F, F, F, F, F),
    ("public", "outsider"): (T, T, F, F, F, F, F),
    ("public", "anonymous"): (T, T, F, F, F, F, F),
    ("public", "editor"): (T, T, T, T, T, T, F),
}


@pytest.fixture
def team(any_store):
    """Inventory "Obs" created by Alice (admin), Bob editor, Carol viewer; "Autre"
    created by Dave, private."""
    store = any_store
    writes.create(store, ALICE, "Obs", tiny())
    members.grant(store, ALICE, "Obs", BOB.id, "editor")
    members.grant(store, ALICE, "Obs", CAROL.id, "viewer")
    writes.create(store, DAVE, "Autre", tiny())
    return store


@pytest.mark.parametrize("visibility,person", list(EXPECTED))
def test_every_role_and_action(team, visibility, person):
    members.set_visibility(team, ALICE, "Obs", visibility)
    got = tuple(access.allowed(team, PEOPLE[person], "Obs", a) for a in ACTIONS)
    assert got == EXPECTED[(visibility, person)]


def test_creator_is_admin_and_members_are_listed(team):
    m = team.members("Obs").set_index("user_id").role.to_dict()
    assert m == {"sub-alice": "admin", "sub-bob": "editor", "sub-carol": "viewer"}
    assert team.members("Autre").user_id.tolist() == ["sub-dave"]
    assert team.member_role("Obs", "sub-dave") is None


def test_readable_inventories_per_user(team):
    assert members.readable_inventories(team, ALICE) == ["Obs"]
    assert members.readable_inventories(team, DAVE) == ["Autre"]
    assert members.readable_inventories(team, ANONYMOUS) == []
    assert members.readable_inventories(team, LOCAL_ADMIN) == ["Autre", "Obs"]
    members.set_visibility(team, ALICE, "Obs", "public_aggregates")
    assert members.readable_inventories(team, ANONYMOUS) == ["Obs"]
    assert members.readable_inventories(team, DAVE) == ["Autre", "Obs"]


def test_grant_by_email_matches_the_verified_address(team):
    members.grant(team, ALICE, "Obs", "erin@example.org", "viewer")
    assert access.role_of(team, ERIN, "Obs") == "viewer"
    # the same sub without the (verified) e-mail is not a member
    assert access.role_of(team, User("sub-erin"), "Obs") is None
    assert members.readable_inventories(team, ERIN) == ["Obs"]


@pytest.mark.parametrize("who", [BOB, CAROL, DAVE, ANONYMOUS])
def test_only_admins_manage(team, who):
    for call in (lambda: members.grant(team, who, "Obs", "sub-x", "viewer"),
                 lambda: members.revoke(team, who, "Obs", CAROL.id),
                 lambda: members.set_visibility(team, who, "Obs", "public"),
                 lambda: writes.rename(team, who, "Obs", "Obs2"),
                 lambda: writes.delete(team, who, "Obs")):
        with pytest.raises(PermissionDenied):
            call()
    assert team.names() == ["Autre", "Obs"]
    assert team.visibility("Obs") == "private"
    assert len(team.members("Obs")) == 3


@pytest.mark.parametrize("who,ok", [(ALICE, True), (BOB, True), (CAROL, False), (DAVE, False),
                                    (ANONYMOUS, False)])
def test_import_into_an_existing_inventory(team, who, ok):
    extra = tiny()
    extra.actors = extra.actors.iloc[:1].assign(actor_id="N1")
    for kind in ("projects", "partners", "fundings", "memberships", "partnerships", "scores"):
        setattr(extra, kind, getattr(extra, kind).iloc[0:0])
    if ok:
        writes.append(team, who, "Obs", extra)
        assert team.info("Obs")["n_actors"] == 11
    else:
        with pytest.raises(PermissionDenied) as err:
            writes.append(team, who, "Obs", extra)
        assert err.value.action == "import"
        assert team.info("Obs")["n_actors"] == 10


def test_guarded_store_refuses_a_viewers_import_commit(team):
    g = writes.Guarded(team, CAROL)
    with pytest.raises(PermissionDenied):
        g.apply_import("Obs", {}, {})
    assert team.ref("Obs").version == 1
    # creating a new inventory: a signed-in user may, an anonymous visitor may not
    with pytest.raises(PermissionDenied):
        writes.Guarded(team, ANONYMOUS).apply_import("Neuf", {}, create=True)
    assert "Neuf" not in team.names()


def test_revoke_and_the_last_admin(team):
    assert members.revoke(team, ALICE, "Obs", CAROL.id) is True
    assert access.role_of(team, CAROL, "Obs") is None
    assert members.revoke(team, ALICE, "Obs", CAROL.id) is False
    with pytest.raises(StoreError) as err:
        members.revoke(team, ALICE, "Obs", ALICE.id)
    assert err.value.hint == "access.last_admin"
    with pytest.raises(StoreError):
        members.grant(team, ALICE, "Obs", ALICE.id, "viewer")
    members.grant(team, ALICE, "Obs", BOB.id, "admin")
    members.grant(team, BOB, "Obs", ALICE.id, "viewer")  # now there is another admin
    assert access.role_of(team, ALICE, "Obs") == "viewer"


def test_bad_role_and_visibility_are_refused(team):
    with pytest.raises(StoreError) as err:
        members.grant(team, ALICE, "Obs", "x", "owner")
    assert err.value.hint == "access.bad_role"
    with pytest.raises(StoreError) as err:
        members.set_visibility(team, ALICE, "Obs", "open")
    assert err.value.hint == "access.bad_visibility"


def test_deleted_inventory_leaves_no_member_behind(team):
    writes.delete(team, DAVE, "Autre")
    # the next inventory reuses the id: Dave must not be its member
    writes.create(team, ALICE, "Nouveau", tiny())
    assert access.role_of(team, DAVE, "Nouveau") is None


def test_ref_for_aggregates_only(team):
    members.set_visibility(team, ALICE, "Obs", "public_aggregates")
    ref = access.ref_for(team, ANONYMOUS, "Obs")
    assert (ref.records, ref.personal) == (False, False)
    with pytest.raises(access.RecordsDenied):
        access.require_records(ref)
    ref = access.ref_for(team, CAROL, "Obs")
    assert (ref.records, ref.personal) == (True, False)
    with pytest.raises(PermissionDenied):
        access.ref_for(team, ANONYMOUS, "Autre")


def test_postgres_replicas_share_members_and_visibility(pg_replicas):
    """A grant, a visibility and a revocation made on one replica are seen by another
    (each has its own DuckDB mirror)."""
    one, two = pg_replicas
    writes.create(one, ALICE, "Obs", tiny())
    members.grant(one, ALICE, "Obs", CAROL.id, "viewer")
    members.set_visibility(one, ALICE, "Obs", "public_aggregates")
    assert access.role_of(two, CAROL, "Obs") == "viewer"
    assert access.role_of(two, ALICE, "Obs") == "admin"
    assert two.visibility("Obs") == "public_aggregates"
    assert members.readable_inventories(two, ANONYMOUS) == ["Obs"]
    members.revoke(two, ALICE, "Obs", CAROL.id)  # written by the other replica
    assert access.role_of(one, CAROL, "Obs") is None
    writes.delete(one, ALICE, "Obs")
    assert two.member_roles(ALICE.id) == {}


def test_actor_level_analyses_refuse_an_aggregates_only_view(store):
    """The domain refuses records to an anonymous visitor of a public_aggregates
    inventory, whatever the page shows; territory figures stay available."""
    from ecosystem.analysis import grid, network, overview, profiles, territories
    from ecosystem.analysis.view import Filters, View
    from ecosystem.render import mapview

    writes.create(store, LOCAL_ADMIN, "Obs", tiny())
    members.set_visibility(store, LOCAL_ADMIN, "Obs", "public_aggregates")
    view = View(store, access.ref_for(store, ANONYMOUS, "Obs"), Filters())
    for call in (lambda: profiles.actor_profile(store, view.ref, "A1"),
                 lambda: profiles.search_actors(store, view.ref, "Entraide"),
                 lambda: territories.top_actors(view),
                 lambda: territories.top_projects(view),
                 lambda: network.build(view),
                 lambda: mapview.actor_points(view, 100),
                 lambda: mapview.grid_cells(view, 1.0),
                 lambda: mapview.partnership_lines(view, 100),
                 lambda: grid.project_scores(view, grid.load_grid(), 10)):
        with pytest.raises(access.RecordsDenied):
            call()
    assert overview.key_figures(view)["actors"] == 10  # tiny(): 10 actors
    built = mapview.build(view, store.geo, mapview.MapOptions(layers=("points", "lines")))
    assert built.counts["points"] == 0 and built.counts["lines"] == 0
    assert "Entraide Nantes" not in built.map.get_root().render()
    # the same inventory seen by its administrator has them
    admin = View(store, access.ref_for(store, LOCAL_ADMIN, "Obs"), Filters())
    assert "A1" in set(territories.top_actors(admin).actor_id)


def test_territory_report_of_an_aggregates_only_view_names_no_actor(store):
    from ecosystem.analysis.view import Filters, View
    from ecosystem.render import report

    writes.create(store, LOCAL_ADMIN, "Obs", tiny())
    members.set_visibility(store, LOCAL_ADMIN, "Obs", "public_aggregates")
    f = Filters(level="departement", territory="departement:44")
    anonymous = report.to_html(report.build(View(store, access.ref_for(store, ANONYMOUS, "Obs"), f),
                                            "fr"))
    admin = report.to_html(report.build(View(store, access.ref_for(store, LOCAL_ADMIN, "Obs"), f),
                                        "fr"))
    assert "Entraide Nantes" in admin          # A1, Nantes: the top actor list
    assert "Entraide Nantes" not in anonymous
    assert "Épicerie solidaire de Nantes" not in anonymous   # P1's title: no project list
    assert "Loire-Atlantique" in anonymous      # the territory's figures are there


def test_zonings_are_managed_by_inventory_administrators_only(team):
    """A zoning is shared by every inventory: Alice and Dave administer one each and may
    add, rename and delete; Bob (editor), Carol (viewer) and anonymous visitors may not."""
    from ecosystem import zonings
    from tests import zoning_fixtures as zf

    z = zonings.from_polygons(zonings.read(zf.geojson(), "z.geojson"), "code_z", "lib_z", "pop_z")
    for who in (BOB, CAROL, ANONYMOUS):
        with pytest.raises(PermissionDenied):
            writes.add_zoning(team, who, "Zones", z)
    assert writes.add_zoning(team, ALICE, "Zones", z) == 1
    for who in (BOB, CAROL, ANONYMOUS):
        for call in (lambda: writes.rename_zoning(team, who, "Zones", "Autres zones"),
                     lambda: writes.delete_zoning(team, who, "Zones")):
            with pytest.raises(PermissionDenied):
                call()
    writes.rename_zoning(team, DAVE, "Zones", "Bassins")
    writes.delete_zoning(team, LOCAL_ADMIN, "Bassins")
    from ecosystem.storage import zonings as zstore
    assert zstore.listing(team).empty
