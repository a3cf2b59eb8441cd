"""Inventories the property suite (test_any_inventory.py) found breaking something,
kept as plain tests with the inventory spelled out and the expected values worked
out by hand."""

from __future__ import annotations

from pathlib import Path

from ecosystem import model
from ecosystem import network as net
from ecosystem import profiles
from ecosystem.filters import Filters
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
        graph = net.analyse(net.build(store, ref, Filters()))
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
