"""The view with user zonings: each actor's and project's zone read through the view's
sets (``view.zoned_set``), on the tiny hand-made zoning of ``tests/zoning_fixtures.py``."""

from __future__ import annotations

import pytest

from ecosystem.analysis.view import Filters, View
from ecosystem.storage.store import Store
from tests import zoning_fixtures as zf
from tests.test_store_zonings import add_communes, add_polygons


@pytest.fixture(scope="module")
def zoned(tmp_path_factory, geo):
    """The inventory of ``zf.inventory()`` with both zonings: ``(store, ref, polygons
    level, communes level)``; one store for the module (the tests only read it)."""
    store = Store(tmp_path_factory.mktemp("view_zoning") / "z.duckdb", geo=geo)
    store.create("inv", zf.inventory())
    poly, comm = add_polygons(store), add_communes(store, geo)
    yield store, store.ref("inv"), poly, comm
    store.close()


def rows(view: View, body: str) -> list[tuple]:
    sql = view.sql(body)
    df = view.store.query(sql.text, sql.params)
    return [tuple(r) for r in df.astype(object).where(df.notna(), None).itertuples(index=False)]


def columns(view: View, name: str) -> list[str]:
    sql = view.sql(f"SELECT * FROM {name} LIMIT 0")
    return list(view.store.query(sql.text, sql.params).columns)


def test_the_zone_of_each_actor_and_project_at_a_zoning_level(zoned):
    store, ref, poly, comm = zoned
    view = View(store, ref, Filters(level=poly))  # no filter: the derived tables themselves
    # zoning_fixtures.inventory(): B1, B7 in NA, B2 in NE, B4 in MA; B3, B6 have no point,
    # B5 is in Paris (no zone); they stay in the set, with no zone
    assert rows(view, f"SELECT actor_id, actor_type, {poly} FROM fa ORDER BY actor_id") == [
        ("B1", "association", "NA"), ("B2", "company", "NE"), ("B3", "association", None),
        ("B4", "association", "MA"), ("B5", "funder", None), ("B6", "social_enterprise", None),
        ("B7", "association", "NA")]
    # a project is in its lead's zone when in its lead's commune: Q1 (B1), Q3 (B4, no commune)
    assert rows(view, f"SELECT project_id, title, {poly} FROM fp ORDER BY project_id") == [
        ("Q1", "Projet Q1", "NA"), ("Q2", "Projet Q2", None), ("Q3", "Projet Q3", "MA"),
        ("Q4", "Projet Q4", None)]
    # at a level of the geography the sets have no zone column
    plain = View(store, ref, Filters(level="departement"))
    assert poly in columns(view, "fa") and poly not in columns(plain, "fa")
    assert poly in columns(view, "fp") and poly not in columns(plain, "fp")
    assert columns(plain, "fa") == [c for c in columns(view, "fa") if c != poly]


def test_a_zone_of_one_zoning_seen_at_the_level_of_another(zoned):
    store, ref, poly, comm = zoned
    # the communes zoning's Z1 (Nantes, Saint-Herblain): B1 (point in Nantes), B3 (commune
    # 44109), B7 (point in Nantes); B2's point is in Thouaré. Projects by commune: Q1, Q4
    view = View(store, ref, Filters(level=poly, territory=f"{comm}:Z1"))
    assert rows(view, f"SELECT actor_id, {poly}, {comm} FROM fa ORDER BY actor_id") == [
        ("B1", "NA", "Z1"), ("B3", None, "Z1"), ("B7", "NA", "Z1")]
    assert rows(view, f"SELECT project_id, {poly}, {comm} FROM fp ORDER BY project_id") == [
        ("Q1", "NA", "Z1"), ("Q4", None, "Z1")]


def test_participations_get_no_zone_column(zoned):
    store, ref, poly, comm = zoned
    # NA's projects at the emergence stage: Q1 (lead B1, partner B7); its actors: B1, B7
    view = View(store, ref, Filters(level=poly, territory=f"{poly}:NA", stages=("emergence",)))
    assert rows(view, f"SELECT actor_id, {poly} FROM fa ORDER BY actor_id") == [("B1", "NA"), ("B7", "NA")]
    assert rows(view, f"SELECT project_id, {poly} FROM fp") == [("Q1", "NA")]
    assert rows(view, "SELECT project_id, actor_id FROM fm ORDER BY actor_id") == [("Q1", "B1"), ("Q1", "B7")]
    members = list(store.query(f"SELECT * FROM {ref.derived('d_members')} LIMIT 0").columns)
    assert columns(view, "fm") == members


def test_a_filtered_view_of_france_at_a_zoning_level(zoned):
    store, ref, poly, comm = zoned
    # all France, associations only: the inlined sets get the zones too
    view = View(store, ref, Filters(level=poly, actor_types=("association",)))
    assert rows(view, f"SELECT actor_id, {poly} FROM fa ORDER BY actor_id") == [
        ("B1", "NA"), ("B3", None), ("B4", "MA"), ("B7", "NA")]
    # projects led by an association: Q1 (B1), Q3 (B4), Q4 (B3); Q2's lead B2 is a company
    assert rows(view, f"SELECT project_id, {poly} FROM fp ORDER BY project_id") == [
        ("Q1", "NA"), ("Q3", "MA"), ("Q4", None)]


def test_the_column_of_a_level_is_the_zoning_s_own():
    from ecosystem.analysis.view import level_column
    assert [level_column(lv) for lv in ("region", "departement", "epci", "commune", "z7")] == \
        ["reg", "dep", "epci", "commune_code", "z7"]


def test_a_zone_s_sets_cut_from_national_sets(zoned):
    from ecosystem.analysis.view import view_statements
    from ecosystem.storage.zonings import ensure_assigned

    store, ref, poly, comm = zoned
    ensure_assigned(store, ref, poly)
    # national sets standing in for those of the filters without the territory: the
    # inventory's derived tables; the zone's are cut from them by its placements
    base = {"fp": ref.derived("d_projects"), "fm": ref.derived("d_members"), "fa": ref.derived("d_actors")}
    f = Filters(level=poly, territory=f"{poly}:NA", stages=("emergence",))
    for name, statement, params in view_statements(ref, f, "cut_", base):
        store.con.execute(statement, params)
    # NA's projects: Q1 (B1's, in B1's commune); its participants B1 (lead) and B7
    assert store.query("SELECT project_id FROM cut_fp").project_id.tolist() == ["Q1"]
    assert store.query("SELECT actor_id FROM cut_fa ORDER BY actor_id").actor_id.tolist() == ["B1", "B7"]


def test_a_zone_s_sets_computed_inside_the_query(zoned):
    # a read-only store's fallback (view.scoped): the same sets, by the zone's placements
    from ecosystem.analysis.view import scoped
    from ecosystem.storage.zonings import ensure_assigned

    store, ref, poly, comm = zoned
    ensure_assigned(store, ref, poly)
    sql = scoped(ref, Filters(level=poly, territory=f"{poly}:NA"),
                 "SELECT (SELECT string_agg(actor_id, ',' ORDER BY actor_id) FROM fa) AS a, "
                 "(SELECT string_agg(project_id, ',' ORDER BY project_id) FROM fp) AS p")
    assert store.query(sql.text, sql.params).iloc[0].tolist() == ["B1,B7", "Q1"]


def test_as_of_a_year_the_actors_read_in_place_get_their_zone(tmp_path, geo):
    """As of a year with no other filter the actors are read in place
    (view.actors_in_place): they still get the zone column, and a zone's territory
    keeps the actors placed in it. zf.inventory() with every actor created in 2020."""
    data = zf.inventory()
    data.actors["creation_year"] = 2020
    store = Store(tmp_path / "dated.duckdb", geo=geo)
    try:
        store.create("inv", data)
        ref, poly = store.ref("inv"), add_polygons(store)
        view = View(store, ref, Filters(level=poly, as_of=2024))
        # the zones of the table in zf.inventory()
        assert rows(view, f"SELECT actor_id, {poly} FROM fa ORDER BY actor_id") == [
            ("B1", "NA"), ("B2", "NE"), ("B3", None), ("B4", "MA"), ("B5", None), ("B6", None),
            ("B7", "NA")]
        # the zone NA: B1 and B7, its project Q1 (started 2023)
        view = View(store, ref, Filters(level=poly, territory=f"{poly}:NA", as_of=2024))
        assert rows(view, f"SELECT actor_id, {poly} FROM fa ORDER BY actor_id") == [
            ("B1", "NA"), ("B7", "NA")]
        assert rows(view, "SELECT project_id FROM fp") == [("Q1",)]
        # with a project filter over all France (the participations materialised, the
        # rest inline): the participants of the four emergence projects, with their zone
        view = View(store, ref, Filters(level=poly, stages=("emergence",), as_of=2024))
        assert rows(view, f"SELECT actor_id, {poly} FROM fa ORDER BY actor_id") == [
            ("B1", "NA"), ("B2", "NE"), ("B3", None), ("B4", "MA"), ("B7", "NA")]
        assert rows(view, f"SELECT project_id, {poly} FROM fp ORDER BY project_id") == [
            ("Q1", "NA"), ("Q2", None), ("Q3", "MA"), ("Q4", None)]
        # created in 2020: none of them exists as of 2019
        assert rows(View(store, ref, Filters(level=poly, territory=f"{poly}:NA", as_of=2019)),
                    "SELECT actor_id FROM fa") == []
    finally:
        store.close()


def test_a_read_only_store_places_no_record_in_a_zone(tmp_path, geo):
    """A read-only store cannot write the zone placements (storage.zonings.assign):
    at a zoning level never placed, its view answers without the zone column."""
    path = tmp_path / "ro.duckdb"
    store = Store(path, geo=geo)
    store.create("inv", zf.inventory())
    poly = add_polygons(store)
    store.close()
    ro = Store(path, geo=geo, read_only=True)
    try:
        view = View(ro, ro.ref("inv"), Filters(level=poly))
        # the seven actors B1-B7 of zf.inventory(), no zone column
        assert rows(view, "SELECT count(*) FROM fa") == [(7,)]
        assert poly not in columns(view, "fa")
    finally:
        ro.close()
