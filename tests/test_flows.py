"""Partnerships aggregated between territories (ecosystem.analysis.flows) on the tiny
inventory plus four projects linking territories; every pair counted by hand."""

import dataclasses
import json
import re

import pandas as pd
import pytest

from ecosystem.analysis import flows
from ecosystem.analysis.view import Filters, View
from ecosystem.render import maps, mapview
from tests import fixtures


def linked():
    """tiny() (all its partnerships are inside one département: P1, P2 in 44, P3, P5
    in 13) plus A11 in Angers (49, Pays de la Loire) and:

    * P6 (experimentation): A1 (44) lead, A6 (13) and A7 (971) partners;
    * P7 (diffusion): A6 lead, A1 partner — the pair A1–A6 again, written B–A;
    * P8 (emergence): A10 (55, Grand Est) lead, A5 and A8 (13) partners;
    * P9 (experimentation): A2 (44) lead, A11 (49) partner.
    """
    data = fixtures.tiny()
    actors = pd.concat([data.actors, fixtures.frame([dict(
        actor_id="A11", name="Angers Solidaire", actor_type="association", domains="food",
        commune_code="49007", source="test")]).set_axis([11])])
    extra = [dict(project_id="P6", lead_actor_id="A1", stage="experimentation", commune_code="44109"),
             dict(project_id="P7", lead_actor_id="A6", stage="diffusion", commune_code="13001"),
             dict(project_id="P8", lead_actor_id="A10", stage="emergence", commune_code="55039"),
             dict(project_id="P9", lead_actor_id="A2", stage="experimentation", commune_code="44162")]
    extra = [p | dict(title=p["project_id"], domains="food", start_year=2023, active=True,
                      source="test") for p in extra]
    projects = pd.concat([data.projects, fixtures.frame(extra).set_axis(range(6, 10))])
    partners = pd.concat([data.partners, fixtures.frame([
        dict(project_id="P6", actor_id="A6", role="operational"),
        dict(project_id="P6", actor_id="A7", role="operational"),
        dict(project_id="P7", actor_id="A1", role="operational"),
        dict(project_id="P8", actor_id="A5", role="institutional"),
        dict(project_id="P8", actor_id="A8", role="financial"),
        dict(project_id="P9", actor_id="A11", role="operational"),
    ]).set_axis(range(6, 12))])
    return dataclasses.replace(data, actors=actors, projects=projects, partners=partners)


@pytest.fixture
def view(store):
    store.create("linked", linked())
    return View(store, store.ref("linked"))


def pairs(df) -> dict:
    return {(r.code_a, r.code_b): r.n for r in df.itertuples()}


def test_departement_flows_counted_by_hand(view):
    # inter-département pairs of actors: A1–A6 (44–13, P6 and P7: one partnership),
    # A1–A7 (44–971), A6–A7 (13–971), A10–A5 and A10–A8 (55–13), A2–A11 (44–49);
    # A5–A8 (both 13) and every pair of tiny() are inside one département: no flow
    df = flows.territory_flows(view, "departement")
    assert pairs(df) == {("13", "55"): 2, ("13", "44"): 1, ("13", "971"): 1,
                         ("44", "971"): 1, ("44", "49"): 1}
    assert list(df.n) == [2, 1, 1, 1, 1]                     # most partnerships first
    # A1–A6 share P6 and P7: two projects for one partnership
    assert df.set_index(["code_a", "code_b"]).loc[("13", "44"), "projects"] == 2


def test_region_flows_merge_departements_of_one_region(view):
    # 44 and 49 are both Pays de la Loire (52): A2–A11 is no flow between régions
    df = flows.territory_flows(view, "region")
    assert pairs(df) == {("44", "93"): 2, ("52", "93"): 1, ("01", "93"): 1, ("01", "52"): 1}


def test_filters_and_scope_apply(view):
    # emergence: P2 (A1–A2, inside 44) and P8 (A10 with A5 and A8)
    df = flows.territory_flows(view.with_(stages=("emergence",)), "departement")
    assert pairs(df) == {("13", "55"): 2}
    # associations only: A1, A2, A7, A10, A11 — A1–A7 (P6) and A2–A11 (P9)
    df = flows.territory_flows(view.with_(actor_types=("association",)), "departement")
    assert pairs(df) == {("44", "971"): 1, ("44", "49"): 1}
    # within Pays de la Loire both actors must be in it: A2–A11 only
    df = flows.territory_flows(view.with_(territory="region:52"), "departement")
    assert pairs(df) == {("44", "49"): 1}


def test_no_flow_without_partnership_across_territories(store):
    store.create("tiny", fixtures.tiny())
    df = flows.territory_flows(View(store, store.ref("tiny")), "departement")
    assert df.empty and list(df.columns) == ["code_a", "code_b", "n", "projects"]


def test_levels_offered_lie_below_the_scope():
    assert flows.flow_levels(Filters()) == ["region", "departement"]
    assert flows.flow_levels(Filters(territory="region:52")) == ["departement"]
    assert flows.flow_levels(Filters(territory="departement:44")) == []
    assert flows.flow_levels(Filters(level="commune", territory="epci:244400404")) == []


def lines_payload(view, geo, lang="fr") -> tuple[dict, dict]:
    built = mapview.build(view, geo, mapview.MapOptions(layers=("lines",), lang=lang))
    m = re.search(r"EcoExplorer\.lines\([^,]+, (.*)\);", built.html())
    return json.loads(m.group(1)), built.counts


def test_the_map_sends_each_tier_with_names_and_inset_ends(view, geo):
    d, counts = lines_payload(view, geo)
    assert counts["flows"] == {"region": 4, "departement": 5}
    region, dep = d["tiers"]
    assert (region["level"], region["maxzoom"], dep["level"], dep["maxzoom"]) == \
        ("region", 6.0, "departement", 8.5)
    assert region["n"] == [2, 1, 1, 1] and region["nmax"] == 2
    assert region["tip"][0] == "2 partenariats entre Grand Est et Provence-Alpes-Côte d'Azur"
    # 13–55 (2), then ties by code: 13–44, 13–971, 44–49, 44–971
    assert dep["tip"][3] == "1 partenariat entre Loire-Atlantique et Maine-et-Loire"
    # Guadeloupe (01) sits in its inset west of Brittany, not in the Caribbean
    k = region["tip"].index("1 partenariat entre Guadeloupe et Provence-Alpes-Côte d'Azur")
    assert abs(region["a"][1][k] - maps.INSETS["971"][0]) < 1.2
    assert 42 < region["a"][0][k] < 49
    # the individual lines carry their actors (a selected actor's lines)
    ends = set(zip(d["ia"], d["ib"]))
    # ids in text order: "A11" < "A2"
    assert ("A1", "A6") in ends and ("A11", "A2") in ends and len(ends) == len(d["w"]) == 12
    en, _ = lines_payload(view, geo, "en")
    assert en["tiers"][0]["tip"][0] == \
        "2 partnerships between Grand Est and Provence-Alpes-Côte d'Azur"


def test_a_region_map_has_departement_flows_only(view, geo):
    d, counts = lines_payload(view.with_(territory="region:52"), geo)
    assert counts["flows"] == {"departement": 1}
    assert [t["level"] for t in d["tiers"]] == ["departement"]
    d, counts = lines_payload(view.with_(territory="departement:44"), geo)
    assert d["tiers"] == [] and counts["flows"] == {}


def test_both_levels_from_one_query_match_each_level_alone(view):
    both = flows.flows_by_level(view, ["region", "departement"])
    assert pairs(both["region"]) == {("44", "93"): 2, ("52", "93"): 1, ("01", "93"): 1,
                                     ("01", "52"): 1}
    assert pairs(both["departement"]) == {("13", "55"): 2, ("13", "44"): 1, ("13", "971"): 1,
                                          ("44", "971"): 1, ("44", "49"): 1}
    assert flows.flows_by_level(view, []) == {}


def test_the_map_computes_the_pairs_of_actors_once_for_lines_and_flows(view, geo):
    seen = []
    real = view.store.query
    view.store.query = lambda sql, params=None: seen.append(sql) or real(sql, params)
    d, counts = lines_payload(view, geo)
    # both tiers and the 12 lines (counted by hand above) from the same pairs
    assert counts["flows"] == {"region": 4, "departement": 5} and counts["lines_total"] == 12
    # the pairs: participations of the same project joined two by two
    assert sum("JOIN mem y ON x.project_id = y.project_id" in sql for sql in seen) == 1
