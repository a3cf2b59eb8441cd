"""The actors' cooperation network: graph building, metrics, communities,
brokers, suggested partnerships, drawing data and Gephi exports.

A **link** joins two actors when they

* take part in the same project (lead or partner), one unit of weight per
  shared project;
* are a network and one of its members (``memberships``), weight 1;
* fund a project (``fundings.funder_actor_id``) and lead it, one unit per
  funding;
* declared a partnership (``partnerships``), weight 1.

Links are undirected; a pair's weight is the sum of its relations. Edges are
built in SQL over the filtered projects (:func:`ecosystem.analysis.view.scoped`, all
filters but the territory); the graph of a territory holds the actors of the
territory and the links between them. Metrics use igraph (components,
betweenness, Leiden communities). Definitions: ``docs/network.md``.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import io
import math
import random
import re
from dataclasses import dataclass, field

import igraph as ig
import numpy as np
import pandas as pd

from ecosystem import vocabulary as voc
from ecosystem import ROOT
from ecosystem.analysis.view import Filters, View, level_column
from ecosystem.geo import is_zoning_level
from ecosystem.i18n import t
from ecosystem.numbers import number, percent, plural
from ecosystem.render import palette, safe
from ecosystem.storage.store import InventoryRef

#: above this many actors, betweenness is estimated from a sample of source actors
EXACT_BETWEENNESS_MAX = 5_000
#: number of source actors of the estimate (the error is measured in benchmarks/bench_network.py)
BETWEENNESS_SAMPLES = 200
#: actors drawn at most (the most central ones); metrics always use the whole graph
DRAW_MAX = 300
#: largest graph analysed on demand: 100,000 actors take about 10 s here, 1.5 million
#: about 6 minutes and 6 GB (benchmarks/bench_network.py); beyond this the page asks
#: for a territory or a filter
ANALYSE_MAX = 150_000
#: communities smaller than this are not counted (pairs and singletons are not "groups")
MIN_COMMUNITY = 3
SEED = 2026
RELATIONS = ("projects", "memberships", "fundings", "partnerships")

#: pairs of actor types whose cooperation the sources call for (seed 000: research ↔ social
#: action; seed 002: décloisonnement between associations, social enterprises, companies,
#: public bodies, researchers; seed 003: associations ↔ companies)
COMPLEMENTARY = frozenset(frozenset(p) for p in [
    ("association", "company"), ("association", "research"), ("association", "funder"),
    ("association", "local_authority"), ("association", "foundation"),
    ("social_enterprise", "company"), ("social_enterprise", "research"),
    ("social_enterprise", "funder"), ("social_enterprise", "local_authority"),
    ("social_enterprise", "foundation"), ("research", "local_authority"),
    ("company", "local_authority"), ("network", "association"), ("network", "social_enterprise"),
])
#: weights of the suggestion score (docs/network.md)
SCORE_WEIGHTS = {"common": 2.0, "complementary": 1.0, "domain": 1.0, "nearby": 1.0}


# ---------------------------------------------------------------------- graph
@dataclass
class Graph:
    """Nodes (one row per actor, ``actor_id`` first) and undirected edges
    (``a`` < ``b``, ``weight`` and one count column per relation)."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    stats: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return len(self.edges)


NODE_COLUMNS = ["actor_id", "name", "actor_type", "domains", "commune_code", "reg", "dep", "epci"]


def _edges_sql(ref: InventoryRef, nodes: str) -> str:
    """Edges among the actors of CTE ``nodes`` (after ``WITH fp, fa[, fm]``)."""
    fu, ms, ps = ref.table("fundings"), ref.table("memberships"), ref.table("partnerships")
    return f"""
    , part AS (SELECT m.project_id, m.actor_id FROM {ref.derived('d_members')} m
               SEMI JOIN fp USING (project_id) SEMI JOIN {nodes} n USING (actor_id))
    , rel AS (
        SELECT least(x.actor_id, y.actor_id) AS a, greatest(x.actor_id, y.actor_id) AS b,
               'projects' AS kind, count(DISTINCT x.project_id) AS w
        FROM part x JOIN part y ON x.project_id = y.project_id AND x.actor_id < y.actor_id
        GROUP BY 1, 2
        UNION ALL
        SELECT least(actor_id, network_id), greatest(actor_id, network_id), 'memberships', count(*)
        FROM {ms} SEMI JOIN {nodes} n USING (actor_id)
        WHERE network_id IN (SELECT actor_id FROM {nodes}) AND actor_id <> network_id
        GROUP BY 1, 2
        UNION ALL
        SELECT least(f.funder_actor_id, p.lead_actor_id), greatest(f.funder_actor_id, p.lead_actor_id),
               'fundings', count(*)
        FROM {fu} f JOIN fp p USING (project_id)
        WHERE f.funder_actor_id IN (SELECT actor_id FROM {nodes})
          AND p.lead_actor_id IN (SELECT actor_id FROM {nodes})
          AND f.funder_actor_id <> p.lead_actor_id
        GROUP BY 1, 2
        UNION ALL
        SELECT least(actor_id_a, actor_id_b), greatest(actor_id_a, actor_id_b), 'partnerships',
               count(*)
        FROM {ps}
        WHERE actor_id_a IN (SELECT actor_id FROM {nodes})
          AND actor_id_b IN (SELECT actor_id FROM {nodes}) AND actor_id_a <> actor_id_b
        GROUP BY 1, 2)
    SELECT a, b, sum(w)::DOUBLE AS weight,
           {', '.join(f"coalesce(sum(w) FILTER (WHERE kind = '{k}'), 0)::INTEGER AS {k}"
                      for k in RELATIONS)}
    FROM rel GROUP BY 1, 2 ORDER BY 1, 2"""


def _nodes_where(filters: Filters) -> tuple[str, list]:
    scope = filters.scope
    if scope is None:
        return "TRUE", []
    return f"{level_column(scope[0])} = ?", [scope[1]]


def count_actors(view: View) -> int:
    """How many actors :func:`build` would take (one count, no edges)."""
    store, filters = view.store, view.filters
    where, wparams = _nodes_where(filters)
    sql = view.sql(f" SELECT count(*) FROM fa WHERE {where}", territory=False)
    return int(store.query(sql.text, sql.params + wparams).iloc[0, 0])


def build(view: View) -> Graph:
    """The graph of the actors of the filters' territory (all of France when no
    territory is chosen) for the other filters. Actor-level: refused on an
    inventory seen as aggregates only (the territory metrics stay available)."""
    from ecosystem import access

    access.require_records(view)
    return _graph(view)


def _graph(view: View) -> Graph:
    store, ref, filters = view.store, view.ref, view.filters
    where, wparams = _nodes_where(filters)
    nodes_cte = f", nodes AS MATERIALIZED (SELECT * FROM fa WHERE {where})"
    node_sql = view.sql(nodes_cte + f" SELECT {', '.join(NODE_COLUMNS)} FROM nodes "
                                                "ORDER BY actor_id", territory=False)
    edge_sql = view.sql(nodes_cte + _edges_sql(ref, "nodes"), territory=False)
    nodes = store.query(node_sql.text, node_sql.params + wparams)
    edges = store.query(edge_sql.text, edge_sql.params + wparams)
    return Graph(nodes.reset_index(drop=True), edges.reset_index(drop=True))


def from_frames(nodes: pd.DataFrame, edges: pd.DataFrame) -> Graph:
    """A graph from hand-made frames (tests, benchmarks): missing node columns are
    filled, edges get ``a`` < ``b``, summed weights and relation counts."""
    nodes = nodes.copy()
    for c in NODE_COLUMNS:
        if c not in nodes:
            nodes[c] = None if c != "domains" else [[] for _ in range(len(nodes))]
    e = edges.copy()
    a, b = e.a.astype(str), e.b.astype(str)
    e["a"], e["b"] = np.where(a < b, a, b), np.where(a < b, b, a)
    if "weight" not in e:
        e["weight"] = 1.0
    for k in RELATIONS:
        if k not in e:
            e[k] = e.weight.astype(int) if k == "projects" else 0
    e = e[e.a != e.b].groupby(["a", "b"], as_index=False)[["weight", *RELATIONS]].sum()
    return Graph(nodes[NODE_COLUMNS + [c for c in nodes.columns if c not in NODE_COLUMNS]]
                 .reset_index(drop=True), e)


def to_igraph(graph: Graph) -> ig.Graph:
    """igraph graph whose vertex i is ``graph.nodes`` row i (edge attribute ``weight``)."""
    index = pd.Series(np.arange(graph.n), index=graph.nodes.actor_id.values)
    src = index.reindex(graph.edges.a.values).to_numpy()
    dst = index.reindex(graph.edges.b.values).to_numpy()
    keep = ~(np.isnan(src.astype(float)) | np.isnan(dst.astype(float)))
    g = ig.Graph(n=graph.n, edges=np.column_stack([src[keep], dst[keep]]).astype(np.int64).tolist(),
                 directed=False)
    g.es["weight"] = graph.edges.weight.to_numpy()[keep].astype(float).tolist()
    return g


# -------------------------------------------------------------------- metrics
def _seeded() -> None:
    """igraph draws from Python's ``random``: a fixed seed makes communities and
    samples reproducible."""
    ig.set_random_number_generator(random.Random(SEED))


def betweenness(g: ig.Graph, samples: int | None = None) -> tuple[np.ndarray, str]:
    """Normalised betweenness in [0, 1] (unweighted shortest paths) and the method.

    Exact up to :data:`EXACT_BETWEENNESS_MAX` vertices (or when ``samples`` is 0);
    above, estimated from ``samples`` source vertices drawn uniformly: igraph's
    subset betweenness over those sources, times n / k, is an unbiased estimate
    of the exact value (Brandes & Pich 2007)."""
    n = g.vcount()
    if n < 3:
        return np.zeros(n), "exact"
    norm = (n - 1) * (n - 2) / 2
    k = samples if samples is not None else (0 if n <= EXACT_BETWEENNESS_MAX else BETWEENNESS_SAMPLES)
    if not k or k >= n:
        return np.asarray(g.betweenness(directed=False)) / norm, "exact"
    rng = np.random.default_rng(SEED)
    sources = rng.choice(n, size=k, replace=False).tolist()
    raw = np.asarray(g.betweenness(directed=False, sources=sources))
    return raw * (n / k) / norm, f"sampled:{k}"


def _grouped_modularity(g: ig.Graph, member: np.ndarray, strength: np.ndarray,
                        two_m: np.ndarray) -> float:
    """Σ over communities c of 2·in_c − tot_c² / 2m_t, where t is c's group: the sum of
    each group's modularity weighted by its 2m_t (the quantity the grouped Leiden
    run maximises). ``two_m`` is 2m_t per vertex."""
    e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = np.asarray(g.es["weight"] if g.ecount() else [], dtype=float)
    same = member[e[:, 0]] == member[e[:, 1]]
    inner = float(w[same].sum())
    tot = np.bincount(member, weights=strength)
    tm = np.zeros_like(tot)
    tm[member] = two_m
    return 2 * inner - float(np.sum(np.divide(tot ** 2, tm, out=np.zeros_like(tot), where=tm > 0)))


def communities(g: ig.Graph, tries: int | None = None, groups=None) -> np.ndarray:
    """Communities of highest weighted modularity, numbered by decreasing size from 1.

    ``groups`` (one code per vertex, no link between two groups) makes each group's
    modularity be optimised as if the group were alone, in one run: the Leiden
    "CPM" quality with vertex weights kᵢ / √(2mₜ) (kᵢ its strength, mₜ the total
    link weight of its group) is Σₜ 2mₜ·Qₜ; with a single group it is 2m·Q, the usual
    modularity. Leiden and multilevel are randomised and can stop in a local
    optimum on small graphs: Leiden runs with ``tries`` seeds (3 up to 20,000
    vertices, else 1; 10 iterations, else 2), multilevel (Louvain) once, and the
    partition of highest quality is kept. Seeds are fixed: results are reproducible."""
    n = g.vcount()
    if n == 0:
        return np.zeros(0, dtype=int)
    small = n <= 20_000
    tries = tries or (3 if small else 1)
    strength = np.asarray(g.strength(weights="weight") if g.ecount() else np.zeros(n), dtype=float)
    gid = np.zeros(n, dtype=int) if groups is None else pd.factorize(np.asarray(groups))[0]
    two_m = np.bincount(gid, weights=strength)[gid]            # 2mₜ of each vertex's group
    node_w = np.divide(strength, np.sqrt(two_m), out=np.zeros(n), where=two_m > 0)
    best, best_q = None, -np.inf
    for i in range(tries + 1):
        ig.set_random_number_generator(random.Random(SEED + i))
        if i < tries:
            cand = g.community_leiden(objective_function="CPM", weights="weight",
                                      node_weights=node_w.tolist(), resolution=1,
                                      n_iterations=10 if small else 2).membership
        else:  # multilevel (Louvain) as one more candidate
            cand = g.community_multilevel(weights="weight").membership if g.ecount() else \
                list(range(n))
        member = np.asarray(cand)
        q = _grouped_modularity(g, member, strength, two_m)
        if best is None or q > best_q + 1e-9:
            best, best_q = member, q
    sizes = np.bincount(best)
    order = np.argsort(-sizes, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(1, len(order) + 1)
    return rank[best]


def analyse(graph: Graph, samples: int | None = None) -> Graph:
    """The graph with node metrics (``degree``, ``strength``, ``betweenness``,
    ``component``, ``community``, ``communities_bridged``, ``types_bridged``) and
    whole-graph figures in ``stats`` (see :func:`summary`)."""
    g = to_igraph(graph)
    nodes = graph.nodes.copy()
    nodes["degree"] = np.asarray(g.degree(), dtype=int)
    nodes["strength"] = np.asarray(g.strength(weights="weight"), dtype=float)
    bc, method = betweenness(g, samples)
    nodes["betweenness"] = bc
    comp = np.asarray(g.connected_components().membership) if g.vcount() else np.zeros(0, int)
    nodes["component"] = comp
    comm = communities(g)
    nodes["community"] = comm
    # bridging: other communities / other types among each actor's neighbours
    e = graph.edges
    idx = pd.Series(np.arange(graph.n), index=nodes.actor_id.values)
    ia, ib = idx.reindex(e.a.values).to_numpy(), idx.reindex(e.b.values).to_numpy()
    both = pd.DataFrame({"u": np.concatenate([ia, ib]), "v": np.concatenate([ib, ia])}).dropna()
    both = both.astype(int)
    types = nodes.actor_type.to_numpy()
    both["cu"], both["cv"] = comm[both.u], comm[both.v]
    both["tu"], both["tv"] = types[both.u], types[both.v]
    other_c = both[both.cu != both.cv].groupby("u").cv.nunique()
    other_t = both[both.tu != both.tv].groupby("u").tv.nunique()
    nodes["communities_bridged"] = other_c.reindex(range(graph.n), fill_value=0).to_numpy()
    nodes["types_bridged"] = other_t.reindex(range(graph.n), fill_value=0).to_numpy()
    out = Graph(nodes, graph.edges.copy())
    out.stats = summary(out, method)
    return out


def summary(graph: Graph, method: str = "exact") -> dict:
    """Whole-graph figures of an analysed graph: actors ``n``, links ``m``,
    ``density`` 2m/(n(n−1)), ``largest_share`` |largest component| / n,
    ``mean_degree`` 2m/n, ``communities`` (≥ 3 actors), ``cross_type_share``
    (links between actors of different types / links), ``isolated`` (degree 0)."""
    n, m = graph.n, graph.m
    nodes = graph.nodes
    sizes = nodes.groupby("component").size() if n else pd.Series(dtype=int)
    csize = nodes.groupby("community").size() if n else pd.Series(dtype=int)
    return {
        "n": n, "m": m,
        "density": 2 * m / (n * (n - 1)) if n > 1 else np.nan,
        "largest_share": sizes.max() / n if n else np.nan,
        "mean_degree": 2 * m / n if n else np.nan,
        "communities": int((csize >= MIN_COMMUNITY).sum()),
        "cross_type_share": cross_type_share(graph),
        "isolated": int((nodes.degree == 0).sum()) if n else 0,
        "betweenness": method,
    }


def cross_type_share(graph: Graph) -> float:
    if graph.m == 0:
        return np.nan
    types = graph.nodes.set_index("actor_id").actor_type
    ta, tb = types.reindex(graph.edges.a).to_numpy(), types.reindex(graph.edges.b).to_numpy()
    return float(np.mean(ta != tb))


# ------------------------------------------------------- per-territory metrics
#: registry id → column of :func:`territory_metrics`
METRIC_IDS = {"net_density": "density", "net_largest_share": "largest_share",
              "net_mean_degree": "mean_degree", "net_communities": "communities",
              "net_cross_type_share": "cross_type_share"}


def rollup(graph: Graph, key: str) -> pd.DataFrame:
    """Metrics of the sub-graph of each territory (the nodes' column ``key``: its
    actors and the links between two of them), in a constant number of igraph
    calls: components and communities of the graph without cross-territory links
    never span two territories. One row per territory with ``n`` > 0."""
    nodes = graph.nodes[["actor_id", "actor_type", key]].rename(columns={key: "code"})
    nodes = nodes[nodes.code.notna()].reset_index(drop=True)
    code = nodes.set_index("actor_id").code
    e = graph.edges
    ca, cb = code.reindex(e.a).to_numpy(), code.reindex(e.b).to_numpy()
    inner = e[(ca == cb) & pd.notna(ca)]
    sub = Graph(nodes.assign(name=None), inner)
    g = to_igraph(sub)
    comp = np.asarray(g.connected_components().membership) if g.vcount() else np.zeros(0, int)
    comm = communities(g, groups=nodes.code.to_numpy())
    types = nodes.set_index("actor_id").actor_type
    cross = (types.reindex(inner.a).to_numpy() != types.reindex(inner.b).to_numpy())
    per_edge = pd.DataFrame({"code": code.reindex(inner.a).to_numpy(), "cross": cross})
    m = per_edge.groupby("code").size()
    m_cross = per_edge.groupby("code").cross.sum()
    n = nodes.groupby("code").size()
    largest = pd.DataFrame({"code": nodes.code, "c": comp}).groupby(["code", "c"]).size() \
        .groupby(level=0).max()
    csize = pd.DataFrame({"code": nodes.code, "c": comm}).groupby(["code", "c"]).size()
    n_comm = (csize >= MIN_COMMUNITY).groupby(level=0).sum()
    out = pd.DataFrame({"n": n})
    out["m"] = m.reindex(out.index, fill_value=0)
    nn = out.n.astype(float)
    out["density"] = np.where(nn > 1, 2 * out.m / (nn * (nn - 1)).where(nn > 1, 1), np.nan)
    out["largest_share"] = largest.reindex(out.index) / nn
    out["mean_degree"] = 2 * out.m / nn
    out["communities"] = n_comm.reindex(out.index, fill_value=0).astype(int)
    out["cross_type_share"] = (m_cross.reindex(out.index) / out.m.where(out.m > 0)).astype(float)
    return out.reset_index(names="code")


def territory_metrics(view: View,
                      level: str) -> pd.DataFrame:
    """Cooperation metrics of every territory of ``level`` (filters other than the
    territory scope): ``code``, ``n``, ``m`` and one column per network indicator
    id of the registry (:data:`METRIC_IDS`). Territories without actors are absent."""
    graph = _graph(view.with_(territory=None))
    if is_zoning_level(level):  # each actor's zone, from the zoning's placement
        from ecosystem.storage.zonings import ensure_assigned
        table = ensure_assigned(view.store, view.ref, level)[0]
        zone = view.store.query(f"SELECT actor_id, zone FROM {table}")
        nodes = graph.nodes.assign(**{level: graph.nodes.actor_id.map(
            dict(zip(zone.actor_id, zone.zone)))})
        graph = Graph(nodes, graph.edges)
    df = rollup(graph, level_column(level))
    for iid, col in METRIC_IDS.items():
        df[iid] = df[col]
    return df


def national_metrics(view: View) -> dict:
    """The same metrics for France as one territory (all actors, all links)."""
    graph = _graph(view.with_(territory=None))
    df = rollup(Graph(graph.nodes.assign(fr="FR"), graph.edges), "fr")
    row = df.iloc[0] if len(df) else pd.Series(dtype=float)
    return {iid: row.get(col, np.nan) for iid, col in METRIC_IDS.items()}


# --------------------------------------------------------------------- tables
def brokers(graph: Graph, limit: int = 50) -> pd.DataFrame:
    """Actors on the most shortest paths (betweenness), with the communities and
    actor types they bridge; actors with betweenness 0 are left out."""
    df = graph.nodes[graph.nodes.betweenness > 0]
    df = df.sort_values(["betweenness", "degree", "name"], ascending=[False, False, True])
    return df.head(limit)[["actor_id", "name", "actor_type", "commune_code", "degree",
                           "betweenness", "communities_bridged", "types_bridged", "community"]] \
        .reset_index(drop=True)


def isolated(graph: Graph) -> pd.DataFrame:
    """Actors without any link in the graph, by name."""
    df = graph.nodes[graph.nodes.degree == 0].sort_values("name")
    return df[["actor_id", "name", "actor_type", "domains", "commune_code"]].reset_index(drop=True)


def _top_shares(values: pd.Series, k: int = 3) -> list[tuple[str, float]]:
    counts = values.value_counts()
    total = counts.sum()
    return [(str(c), float(n / total)) for c, n in counts.head(k).items()] if total else []


def community_table(graph: Graph, area_key: str = "dep", min_size: int = MIN_COMMUNITY
                    ) -> pd.DataFrame:
    """One row per community (≥ ``min_size`` actors, largest first): ``community``,
    ``size``, ``links`` inside, and the dominant ``domains``, ``types`` and territories
    (``areas``, codes of ``area_key``) as lists of (code, share of the members)."""
    nodes = graph.nodes
    if nodes.empty:
        return pd.DataFrame(columns=["community", "size", "links", "domains", "types", "areas"])
    comm = nodes.set_index("actor_id").community
    e = graph.edges
    ca, cb = comm.reindex(e.a).to_numpy(), comm.reindex(e.b).to_numpy()
    inside = pd.Series(ca[ca == cb]).value_counts()
    rows = []
    for c, members in nodes.groupby("community"):
        if len(members) < min_size:
            continue
        doms = members.domains.explode().dropna()
        rows.append({"community": int(c), "size": len(members),
                     "links": int(inside.get(c, 0)),
                     "domains": _top_shares(doms) if len(doms) else [],
                     "types": _top_shares(members.actor_type),
                     "areas": _top_shares(members[area_key].dropna())})
    df = pd.DataFrame(rows, columns=["community", "size", "links", "domains", "types", "areas"])
    return df.sort_values(["size", "community"], ascending=[False, True]).reset_index(drop=True)


# ---------------------------------------------------------------- suggestions
SUGGESTION_COLUMNS = ["a", "b", "name_a", "name_b", "type_a", "type_b", "score", "common",
                      "complementary", "domains", "nearby", "commune_a", "commune_b"]


def _adjacency(graph: Graph) -> pd.DataFrame:
    """Both directions of every link: ``u`` → ``v``."""
    e = graph.edges
    return pd.DataFrame({"u": np.concatenate([e.a.to_numpy(), e.b.to_numpy()]),
                         "v": np.concatenate([e.b.to_numpy(), e.a.to_numpy()])})


def _missing(v) -> bool:
    """None, NaN and pandas' NA (a NULL list read from DuckDB is ``pd.NA``)."""
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _doms(v) -> frozenset:
    """An actor's domains as a set: a list, ``a;b`` text, or missing (None, NaN,
    ``pd.NA`` — an actor without domain) as the empty set."""
    if isinstance(v, str):
        return frozenset(d for d in v.split(";") if d)
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return frozenset(d for d in v if isinstance(d, str) and d)
    return frozenset()


def _common(pairs: pd.DataFrame, adj: pd.DataFrame) -> pd.DataFrame:
    """(a, b, mid) for every common neighbour ``mid`` of the pairs (keep ``pairs`` small)."""
    half = pairs[["a", "b"]].merge(adj.rename(columns={"u": "a", "v": "mid"}), on="a")
    return half.merge(adj.rename(columns={"u": "mid", "v": "b"}), on=["mid", "b"])


class _Features:
    """Per-actor arrays for vectorised pair scoring: type, domains as a bit mask,
    commune and EPCI as integer codes (−1 when missing)."""

    def __init__(self, graph: Graph):
        nodes = graph.nodes
        self.ids = nodes.actor_id.to_numpy()
        self.index = pd.Series(np.arange(len(nodes)), index=self.ids)
        types = list(voc.ACTOR_TYPES.codes)
        self.type = nodes.actor_type.map({c: i for i, c in enumerate(types)}).fillna(-1) \
            .astype(int).to_numpy()
        self.comp = np.zeros((len(types) + 1, len(types) + 1), dtype=bool)  # last row: unknown
        for i, x in enumerate(types):
            for j, y in enumerate(types):
                self.comp[i, j] = frozenset((x, y)) in COMPLEMENTARY
        bit = {d: 1 << i for i, d in enumerate(voc.DOMAINS.codes)}
        self.mask = np.array([sum(bit.get(d, 0) for d in _doms(v)) for v in nodes.domains],
                             dtype=np.int64)
        self.commune = pd.factorize(nodes.commune_code)[0]
        self.epci = pd.factorize(nodes.epci)[0]

    def score(self, ia: np.ndarray, ib: np.ndarray, n_common: np.ndarray) -> pd.DataFrame:
        w = SCORE_WEIGHTS
        comp = self.comp[self.type[ia], self.type[ib]]
        dom = (self.mask[ia] & self.mask[ib]) != 0
        same_c = (self.commune[ia] >= 0) & (self.commune[ia] == self.commune[ib])
        same_e = (self.epci[ia] >= 0) & (self.epci[ia] == self.epci[ib])
        score = (w["common"] * n_common + w["complementary"] * comp + w["domain"] * dom
                 + w["nearby"] * (same_c | same_e))
        return pd.DataFrame({"ia": ia, "ib": ib, "n_common": n_common, "score": score,
                             "complementary": comp, "same_c": same_c, "same_e": same_e})


def _finish(graph: Graph, f: _Features, df: pd.DataFrame, adj: pd.DataFrame, limit: int
            ) -> pd.DataFrame:
    """The ``limit`` best scored pairs, in words-ready columns (names, common partners,
    shared domains, nearby)."""
    df = df[df.score > 0]
    if df.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    nodes = graph.nodes
    names = nodes.name.to_numpy()
    df = df.assign(name_a=names[df.ia], name_b=names[df.ib])
    df = df.sort_values(["score", "n_common", "name_a", "name_b"],
                        ascending=[False, False, True, True], kind="stable").head(limit)
    out = pd.DataFrame({"a": f.ids[df.ia], "b": f.ids[df.ib], "name_a": df.name_a.to_numpy(),
                        "name_b": df.name_b.to_numpy(),
                        "type_a": nodes.actor_type.to_numpy()[df.ia],
                        "type_b": nodes.actor_type.to_numpy()[df.ib],
                        "score": df.score.astype(float).to_numpy(),
                        "complementary": df.complementary.to_numpy(),
                        "nearby": np.where(df.same_c, "commune",
                                           np.where(df.same_e, "epci", None)),
                        "commune_a": nodes.commune_code.to_numpy()[df.ia],
                        "commune_b": nodes.commune_code.to_numpy()[df.ib]})
    doms = nodes.domains.map(_doms).to_numpy()
    out["domains"] = [sorted(doms[x] & doms[y]) for x, y in zip(df.ia, df.ib)]
    common = _common(out[["a", "b"]], adj).groupby(["a", "b"]).mid.agg(sorted)
    out["common"] = [common.get((x, y), []) for x, y in zip(out.a, out.b)]
    return out[SUGGESTION_COLUMNS].reset_index(drop=True)


def suggest_for_actor(graph: Graph, actor_id: str, limit: int = 10) -> pd.DataFrame:
    """Actors of the graph not yet linked to ``actor_id``, ranked by
    :data:`SCORE_WEIGHTS` · (common partners, complementary types, shared domain,
    nearby); only pairs with at least one reason."""
    f = _Features(graph)
    if actor_id not in f.index:
        raise KeyError(actor_id)
    x = int(f.index[actor_id])
    adj = _adjacency(graph)
    mine = adj.v[adj.u == actor_id]
    counts = adj.v[adj.u.isin(set(mine))].value_counts()
    others = np.setdiff1d(np.arange(graph.n), f.index.reindex(mine).to_numpy().astype(int))
    others = others[others != x]
    n_common = counts.reindex(f.ids[others]).fillna(0).astype(int).to_numpy()
    df = f.score(np.full(len(others), x), others, n_common)
    return _finish(graph, f, df, adj, limit)


def candidate_pairs(graph: Graph, max_group: int = 60) -> pd.DataFrame:
    """Unlinked pairs worth scoring for a territory (``a`` < ``b`` as actor ids, with
    ``n2``, their common partners among the capped lists below): pairs with a common
    partner, and pairs of complementary types sharing a domain in the same EPCI (or
    commune). A hub or a (place, domain) group larger than ``max_group`` contributes its
    ``max_group`` best-connected actors only."""
    n = graph.n
    if n < 2:
        return pd.DataFrame({"a": pd.Series(dtype=object), "b": pd.Series(dtype=object),
                             "n2": pd.Series(dtype=int)})
    f = _Features(graph)
    ea = f.index.reindex(graph.edges.a).to_numpy().astype(np.int64)
    eb = f.index.reindex(graph.edges.b).to_numpy().astype(np.int64)
    deg = np.bincount(np.concatenate([ea, eb]), minlength=n)
    adj = pd.DataFrame({"u": np.concatenate([ea, eb]), "v": np.concatenate([eb, ea])})
    adj["d"] = deg[adj.v]
    capped = adj.sort_values(["u", "d", "v"], ascending=[True, False, True]) \
        .groupby("u").head(max_group)[["u", "v"]]
    two = capped.merge(capped, on="u")
    two = two[two.v_x < two.v_y]
    keys2, n2 = np.unique(two.v_x.to_numpy() * n + two.v_y.to_numpy(), return_counts=True)
    del two
    # complementary pairs sharing a domain in the same place
    place = np.where(f.epci >= 0, f.epci, f.epci.max() + 1 + f.commune)
    rows = [(i, d, place[i], deg[i]) for i in range(n) if f.commune[i] >= 0 or f.epci[i] >= 0
            for d in range(len(voc.DOMAINS.codes)) if f.mask[i] >> d & 1]
    ex = pd.DataFrame(rows, columns=["id", "d", "place", "deg"])
    ex = ex.sort_values(["deg", "id"], ascending=[False, True]).groupby(["place", "d"]) \
        .head(max_group)
    same = ex.merge(ex, on=["place", "d"])
    same = same[(same.id_x < same.id_y).to_numpy()
                & f.comp[f.type[same.id_x], f.type[same.id_y]]]
    # int64 even when ``same`` is empty (its columns are then untyped)
    keys = np.union1d(keys2, (same.id_x.to_numpy() * n + same.id_y.to_numpy()).astype(np.int64))
    linked = np.minimum(ea, eb) * n + np.maximum(ea, eb)
    keys = keys[~np.isin(keys, linked)]
    counts = np.zeros(len(keys), dtype=int)
    if len(keys):  # none left when every pair with a common partner is already linked
        pos = np.searchsorted(keys, keys2)
        ok = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] == keys2)
        counts[pos[ok]] = n2[ok]
    lo, hi = keys // n, keys % n
    # a < b as ids
    ida, idb = f.ids[lo], f.ids[hi]
    swap = ida > idb
    return pd.DataFrame({"a": np.where(swap, idb, ida), "b": np.where(swap, ida, idb),
                         "n2": counts}).sort_values(["a", "b"]).reset_index(drop=True)


def suggest_for_territory(graph: Graph, limit: int = 20) -> pd.DataFrame:
    """The best unlinked pairs among the graph's actors (see :func:`candidate_pairs`).
    Pairs are ranked on their capped common-partner count first; the best
    ``10 × limit`` are then scored with their exact count."""
    pairs = candidate_pairs(graph)
    if pairs.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    f = _Features(graph)
    ia = f.index.reindex(pairs.a).to_numpy().astype(int)
    ib = f.index.reindex(pairs.b).to_numpy().astype(int)
    first = f.score(ia, ib, pairs.n2.to_numpy())
    first = first.sort_values(["score", "n_common"], ascending=False, kind="stable") \
        .head(10 * limit)
    adj = _adjacency(graph)
    exact = _common(pd.DataFrame({"a": f.ids[first.ia], "b": f.ids[first.ib]}), adj) \
        .groupby(["a", "b"]).size()
    n_common = np.array([exact.get((x, y), 0) for x, y in zip(f.ids[first.ia], f.ids[first.ib])])
    return _finish(graph, f, f.score(first.ia.to_numpy(), first.ib.to_numpy(), n_common),
                   adj, limit)


def reasons(row, lang: str = "fr", names: dict[str, str] | None = None, geo=None) -> str:
    """Why a pair is suggested, in words (FR or EN)."""
    parts = []
    common = list(row["common"])
    if common:
        shown = ", ".join((names or {}).get(c, c) for c in common[:3])
        more = "…" if len(common) > 3 else ""
        parts.append(plural("net.reason.common", len(common), lang, names=shown + more))
    if row["complementary"]:
        parts.append(t("net.reason.complementary", lang,
                       a=voc.ACTOR_TYPES.label(row["type_a"], lang),
                       b=voc.ACTOR_TYPES.label(row["type_b"], lang)))
    if len(row["domains"]):
        parts.append(t("net.reason.domain", lang, n=len(row["domains"]),
                       domains=", ".join(voc.DOMAINS.label(d, lang) for d in row["domains"])))
    if row["nearby"] == "commune":
        where = geo.name("commune", row["commune_a"]) if geo is not None else row["commune_a"]
        parts.append(t("net.reason.same_commune", lang, place=where))
    elif row["nearby"] == "epci":
        parts.append(t("net.reason.same_epci", lang))
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


# ------------------------------------------------------ tables for people
AREA_COLUMN = {"region": "reg", "departement": "dep", "epci": "epci", "commune": "commune_code"}


def pct_text(v: float, lang: str) -> str:
    return percent(v, lang, 0)


def _commune_name(geo, code) -> str:
    return geo.name("commune", code) if isinstance(code, str) and code and geo is not None else ""


def brokers_table(graph: Graph, lang: str = "fr", geo=None, limit: int = 50) -> pd.DataFrame:
    """:func:`brokers` with labels and column names for people (UI and exports)."""
    b = brokers(graph, limit)
    return pd.DataFrame({
        t("col.name", lang): b.name,
        t("col.type", lang): b.actor_type.map(lambda c: voc.ACTOR_TYPES.label(c, lang)),
        t("col.commune", lang): b.commune_code.map(lambda c: _commune_name(geo, c)),
        t("net.col.degree", lang): b.degree,
        t("net.col.betweenness", lang): b.betweenness.round(5),
        t("net.col.communities_bridged", lang): b.communities_bridged,
        t("net.col.types_bridged", lang): b.types_bridged,
        t("net.col.community", lang): b.community})


def isolated_table(graph: Graph, lang: str = "fr", geo=None) -> pd.DataFrame:
    d = isolated(graph)
    return pd.DataFrame({
        t("col.name", lang): d.name,
        t("col.type", lang): d.actor_type.map(lambda c: voc.ACTOR_TYPES.label(c, lang)),
        t("col.domains", lang): d.domains.map(
            lambda ds: ", ".join(voc.DOMAINS.label(x, lang) for x in sorted(_doms(ds)))),
        t("col.commune", lang): d.commune_code.map(lambda c: _commune_name(geo, c))})


def area_level(scope: tuple[str, str] | None) -> str:
    """The level communities are described by: one below the scope (a commune's own)."""
    return {None: "region", "region": "departement", "departement": "epci",
            "epci": "commune", "commune": "commune"}.get(scope[0] if scope else None,
                                                         "commune")  # a zone: its communes


def communities_table(graph: Graph, lang: str = "fr", geo=None, level: str = "departement"
                      ) -> pd.DataFrame:
    """:func:`community_table` in words: "Label (share %)" lists; territories of ``level``."""
    c = community_table(graph, AREA_COLUMN[level])

    def shares(items, label) -> str:
        return ", ".join(f"{label(code)} ({pct_text(share, lang)})" for code, share in items)

    def area(code):
        return geo.name(level, code) if geo is not None else code

    return pd.DataFrame({
        t("net.col.community", lang): c.community, t("net.col.size", lang): c["size"],
        t("net.col.inner_links", lang): c.links,
        t("net.col.domains", lang): c.domains.map(
            lambda v: shares(v, lambda d: voc.DOMAINS.label(d, lang))),
        t("net.col.types", lang): c.types.map(
            lambda v: shares(v, lambda x: voc.ACTOR_TYPES.label(x, lang))),
        t("net.col.areas", lang, level=voc.LEVELS.label(level, lang)):
            c.areas.map(lambda v: shares(v, area))})


def suggestions_table(df: pd.DataFrame, graph: Graph, lang: str = "fr", geo=None) -> pd.DataFrame:
    names = dict(zip(graph.nodes.actor_id, graph.nodes.name))
    return pd.DataFrame({
        t("net.col.actor_a", lang): df.name_a, t("net.col.actor_b", lang): df.name_b,
        t("net.col.score", lang): df.score,
        t("net.col.reasons", lang): [reasons(r, lang, names, geo) for r in df.to_dict("records")]})


# -------------------------------------------------------------------- drawing
def top_nodes(graph: Graph, limit: int = DRAW_MAX) -> pd.DataFrame:
    """The ``limit`` most central actors (betweenness, then degree, then name).
    Isolated actors are left out when the graph has links (they are listed apart)."""
    df = graph.nodes
    if graph.m:
        df = df[df.degree > 0]
    df = df.sort_values(["betweenness", "degree", "name"], ascending=[False, False, True],
                        kind="stable")
    return df.head(limit)


def layout(graph: Graph, nodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions in [0, 1]² for ``nodes`` (Fruchterman–Reingold on their
    sub-graph, seeded) and the edges among them."""
    keep = set(nodes.actor_id)
    e = graph.edges[graph.edges.a.isin(keep) & graph.edges.b.isin(keep)]
    sub = Graph(nodes.reset_index(drop=True), e.reset_index(drop=True))
    g = to_igraph(sub)
    if g.vcount() == 0:
        return sub.nodes.assign(x=[], y=[]), sub.edges
    _seeded()
    rng = np.random.default_rng(SEED)
    start = rng.random((g.vcount(), 2)).tolist()
    pos = np.asarray(g.layout_fruchterman_reingold(weights=None, niter=500, seed=start).coords,
                     dtype=float)
    lo, hi = pos.min(axis=0), pos.max(axis=0)
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    pos = (pos - lo) / span
    return sub.nodes.assign(x=pos[:, 0].round(4), y=pos[:, 1].round(4)), sub.edges


def drawing_data(graph: Graph, lang: str = "fr", color: str = "type", size: str = "degree",
                 limit: int = DRAW_MAX, link: str = "acteur?actor={id}") -> dict:
    """What the browser draws: nodes (id, label, x, y, colour, radius, tooltip
    lines, profile URL), edges (index pairs, weight) and a legend. Strings are
    data for ``textContent`` / canvas text, never HTML."""
    top = top_nodes(graph, limit)
    pos, edges = layout(graph, top)
    index = {a: i for i, a in enumerate(pos.actor_id)}
    if color == "community":
        comms = pos.community.value_counts().index.tolist()
        shades = palette.COMMUNITIES
        cmap = {c: shades[i] if i < len(shades) else palette.OTHER for i, c in enumerate(comms)}
        colours = pos.community.map(cmap)
        legend = [(t("net.community_n", lang, n=int(c)), cmap[c]) for c in comms[:len(shades)]]
        if len(comms) > len(shades):
            legend.append((t("net.other_communities", lang), palette.OTHER))
    else:
        colours = pos.actor_type.map(palette.actor_type)
        legend = palette.actor_type_legend(lang, set(pos.actor_type))
    value = pos["betweenness"] if size == "betweenness" else pos["degree"].astype(float)
    vmax = float(value.max()) if len(value) and value.max() > 0 else 1.0
    radius = 3 + 12 * np.sqrt(value / vmax)
    nodes = []
    for r, col, rad in zip(pos.itertuples(index=False), colours, radius):
        nodes.append({
            "id": str(r.actor_id), "label": "" if r.name is None else str(r.name),
            "x": float(r.x), "y": float(r.y), "c": col, "r": round(float(rad), 2),
            "info": [voc.ACTOR_TYPES.label(r.actor_type, lang),
                     plural("net.tip.degree", int(r.degree), lang),
                     t("net.tip.betweenness", lang, v=number(float(r.betweenness), lang, 4)),
                     t("net.community_n", lang, n=int(r.community))],
            "url": link.replace("{id}", _url_quote(str(r.actor_id)))})
    return {"nodes": nodes,
            "edges": [[index[a], index[b], float(w)] for a, b, w in
                      zip(edges.a, edges.b, edges.weight)],
            "legend": legend, "labels": min(12, len(nodes)),
            "hint": t("net.draw_hint", lang)}


def _url_quote(s: str) -> str:
    from urllib.parse import quote
    return quote(s, safe="")


DRAW_JS = ROOT / "static" / "network" / "graph.js"


def drawing_html(data: dict, height: int = 600, title: str = "") -> str:
    """A self-contained page (inline script, no remote asset) drawing ``data`` on a canvas.
    The legend stands above the canvas and the hint below it, in the page's height: laid
    over the drawing, they hid the nodes they explain."""
    script = DRAW_JS.read_text(encoding="utf-8")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{safe.html(title)}</title>
<style>
html,body{{margin:0;padding:0;font-family:sans-serif;background:#fff}}
#wrap{{display:flex;flex-direction:column;width:100%;height:{int(height)}px;border:1px solid #ddd;
box-sizing:border-box}}
#stage{{position:relative;flex:1;min-height:0}}
canvas{{width:100%;height:100%;display:block;cursor:grab}}
#tip{{position:absolute;display:none;pointer-events:none;background:#fffffff0;border:1px solid #999;
padding:4px 6px;font-size:12px;max-width:280px;border-radius:3px}}
#tip b{{display:block}}
#legend{{display:flex;flex-wrap:wrap;gap:2px 14px;font-size:12px;padding:4px 6px;
border-bottom:1px solid #eee}}
#legend div{{white-space:nowrap}}
#legend span{{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}}
#hint{{font-size:11px;color:#555;padding:2px 6px;text-align:right;border-top:1px solid #eee}}
</style></head><body>
<div id="wrap"><div id="legend"></div>
<div id="stage"><canvas id="net" role="img" aria-label="{safe.html(title)}"></canvas><div id="tip"></div></div>
<div id="hint"></div></div>
<script id="net-data" type="application/json">{safe.script_json(data)}</script>
<script>{script}</script></body></html>"""


# -------------------------------------------------------------------- exports
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(v) -> str:
    if _missing(v):
        return ""
    if isinstance(v, (list, tuple, np.ndarray)):
        v = ";".join(str(x) for x in v)
    return _XML_BAD.sub("", str(v))


def to_networkx(graph: Graph):
    """networkx graph with string/number attributes only (what GEXF and GraphML hold)."""
    import networkx as nx

    G = nx.Graph()
    num = {"degree": int, "strength": float, "betweenness": float, "community": int,
           "component": int, "communities_bridged": int, "types_bridged": int}
    for r in graph.nodes.to_dict("records"):
        attrs = {"label": _clean(r.get("name")), "actor_type": _clean(r.get("actor_type")),
                 "domains": _clean(r.get("domains")), "commune_code": _clean(r.get("commune_code")),
                 "departement": _clean(r.get("dep")), "region": _clean(r.get("reg"))}
        for k, cast in num.items():
            if k in r and r[k] is not None and not (isinstance(r[k], float) and math.isnan(r[k])):
                attrs[k] = cast(r[k])
        G.add_node(_clean(r["actor_id"]), **attrs)
    for r in graph.edges.itertuples(index=False):
        G.add_edge(_clean(r.a), _clean(r.b), weight=float(r.weight),
                   **{k: int(getattr(r, k)) for k in RELATIONS})
    return G


def to_gexf(graph: Graph) -> bytes:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_gexf(to_networkx(graph), buf)
    return buf.getvalue()


def to_graphml(graph: Graph) -> bytes:
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(to_networkx(graph), buf)
    return buf.getvalue()
