"""The links of a record: partners, fundings, memberships and declared partnerships.

Added with :func:`ecosystem.editing.records.add`; here they are listed for one
actor (:func:`actor_links`), edited (:func:`edit_link`, which may change the
link's key: a partner moved to another project is the old row removed and the
new one created, in one change set) and removed (:func:`remove`). Each write
has the guarantees of a record edit: :func:`ecosystem.access.require` first,
one transaction, the version check (:class:`~ecosystem.editing.records.Conflict`
when the row changed or was removed since the form was opened), the change log
(a removal is one ``delete`` row keeping the whole record as JSON, so
:func:`~ecosystem.editing.history.revert` brings it back and
:func:`~ecosystem.editing.history.as_of` sees it before its removal), the
derived tables rebuilt and the inventory's version bumped.
"""

from __future__ import annotations

import pandas as pd

from ecosystem import access, audit, model
from ecosystem.editing import records
from ecosystem.editing.records import Conflict, RecordNotFound
from ecosystem.storage import changelog, derived

#: the tables of links between records (what :func:`remove` accepts)
LINKS = ("partners", "fundings", "memberships", "partnerships")

#: kind -> SQL condition (``l`` = the link table) for the links of actor ``?``
#: (the parameter is repeated as many times as there are ``?``)
_OF_ACTOR = {
    "partners": "l.actor_id = ?",
    "memberships": "(l.actor_id = ? OR l.network_id = ?)",
    "partnerships": "(l.actor_id_a = ? OR l.actor_id_b = ?)",
    "fundings": "(l.funder_actor_id = ? OR l.project_id IN "
                "(SELECT project_id FROM {projects} WHERE lead_actor_id = ?))",
}


def _check_kind(kind: str) -> None:
    if kind not in LINKS:
        raise KeyError(f"{kind} is not a link table ({', '.join(LINKS)})")


def actor_links(store, inventory: str, kind: str, actor_id: str) -> pd.DataFrame:
    """The ``kind`` links of one actor, flat values (as :func:`records.read` gives
    them) and ``record_id``: partnerships in its own projects, memberships (as
    member or as the network), declared partnerships (either side), fundings it
    gives or its projects receive; ordered by key."""
    _check_kind(kind)
    ref = store.ref(inventory)
    cond = _OF_ACTOR[kind].format(projects=ref.projects)
    keys = ", ".join(f'l."{k}"' for k in model.TABLES[kind].key)
    flat = ", ".join(f'{changelog.flat_sql(c, "l." + chr(34) + c.name + chr(34))} AS "{c.name}"'
                     for c in model.TABLES[kind].columns)
    out = store.query(f"SELECT {changelog.key_sql(kind, 'l')} AS record_id, {flat} "
                      f"FROM {ref.table(kind)} l WHERE {cond} ORDER BY {keys}",
                      [actor_id] * cond.count("?"))
    return out.astype(object).where(out.notna(), None)


def remove(store, user: access.User, inventory: str, kind: str, key, version: str, *,
           origin: str = "edit", change_set: str | None = None, con=None) -> str:
    """Remove one link row; ``version``: what :func:`records.read` gave when the
    form was opened. Returns the change set."""
    access.require(store, user, inventory, "edit")
    _check_kind(kind)
    rid = changelog.record_id(kind, key)
    if con is None:
        with store.transaction() as tx:
            cs = _remove(tx, user, inventory, kind, rid, version, origin, change_set, True)
        audit.event("record.remove", user, inventory, table=kind, record=rid, origin=origin,
                    change_set=cs)
        return cs
    return _remove(con, user, inventory, kind, rid, version, origin, change_set, True)


def _remove(con, user, inventory, kind, rid, version, origin, change_set, finish: bool) -> str:
    inv_id = records._inv_id(con, inventory)
    key = changelog.split_id(kind, rid)
    current = records._fetch(con, inv_id, kind, key)
    if current is None:  # removed (or never there): say who removed it when the log knows
        gone = [c for c in records.later_changes(con, inv_id, kind, rid, 0) if c["op"] == "delete"]
        if gone:
            raise Conflict(kind, rid, gone[-5:])
        raise RecordNotFound(kind, rid)
    if version != records.version_of(current):
        raise Conflict(kind, rid, records.later_changes(con, inv_id, kind, rid, 0)[-5:])
    ctx = changelog.context(origin, user, change_set=change_set)
    target = f"inv_{inv_id}__{kind}"
    where = " AND ".join(f't."{k}" = ?' for k in model.TABLES[kind].key)
    params = [key[k] for k in model.TABLES[kind].key]
    seq = changelog.next_seq(con) + 1
    con.execute(f"""INSERT INTO change_log SELECT {seq}, ?, ?, ?, ?, ?, ?, ?, ?, 'delete', NULL,
        to_json(t), NULL, ?, NULL, NULL FROM {target} t WHERE {where}""",
                [ctx["change_set"], ctx["saved_at"], ctx["saved_at"], ctx["user_id"],
                 ctx["user_label"], inv_id, kind, rid, origin] + params)
    con.execute(f"DELETE FROM {target} t WHERE {where}", params)
    if finish:
        derived.build(con, inv_id)
        records._bump(con, inv_id)
    return ctx["change_set"]


def edit_link(store, user: access.User, inventory: str, kind: str, key, values: dict,
              version: str) -> str | None:
    """Save a link row opened at ``version`` with ``values`` (its fields, key
    columns included). When a key column changes (another project, network or
    partner) the old row is removed and the new one created, in one transaction
    and one change set; otherwise it is a plain edit. Returns the change set
    (None when nothing changed)."""
    access.require(store, user, inventory, "edit")
    _check_kind(kind)
    table = model.TABLES[kind]
    rid = changelog.record_id(kind, key)
    old_key = changelog.split_id(kind, rid)
    clean = records._clean(kind, values)
    new_key = {k: clean.get(k, old_key[k]) for k in table.key}
    if all(new_key[k] == old_key[k] for k in table.key):
        return records.save(store, user, inventory, kind, {**clean, **old_key}, version=version)
    with store.transaction() as con:
        inv_id = records._inv_id(con, inventory)
        current = records._fetch(con, inv_id, kind, old_key)
        cs = _remove(con, user, inventory, kind, rid, version, "edit", None, False)
        moved = {**(current or {}), **clean}
        cs = records.save(store, user, inventory, kind, moved, create=True, change_set=cs, con=con)
    audit.event("record.save", user, inventory, table=kind, record=rid, op="move",
                fields=",".join(k for k in table.key if new_key[k] != old_key[k]), origin="edit",
                change_set=cs)
    return cs


def link_history(store, inventory: str, actor_id: str, user: access.User | None = None) -> pd.DataFrame:
    """The logged changes of one actor's links, newest first (``tbl`` and
    ``record_id`` added to :data:`~ecosystem.editing.history.HISTORY_COLUMNS`): its
    partnerships in projects, memberships (either side), declared partnerships
    (either side), and the fundings it gives or gave (the funder in the log) or its
    projects receive now. With ``user``: refused unless the user may read records."""
    from ecosystem.editing.history import HISTORY_COLUMNS, _has_log, _inventory_id, _nulls

    if user is not None:
        access.require(store, user, inventory, "read_records")
    columns = ["tbl", "record_id"] + HISTORY_COLUMNS
    if not _has_log(store):
        return pd.DataFrame(columns=columns)
    inv_id = _inventory_id(store, inventory)
    ref = store.ref(inventory)
    part = "split_part(record_id, chr(31), {})"
    out = store.query(f"""SELECT {', '.join(columns)} FROM change_log WHERE inv_id = ? AND (
        (tbl = 'partners' AND {part.format(2)} = ?)
        OR (tbl IN ('memberships', 'partnerships') AND ? IN ({part.format(1)}, {part.format(2)}))
        OR (tbl = 'fundings' AND record_id IN (
            SELECT record_id FROM change_log WHERE inv_id = ? AND tbl = 'fundings' AND (
                (field = 'funder_actor_id' AND ? IN (old_value, new_value))
                OR (op = 'delete' AND json_extract_string(old_value, '$.funder_actor_id') = ?))
            UNION SELECT funding_id FROM {ref.table("fundings")} WHERE funder_actor_id = ?
                OR project_id IN (SELECT project_id FROM {ref.projects} WHERE lead_actor_id = ?))))
        ORDER BY seq DESC""", [inv_id, actor_id, actor_id, inv_id] + [actor_id] * 4)
    return _nulls(out)
