"""Views on inventories that are not the demo (issue 12, item 13): an ordinary file
of actors has no domain column, so located actors have NULL domains (read back from
DuckDB as ``pd.NA``), and often no project at all. Values worked out by hand from
tests/fixtures.py."""

import io

import networkx as nx
import pytest
from pypdf import PdfReader

from ecosystem.render import mapview, report
from ecosystem import model
from ecosystem.analysis import profiles
from ecosystem.analysis import network as net
from ecosystem.analysis.view import Filters, View
from ecosystem.render.mapview import MapOptions
from tests import fixtures
from tests.test_mapview import payload

ALL = MapOptions(layers=("points", "lines", "funders"))


@pytest.fixture
def no_domain(store):
    """tiny with every actor's and project's domains emptied except A1's."""
    data = fixtures.tiny()
    data.actors["domains"] = None
    data.actors.loc[1, "domains"] = "poverty;social_cohesion"
    data.projects["domains"] = None
    store.create("sans domaine", data)
    return store, store.ref("sans domaine")


@pytest.fixture
def actors_only(store):
    """The ten actors of tiny, no domain, no project (an ordinary list of actors)."""
    actors = fixtures.tiny().actors.assign(domains=None)
    store.create("acteurs", model.InventoryData(actors=actors))
    return store, store.ref("acteurs")


def test_map_draws_located_actors_without_domains(no_domain, geo):
    store, ref = no_domain
    view = mapview.build(View(store, ref, Filters()), geo, ALL)
    assert view.counts["points"] == 10
    d = payload(view, "points")
    by_id = dict(zip(d["id"], d["d"]))
    assert by_id["A2"] == "" and by_id["A10"] == ""
    assert sorted(d["domains"][int(k)] for k in by_id["A1"].split(".")) == \
        ["Cohésion sociale et lien social", "Pauvreté et exclusion"]
    # lines still there: P1 A1-A3, A1-A4, A3-A4; P2 A1-A2; P3/P5 A5-A6
    assert view.counts["lines_total"] == 5


def test_map_of_an_actors_only_inventory(actors_only, geo):
    store, ref = actors_only
    view = mapview.build(View(store, ref, Filters(territory="departement:44")), geo, ALL)
    # A1, A2, A3, A4, A9 in Loire-Atlantique; no project, so no line
    assert (view.counts["points"], view.counts["lines_total"], view.counts["fundings_total"]) == \
        (5, 0, 0)
    assert payload(view, "points")["d"] == ["", "", "", "", ""]


def test_network_without_domains_suggests_and_exports(no_domain):
    store, ref = no_domain
    graph = net.analyse(net.build(View(store, ref, Filters())))
    sugg = net.suggest_for_actor(graph, "A2")
    # only A1 has domains: no suggested pair can share one
    assert [list(x) for x in sugg.domains] == [[] for _ in range(len(sugg))]
    comms = net.community_table(graph, min_size=2)
    assert len(comms) > 0
    back = nx.read_gexf(io.BytesIO(net.to_gexf(graph)))
    assert back.nodes["A2"]["domains"] == ""             # not "<NA>"
    assert back.nodes["A1"]["domains"] == "poverty;social_cohesion"


def test_actor_profile_without_domains(no_domain):
    store, ref = no_domain
    prof = profiles.actor_profile(store, ref, "A2")
    assert prof.record["domains"] == []
    # A2 leads P2 (no domain)
    assert prof.projects.project_id.tolist() == ["P2"] and prof.projects.domains.tolist() == [[]]


def test_report_of_an_actors_only_inventory(actors_only):
    store, ref = actors_only
    r = report.build(View(store, ref, Filters(territory="departement:44")), "fr")
    charts = {c.title: c.items for c in r.charts}
    assert charts["Projets par domaine"] == []
    assert [v for _, v in charts["Projets par étape (pipeline de l'innovation)"]] == [0.0, 0.0, 0.0, 0.0]
    assert len(r.white_zones) == 17                      # no project: every domain uncovered
    assert "Projets par domaine" in report.to_html(r)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.to_pdf(r))).pages)
    assert "Projets par domaine" in text
