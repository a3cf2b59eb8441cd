"""Derived tables: analysis-ready copies of an inventory, rebuilt on every save.

Every analysis filters actors and projects, groups them by territory and adds
per-project figures that do not depend on filters (participants, partnership
links and how many cross actor types, research partner, funding by origin,
grid scores). Joining those each time costs more than the aggregation itself
at national scale, so each saved version gets, inside the store's write
transaction:

* ``inv_<id>__d_actors`` — actors without the columns no analysis of a view reads
  (:data:`DROPPED`: free text, identifiers, personal fields; a reader of those joins
  the inventory's own table, as the actor card does) + ``reg``, ``dep``, ``epci`` of their commune +
  ``links_all`` (their partnership links over all projects) + ``has_siret`` (an
  establishment: the indicators count those without reading the identifiers) +
  ``domain_bits`` (see :func:`domain_bits`) + ``declared_ac`` (an association's
  declared partnerships with a company, on either side of the pair: the indicator
  ``assoc_company_links`` sums it rather than joining the partnerships to the actors)
  + the summaries of the actor's projects (:data:`ACTOR_PROJECT_COLUMNS`:
  ``proj_stage_bits``, the stages of its projects as a bit mask, see
  :func:`stage_bit`; ``proj_start_min`` and ``proj_end_max``, the earliest start and
  the latest end, a missing year read as 0 and 9999 as the year filters do; all NULL
  for an actor in no project): a view of all France filtered on one of a project's
  stage, first year or last year alone keeps the actors in one of its projects with
  a test of these columns (:func:`ecosystem.analysis.view.actor_project_test`), not a
  semi-join of every actor to the filtered participations;
* ``inv_<id>__d_projects`` — projects + ``reg``, ``dep``, ``epci`` + ``lead_type``
  (the lead's actor type: an actor-type filter needs no join to the actors) +
  ``domain_bits`` + per-project statistics (``n_members``, ``links``, ``links_cross``, ``links_assoc_company``,
  ``has_research``, ``funding_*``, ``n_scores``, ``score_sum``);
* ``inv_<id>__d_members`` — one row per participation (lead or partner) with the
  project's participant count, the **actor's** ``reg``, ``dep``, ``epci``,
  ``commune_code``, ``actor_type`` and ``actor_bits`` (its domains' bit mask), and the
  **project's** filter columns under the projects' names (``stage``, ``domain_bits``,
  ``start_year``, ``end_year``, ``lead_type``): a view's participations with a
  project-side filter are one scan of this table with the projects' predicates
  (:func:`ecosystem.analysis.view.inline`), with no join to the projects, and the
  participations of one territory's actors (top actors, their links, map lines) read
  only that territory's row groups.

All three are stored by territory (:data:`TERRITORY_ORDER`; participations by their
actor's).

A link is a pair of participants of the same project (lead–partner or
partner–partner); an actor in a project of n participants has n − 1 links there.
"""

from __future__ import annotations

DERIVED = ("d_actors", "d_projects", "d_members")
#: a column each derived table must have: a store whose derived tables predate it
#: has them rebuilt (:func:`exists` is false)
REQUIRED = {"d_actors": ("has_siret", "domain_bits", "declared_ac", "proj_stage_bits"),
            "d_projects": ("lead_type", "domain_bits"),
            "d_members": ("n_members", "actor_bits", "lead_type")}
#: columns of the inventory's tables that the derived copies leave out (``d_actors``)
#: or that the view's sets leave out (``analysis.view.VIEW_DROPPED``): long free text,
#: identifiers and personal fields no analysis of a view reads. Writing them into
#: ``d_actors`` was a third of its cost at 1.5 M actors (compressing identifier-like
#: strings); the actor card and the exports read them from the inventory's table.
DROPPED = {
    "actors": ("siren", "siret", "rna_id", "postal_code", "city", "address", "geo_method",
               "website", "description", "source", "source_id",
               "contact_name", "contact_email", "contact_phone", "leader_name"),  # personal
    "projects": ("description", "source", "source_id"),
}
#: the columns of ``d_members`` beside the participation: the actor's, then the project's
MEMBER_ACTOR_COLUMNS = ("reg", "dep", "epci", "commune_code", "actor_type", "actor_bits")
MEMBER_PROJECT_COLUMNS = ("stage", "domain_bits", "start_year", "end_year", "lead_type")
#: the columns of ``d_actors`` summing up the actor's projects (:func:`actor_projects`)
ACTOR_PROJECT_COLUMNS = ("proj_stage_bits", "proj_start_min", "proj_end_max")
#: the columns ``d_actors`` adds to the actors' own, in its order
ACTOR_ADDED = ("reg", "dep", "epci", "links_all", "has_siret", "domain_bits", "declared_ac",
               *ACTOR_PROJECT_COLUMNS)
#: rows of the derived actors and projects are stored in this order: the rows of one
#: territory are then contiguous, and DuckDB's zone maps skip the row groups of
#: other territories when a query keeps one (a profile, a map of a département)
TERRITORY_ORDER = "reg, dep, epci, commune_code"


def domain_bits(column: str = "domains") -> str:
    """SQL: the domains of a row as a bit mask (bit i: the i-th domain of the
    vocabulary), so a domain filter is an integer test instead of a list search;
    codes outside the vocabulary set no bit (a filter on one uses the list)."""
    from ecosystem import vocabulary as voc

    bits = " + ".join(f"(CASE WHEN list_contains({column}, '{d}') THEN {1 << i} ELSE 0 END)"
                      for i, d in enumerate(voc.DOMAINS.codes))
    return f"({bits})::BIGINT"


def stage_bit(column: str = "stage") -> str:
    """SQL: the bit of a project's stage (bit i: the i-th stage of the vocabulary),
    NULL for no stage or one outside the vocabulary."""
    from ecosystem import vocabulary as voc

    whens = " ".join(f"WHEN '{s}' THEN {1 << i}" for i, s in enumerate(voc.STAGES.codes))
    return f"(CASE {column} {whens} END)"


def actor_projects(alias: str = "m") -> str:
    """SQL select list: :data:`ACTOR_PROJECT_COLUMNS` aggregated over the rows of
    ``alias``, one per participation, carrying the project's ``stage``,
    ``start_year`` and ``end_year`` (grouped by actor)."""
    return (f"bit_or({stage_bit(alias + '.stage')}) AS proj_stage_bits, "
            f"min(coalesce({alias}.start_year, 0)) AS proj_start_min, "
            f"max(coalesce({alias}.end_year, 9999)) AS proj_end_max")

#: columns the derived tables add to the inventory's own
PROJECT_STATS = ("n_members", "links", "links_cross", "links_assoc_company", "has_research",
                 "funding_total", "funding_public", "funding_private", "funding_earned",
                 "n_scores", "score_sum")


def actor_columns(alias: str = "a") -> str:
    """SQL select list: the inventory's actor columns ``d_actors`` keeps (all but
    :data:`DROPPED`), from the actors table aliased ``alias``."""
    return f"{alias}.* EXCLUDE ({', '.join(DROPPED['actors'])})"


def name(inv_id: int, kind: str) -> str:
    return f"inv_{inv_id}__{kind}"


def build(con, inv_id: int) -> None:
    """(Re)build the derived tables of an inventory on connection ``con``
    (called inside the store's write transaction)."""
    tbl = lambda kind: name(inv_id, kind)  # noqa: E731
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _mem AS
        SELECT m.project_id, m.actor_id, m.role, a.actor_type FROM (
            SELECT project_id, lead_actor_id AS actor_id, 'lead' AS role FROM {tbl('projects')}
            UNION ALL SELECT project_id, actor_id, role FROM {tbl('partners')}) m
        LEFT JOIN {tbl('actors')} a USING (actor_id)""")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _pstats AS
        WITH per_type AS (SELECT project_id, actor_type, count(*) AS c FROM _mem GROUP BY 1, 2),
        links AS (
            SELECT project_id, sum(c) AS n_members,
                   sum(c) * (sum(c) - 1) / 2 AS links,
                   sum(c) * (sum(c) - 1) / 2 - sum(c * (c - 1) / 2) AS links_cross,
                   coalesce(sum(c) FILTER (WHERE actor_type = 'association'), 0) *
                   coalesce(sum(c) FILTER (WHERE actor_type = 'company'), 0) AS links_assoc_company
            FROM per_type GROUP BY 1),
        research AS (SELECT project_id, true AS has_research FROM _mem
                     WHERE role = 'research' OR (actor_type = 'research' AND role <> 'lead')
                     GROUP BY 1),
        fund AS (SELECT project_id, sum(amount_eur) AS funding_total,
                        sum(amount_eur) FILTER (WHERE origin = 'public') AS funding_public,
                        sum(amount_eur) FILTER (WHERE origin = 'private') AS funding_private,
                        sum(amount_eur) FILTER (WHERE origin = 'earned') AS funding_earned
                 FROM {tbl('fundings')} GROUP BY 1),
        grid AS (SELECT project_id, count(score) AS n_scores, sum(score) AS score_sum
                 FROM {tbl('scores')} GROUP BY 1)
        SELECT p.project_id,
               coalesce(l.n_members, 1) AS n_members, coalesce(l.links, 0) AS links,
               coalesce(l.links_cross, 0) AS links_cross,
               coalesce(l.links_assoc_company, 0) AS links_assoc_company,
               coalesce(r.has_research, false) AS has_research,
               coalesce(f.funding_total, 0) AS funding_total,
               coalesce(f.funding_public, 0) AS funding_public,
               coalesce(f.funding_private, 0) AS funding_private,
               coalesce(f.funding_earned, 0) AS funding_earned,
               coalesce(g.n_scores, 0) AS n_scores, coalesce(g.score_sum, 0) AS score_sum
        FROM {tbl('projects')} p LEFT JOIN links l USING (project_id)
        LEFT JOIN research r USING (project_id) LEFT JOIN fund f USING (project_id)
        LEFT JOIN grid g USING (project_id)""")
    con.execute(f"""
        CREATE OR REPLACE TABLE {tbl('d_projects')} AS
        SELECT p.*, g.reg, g.dep, g.epci, l.actor_type AS lead_type,
               {domain_bits('p.domains')} AS domain_bits,
               {', '.join('s.' + c for c in PROJECT_STATS)}
        FROM {tbl('projects')} p LEFT JOIN geo_communes g ON g.code = p.commune_code
        LEFT JOIN {tbl('actors')} l ON l.actor_id = p.lead_actor_id
        JOIN _pstats s USING (project_id)
        ORDER BY {TERRITORY_ORDER}, project_id""")
    con.execute(f"""
        CREATE OR REPLACE TABLE {tbl('d_actors')} AS
        SELECT {actor_columns('a')}, g.reg, g.dep, g.epci, coalesce(l.links_all, 0) AS links_all,
               a.siret IS NOT NULL AS has_siret, {domain_bits('a.domains')} AS domain_bits,
               coalesce(dc.n, 0) AS declared_ac,
               {', '.join('l.' + c for c in ACTOR_PROJECT_COLUMNS)}
        FROM {tbl('actors')} a LEFT JOIN geo_communes g ON g.code = a.commune_code
        LEFT JOIN (SELECT m.actor_id, sum(s.n_members - 1) AS links_all, {actor_projects('s')}
                   FROM _mem m JOIN {tbl('d_projects')} s USING (project_id) GROUP BY 1) l
                   USING (actor_id)
        LEFT JOIN ({declared_sql(inv_id)}) dc USING (actor_id)
        ORDER BY {TERRITORY_ORDER}, actor_id""")
    # participations by their actor's territory: d_actors was just written in that order
    # (TERRITORY_ORDER, actor_id: one row per actor), so its row number is the same
    # order as one integer key instead of four text keys
    con.execute(f"""
        CREATE OR REPLACE TABLE {tbl('d_members')} AS
        SELECT m.project_id, m.actor_id, s.n_members,
               {', '.join('a.' + c for c in MEMBER_ACTOR_COLUMNS[:4])}, m.actor_type,
               a.domain_bits AS actor_bits,
               {', '.join('p.' + c for c in MEMBER_PROJECT_COLUMNS)}
        FROM _mem m JOIN _pstats s USING (project_id)
        LEFT JOIN {tbl('d_actors')} a USING (actor_id)
        LEFT JOIN {tbl('d_projects')} p USING (project_id)
        ORDER BY a.rowid, m.actor_id, m.project_id""")
    con.execute("DROP TABLE _mem")
    con.execute("DROP TABLE _pstats")


def declared_sql(inv_id: int) -> str:
    """SQL: ``(actor_id, n)`` for each association with declared partnerships with a
    company (``n`` pairs, the association on either side; the company's type read
    from the inventory's actors)."""
    ps, ac = name(inv_id, "partnerships"), name(inv_id, "actors")
    return f"""SELECT x.actor_id, count(*) AS n FROM (
            SELECT d.actor_id_a AS actor_id, d.actor_id_b AS other FROM {ps} d
            UNION ALL SELECT d.actor_id_b, d.actor_id_a FROM {ps} d) x
        JOIN {ac} s ON s.actor_id = x.actor_id JOIN {ac} o ON o.actor_id = x.other
        WHERE s.actor_type = 'association' AND o.actor_type = 'company'
        GROUP BY 1"""


def drop(con, inv_id: int) -> None:
    for kind in DERIVED:
        con.execute(f"DROP TABLE IF EXISTS {name(inv_id, kind)}")


def exists(store, inv_id: int) -> bool:
    """Whether the inventory's derived tables are there, each with its
    :data:`REQUIRED` column (tables built by an older version lack it) and
    ``d_actors`` without the :data:`DROPPED` ones (an older version copied them)."""
    pairs = [(name(inv_id, k), c) for k in DERIVED for c in REQUIRED[k]]
    old = [(name(inv_id, "d_actors"), c) for c in DROPPED["actors"]]
    test = lambda ps: " OR ".join("(table_name = ? AND column_name = ?)" for _ in ps)  # noqa: E731
    n, stale = store.query(f"SELECT count(*) FILTER (WHERE {test(pairs)}) AS n, "
                           f"count(*) FILTER (WHERE {test(old)}) AS stale "
                           "FROM information_schema.columns",
                           [v for pair in pairs + old for v in pair]).iloc[0]
    return n == len(pairs) and not stale
