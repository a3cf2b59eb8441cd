"""Create and edit single records of an inventory, one transaction per save.

Every write takes the acting :class:`~ecosystem.access.User` and asks
:func:`ecosystem.access.require` first. Values are validated by the model's
declarations (``model.validate_table`` on a one-row frame: the same pandera
schema as ``store.append`` and the rules ``ingest/checks`` generates its SQL
from; references checked for the record inside the transaction), control
characters removed as on import (``safe.strip_controls``).

Optimistic concurrency: :func:`read` returns a record's values and their
``version`` (a hash of the stored values); a save carries the version it was
read at and is refused with :class:`Conflict` ("changed since you opened it")
when the record changed in between — never a lost update. The check runs
inside the write transaction, which on PostgreSQL holds the cluster-wide
writer lock after pulling the latest state, so two replicas cannot both pass it.

Each save appends its changed fields to the change log (one change set) and
bumps the inventory's version (view caches and page caches follow it). The
derived analysis tables are refreshed for the one record when that is exact
(an actor's fields other than its type, a project's other than its lead, a new
actor or project), and rebuilt otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass

import pandas as pd

from ecosystem import access, audit, model
from ecosystem.render.safe import strip_controls
from ecosystem.storage import changelog, derived
from ecosystem.storage.store import InventoryNotFound, StoreError, select_list, _types

ORIGINS = changelog.ORIGINS


class EditError(StoreError):
    """Values refused: ``issues`` say field and reason (``model.Issue``)."""

    def __init__(self, issues: list[model.Issue]):
        first = issues[0].message("en") if issues else ""
        super().__init__(f"{len(issues)} invalid value(s); first: {first}", "edit.invalid",
                         n=len(issues))
        self.issues = issues


class Conflict(StoreError):
    """The record changed since the editor opened it (``fields``: what changed, with
    who and when)."""

    def __init__(self, kind: str, rid: str, changes: list[dict]):
        who = ", ".join(sorted({c["user_label"] or "?" for c in changes})) or "?"
        fields = ", ".join(dict.fromkeys(c["field"] or c["op"] for c in changes)) or "?"
        super().__init__(f"{kind} {rid} changed since you opened it ({fields}; by {who})",
                         "edit.conflict", fields=fields, user=who)
        self.changes = changes


class RecordNotFound(StoreError):
    def __init__(self, kind: str, rid: str):
        super().__init__(f"no record {rid!r} in {kind}", "edit.not_found", record=rid)


@dataclass(frozen=True)
class Record:
    kind: str
    values: dict  # flat values (text, lists ;-separated), None = empty
    version: str

    @property
    def id(self) -> str:
        return changelog.record_id(self.kind, self.values)


def _inv_id(con, inventory: str) -> int:
    rows = con.execute("SELECT id FROM inventories WHERE name = ?", [inventory]).fetchall()
    if not rows:
        raise InventoryNotFound(inventory)
    return rows[0][0]


def _flat_select(kind: str) -> str:
    table = model.TABLES[kind]
    return ", ".join(f'{changelog.flat_sql(c, chr(34) + c.name + chr(34))} AS "{c.name}"'
                     for c in table.columns)


def _where(kind: str) -> str:
    return " AND ".join(f'"{k}" = ?' for k in model.TABLES[kind].key)


def version_of(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _fetch(con, inv_id: int, kind: str, key: dict) -> dict | None:
    keys = model.TABLES[kind].key
    cur = con.execute(f"SELECT {_flat_select(kind)} FROM inv_{inv_id}__{kind} WHERE {_where(kind)}",
                      [str(key[k]) for k in keys])
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    return dict(zip(names, rows[0])) if rows else None


def read(store, inventory: str, kind: str, key) -> Record | None:
    """The record as stored now, with the version a later save must carry."""
    if kind not in model.TABLES:
        raise KeyError(kind)
    key = changelog.split_id(kind, changelog.record_id(kind, key))
    with store._cursor() as cur:
        values = _fetch(cur, _inv_id(cur, inventory), kind, key)
    return None if values is None else Record(kind, values, version_of(values))


def _clean(kind: str, values: dict) -> dict:
    table = model.TABLES[kind]
    out = {}
    for name, value in values.items():
        if name not in table.column_names:
            raise KeyError(f"{kind} has no column {name!r}")
        if isinstance(value, (list, tuple, set)):
            value = model.voc.LIST_SEP.join(str(v) for v in value)
        if isinstance(value, str):
            value = strip_controls(value).strip()
            if value == "":
                value = None
        if value is not None and not isinstance(value, str) and pd.isna(value):
            value = None
        out[name] = value
    return out


TRUE = ("true", "1", "yes", "oui")
FALSE = ("false", "0", "no", "non")


def validate(kind: str, values: dict, columns=None) -> tuple[pd.DataFrame, list[model.Issue]]:
    """The one-row frame of ``values`` checked by the model (pandera schema, the end
    after the start for projects; only ``columns`` when given, in the model's order);
    issues have no row (a form has one record)."""
    values = dict(values)
    for col in model.TABLES[kind].columns:  # yes/no as the store writes it in flat text
        value = values.get(col.name)
        if col.kind == "bool" and isinstance(value, str) and value.lower() in TRUE + FALSE:
            values[col.name] = value.lower() in TRUE
    frame = pd.DataFrame([values], index=[0])
    if columns is not None:
        columns = tuple(c for c in model.TABLES[kind].column_names if c in set(columns))
    checked, issues = model.validate_table(kind, frame, columns)
    if columns is not None and not issues:  # the others as stored (flat text the store casts)
        checked = model.conform(kind, frame).assign(**{c: checked[c] for c in columns})
    if not issues and kind == "projects":
        data = model.InventoryData(projects=checked)
        issues = [i for i in model.check_references(data) if i.check == "end_before_start"]
    issues = [model.Issue(i.table, None, i.column, i.value, i.check, i.params) for i in issues]
    return checked, issues


def _references(con, inv_id: int, kind: str, values: dict) -> list[model.Issue]:
    """References this record makes (declared in ``model.REFERENCES``) that point to nothing."""
    issues = []
    for table, column, target, tcol in model.REFERENCES:
        value = values.get(column)
        if table != kind or value is None:
            continue
        if not con.execute(f'SELECT count(*) FROM inv_{inv_id}__{target} WHERE "{tcol}" = ?',
                           [str(value)]).fetchall()[0][0]:
            issues.append(model.Issue(kind, None, column, value, "unknown_ref", (("target", target),)))
    return issues


def later_changes(con, inv_id: int, kind: str, rid: str, after_seq: int,
                  fields: set | None = None) -> list[dict]:
    cur = con.execute("SELECT seq, change_set, saved_at, user_label, op, field FROM change_log "
                      "WHERE inv_id = ? AND tbl = ? AND record_id = ? AND seq > ? ORDER BY seq",
                      [inv_id, kind, rid, after_seq])
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    if fields is not None:
        rows = [r for r in rows if r["op"] != "update" or r["field"] in fields]
    return rows


def save(store, user: access.User, inventory: str, kind: str, values: dict, *,
         version: str | None = None, create: bool = False, origin: str = "edit",
         action: str = "edit", effective: dt.datetime | dt.date | None = None,
         change_set: str | None = None, con=None) -> str | None:
    """Create (``create=True``) or update one record; returns the change set id (None
    when nothing changed). ``version``: what :func:`read` gave when the form was
    opened (required to update). ``effective``: when the change happened (a stage
    change's date), default now. ``con``: run inside a caller's transaction."""
    access.require(store, user, inventory, action)
    if kind not in model.TABLES or origin not in ORIGINS:
        raise KeyError(kind if kind not in model.TABLES else origin)
    table = model.TABLES[kind]
    values = _clean(kind, values)
    missing = [k for k in table.key if values.get(k) is None]
    if missing:
        raise EditError([model.Issue(kind, None, k, None, "required") for k in missing])
    key = {k: str(values[k]) for k in table.key}
    rid = changelog.record_id(kind, key)
    if con is None:  # one audit line once committed (a caller's transaction logs its own)
        with store.transaction() as tx:
            cs, changed = _save(tx, user, inventory, kind, key, rid, values, version, create,
                                origin, effective, change_set)
        if cs is not None:
            audit.event("record.save", user, inventory, table=kind, record=rid,
                        op="insert" if create else "update", fields=",".join(changed),
                        origin=origin, change_set=cs)
        return cs
    return _save(con, user, inventory, kind, key, rid, values, version, create, origin,
                 effective, change_set)[0]


def _save(con, user, inventory, kind, key, rid, values, version, create, origin, effective,
          change_set) -> tuple[str | None, list[str]]:
    """(change set or None, the fields changed)."""
    table = model.TABLES[kind]
    inv_id = _inv_id(con, inventory)
    target = f"inv_{inv_id}__{kind}"
    current = _fetch(con, inv_id, kind, key)
    if create and current is not None:
        raise EditError([model.Issue(kind, None, table.key[-1], rid.replace(changelog.SEP, " / "),
                                     "id_exists")])
    if not create:
        if current is None:  # removed since it was opened: say by whom
            gone = [c for c in later_changes(con, inv_id, kind, rid, 0) if c["op"] == "delete"]
            if gone and version is not None:
                raise Conflict(kind, rid, gone[-5:])
            raise RecordNotFound(kind, rid)
        if version != version_of(current):
            raise Conflict(kind, rid, later_changes(con, inv_id, kind, rid, 0)[-5:])
    merged = {**(current or {}), **values}
    # the fields this save changes are checked (all of them for a new record): the others
    # were checked when they were written
    touched = None if current is None else \
        [c for c, v in values.items() if (None if v is None else str(v)) != current.get(c)]
    if touched == []:
        return None, []
    checked, issues = validate(kind, merged, touched)
    if not issues:
        issues = _references(con, inv_id, kind, merged)
    if issues:
        raise EditError(issues)
    con.register("_rec", checked.reset_index(drop=True))
    if create:
        con.execute(f"INSERT INTO {target} SELECT {select_list(table, _types(con, '_rec'))} FROM _rec")
    else:
        sets = ", ".join(f'"{c}" = u."{c}"' for c in table.column_names if c not in table.key)
        cond = " AND ".join(f't."{k}" = u."{k}"' for k in table.key)
        con.execute(f"UPDATE {target} t SET {sets} FROM (SELECT {select_list(table, _types(con, '_rec'))} "
                    f"FROM _rec) u WHERE {cond}")
    con.unregister("_rec")
    after = _fetch(con, inv_id, kind, key)
    changed = [c for c in table.column_names if (current or {}).get(c) != after.get(c)]
    if not changed:
        return None, []
    ctx = changelog.context(origin, user, change_set=change_set)
    when = ctx["saved_at"] if effective is None else _as_datetime(effective)
    rows = []
    base = {"change_set": ctx["change_set"], "saved_at": ctx["saved_at"], "effective": when,
            "user_id": ctx["user_id"], "user_label": ctx["user_label"], "inv_id": inv_id,
            "tbl": kind, "record_id": rid, "origin": origin}
    if create:
        rows.append({**base, "op": "insert"})
    rows += [{**base, "op": "update", "field": c, "old_value": (current or {}).get(c),
              "new_value": after.get(c)} for c in changed if not (create and after.get(c) is None)]
    changelog.append(con, rows)
    refresh_derived(con, inv_id, kind, key, create, set(changed))
    _bump(con, inv_id)
    return ctx["change_set"], changed


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time())


def _bump(con, inv_id: int) -> None:
    con.execute(f"UPDATE inventories SET n_actors = (SELECT count(*) FROM inv_{inv_id}__actors), "
                f"n_projects = (SELECT count(*) FROM inv_{inv_id}__projects), "
                "version = version + 1, updated_at = ? WHERE id = ?",
                [changelog.now().replace(microsecond=0), inv_id])


#: the derived actors' columns computed from the actor's own (storage.derived.build)
ACTOR_FLAGS = (f"a.siret IS NOT NULL AS has_siret, "
               f"{derived.domain_bits('a.domains')} AS domain_bits")


def refresh_derived(con, inv_id: int, kind: str, key: dict, created: bool, changed: set) -> None:
    """Bring the derived tables up to date after one record's save: that record's
    row when nothing else depends on what changed, the whole rebuild otherwise."""
    d = lambda k: derived.name(inv_id, k)  # noqa: E731
    if kind == "actors" and not created and "actor_type" not in changed:
        # the changed columns (and the territory codes when the commune changed), in place
        cols = [c for c in model.TABLES["actors"].column_names
                if c in changed and c not in derived.DROPPED["actors"]]
        if "commune_code" in changed:
            cols += ["reg", "dep", "epci"]
        cols += [c for c, src in (("has_siret", "siret"), ("domain_bits", "domains"))
                 if src in changed]  # derived flags of the changed columns
        sets = ", ".join(f'"{c}" = s."{c}"' for c in cols)
        if cols:  # none when only columns d_actors leaves out changed (a website)
            con.execute(f"""UPDATE {d('d_actors')} t SET {sets} FROM (
                SELECT a.*, g.reg, g.dep, g.epci, {ACTOR_FLAGS} FROM inv_{inv_id}__actors a
                LEFT JOIN geo_communes g ON g.code = a.commune_code WHERE a.actor_id = ?) s
                WHERE t.actor_id = s.actor_id""", [key["actor_id"]])
        if changed & {"commune_code", "domains"}:  # the actor's columns of its participations
            _refresh_members(con, inv_id, "actor_id", derived.MEMBER_ACTOR_COLUMNS, key["actor_id"])
        return
    if kind == "actors" and created:  # no project yet: no link; no declared partnership
        con.execute(f"""INSERT INTO {d('d_actors')} BY NAME
            SELECT {derived.actor_columns('a')}, g.reg, g.dep, g.epci, 0 AS links_all,
                   {ACTOR_FLAGS}, 0 AS declared_ac
            FROM inv_{inv_id}__actors a LEFT JOIN geo_communes g ON g.code = a.commune_code
            WHERE a.actor_id = ?""", [key["actor_id"]])
        return
    if kind == "projects" and (created or "lead_actor_id" not in changed):
        pid = key["project_id"]
        stats = ", ".join(derived.PROJECT_STATS)
        if created:  # the lead alone: one member, no link, no funding, no score
            defaults = dict(n_members=1, links=0, links_cross=0, links_assoc_company=0,
                            has_research=False, funding_total=0, funding_public=0,
                            funding_private=0, funding_earned=0, n_scores=0, score_sum=0)
            row = [defaults[c] for c in derived.PROJECT_STATS]
        else:
            row = list(con.execute(f"SELECT {stats} FROM {d('d_projects')} WHERE project_id = ?",
                                   [pid]).fetchall()[0])
            con.execute(f"DELETE FROM {d('d_projects')} WHERE project_id = ?", [pid])
        marks = ", ".join(f"? AS {c}" for c in derived.PROJECT_STATS)
        con.execute(f"""INSERT INTO {d('d_projects')} BY NAME
            SELECT p.*, g.reg, g.dep, g.epci, l.actor_type AS lead_type,
                   {derived.domain_bits('p.domains')} AS domain_bits, s.*
            FROM inv_{inv_id}__projects p LEFT JOIN geo_communes g ON g.code = p.commune_code
            LEFT JOIN inv_{inv_id}__actors l ON l.actor_id = p.lead_actor_id,
            (SELECT {marks}) s WHERE p.project_id = ?""", row + [pid])
        if created:  # the lead's participation, with its columns and the project's
            con.execute(f"""INSERT INTO {d('d_members')} BY NAME
                SELECT p.project_id, p.lead_actor_id AS actor_id, 1 AS n_members,
                       a.reg, a.dep, a.epci, a.commune_code, a.actor_type,
                       a.domain_bits AS actor_bits,
                       {', '.join('p.' + c for c in derived.MEMBER_PROJECT_COLUMNS)}
                FROM {d('d_projects')} p LEFT JOIN {d('d_actors')} a ON a.actor_id = p.lead_actor_id
                WHERE p.project_id = ?""", [pid])
        elif changed & {"stage", "domains", "start_year", "end_year"}:
            _refresh_members(con, inv_id, "project_id", derived.MEMBER_PROJECT_COLUMNS, pid)
        if created or changed & {"stage", "start_year", "end_year"}:
            _refresh_actor_projects(con, inv_id, pid)
        return
    derived.build(con, inv_id)


def _refresh_members(con, inv_id: int, key: str, columns, value: str) -> None:
    """Copy an actor's (``key`` = ``actor_id``) or a project's columns into its
    participations (``storage.derived``: ``d_members`` carries both)."""
    d = lambda k: derived.name(inv_id, k)  # noqa: E731
    source = f"(SELECT *, domain_bits AS actor_bits FROM {d('d_actors')})" \
        if key == "actor_id" else d("d_projects")
    sets = ", ".join(f'"{c}" = s."{c}"' for c in columns)
    con.execute(f"UPDATE {d('d_members')} m SET {sets} FROM {source} s "
                f"WHERE s.{key} = ? AND m.{key} = s.{key}", [value])


def _refresh_actor_projects(con, inv_id: int, project_id: str) -> None:
    """Sum up again the projects of the participants of ``project_id`` in their
    derived rows (``storage.derived.ACTOR_PROJECT_COLUMNS``), from their
    participations (already refreshed)."""
    d = lambda k: derived.name(inv_id, k)  # noqa: E731
    sets = ", ".join(f'"{c}" = s."{c}"' for c in derived.ACTOR_PROJECT_COLUMNS)
    con.execute(f"""UPDATE {d('d_actors')} t SET {sets} FROM (
        SELECT m.actor_id, {derived.actor_projects('m')} FROM {d('d_members')} m
        WHERE m.actor_id IN (SELECT actor_id FROM {d('d_members')} WHERE project_id = ?)
        GROUP BY 1) s WHERE t.actor_id = s.actor_id""", [project_id])


def new_id(prefix: str = "ed") -> str:
    """An id for a record created by hand (never one a file could bring)."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


# ---------------------------------------------------------------- named actions
def create_actor(store, user, inventory: str, values: dict, **kw) -> tuple[str, str | None]:
    """A new actor (id generated when absent; ``source`` 'edit' by default).
    Returns (actor_id, change set)."""
    values = {"source": "edit", **values}
    values.setdefault("actor_id", new_id("A"))
    values.setdefault("active", True)
    return values["actor_id"], save(store, user, inventory, "actors", values, create=True, **kw)


def edit_actor(store, user, inventory: str, actor_id: str, values: dict, version: str, **kw):
    return save(store, user, inventory, "actors", {**values, "actor_id": actor_id},
                version=version, **kw)


def close_actor(store, user, inventory: str, actor_id: str, version: str, **kw):
    """An actor that stopped: ``active`` false (kept for history and past projects)."""
    return edit_actor(store, user, inventory, actor_id, {"active": False}, version, **kw)


def create_project(store, user, inventory: str, values: dict, **kw) -> tuple[str, str | None]:
    values = {"source": "edit", **values}
    values.setdefault("project_id", new_id("P"))
    return values["project_id"], save(store, user, inventory, "projects", values, create=True, **kw)


def edit_project(store, user, inventory: str, project_id: str, values: dict, version: str,
                 effective=None, **kw):
    """Edit a project; a stage change gets its date with ``effective``."""
    return save(store, user, inventory, "projects", {**values, "project_id": project_id},
                version=version, effective=effective, **kw)


def add(store, user, inventory: str, kind: str, values: dict, **kw):
    """A new partner, funding, membership or declared partnership."""
    if kind == "fundings":
        values = dict(values)
        values.setdefault("funding_id", new_id("F"))
    if kind == "partnerships":
        values = {"source": "edit", **values}
    return save(store, user, inventory, kind, values, create=True, **kw)


def edit(store, user, inventory: str, kind: str, values: dict, version: str, **kw):
    return save(store, user, inventory, kind, values, version=version, **kw)
