"""The actor network: edges from the store, metrics and suggestions on small
graphs whose answers are worked out by hand (in the comments), rollups by
territory, and Gephi / spreadsheet exports read back."""

from __future__ import annotations

import io

import networkx as nx
import numpy as np
import openpyxl
import pandas as pd
import pytest

from ecosystem.render import exports
from ecosystem.analysis import indicators as ind
from ecosystem.render import maps
from ecosystem.analysis import network as net
from ecosystem.analysis.view import Filters, View

HOSTILE = "<img src=x onerror=alert(1)>"


# ------------------------------------------------------------ hand-built graphs
def barbell() -> net.Graph:
    """Two triangles A-B-C and D-E-F joined by the bridge C–D, and G alone.

    types: A, B, C, G association; D, E company; F research.
    territories (column ``dep``): A, B, C, G in "X"; D, E, F in "Y".
    """
    nodes = pd.DataFrame({
        "actor_id": list("ABCDEFG"),
        "name": ["Alpha", "Beta", HOSTILE, "Delta", "Epsilon", "Phi", "Gamma"],
        "actor_type": ["association"] * 3 + ["company", "company", "research", "association"],
        "domains": [["food"], [], ["health"], ["food"], ["health"], [], ["food"]],
        "commune_code": ["44109", "44109", "44162", "44109", "13055", "13001", "44109"],
        "epci": [None] * 7,
        "dep": ["X", "X", "X", "Y", "Y", "Y", "X"],
    })
    edges = pd.DataFrame({"a": list("AABDDEC"), "b": list("BCCEFFD"),
                          "weight": [1, 1, 1, 1, 1, 1, 2.0]})
    return net.from_frames(nodes, edges)


def test_metrics_of_the_barbell():
    g = net.analyse(barbell())
    s = g.stats
    assert (s["n"], s["m"]) == (7, 7)
    assert s["density"] == pytest.approx(2 * 7 / (7 * 6))        # 1/3
    assert s["mean_degree"] == pytest.approx(2.0)                 # 14 / 7
    assert s["largest_share"] == pytest.approx(6 / 7)             # G is alone
    assert s["isolated"] == 1
    # links across types: C–D (assoc–company), D–F and E–F (company–research): 3 of 7
    assert s["cross_type_share"] == pytest.approx(3 / 7)
    # two triangles = two communities of 3; G is a singleton, not counted
    assert s["communities"] == 2
    n = g.nodes.set_index("actor_id")
    assert n.loc["A", "community"] == n.loc["B", "community"] == n.loc["C", "community"]
    assert n.loc["D", "community"] == n.loc["E", "community"] == n.loc["F", "community"]
    assert n.loc["A", "community"] != n.loc["D", "community"]
    # betweenness: every path between {A, B} and {D, E, F} crosses C (and D), 2 × 3 = 6 pairs
    # (plus none else); normalised by (n−1)(n−2)/2 = 15
    assert n.loc["C", "betweenness"] == pytest.approx(6 / 15)
    assert n.loc["D", "betweenness"] == pytest.approx(6 / 15)
    assert n.loc[list("ABEFG"), "betweenness"].tolist() == [0] * 5
    assert n.degree.to_dict() == {"A": 2, "B": 2, "C": 3, "D": 3, "E": 2, "F": 2, "G": 0}
    assert n.loc["C", "strength"] == 4.0                          # 1 + 1 + 2
    # C reaches D's community and the type company; D reaches C's community,
    # association (C) and research (F)
    assert (n.loc["C", "communities_bridged"], n.loc["C", "types_bridged"]) == (1, 1)
    assert (n.loc["D", "communities_bridged"], n.loc["D", "types_bridged"]) == (1, 2)


def test_brokers_isolated_and_communities_tables():
    g = net.analyse(barbell())
    b = net.brokers(g)
    assert b.actor_id.tolist() == ["C", "D"]   # same betweenness and degree: by name ("<" < "D")
    assert net.isolated(g).actor_id.tolist() == ["G"]
    c = net.community_table(g, "dep")
    assert c["size"].tolist() == [3, 3] and c.links.tolist() == [3, 3]
    left = c[c.types.map(lambda v: v[0][0]) == "association"].iloc[0]
    assert left.areas == [("X", 1.0)]
    assert left.types == [("association", 1.0)]
    assert dict(left.domains) == {"food": 0.5, "health": 0.5}    # A food, C health
    right = c[c.types.map(lambda v: v[0][0]) == "company"].iloc[0]
    assert right.types == [("company", 2 / 3), ("research", 1 / 3)]


def test_rollup_by_territory():
    g = net.analyse(barbell())
    r = net.rollup(g, "dep").set_index("code")
    # X: A, B, C, G and the triangle A-B-C (C–D leaves the territory)
    x = r.loc["X"]
    assert (x.n, x.m) == (4, 3)
    assert x.density == pytest.approx(6 / 12)
    assert x.mean_degree == pytest.approx(1.5)
    assert x.largest_share == pytest.approx(3 / 4)
    assert x.communities == 1
    assert x.cross_type_share == 0
    # Y: the triangle D-E-F, two of its three links cross types
    y = r.loc["Y"]
    assert (y.n, y.m, y.density, y.largest_share, y.mean_degree, y.communities) == \
        (3, 3, 1.0, 1.0, 2.0, 1)
    assert y.cross_type_share == pytest.approx(2 / 3)


def test_sampled_betweenness_is_exact_with_every_source_and_close_with_half():
    g = net.to_igraph(net.analyse(barbell()))
    exact, m1 = net.betweenness(g, samples=0)
    every, m2 = net.betweenness(g, samples=7)
    assert (m1, m2) == ("exact", "exact") and np.allclose(exact, every)
    # a star of 60 leaves: the centre is on every path between leaves (betweenness 1)
    import igraph as ig
    star = ig.Graph.Star(61)
    est, method = net.betweenness(star, samples=30)
    assert method == "sampled:30"
    assert est[0] == pytest.approx(1.0, rel=0.1) and est[1:].max() == 0


# ----------------------------------------------------------------- suggestions
def test_suggestions_for_an_actor_with_their_reasons():
    g = net.analyse(barbell())
    s = net.suggest_for_actor(g, "A")
    # A is linked to B and C. Candidates D, E, F, G:
    # D: common partner C (2) + assoc–company (1) + food (1) + same commune 44109 (1) = 5
    # G: same type, no common partner, food (1) + same commune (1) = 2
    # E: assoc–company (1) = 1 ; F: assoc–research (1) = 1 (tie: by name, Epsilon < Phi)
    assert s.b.tolist() == ["D", "G", "E", "F"]
    assert s.score.tolist() == [5.0, 2.0, 1.0, 1.0]
    d = s.iloc[0]
    assert d.common == ["C"] and d.complementary and d.domains == ["food"] and d.nearby == "commune"
    names = dict(zip(g.nodes.actor_id, g.nodes.name))
    fr = net.reasons(d, "fr", names)
    en = net.reasons(d, "en", names)
    assert "1 partenaire commun : " + HOSTILE in fr
    assert "types complémentaires (Association et Entreprise engagée (RSE))" in fr
    assert "même domaine : Alimentation" in fr and "proches : même commune (44109)" in fr
    assert "1 common partner: " + HOSTILE in en and "same domain: Food" in en
    assert "nearby: same commune (44109)" in en
    with pytest.raises(KeyError):
        net.suggest_for_actor(g, "nobody")


def star() -> net.Graph:
    """Hub H linked to L1 (association), L2 (company) and L3 (research).
    L1 and L2 share the domain food and the commune 44109; L3 is elsewhere."""
    nodes = pd.DataFrame({
        "actor_id": ["H", "L1", "L2", "L3"], "name": ["Hub", "Un", "Deux", "Trois"],
        "actor_type": ["network", "association", "company", "research"],
        "domains": [[], ["food"], ["food"], ["health"]],
        "commune_code": ["75056", "44109", "44109", "13055"], "epci": [None] * 4})
    edges = pd.DataFrame({"a": ["H", "H", "H"], "b": ["L1", "L2", "L3"]})
    return net.analyse(net.from_frames(nodes, edges))


def test_suggestions_for_a_territory():
    s = net.suggest_for_territory(star())
    # (L1, L2): common H (2) + assoc–company (1) + food (1) + same commune (1) = 5
    # (L1, L3): common H (2) + assoc–research (1) = 3
    # (L2, L3): common H (2); company–research is not a complementary pair = 2
    assert list(zip(s.a, s.b, s.score)) == [("L1", "L2", 5.0), ("L1", "L3", 3.0),
                                            ("L2", "L3", 2.0)]
    assert s.common.tolist() == [["H"], ["H"], ["H"]]
    table = net.suggestions_table(s, star(), "en")
    assert table.columns.tolist() == ["Actor", "Suggested partner", "Score", "Why"]
    assert table.Why.iloc[2] == "1 common partner: Hub"


def test_candidate_pairs_skip_linked_pairs():
    pairs = net.candidate_pairs(net.analyse(barbell()))
    linked = set(zip(barbell().edges.a, barbell().edges.b))
    assert not linked & set(zip(pairs.a, pairs.b))
    # two-step pairs through C and D
    assert {("A", "D"), ("B", "D"), ("C", "E"), ("C", "F")} <= set(zip(pairs.a, pairs.b))


# -------------------------------------------------------------- from the store
def test_edges_of_the_tiny_inventory(tiny_store):
    ref = tiny_store.ref("tiny")
    g = net.build(View(tiny_store, ref, Filters()))
    e = g.edges.set_index(["a", "b"])
    # P1: A1 lead, A3 and A4 partners; P2: A2 lead, A1; P3 and P5: A5 and A6.
    # fundings: A8 → P1 (lead A1), A3 → P1 (lead A1), A5 → P3 (lead A6), A5 → P5 (its own).
    # memberships: A1 and A2 in A9; declared: A1–A3.
    assert sorted(e.index) == [("A1", "A2"), ("A1", "A3"), ("A1", "A4"), ("A1", "A8"),
                               ("A1", "A9"), ("A2", "A9"), ("A3", "A4"), ("A5", "A6")]
    assert e.loc[("A1", "A3")].tolist() == [3.0, 1, 0, 1, 1]   # weight, proj, memb, fund, decl
    assert e.loc[("A5", "A6")].tolist() == [3.0, 2, 0, 1, 0]
    assert e.loc[("A2", "A9")].tolist() == [1.0, 0, 1, 0, 0]
    assert g.n == 10


def test_territory_and_project_filters(tiny_store):
    ref = tiny_store.ref("tiny")
    g = net.build(View(tiny_store, ref, Filters(territory="departement:44")))
    assert sorted(g.nodes.actor_id) == ["A1", "A2", "A3", "A4", "A9"]
    assert len(g.edges) == 6                  # the 8 above without A1–A8 and A5–A6
    # experimentation only: P1 and P5; actors taking part in them: A1, A3, A4, A5, A6
    g = net.build(View(tiny_store, ref, Filters(stages=("experimentation",))))
    assert sorted(g.nodes.actor_id) == ["A1", "A3", "A4", "A5", "A6"]
    e = g.edges.set_index(["a", "b"])
    assert sorted(e.index) == [("A1", "A3"), ("A1", "A4"), ("A3", "A4"), ("A5", "A6")]
    assert e.loc[("A5", "A6"), "weight"] == 1.0   # P5 only (A5 funds its own P5)


def test_network_indicators_through_the_registry(tiny_store):
    ref = tiny_store.ref("tiny")
    df = ind.compute(View(tiny_store, ref, Filters()), "departement",
                     ["actors", *ind.NETWORK_IDS]).set_index("code")
    # 44: A1, A2, A3, A4, A9 with 6 links, one component, A1-A3-A4 + A1-A2-A9 (2 triangles)
    d44 = df.loc["44"]
    assert d44.net_density == pytest.approx(12 / 20)
    assert d44.net_mean_degree == pytest.approx(12 / 5)
    assert d44.net_largest_share == 1.0
    # cross-type: all but A1–A2 (two associations): 5 of 6
    assert d44.net_cross_type_share == pytest.approx(5 / 6)
    # 13: A5, A6, A8 with A5–A6 only
    d13 = df.loc["13"]
    assert d13.net_density == pytest.approx(2 / 6)
    assert d13.net_largest_share == pytest.approx(2 / 3)
    assert d13.net_communities == 0
    # a département without actors has no network values
    assert np.isnan(df.loc["01", "net_density"])
    fr = ind.national(View(tiny_store, ref, Filters()), ["actors", *ind.NETWORK_IDS])
    assert fr.net_density == pytest.approx(16 / 90)
    assert fr.net_largest_share == pytest.approx(6 / 10)  # A1 A2 A3 A4 A8 A9
    assert set(ind.NETWORK_IDS) <= set(ind.COMPARABLE_IDS)


# -------------------------------------------------------------------- exports
def test_gexf_and_graphml_read_back():
    g = net.analyse(barbell())
    for data, reader in ((net.to_gexf(g), nx.read_gexf), (net.to_graphml(g), nx.read_graphml)):
        back = reader(io.BytesIO(data))
        assert back.number_of_nodes() == 7 and back.number_of_edges() == 7
        label = back.nodes["C"].get("label")
        assert label == HOSTILE
        assert float(back.edges["C", "D"]["weight"]) == 2.0
        assert back.nodes["D"]["actor_type"] == "company"
        assert float(back.nodes["C"]["betweenness"]) == pytest.approx(0.4)
    assert b"<img" not in net.to_graphml(g)      # escaped as &lt;img in the XML


def test_tables_as_xlsx_and_csv():
    g = net.analyse(barbell())
    sheets = {"brokers": net.brokers_table(g, "fr"), "isolated": net.isolated_table(g, "fr"),
              "communities": net.communities_table(g, "fr", level="departement")}
    wb = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(sheets)))
    ws = wb["brokers"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:2] == ("Nom", "Type")
    assert [r[0] for r in rows[1:]] == [HOSTILE, "Delta"]
    assert rows[1][4] == pytest.approx(0.4)
    assert [r[0] for r in wb["isolated"].iter_rows(values_only=True)][1:] == ["Gamma"]
    comm = list(wb["communities"].iter_rows(values_only=True))
    assert len(comm) == 3 and "Alimentation (50" in " ".join(str(c) for c in comm[1] + comm[2])
    csv = exports.to_csv_bytes(sheets["brokers"]).decode("utf-8-sig")
    assert csv.splitlines()[1].startswith('"' + HOSTILE + '"')   # text fields quoted


# -------------------------------------------------------------------- drawing
def test_drawing_keeps_the_most_central_and_escapes_labels():
    g = net.analyse(barbell())
    data = net.drawing_data(g, "fr", limit=3)
    # C and D (betweenness 0.4, degree 3, "<img…" < "Delta"), then A (degree 2, "Alpha" first)
    assert [n["id"] for n in data["nodes"]] == ["C", "D", "A"]
    assert sorted(tuple(sorted(e[:2])) + (e[2],) for e in data["edges"]) == \
        [(0, 1, 2.0), (0, 2, 1.0)]                                      # C–D, A–C
    assert all(0 <= n["x"] <= 1 and 0 <= n["y"] <= 1 for n in data["nodes"])
    page = net.drawing_html(net.drawing_data(g, "fr"), title=HOSTILE)
    assert HOSTILE not in page and "<img" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert maps.external_assets(page) == [] and "<script src" not in page
    assert net.drawing_data(g, "en", color="community")["legend"][0][0].startswith("Community")
    link = "acteur?lang=en&inv=Mon%20inventaire%20%26%20co&actor={id}"
    assert net.drawing_data(g, link=link)["nodes"][0]["url"].endswith("&actor=C")


def test_empty_graph_and_graph_without_links():
    empty = net.analyse(net.from_frames(pd.DataFrame({"actor_id": [], "name": [],
                                                      "actor_type": []}),
                                        pd.DataFrame({"a": [], "b": []})))
    assert (empty.stats["n"], empty.stats["m"], empty.stats["communities"]) == (0, 0, 0)
    assert net.suggest_for_territory(empty).empty and net.drawing_data(empty)["nodes"] == []
    assert nx.read_graphml(io.BytesIO(net.to_graphml(empty))).number_of_nodes() == 0
    two = net.analyse(net.from_frames(
        pd.DataFrame({"actor_id": ["x", "y"], "name": ["X", "Y"],
                      "actor_type": ["association", "company"], "commune_code": ["44109"] * 2}),
        pd.DataFrame({"a": [], "b": []})))
    # no link: density 0, each actor its own component, both isolated, nothing to bridge
    assert (two.stats["density"], two.stats["largest_share"], two.stats["isolated"]) == (0, 0.5, 2)
    assert np.isnan(two.stats["cross_type_share"])
    # association–company (1) in the same commune (1)
    assert net.suggest_for_actor(two, "x").score.tolist() == [2.0]
    assert len(net.drawing_data(two)["nodes"]) == 2          # no link: isolated actors drawn


def test_each_territory_keeps_its_own_communities_beside_a_heavy_one():
    """X: a ring of 4 triangles (12 actors, 16 links of weight 1). Alone, its best
    modularity splits the 4 triangles: Q = 4 (3/16 − (8/32)²) = 0.5, against 0.375 for
    two pairs of triangles. Y: one triangle of weight 5,000 per link. On the union, the
    modularity null model uses the total weight (15,016): joining two triangles of X
    through their link gains 1/15,016 − 8·8/(2·15,016²) > 0, so X's triangles merge.
    The rollup optimises each territory's own modularity: X keeps 4 communities."""
    ids, edges = [], []
    for t in range(4):
        a, b, c = (f"x{t}{k}" for k in "abc")
        ids += [a, b, c]
        edges += [(a, b, 1.0), (b, c, 1.0), (a, c, 1.0), (c, f"x{(t + 1) % 4}a", 1.0)]
    ids += ["y1", "y2", "y3"]
    edges += [("y1", "y2", 5000.0), ("y2", "y3", 5000.0), ("y1", "y3", 5000.0)]
    nodes = pd.DataFrame({"actor_id": ids, "name": ids, "actor_type": "association",
                          "dep": ["X"] * 12 + ["Y"] * 3})
    g = net.from_frames(nodes, pd.DataFrame(edges, columns=["a", "b", "weight"]))
    r = net.rollup(g, "dep").set_index("code")
    assert r.loc["X", "communities"] == 4 and r.loc["Y", "communities"] == 1
    # the plain modularity of the union merges some of X's triangles
    union = net.communities(net.to_igraph(g))
    assert len(set(union[:12])) < 4


def test_count_actors_is_the_size_of_the_graph_built(tiny_store):
    ref = tiny_store.ref("tiny")
    for f in (Filters(), Filters(territory="departement:44"), Filters(actor_types=("association",))):
        assert net.count_actors(View(tiny_store, ref, f)) == net.build(View(tiny_store, ref, f)).n
    # tiny has 10 actors, 5 of them in Loire-Atlantique (A1–A4 and the network A9)
    assert net.count_actors(View(tiny_store, ref, Filters())) == 10
    assert net.count_actors(View(tiny_store, ref, Filters(territory="departement:44"))) == 5
