"""Inventories the property suite (test_any_inventory.py) found breaking something,
kept as plain tests with the inventory spelled out and the expected values worked
out by hand."""

from __future__ import annotations

from pathlib import Path

from ecosystem.render import mapview
from ecosystem import model
from ecosystem.analysis import network as net
from ecosystem.analysis import profiles
from ecosystem.analysis.view import Filters, View
from tests.fixtures import frame
from tests.property.checks import new_store


def _actors_one_without_domain() -> model.InventoryData:
    """Two associations in Nantes (44109), no project, no link: A1 has no domain
    (the column is empty), A2 works on food."""
    actors = frame([
        dict(actor_id="A1", name="Sans domaine", actor_type="association", domains=None,
             commune_code="44109", source="test"),
        dict(actor_id="A2", name="Jardins", actor_type="association", domains="food",
             commune_code="44109", source="test"),
    ])
    return model.InventoryData(actors=actors)


def test_network_tables_accept_an_actor_without_domain(tmp_path: Path):
    store = new_store(tmp_path, "sans domaine", _actors_one_without_domain())
    try:
        ref = store.ref("sans domaine")
        graph = net.analyse(net.build(View(store, ref, Filters())))
        # both actors are isolated (no project, no membership, no partnership)
        table = net.isolated_table(graph, "fr")
        assert dict(zip(table["Nom"], table["Domaines"])) == {"Sans domaine": "",
                                                             "Jardins": "Alimentation"}
        # suggestions score shared domains: an actor without any raised TypeError
        net.suggest_for_actor(graph, "A1", 10)
        net.suggest_for_territory(graph, 30)
    finally:
        store.close()


def test_actor_profile_of_an_actor_and_a_project_without_domain(tmp_path: Path):
    """A1 (no domain) leads P1 (no domain): the Acteur page read both as pd.NA and
    raised "'NAType' object is not iterable"."""
    data = _actors_one_without_domain()
    data.projects = frame([dict(project_id="P1", title="Projet sans domaine", lead_actor_id="A1",
                                stage="emergence", domains=None, source="test")])
    store = new_store(tmp_path, "sans domaine", data)
    try:
        p = profiles.actor_profile(store, store.ref("sans domaine"), "A1")
        assert p.record["domains"] == []
        assert [list(d) for d in p.projects.domains] == [[]]
        assert p.projects.project_id.tolist() == ["P1"]
    finally:
        store.close()


def test_map_lines_ignore_a_longitude_without_latitude(tmp_path: Path):
    """A1 (Nantes) has a longitude but no latitude; A2 (Saint-Herblain) has both; they
    share P1. A1 sits at its commune's centre (the lone longitude is not a position):
    the partnership line used to get a NULL latitude and the map's JSON refused NaN."""
    actors = frame([
        dict(actor_id="A1", name="Lon seule", actor_type="association", commune_code="44109",
             domains="food", lon=-1.55, source="test"),
        dict(actor_id="A2", name="Lat et lon", actor_type="association", commune_code="44162",
             domains="food", lat=47.2, lon=-1.6, source="test"),
    ])
    projects = frame([dict(project_id="P1", title="Commun", lead_actor_id="A1",
                           stage="emergence", source="test")])
    partners = frame([dict(project_id="P1", actor_id="A2", role="operational")])
    store = new_store(tmp_path, "lon seule",
                      model.InventoryData(actors=actors, projects=projects, partners=partners))
    try:
        ref = store.ref("lon seule")
        lines, total = mapview.partnership_lines(View(store, ref, Filters()), 100)
        assert total == 1 and (lines.id_a.tolist(), lines.id_b.tolist()) == (["A1"], ["A2"])
        assert (lines.lat_b.iloc[0], lines.lon_b.iloc[0]) == (47.2, -1.6)
        # Nantes' centre is about 47.23 N, 1.55 W; the spread is at most 0.08 degree
        assert 47.1 < lines.lat_a.iloc[0] < 47.35 and lines.lon_a.iloc[0] != -1.55
        view = mapview.build(View(store, ref, Filters()), store.geo,
                             mapview.MapOptions(layers=("points", "lines")))
        assert view.counts["lines"] == 1 and view.counts["points"] == 2
    finally:
        store.close()


def test_territory_suggestions_with_no_located_actor(tmp_path: Path):
    """Three actors without commune: A1 and A2 each share a project with A3, never with
    each other. The only candidate is (A1, A2) with one common partner; with no place,
    no pair comes from "same place, same domain" (that empty list had a float dtype and
    broke the indexing: IndexError)."""
    actors = frame([dict(actor_id=f"A{i}", name=f"Acteur {i}", actor_type="association",
                         domains="food", source="test") for i in (1, 2, 3)])
    projects = frame([
        dict(project_id="P1", title="Un", lead_actor_id="A1", stage="emergence", source="test"),
        dict(project_id="P2", title="Deux", lead_actor_id="A2", stage="emergence", source="test"),
    ])
    partners = frame([dict(project_id="P1", actor_id="A3", role="operational"),
                      dict(project_id="P2", actor_id="A3", role="operational")])
    store = new_store(tmp_path, "sans lieu",
                      model.InventoryData(actors=actors, projects=projects, partners=partners))
    try:
        graph = net.analyse(net.build(View(store, store.ref("sans lieu"), Filters())))
        pairs = net.candidate_pairs(graph)
        assert pairs.to_dict("records") == [{"a": "A1", "b": "A2", "n2": 1}]
        sugg = net.suggest_for_territory(graph, 30)
        assert (sugg.a.tolist(), sugg.b.tolist()) == (["A1"], ["A2"])
    finally:
        store.close()


def test_territory_suggestions_when_every_pair_is_already_linked(tmp_path: Path):
    """One project of three actors (A1 leads, A2 and A3 partners): every pair is linked,
    so there is nothing to suggest. The common-partner pairs all being linked left an
    empty candidate list that was still indexed (IndexError: index -1)."""
    actors = frame([dict(actor_id=f"A{i}", name=f"Acteur {i}", actor_type="association",
                         domains="food", source="test") for i in (1, 2, 3)])
    projects = frame([dict(project_id="P1", title="Trio", lead_actor_id="A1", stage="emergence",
                           source="test")])
    partners = frame([dict(project_id="P1", actor_id="A2", role="operational"),
                      dict(project_id="P1", actor_id="A3", role="operational")])
    store = new_store(tmp_path, "trio",
                      model.InventoryData(actors=actors, projects=projects, partners=partners))
    try:
        graph = net.analyse(net.build(View(store, store.ref("trio"), Filters())))
        assert graph.m == 3
        assert len(net.candidate_pairs(graph)) == 0
        assert len(net.suggest_for_territory(graph, 30)) == 0
    finally:
        store.close()
