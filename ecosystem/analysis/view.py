"""The user's current view: territory level and scope, and data filters.

:class:`Filters` is what the sidebar edits and the URL carries. :func:`scoped`
turns it into SQL common table expressions over an inventory:

* ``fp`` — filtered projects: stage, domain, year range, funder, lead's actor
  type, and the territory of the project's commune;
* ``fa`` — filtered actors: type, domain, territory of the actor's commune,
  and, when a project-side filter is set (stage, year, funder), only actors
  that lead or partner at least one project of ``fp``;
* ``fm`` — only when a project-side filter is set: the participations (lead or
  partner, with the project's participant count) in the projects of ``fp``;
* ``fma`` — the participations of the actors of ``fa`` in the projects of ``fp``
  (top actors, their links, the map's partnership lines and flows), with the
  actor's territory codes.

Both read the derived tables (:mod:`ecosystem.storage.derived`): they carry their
commune's ``reg``, ``dep`` and ``epci`` codes, so every analysis can group by
any level, and projects carry their per-project statistics. All values are
passed as SQL parameters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import pandas as pd

from ecosystem import vocabulary as voc
from ecosystem.analysis import asof
from ecosystem.geo import LEVELS, is_zoning_level, parse_territory, territory_key, zoning_id
from ecosystem.storage import derived
from ecosystem.storage.store import InventoryRef

LEVEL_COLUMN = {"region": "reg", "departement": "dep", "epci": "epci", "commune": "commune_code"}


def level_column(level: str) -> str:
    """The column of ``fa`` / ``fp`` holding each record's territory of ``level``:
    ``reg``, ``dep``, ``epci``, ``commune_code``, or for a user zoning ``z<id>``
    (added by :meth:`View.sql` when the view's level or scope is that zoning)."""
    if is_zoning_level(level):
        return level
    return LEVEL_COLUMN[level]
YEAR_MIN, YEAR_MAX = 1990, 2026


@dataclass(frozen=True)
class Filters:
    level: str = "region"
    territory: str | None = None  # "level:code" or None for France
    actor_types: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    funders: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    #: the ecosystem as of this year (:mod:`ecosystem.analysis.asof`); None: as it is now
    as_of: int | None = None

    # -------------------------------------------------------------- helpers
    @property
    def scope(self) -> tuple[str, str] | None:
        return parse_territory(self.territory)

    @property
    def has_project_filter(self) -> bool:
        return bool(self.stages or self.funders or self.year_min or self.year_max)

    @property
    def is_default(self) -> bool:
        return not (self.territory or self.actor_types or self.domains or self.has_project_filter
                    or self.as_of)

    @property
    def year_sql(self) -> str:
        """SQL for "the view's year": the as-of year, else the current year (the
        per-year flows of the registry use it)."""
        return str(int(self.as_of)) if self.as_of else "year(current_date)"

    def with_(self, **changes) -> "Filters":
        return replace(self, **changes)

    def cache_key(self) -> tuple:
        return tuple(asdict(self).items())

    def base_filters(self) -> "Filters | None":
        """The filters whose materialised sets a territory's sets are cut from, or
        None (the store's view cache asks, :meth:`statements` gets their tables as
        ``base``): with a project-side filter, the participations in the filtered
        projects of all France (``fm``, which the territory's indicators read anyway:
        they are computed over the view without its territory) hold those of the
        territory's projects, a third of the rows of every participation. Only as of
        a year (or for a domain outside the vocabulary): otherwise the territory's
        participations are a scan of the derived ones (:func:`members_inline`)."""
        if self.territory is None or not self.has_project_filter or members_inline(self):
            return None
        return self.with_(territory=None, level="region")

    def statements(self, ref: InventoryRef, prefix: str,
                   base: dict[str, str] | None = None) -> list[tuple[str, str, list]]:
        """What the store's view cache runs for these filters (the store asks its
        filters, so ``storage`` never imports ``analysis``): for all of France with a
        project-side filter, only the participations ``fm`` (:func:`members_statement`;
        the projects and actors are then column tests, see :func:`inline`); otherwise
        :func:`view_statements`."""
        if self.territory is None and self.as_of:  # all France as of a year: see fundings_statement
            return ([members_statement(ref, self, prefix)] if self.has_project_filter else []) \
                + [fundings_statement(ref, self, prefix)]
        if self.territory is None and self.has_project_filter:
            return [members_statement(ref, self, prefix)]
        return view_statements(ref, self, prefix, base)

    # ------------------------------------------------------- URL round trip
    def to_params(self) -> dict[str, str]:
        """Query-string form (only non-default values)."""
        out: dict[str, str] = {}
        if self.level != "region":
            out["level"] = self.level
        if self.territory:
            out["terr"] = self.territory
        for key, values in (("types", self.actor_types), ("domains", self.domains),
                            ("stages", self.stages), ("funders", self.funders)):
            if values:
                out[key] = ",".join(values)
        if self.year_min:
            out["from"] = str(self.year_min)
        if self.year_max:
            out["to"] = str(self.year_max)
        if self.as_of:
            out["asof"] = str(self.as_of)
        return out

    @classmethod
    def from_params(cls, params) -> "Filters":
        """Parse query parameters; unknown or malformed values are dropped, never fatal."""
        def get(key):
            value = params.get(key)
            if isinstance(value, list):
                value = value[-1] if value else None
            return value

        def codes(key, vocabulary):
            raw = get(key) or ""
            return tuple(c for c in raw.split(",") if c in vocabulary)

        level = get("level") if get("level") in LEVELS or is_zoning_level(get("level")) \
            else "region"
        terr = get("terr")
        terr = territory_key(*parse_territory(terr)) if parse_territory(terr) else None
        funders = tuple(f for f in (get("funders") or "").split(",") if f and len(f) <= 64)

        def year(key):
            try:
                y = int(get(key))
                return y if YEAR_MIN - 200 <= y <= YEAR_MAX + 50 else None
            except (TypeError, ValueError):
                return None

        return cls(level=level, territory=terr, actor_types=codes("types", voc.ACTOR_TYPES),
                   domains=codes("domains", voc.DOMAINS), stages=codes("stages", voc.STAGES),
                   funders=funders[:20], year_min=year("from"), year_max=year("to"),
                   as_of=year("asof"))


@dataclass
class Sql:
    """SQL text with its positional parameters."""

    text: str
    params: list = field(default_factory=list)


def _territory_clause(alias: str, scope, params: list, ref: InventoryRef | None = None,
                      kind: str = "actors") -> str:
    if scope is None:
        return "TRUE"
    level, code = scope
    params.append(code)
    if is_zoning_level(level) and ref is not None:  # records placed in the zone
        from ecosystem.storage.zonings import assignment_table
        key = "actor_id" if kind == "actors" else "project_id"
        return (f"{alias}.{key} IN (SELECT {key} FROM "
                f"{assignment_table(zoning_id(level), ref.id, kind)} WHERE zone = ?)")
    return f"{alias}.{level_column(level)} = ?"


def _domain_test(alias: str, domains: tuple[str, ...], params: list) -> str:
    """Rows with at least one of ``domains``: a test of the derived tables' domain
    bit mask, or of the list itself for a code outside the vocabulary."""
    codes = voc.DOMAINS.codes
    if all(d in codes for d in domains):
        params.append(sum(1 << codes.index(d) for d in set(domains)))
        return f"({alias}.domain_bits & ?) <> 0"
    params.append(list(domains))
    return f"list_has_any({alias}.domains, ?::VARCHAR[])"


def _project_where(ref: InventoryRef, f: Filters, scope, params: list,
                   alias: str = "p") -> str:
    """The WHERE clause of ``fp`` over ``d_projects p`` (parameters appended); the
    same tests over the participations ``d_members`` with ``alias`` ``m`` (they carry
    the project's filter columns under the same names)."""
    p_where = []
    if f.stages:
        # as of a year, the stage the project had reached then (the stored one is today's)
        stage = f"{alias}.stage"
        if f.as_of:
            stage = asof.stage(alias, "?")
            params += [int(f.as_of)] * stage.count("?")
        p_where.append(f"{stage} IN ({', '.join('?' * len(f.stages))})")
        params += list(f.stages)
    if f.domains:
        p_where.append(_domain_test(alias, f.domains, params))
    if f.year_min:
        p_where.append(f"coalesce({alias}.end_year, 9999) >= ?")
        params.append(f.year_min)
    if f.year_max:
        p_where.append(f"coalesce({alias}.start_year, 0) <= ?")
        params.append(f.year_max)
    if f.funders:
        p_where.append(f"{alias}.project_id IN (SELECT project_id FROM {ref.table('fundings')} "
                       f"WHERE funder_actor_id IN ({', '.join('?' * len(f.funders))}))")
        params += list(f.funders)
    if f.actor_types:
        # the lead's actor type, copied into the derived projects (no join to the actors)
        p_where.append(f"{alias}.lead_type IN ({', '.join('?' * len(f.actor_types))})")
        params += list(f.actor_types)
    if f.as_of:
        p_where.append(asof.project_exists(alias, "?"))
        params.append(int(f.as_of))
    p_where.append(_territory_clause(alias, scope, params, ref, "projects"))
    return " AND ".join(p_where)


def _project_select(ref: InventoryRef, f: Filters, columns: str, params: list,
                    fundings: str | None = None) -> str:
    """``SELECT <columns> FROM d_projects p`` — as of the filters' year, the stage,
    the active flag and the funding totals as they were then (parameters appended);
    ``fundings``: the table of :func:`fundings_statement` for that year, else they are
    summed in the query."""
    if not f.as_of:
        return f"SELECT {columns} FROM {ref.derived('d_projects')} p"
    until = fundings or f"({asof.fundings_until(ref.table('fundings'), '?')})"
    text = (f"SELECT {columns} {asof.project_columns('p', '?', 'fy')} "
            f"FROM {ref.derived('d_projects')} p LEFT JOIN {until} fy USING (project_id)")
    params += [int(f.as_of)] * text.count("?")  # every placeholder is the year
    return text


def actors_in_place(f: Filters) -> bool:
    """As of a year with no other filter (a territory aside), the view's actors are
    read in place from the derived table, the as-of condition evaluated by each query,
    rather than copied: nearly every actor passes, and copying them all is what a new
    year would cost (docs/performance.md, "Time")."""
    return bool(f.as_of) and f.with_(as_of=None, territory=None, level="region").is_default


def _actor_columns(f: Filters) -> str:
    """As of a year, the actors kept were active then."""
    return " REPLACE (true AS active)" if f.as_of else ""


def actor_project_test(f: Filters, params: list) -> str | None:
    """The project-side filter of ``f`` as a test of the derived actors' summaries of
    their projects (:data:`ecosystem.storage.derived.ACTOR_PROJECT_COLUMNS`), or None
    when that test is not exact: an actor takes part in a project of one stage of
    ``f.stages`` iff its stage mask has one of their bits, in a project still running
    in ``f.year_min`` iff its latest end is that year or later, in one started by
    ``f.year_max`` iff its earliest start is. Exact for one of these filters alone:
    two of them, a funder, a domain or an actor type (the lead's type) must hold for
    the same project, which only the participations say; nor as of a year (the stage
    then is the one the project had reached)."""
    if f.as_of or f.funders or f.domains or f.actor_types:
        return None
    if sum(map(bool, (f.stages, f.year_min, f.year_max))) != 1:
        return None
    if f.stages:
        codes = voc.STAGES.codes
        if not all(s in codes for s in f.stages):
            return None
        params.append(sum(1 << codes.index(s) for s in set(f.stages)))
        return "(a.proj_stage_bits & ?) <> 0"
    if f.year_min:
        params.append(f.year_min)
        return "a.proj_end_max >= ?"
    params.append(f.year_max)
    return "a.proj_start_min <= ?"


def _actor_where(f: Filters, scope, params: list, members: str = "fm",
                 ref: InventoryRef | None = None) -> str:
    """The WHERE clause of ``fa`` over ``d_actors a``; ``members`` is where the
    participations in ``fp`` are (used when a project-side filter is set). Over all
    France (no ``scope``), a project-side filter that :func:`actor_project_test`
    writes exactly is that column test instead (a territory's actors must take
    part in one of the territory's projects: the semi-join stays)."""
    a_where = []
    if f.actor_types:
        a_where.append(f"a.actor_type IN ({', '.join('?' * len(f.actor_types))})")
        params += list(f.actor_types)
    if f.domains:
        a_where.append(_domain_test("a", f.domains, params))
    if f.as_of:
        clause = asof.actor_exists("a", "?")
        a_where.append(clause)
        params += [int(f.as_of)] * clause.count("?")
    a_where.append(_territory_clause("a", scope, params, ref))
    test = actor_project_test(f, params) if f.has_project_filter and scope is None else None
    if test is not None:
        a_where.append(test)
    elif f.has_project_filter:
        # leads and partners are both in fm (participations in fp): one semi-join
        a_where.append(f"a.actor_id IN (SELECT actor_id FROM {members})")
    return " AND ".join(a_where)


def members_inline(f: Filters) -> bool:
    """Whether the participations of the view's projects (``fm``) and of its actors
    (``fma``) are predicates over the derived participations, which carry the
    project's filter columns and the actor's (:mod:`ecosystem.storage.derived`): one
    scan of one table, no join and nothing materialised. Not as of a year (the stage
    then is the one the project had reached, not the stored one), nor for a domain
    code outside the vocabulary (no bit: the lists are tested)."""
    return not f.as_of and all(d in voc.DOMAINS.codes for d in f.domains)


def _members(ref: InventoryRef, f: Filters, params: list, actors: bool) -> str:
    """``(SELECT * FROM d_members m WHERE ...)``: the participations in the projects
    of ``f`` over all France (:func:`members_inline`); ``actors``: only those of the
    actors of ``f`` (actor type and domains tested on the participation's own
    columns; with a project-side filter every such actor is one of ``fa``)."""
    where = [_project_where(ref, f, None, params, alias="m")]
    if actors and f.actor_types:
        where.append(f"m.actor_type IN ({', '.join('?' * len(f.actor_types))})")
        params += list(f.actor_types)
    if actors and f.domains:
        where.append("(m.actor_bits & ?) <> 0")
        params.append(sum(1 << voc.DOMAINS.codes.index(d) for d in set(f.domains)))
    return f"(SELECT * FROM {ref.derived('d_members')} m WHERE {' AND '.join(where)})"


def territory_members(f: Filters) -> bool:
    """Whether a territory's participations are left inline rather than materialised
    (:func:`view_statements` makes no ``fm`` table): a territory of a built-in level
    with a project-side filter the participations' own columns answer
    (:func:`members_inline`). Its actors are then found among the participations of
    the territory's actors — ``d_members`` is stored by the actor's territory, so
    that reads the territory's row groups only — rather than among all France's
    participations in the territory's projects, which the report and the profile
    never read (a third of their cost at 1.5 M actors); ``fm`` is then a query over
    the derived participations, run by the rare analysis that reads it."""
    scope = f.scope
    return (scope is not None and not is_zoning_level(scope[0]) and f.has_project_filter
            and members_inline(f))


def _scope_members(ref: InventoryRef, f: Filters, params: list) -> str:
    """``(SELECT * FROM d_members m WHERE ...)``: the participations of the actors of
    ``f``'s territory (the actor's territory column) in projects passing ``f``'s
    project tests (the lead's type and the domains are tested by a semi-join to
    ``fp``)."""
    level, code = f.scope
    inner = _members(ref, f.with_(actor_types=(), domains=()), params, actors=False)
    params.append(code)
    return inner[:-1] + f" AND m.{level_column(level)} = ?)"


def _territory_member_ctes(ref: InventoryRef, f: Filters, params: list) -> tuple[str, str]:
    """``fm`` and ``fma`` of a :func:`territory_members` view, as CTEs after ``fp``
    and ``fa`` (parameters appended in that order: ``fm``'s, then ``fma``'s)."""
    inner = _members(ref, f.with_(actor_types=(), domains=()), params, actors=False)
    fm = f"fm AS NOT MATERIALIZED (SELECT m.* FROM {inner} m SEMI JOIN fp USING (project_id))"
    fma = (f"fma AS NOT MATERIALIZED (SELECT m.* FROM {_scope_members(ref, f, params)} m "
           f"SEMI JOIN fp USING (project_id) SEMI JOIN fa USING (actor_id))")
    return fm, fma


def _members_of_actors(ref: InventoryRef, has_fm: bool) -> str:
    """``fma`` from the view's other sets: the participations (``fm``, or every one in
    the projects of ``fp``) of the actors of ``fa``."""
    source = "fm m" if has_fm else f"{ref.derived('d_members')} m SEMI JOIN fp USING (project_id)"
    return f"fma AS NOT MATERIALIZED (SELECT m.* FROM {source} SEMI JOIN fa USING (actor_id))"


def scoped(ref: InventoryRef, f: Filters, body: str, *, territory: bool = True) -> Sql:
    """``WITH fp AS (...), fa AS (...) <body>`` for this inventory and filters,
    computed inside the query. Analyses use :meth:`View.sql`, which reads the
    same sets materialised once per view; this is its fallback (read-only stores).

    ``territory=False`` ignores the territory scope (used to compute parent and
    national references under the same other filters).
    """
    params: list = []
    scope = f.scope if territory else None
    select = _project_select(ref, f, "p.*", params)
    fp = f"fp AS MATERIALIZED ({select} WHERE {_project_where(ref, f, scope, params)})"
    fa = (f"fa AS MATERIALIZED (SELECT *{_actor_columns(f)} FROM {ref.derived('d_actors')} a "
          f"WHERE {_actor_where(f, scope, params, ref=ref)})")
    if f.has_project_filter:
        fm = (f"fm AS MATERIALIZED (SELECT m.* FROM {ref.derived('d_members')} m "
              f"SEMI JOIN fp USING (project_id))")
        return Sql(f"WITH {fp}, {fm}, {fa}, {_members_of_actors(ref, True)} {body}", params)
    return Sql(f"WITH {fp}, {fa}, {_members_of_actors(ref, False)} {body}", params)


def members_statement(ref: InventoryRef, f: Filters, prefix: str) -> tuple[str, str, list]:
    """``("fm", CREATE TABLE statement, parameters)``: the participations (lead or
    partner, with the participant count) in the projects of ``f`` over all France,
    materialised for a national view with a project-side filter when the
    participations' own columns cannot be tested (:func:`members_inline`: as of a
    year, or a domain outside the vocabulary); the actors of the view are those found
    in it."""
    params: list = []
    return ("fm", f"CREATE TABLE {prefix}fm AS SELECT m.* FROM {ref.derived('d_members')} m "
                  f"SEMI JOIN (SELECT project_id FROM {ref.derived('d_projects')} p "
                  f"WHERE {_project_where(ref, f, None, params)}) USING (project_id)", params)


def fundings_statement(ref: InventoryRef, f: Filters, prefix: str) -> tuple[str, str, list]:
    """``("fy", CREATE TABLE statement, parameters)``: each project's fundings of the
    years up to the view's year (:func:`asof.fundings_until`), materialised for a view
    of all France as of a year. The projects themselves are then read in place
    (:func:`inline`, their stage and active flag as of the year are column
    expressions): a copy of every project started by the year grew with the year."""
    return ("fy", f"CREATE TABLE {prefix}fy AS "
                  f"{asof.fundings_until(ref.table('fundings'), '?')}", [int(f.as_of)])


def zoned_set(name: str, table: str, zoned: dict[str, tuple[str, str]]) -> str:
    """The CTE of set ``name`` read from ``table`` (a table or a parenthesised query),
    with one ``z<id>`` column per user zoning of the view (the zone of each actor or
    project, or NULL)."""
    if not zoned or name == "fm":
        return f"{name} AS NOT MATERIALIZED (SELECT * FROM {table})"
    key, which = ("actor_id", 0) if name == "fa" else ("project_id", 1)
    cols = ", ".join(f"{lv}.zone AS {lv}" for lv in zoned)
    joins = " ".join(f"LEFT JOIN {tables[which]} {lv} ON {lv}.{key} = s.{key}"
                     for lv, tables in zoned.items())
    return f"{name} AS NOT MATERIALIZED (SELECT s.*, {cols} FROM {table} s {joins})"


def inline(ref: InventoryRef, f: Filters, body: str, members: str | None = None,
           zoned: dict[str, tuple[str, str]] | None = None, fundings: str | None = None) -> Sql:
    """The sets of filters without a territory nor a project-side filter, as
    predicates over the derived tables inlined in the query (``NOT MATERIALIZED``):
    each is a plain column test (the lead's type is in the derived projects), so
    a query reads only the columns and rows it needs — a body that keeps one
    territory has its test pushed into the scan — instead of a copy of a large
    part of France made on every filter change. With a project-side filter, the
    participations ``fm`` are a scan of the derived participations
    (:func:`members_inline`), or ``members``, the table of :func:`members_statement`;
    the actors are those found in them. As of a year, projects are read as they were then
    (:func:`_project_select`; ``fundings``: the table of :func:`fundings_statement`);
    ``zoned`` adds the user zonings' columns."""
    params: list = []
    zoned = zoned or {}
    select = _project_select(ref, f, "p.*", params, fundings)
    fp = zoned_set("fp", f"({select} WHERE {_project_where(ref, f, None, params)})", zoned)
    fm = ""
    if members:
        fm = f"fm AS NOT MATERIALIZED (SELECT * FROM {members}), "
    elif f.has_project_filter:  # members_inline: a scan of the participations
        fm = f"fm AS NOT MATERIALIZED {_members(ref, f, params, actors=False)}, "
    fa = zoned_set("fa", f"(SELECT *{_actor_columns(f)} FROM {ref.derived('d_actors')} a "
                         f"WHERE {_actor_where(f, None, params, ref=ref)})", zoned)
    if members or not members_inline(f):
        fma = _members_of_actors(ref, bool(fm))
    else:
        fma = f"fma AS NOT MATERIALIZED {_members(ref, f, params, actors=True)}"
    return Sql(f"WITH {fp}, {fm}{fa}, {fma} {body}", params)


#: columns the materialised sets leave out: long free text and identifiers no
#: analysis of a view reads (copying them is most of the cost at national scale);
#: a body that needs one joins the inventory's own table. The derived actors
#: (``storage.derived.DROPPED``) do not hold the actors' ones at all.
VIEW_DROPPED = derived.DROPPED


def _kept(kind: str, alias: str = "") -> str:
    if kind == "actors":  # read from d_actors, which holds none of them
        return f"{alias}*"
    return f"{alias}* EXCLUDE ({', '.join(VIEW_DROPPED[kind])})"


def view_statements(ref: InventoryRef, f: Filters, prefix: str,
                    base: dict[str, str] | None = None) -> list[tuple[str, str, list]]:
    """``(name, CREATE TABLE statement, parameters)`` that materialise the sets of
    ``f`` (its territory included) as tables ``{prefix}fp``, ``{prefix}fm`` (with a
    project-side filter) and ``{prefix}fa``, in that order.

    ``base``: the tables of the same filters without the territory; a territory's
    sets are then cut from them (projects and actors of the territory; with a
    project-side filter, the actors must take part in one of the territory's
    filtered projects, as :func:`scoped` says) instead of from the whole inventory."""
    scope = f.scope
    out = []
    params: list = []
    if base is not None and scope is not None and "fp" in base:
        out.append(("fp", f"CREATE TABLE {prefix}fp AS SELECT * FROM {base['fp']} p "
                          f"WHERE {_territory_clause('p', scope, params, ref, 'projects')}",
                    params))
    else:
        select = _project_select(ref, f, _kept("projects", "p."), params)
        out.append(("fp", f"CREATE TABLE {prefix}fp AS {select} "
                          f"WHERE {_project_where(ref, f, scope, params)}", params))
    if f.has_project_filter and (base is None or "fm" not in base) and territory_members(f):
        params = []
        members = (f"(SELECT m.actor_id FROM {_scope_members(ref, f, params)} m "
                   f"SEMI JOIN {prefix}fp USING (project_id))")
        mine: list = []  # the actors' tests, then the semi-join's (the last clause)
        where = _actor_where(f, scope, mine, members=members, ref=ref)
        out.append(("fa", f"CREATE TABLE {prefix}fa AS SELECT {_kept('actors')} "
                          f"FROM {ref.derived('d_actors')} a WHERE {where}", mine + params))
        return out
    if f.has_project_filter:
        # the territory's projects are among the base's: their participations too
        members, params = ref.derived("d_members"), []
        if base is not None and scope is not None and "fm" in base:
            members = base["fm"]
        elif members_inline(f):  # the projects' tests on the participations first
            members = _members(ref, f.with_(actor_types=(), domains=()), params, actors=False)
        out.append(("fm", f"CREATE TABLE {prefix}fm AS SELECT m.* FROM {members} m "
                          f"SEMI JOIN {prefix}fp USING (project_id)", params))
    if actors_in_place(f):
        return out
    params = []
    if base is not None and scope is not None and "fa" in base:
        where = _territory_clause("a", scope, params, ref)
        if f.has_project_filter:
            where += f" AND a.actor_id IN (SELECT actor_id FROM {prefix}fm)"
        out.append(("fa", f"CREATE TABLE {prefix}fa AS SELECT * FROM {base['fa']} a WHERE {where}",
                    params))
    else:
        out.append(("fa", f"CREATE TABLE {prefix}fa AS SELECT {_kept('actors')}{_actor_columns(f)} "
                          f"FROM {ref.derived('d_actors')} a "
                          f"WHERE {_actor_where(f, scope, params, members=prefix + 'fm', ref=ref)}",
                    params))
    return out


class View:
    """The current view: one inventory, at its revision, seen through one set of
    filters. Every analysis takes a View (indicators, counts, map layers, network,
    profiles, reports, exports).

    The filtered sets — projects ``fp``, actors ``fa`` and, with a project-side
    filter, participations ``fm`` — are materialised once per (inventory revision,
    filters, territory or not) in the store's view cache
    (:meth:`ecosystem.storage.store.Store.view_sets`) and read by every analysis of the
    rerun, and of later reruns while they stay cached. The level of analysis does
    not change the sets. A view with no filter at all reads the derived tables
    directly (nothing to copy); so does, through :func:`inline` predicates, a view
    of all France (copying most of France costs more than testing a column in each
    query), its participations ``fm`` with a project-side filter included (a scan
    of the derived participations, :func:`members_inline`; materialised only as of
    a year); a territory's sets are made from the derived tables, which are
    stored by territory. A read-only store computes the sets inside each query
    (:func:`scoped`)."""

    __slots__ = ("store", "ref", "filters")

    def __init__(self, store, ref: InventoryRef, filters: Filters | None = None):
        self.store = store
        self.ref = ref
        self.filters = filters if filters is not None else Filters()

    def __repr__(self) -> str:
        return f"View({self.ref.name!r} v{self.ref.version}, {self.filters})"

    @property
    def level(self) -> str:
        return self.filters.level

    @property
    def scope(self) -> tuple[str, str] | None:
        return self.filters.scope

    def with_(self, **changes) -> "View":
        """The same inventory through other filters."""
        return View(self.store, self.ref, self.filters.with_(**changes))

    def cache_key(self) -> tuple:
        return (self.ref.cache_key, self.filters.cache_key())

    def sql(self, body: str, *, territory: bool = True) -> Sql:
        """``WITH fp AS (...), [fm AS (...),] fa AS (...) <body>``, the sets read
        from the view cache. ``territory=False`` drops the territory scope."""
        f = self.filters.with_(level="region", territory=self.filters.territory if territory else None)
        ref = self.ref
        zoned = self._zonings(f)
        if f.is_default:  # the whole inventory: the derived tables themselves
            return Sql(f"WITH {self._set('fp', ref.derived('d_projects'), zoned)}, "
                       f"{self._set('fa', ref.derived('d_actors'), zoned)}, "
                       f"fma AS NOT MATERIALIZED (SELECT * FROM {ref.derived('d_members')}) {body}")
        if f.territory is None and not f.as_of and (not f.has_project_filter or members_inline(f)):
            # as of a year, each project's fundings up to the year are summed once
            # (fy, materialised below: fundings_statement), not in every query of the rerun
            return inline(ref, f, body, zoned=zoned)
        names = self.store.view_sets(ref, f) if hasattr(self.store, "view_sets") else None
        if names is None:
            return scoped(ref, f, body)
        if f.territory is None and (f.has_project_filter or f.as_of):
            # all France: only fm (project filter) and fy (as of a year) are tables
            return inline(ref, f, body, members=names.get("fm"), zoned=zoned,
                          fundings=names.get("fy"))
        ctes = [self._set(k, names[k], zoned) for k in ("fp", "fm", "fa") if k in names]
        params: list = []
        if "fa" not in names:  # actors_in_place
            where = _actor_where(f, f.scope, params, ref=ref)
            ctes.append(self._set("fa", f"(SELECT {_kept('actors')}{_actor_columns(f)} "
                                        f"FROM {ref.derived('d_actors')} a WHERE {where})", zoned))
        if f.has_project_filter and "fm" not in names:  # territory_members: inline
            fm, fma = _territory_member_ctes(ref, f, params)
            ctes[1:1] = [fm]
            ctes.append(fma)
        else:
            ctes.append(_members_of_actors(ref, "fm" in names))
        return Sql(f"WITH {', '.join(ctes)} {body}", params)

    def _zonings(self, f: Filters) -> dict[str, tuple[str, str]]:
        """User zonings of the view's level and scope: ``{level: (actors table,
        projects table)}`` placing this inventory's records in their zones
        (computed now when missing or stale)."""
        wanted = [lv for lv in (self.filters.level, (self.filters.scope or ("",))[0])
                  if is_zoning_level(lv)]
        if not wanted or getattr(self.store, "read_only", False):
            return {}
        from ecosystem.storage.zonings import ensure_assigned
        return {lv: ensure_assigned(self.store, self.ref, lv) for lv in dict.fromkeys(wanted)}

    @staticmethod
    def _set(name: str, table: str, zoned: dict[str, tuple[str, str]]) -> str:
        return zoned_set(name, table, zoned)

    def query(self, body: str, params: list | None = None, *, territory: bool = True):
        """Run ``body`` over the view's sets: a DataFrame."""
        sql = self.sql(body, territory=territory)
        return self.store.query(sql.text, sql.params + list(params or []))


# ------------------------------------------------------- choices for the sidebar
def funder_choices(store, ref: InventoryRef, limit: int = 300) -> dict[str, str]:
    """The inventory's funders (actors that fund at least one project), largest total
    first: ``{actor_id: "name (commune)"}``, at most ``limit`` of them."""
    df = store.query(
        f"SELECT f.funder_actor_id AS id, any_value(a.name) AS name, "
        f"any_value(a.commune_code) AS commune, sum(coalesce(f.amount_eur, 0)) AS total "
        f"FROM {ref.table('fundings')} f JOIN {ref.actors} a ON a.actor_id = f.funder_actor_id "
        f"GROUP BY f.funder_actor_id ORDER BY total DESC, id LIMIT {int(limit)}")
    return {r.id: f"{r.name} ({r.commune})" if r.commune else str(r.name)
            for r in df.itertuples(index=False)}


def year_bounds(store, ref: InventoryRef) -> tuple[int, int] | None:
    """First start year and last end (or start) year of the inventory's projects,
    within the years a filter accepts; None when projects carry no years."""
    lo, hi = store.query(
        f"SELECT min(start_year), max(coalesce(end_year, start_year)) "
        f"FROM {ref.table('projects')}").iloc[0]
    if pd.isna(lo) or pd.isna(hi):
        return None
    lo, hi = max(int(lo), YEAR_MIN - 200), min(int(hi), YEAR_MAX + 50)
    return (lo, hi) if lo < hi else None
