"""Zonings in the store (DuckDB and PostgreSQL) and as a level of analysis.

Expected placements, counts and per-capita values are worked out by hand in
tests/zoning_fixtures.py (``inventory()``)."""

from __future__ import annotations

import math

import pytest

from ecosystem import zonings
from ecosystem.analysis import indicators as ind
from ecosystem.analysis import territories
from ecosystem.analysis.view import Filters, View
from ecosystem.storage import zonings as zstore
from tests import zoning_fixtures as zf


def add_polygons(store, name="Zones test") -> str:
    z = zonings.from_polygons(zonings.read(zf.geojson(), "z.geojson"), "code_z", "lib_z", "pop_z")
    return f"z{zstore.add(store, name, z, source='z.geojson')}"


def add_communes(store, geo, name="Zonage communes") -> str:
    frame = zonings.read(zf.commune_table_csv(), "zonage.csv")
    return f"z{zstore.add(store, name, zonings.from_communes(frame, geo, 'CODGEO', 'ZT', 'LIBZT'))}"


def test_list_rename_delete_and_ids_never_reused(any_store):
    level = add_polygons(any_store)
    assert zstore.listing(any_store)[["level", "name", "kind", "n_zones"]].values.tolist() == \
        [[level, "Zones test", "polygons", 3]]
    with pytest.raises(zstore.ZoningExists):
        add_polygons(any_store)
    zstore.rename(any_store, level, "Bassins")
    assert zstore.get(any_store, "Bassins")["level"] == level
    zstore.delete(any_store, "Bassins")
    assert zstore.listing(any_store).empty
    with pytest.raises(zstore.ZoningNotFound):
        zstore.get(any_store, level)
    again = add_polygons(any_store, "Bassins")
    assert again != level


def test_zonings_survive_reopening_and_reach_other_replicas(any_store, tmp_path, geo):
    level = add_polygons(any_store)
    if any_store.backend == "postgresql":
        from ecosystem.storage.postgres import PostgresStore
        other = PostgresStore(any_store.url, mirror=tmp_path / "other.duckdb", geo=geo)
    else:
        from ecosystem.storage.store import Store
        any_store.close()
        other = Store(any_store.path, geo=geo)
    try:
        assert zstore.listing(other).name.tolist() == ["Zones test"]
        shapes = zstore.zones(other, int(level[1:]), "geometry")
        assert shapes.code.tolist() == ["NA", "NE", "MA"]
        assert shapes.geometry.iat[0].bounds == pytest.approx((-1.70, 47.15, -1.55, 47.30))
        if other.backend == "postgresql":  # a rename made elsewhere is seen here
            zstore.rename(any_store, level, "Renommé")
            assert zstore.listing(other).name.tolist() == ["Renommé"]
            zstore.delete(other, level)
            assert zstore.listing(any_store).empty
    finally:
        other.close()


def test_polygon_zoning_placement_and_indicators(any_store):
    any_store.create("inv", zf.inventory())
    level = add_polygons(any_store)
    ref = any_store.ref("inv")
    counts = zstore.assignment_counts(any_store, ref, level)
    assert counts == {"n_actors": 7, "n_actors_placed": 4, "n_actors_by_point": 4,
                      "n_projects": 4, "n_projects_placed": 2}
    df = ind.compute(View(any_store, ref), level, ["actors", "projects", "actors_per_10k"])
    got = df.set_index("code")
    assert got.actors.to_dict() == {"MA": 1, "NA": 2, "NE": 1}
    assert got.projects.to_dict() == {"MA": 1, "NA": 1, "NE": 0}
    assert got.actors_per_10k["NA"] == pytest.approx(20.0)  # 2 × 10,000 / 1,000
    assert got.actors_per_10k["NE"] == pytest.approx(5.0)  # 1 × 10,000 / 2,000
    assert math.isnan(got.actors_per_10k["MA"])  # no population: undefined
    assert ind.format_value("actors_per_10k", got.actors_per_10k["MA"], "fr") == "—"


def test_commune_zoning_placement_and_populations(any_store, geo):
    any_store.create("inv", zf.inventory())
    level = add_communes(any_store, geo)
    ref = any_store.ref("inv")
    counts = zstore.assignment_counts(any_store, ref, level)
    assert counts["n_actors_placed"] == 5 and counts["n_projects_placed"] == 3
    got = ind.compute(View(any_store, ref), level, ["actors", "projects", "actors_per_10k"]) \
        .set_index("code")
    assert got.actors.to_dict() == {"Z1": 3, "Z2": 2, "Z3": 0}
    assert got.projects.to_dict() == {"Z1": 2, "Z2": 1, "Z3": 0}
    assert got.population.to_dict() == {"Z1": 378_707, "Z2": 1_035_735, "Z3": 1_597}
    assert got.actors_per_10k["Z1"] == pytest.approx(30_000 / 378_707)
    assert got.actors_per_10k["Z2"] == pytest.approx(20_000 / 1_035_735)


def test_zone_as_territory_scope_ranking_and_references(any_store):
    any_store.create("inv", zf.inventory())
    level = add_polygons(any_store)
    ref = any_store.ref("inv")
    view = View(any_store, ref, Filters(level=level, territory=f"{level}:NA"))
    sql = view.sql("SELECT actor_id FROM fa ORDER BY actor_id")
    assert any_store.query(sql.text, sql.params).actor_id.tolist() == ["B1", "B7"]
    sql = view.sql("SELECT project_id FROM fp ORDER BY project_id")
    assert any_store.query(sql.text, sql.params).project_id.tolist() == ["Q1"]
    ranking = territories.ranking(view, "actors")
    assert ranking[["rank", "code"]].values.tolist() == [[1, "NA"], [2, "MA"], [2, "NE"]]
    refs = territories.references(view, ("z" + level[1:], "NA"), ["actors"])
    assert refs.territory.tolist() == [2] and math.isnan(refs.parent.iat[0])
    assert refs.france.tolist() == [7]
    # an actor type filter narrows the zone's set too
    typed = View(any_store, ref, Filters(level=level, territory=f"{level}:NA",
                                         actor_types=("company",)))
    sql = typed.sql("SELECT count(*) AS n FROM fa")
    assert any_store.query(sql.text, sql.params).n.tolist() == [0]


def test_assignment_refreshed_when_the_inventory_changes(store):
    store.create("inv", zf.inventory())
    level = add_polygons(store)
    ref = store.ref("inv")
    assert zstore.assignment_counts(store, ref, level)["n_actors_placed"] == 4
    extra = zf.inventory()
    extra.actors = extra.actors.iloc[[0]].assign(actor_id="B8")  # one more in NA
    for kind in ("projects", "partners"):
        setattr(extra, kind, getattr(extra, kind).iloc[0:0])
    store.append("inv", extra)
    ref = store.ref("inv")
    assert zstore.assignment_counts(store, ref, level)["n_actors_placed"] == 5
    got = ind.compute(View(store, ref), level, ["actors"]).set_index("code").actors
    assert got["NA"] == 3


def test_zoning_shared_between_inventories(store):
    store.create("one", zf.inventory())
    small = zf.inventory()
    small.actors = small.actors.iloc[[3]]  # B4 only (Marseille)
    small.projects = small.projects.iloc[0:0]
    small.partners = small.partners.iloc[0:0]
    store.create("two", small)
    level = add_polygons(store)
    one = ind.compute(View(store, store.ref("one")), level, ["actors"]).set_index("code").actors
    two = ind.compute(View(store, store.ref("two")), level, ["actors"]).set_index("code").actors
    assert one.to_dict() == {"MA": 1, "NA": 2, "NE": 1}
    assert two.to_dict() == {"MA": 1, "NA": 0, "NE": 0}


def test_network_rollup_per_zone(any_store):
    from ecosystem.analysis import network
    any_store.create("inv", zf.inventory())
    level = add_polygons(any_store)
    m = network.territory_metrics(View(any_store, any_store.ref("inv")), level).set_index("code")
    # NA: B1 and B7 linked by Q1 (one link between two actors: density 1)
    assert m.loc["NA", "n"] == 2 and m.loc["NA", "m"] == 1
    assert m.loc["NA", "net_density"] == pytest.approx(1.0)


def test_geography_answers_zoning_levels(store):
    level = add_polygons(store)
    geo = zstore.geography(store)
    assert geo.levels()[-1] == level
    assert geo.level_label(level) == "Zones test"
    assert geo.name(level, "NE") == "Nantes est"
    assert geo.exists(level, "NE") and not geo.exists(level, "XX")
    assert geo.population(level, "NE") == 2000
    assert geo.parent(level, "NE", "region") is None
    assert geo.shapes(level).index.tolist() == ["NA", "NE", "MA"]
    assert not store.geo.extra_levels  # the shared geography is left as it was


def test_map_of_a_zoning_draws_its_zones_without_insets(any_store):
    from ecosystem.render import mapview
    any_store.create("inv", zf.inventory())
    level = add_polygons(any_store)
    geo = zstore.geography(any_store)
    view = View(any_store, any_store.ref("inv"), Filters(level=level))
    mv = mapview.build(view, geo, mapview.MapOptions(indicator="actors", layers=("points",)))
    assert mv.level == level and mv.within is None
    assert mv.counts["territories"] == 3
    assert sorted(mv.shapes.index) == ["MA", "NA", "NE"]
    # shapes stay where they are (no overseas inset moved them)
    assert mv.shapes["NA"].bounds == pytest.approx((-1.70, 47.15, -1.55, 47.30), abs=1e-3)
    assert mv.table.set_index("code").actors.to_dict() == {"MA": 1, "NA": 2, "NE": 1}


def test_report_of_a_zone(any_store):
    from ecosystem.render import report
    any_store.create("inv", zf.inventory())
    level = add_polygons(any_store)
    view = View(any_store, any_store.ref("inv"), Filters(level=level, territory=f"{level}:NE"))
    r = report.build(view, "en")
    assert "Nantes est (NE)" in r.title
    from ecosystem.i18n import t
    assert dict(r.filters)[t("report.f.level", "en")] == "Zones test"
    fig = r.figures.set_index("id")
    assert fig.loc["actors", "territory"] == "1" and fig.loc["actors", "france"] == "7"
    assert fig.loc["actors_per_10k", "territory"] == "5.00"  # 1 × 10,000 / 2,000
    # the zone's evolution: its one actor (B2) has no creation year, so it is left out;
    # its projects (none: Q2 is in Marseille) start in 2023, the only year of the dates
    rows = r.evolution.set_index(r.evolution.columns[0])
    assert list(r.evolution.columns[1:]) == ["2023", "No date"]
    assert rows.loc["Actors per 10,000 inhabitants", "No date"] == "1"
    assert rows.loc["Actors per 10,000 inhabitants", "2023"] == "0.00"
    assert "Nantes est" in report.to_html(r)
    assert report.to_pdf(r)[:5] == b"%PDF-"


def test_compare_zones_with_a_region_and_france(any_store):
    any_store.create("inv", zf.inventory())
    level = add_polygons(any_store)
    view = View(any_store, any_store.ref("inv"))
    got = territories.compare(view, [f"{level}:NA", "region:52"], ["actors", "actors_per_10k"])
    # NA: B1, B7; Pays de la Loire (52): the four actors of Nantes (B1, B2, B3, B7); France: 7
    assert got[["key", "name", "actors"]].values.tolist() == [
        [f"{level}:NA", "Nantes ouest", 2], ["region:52", "Pays de la Loire", 4],
        ["france", "France", 7]]
    assert got.actors_per_10k.iat[0] == pytest.approx(20.0)
    assert territories.parse_keys(f"{level}:NA,{level}:XX,region:52", zstore.geography(any_store)) \
        == [f"{level}:NA", "region:52"]


def test_a_new_inventory_reusing_an_id_is_placed_again(store):
    import time
    store.create("old", zf.inventory())
    level = add_polygons(store)
    old = store.ref("old")
    assert zstore.assignment_counts(store, old, level)["n_actors_placed"] == 4
    store.delete("old")
    time.sleep(1.1)  # creation times are kept to the second
    small = zf.inventory()
    small.actors = small.actors.iloc[[3]]  # B4 only
    small.projects = small.projects.iloc[0:0]
    small.partners = small.partners.iloc[0:0]
    new = store.create("new", small)
    assert (new.id, new.version) == (old.id, old.version)  # same id and version
    assert zstore.assignment_counts(store, new, level)["n_actors_placed"] == 1


def test_search_finds_zones_for_the_comparer(store):
    level = add_polygons(store)
    found = zstore.geography(store).search("nantes est")
    assert found[["code", "level"]].values.tolist()[0] == ["NE", level]
    assert "NE" not in store.geo.search("nantes est").code.tolist()  # built-in levels only


def test_white_zones_of_a_zone(any_store):
    """White zones (domains without an active project) of a zone as the territory:
    NA holds Q1 (food, active), NE no project, MA Q3 (food); by commune, Z1 holds Q1
    and Q4 (food). Every other domain of the vocabulary is white."""
    from ecosystem import vocabulary as voc
    any_store.create("inv", zf.inventory())
    ref = any_store.ref("inv")
    level = add_polygons(any_store)
    every = list(voc.DOMAINS.codes)
    assert "food" in every and len(every) > 1
    but_food = [d for d in every if d != "food"]

    def white(territory):
        return ind.white_zones(View(any_store, ref, Filters(level=level, territory=territory)))

    assert white(f"{level}:NA") == but_food
    assert white(f"{level}:NE") == every
    assert white(f"{level}:MA") == but_food


def test_geo_export_of_a_zoning_level(any_store, tmp_path):
    """The GeoPackage of a map view at a zoning level, re-read with GeoPandas: the three
    zones with their actor counts (NA: B1, B7; NE: B2; MA: B4) and, a zone being the
    territory, the actor points of that zone only."""
    import geopandas as gpd
    from ecosystem.render import geo_exports
    any_store.create("inv", zf.inventory())
    ref = any_store.ref("inv")
    level = add_polygons(any_store)
    geo = zstore.geography(any_store)
    path = tmp_path / "zones.gpkg"
    path.write_bytes(geo_exports.to_gpkg(View(any_store, ref, Filters(level=level)), geo,
                                         ids=["actors", "actors_per_10k"]))
    zones = gpd.read_file(path, layer="territories").set_index("code")
    assert zones.crs.to_epsg() == 4326
    assert zones.actors.to_dict() == {"NA": 2, "NE": 1, "MA": 1}
    assert zones.actors_per_10k["NA"] == pytest.approx(20.0)
    assert math.isnan(zones.actors_per_10k["MA"])
    assert zones.geometry["NE"].bounds == pytest.approx((-1.55, 47.15, -1.40, 47.30), abs=1e-3)
    path.write_bytes(geo_exports.to_gpkg(
        View(any_store, ref, Filters(level=level, territory=f"{level}:NA")), geo, ids=["actors"]))
    points = gpd.read_file(path, layer="actors")
    assert sorted(points.actor_id) == ["B1", "B7"]


def test_time_series_per_zone(any_store):
    """A series of actor counts at a zoning level (issue 14: "time series per territory,
    at every level"). The hand-placed fixture with creation years given here: B1 (NA)
    2010, B7 (NA) 2018, B2 (NE) 2015, B4 (MA) 2012, B4 closed in 2019; the others have
    none (left out: B3, B5, B6, but none of them is placed in a polygon zone)."""
    from ecosystem.analysis import timeline
    data = zf.inventory()
    years = {"B1": 2010, "B7": 2018, "B2": 2015, "B4": 2012}
    data.actors["creation_year"] = data.actors.actor_id.map(years).astype("Int64")
    data.actors["closing_year"] = data.actors.actor_id.map({"B4": 2019}).astype("Int64")
    data.actors["active"] = data.actors.actor_id != "B4"
    any_store.create("inv", data)
    level = add_polygons(any_store)
    df = timeline.series(View(any_store, any_store.ref("inv")), "actors", [2012, 2016, 2020],
                         level)
    got = {(r.code, r.year): r.value for r in df.itertuples(index=False)}
    assert got == {("NA", 2012): 1, ("NA", 2016): 1, ("NA", 2020): 2,
                   ("NE", 2012): 0, ("NE", 2016): 1, ("NE", 2020): 1,
                   ("MA", 2012): 1, ("MA", 2016): 1, ("MA", 2020): 0}
    assert set(df.left_out) == {0}
