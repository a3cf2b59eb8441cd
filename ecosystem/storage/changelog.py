"""The append-only change log and the proposals table of a store.

``change_log`` has one row per changed field (``op = 'update'``), per record
created (``insert``) or removed (``delete``); every write of records appends to
it inside the write transaction, so a record never changes without a trace:

============  ===============================================================
seq           order of the rows in the store (1, 2, …; never reused)
change_set    groups the rows of one save, one import, one revert
saved_at      when it was saved (UTC)
effective     when it happened (a stage change's date; ``saved_at`` by default)
user_id       who (the identity provider's id; empty for anonymous visitors)
user_label    who, as shown
inv_id        inventory (its id: a rename keeps the history)
tbl           table of the record (``actors``, ``projects``, …)
record_id     the record's key (a composite key's parts joined by U+001F)
op            insert, update or delete
field         the column (update), NULL otherwise
old_value     the values before and after, as flat text (lists ``;``-separated), NULL = empty;
new_value     (a ``delete`` keeps the whole record as JSON in ``old_value``)
origin        edit, import, merge, contribution or revert
file_name     import: the file; revert: the change set reverted
checksum      import: the file's SHA-256
============  ===============================================================

Imports log in bulk SQL (one ``insert`` row per new record, one ``update`` row
per field a merge changed), never row by row in Python.

``proposals`` holds public contributions until an editor decides (see
:mod:`ecosystem.editing.contributions`).

PostgreSQL keeps both tables too (``eco_change_log``, ``eco_proposals``): the
log is appended to PostgreSQL after each write (:func:`pg_push`) and pulled by
the other replicas by ``seq`` (:func:`pg_pull`); proposals, a small table, are
copied whole when their revision changes.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path

from ecosystem import model

SEP = "\x1f"  # between the parts of a composite key in record_id
ORIGINS = ("edit", "import", "merge", "contribution", "revert")

LOG_COLUMNS = (("seq", "BIGINT", "bigint"), ("change_set", "VARCHAR", "text"),
               ("saved_at", "TIMESTAMP", "timestamp"), ("effective", "TIMESTAMP", "timestamp"),
               ("user_id", "VARCHAR", "text"), ("user_label", "VARCHAR", "text"),
               ("inv_id", "INTEGER", "integer"), ("tbl", "VARCHAR", "text"),
               ("record_id", "VARCHAR", "text"), ("op", "VARCHAR", "text"),
               ("field", "VARCHAR", "text"), ("old_value", "VARCHAR", "text"),
               ("new_value", "VARCHAR", "text"), ("origin", "VARCHAR", "text"),
               ("file_name", "VARCHAR", "text"), ("checksum", "VARCHAR", "text"))
PROPOSAL_COLUMNS = (("id", "VARCHAR", "text"), ("inv_id", "INTEGER", "integer"),
                    ("created_at", "TIMESTAMP", "timestamp"), ("session", "VARCHAR", "text"),
                    ("kind", "VARCHAR", "text"), ("record_id", "VARCHAR", "text"),
                    ("payload", "VARCHAR", "text"), ("message", "VARCHAR", "text"),
                    ("status", "VARCHAR", "text"), ("decided_at", "TIMESTAMP", "timestamp"),
                    ("decided_by", "VARCHAR", "text"), ("reason", "VARCHAR", "text"),
                    ("result_id", "VARCHAR", "text"), ("change_set", "VARCHAR", "text"))
NAMES = tuple(c[0] for c in LOG_COLUMNS)
NULL = "\\N"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_change_set() -> str:
    return f"{now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:10]}"


def ddl(con) -> None:
    """Create the tables (DuckDB) when missing."""
    con.execute("CREATE TABLE IF NOT EXISTS change_log ("
                + ", ".join(f"{n} {t}" for n, t, _ in LOG_COLUMNS) + ")")
    con.execute("CREATE TABLE IF NOT EXISTS proposals ("
                + ", ".join(f"{n} {t}" for n, t, _ in PROPOSAL_COLUMNS) + ")")


def pg_ddl(pg) -> None:
    pg.execute("CREATE TABLE IF NOT EXISTS eco_change_log ("
               + ", ".join(f"{n} {t}" for n, _, t in LOG_COLUMNS) + ")")
    pg.execute("CREATE INDEX IF NOT EXISTS eco_change_log_seq ON eco_change_log (seq)")
    pg.execute("CREATE TABLE IF NOT EXISTS eco_proposals ("
               + ", ".join(f"{n} {t}" for n, _, t in PROPOSAL_COLUMNS) + ")")


def key_sql(kind: str, alias: str = "") -> str:
    """SQL: a record's ``record_id`` from its key columns."""
    p = f"{alias}." if alias else ""
    keys = model.TABLES[kind].key
    if len(keys) == 1:
        return f'CAST({p}"{keys[0]}" AS VARCHAR)'
    return " || chr(31) || ".join(f'CAST({p}"{k}" AS VARCHAR)' for k in keys)


def record_id(kind: str, key) -> str:
    """``record_id`` of a key given as a value, a tuple or a dict."""
    keys = model.TABLES[kind].key
    if isinstance(key, dict):
        key = tuple(key[k] for k in keys)
    if not isinstance(key, (tuple, list)):
        key = (key,)
    if len(key) != len(keys):
        raise ValueError(f"{kind} key has {len(keys)} parts: {keys}")
    return SEP.join(str(k) for k in key)


def split_id(kind: str, rid: str) -> dict:
    return dict(zip(model.TABLES[kind].key, rid.split(SEP)))


def flat_sql(col: model.Col, expr: str) -> str:
    """SQL: a stored value as the log's flat text."""
    if col.kind == "list":
        return f"nullif(array_to_string({expr}, '{model.voc.LIST_SEP}'), '')"
    return f"CAST({expr} AS VARCHAR)"


def next_seq(con) -> int:
    return con.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchall()[0][0]


def append(con, rows: list[dict]) -> None:
    """Append rows (dicts with :data:`NAMES`; ``seq`` given here) to the log."""
    if not rows:
        return
    base = next_seq(con)
    values = [[base + i + 1] + [r.get(n) for n in NAMES[1:]] for i, r in enumerate(rows)]
    con.executemany(f"INSERT INTO change_log ({', '.join(NAMES)}) VALUES "
                    f"({', '.join('?' * len(NAMES))})", values)


def context(origin: str = "import", user=None, file_name: str | None = None,
            checksum: str | None = None, change_set: str | None = None) -> dict:
    """What an import's log rows say (who, origin, file, checksum, change set)."""
    return {"change_set": change_set or new_change_set(), "saved_at": now(),
            "user_id": getattr(user, "id", "") or "", "user_label": getattr(user, "label", "") or "",
            "origin": origin, "file_name": file_name, "checksum": checksum}


_COMMON = "?, ?, ?, ?, ?, ?, ?"  # change_set, at, effective, user_id, user_label, inv_id, tbl
_TAIL = "?, ?, ?"  # origin, file_name, checksum


def _common(ctx: dict, inv_id: int, kind: str) -> list:
    return [ctx["change_set"], ctx["saved_at"], ctx["saved_at"], ctx["user_id"], ctx["user_label"],
            int(inv_id), kind]


def _tail(ctx: dict, origin: str | None = None) -> list:
    return [origin or ctx["origin"], ctx.get("file_name"), ctx.get("checksum")]


def max_rowid(con, target: str) -> int:
    return con.execute(f"SELECT coalesce(max(rowid), -1) FROM {target}").fetchall()[0][0]


def log_inserted(con, ctx: dict, inv_id: int, kind: str, target: str, after_rowid: int) -> None:
    """One ``insert`` row per record appended to ``target`` after ``after_rowid``
    (rows added in the current transaction have the largest row ids)."""
    base = next_seq(con)
    con.execute(f"""INSERT INTO change_log SELECT {base} + row_number() OVER (),
        {_COMMON}, {key_sql(kind)}, 'insert', NULL, NULL, NULL, {_TAIL}
        FROM {target} WHERE rowid > {int(after_rowid)}""", _common(ctx, inv_id, kind) + _tail(ctx))


def log_updates(con, ctx: dict, inv_id: int, kind: str, target: str, new: str, join: str,
                exprs: dict[str, str], origin: str = "merge") -> None:
    """One ``update`` row per field an import's merge changes, before it is applied:
    ``new`` is the relation of incoming rows, ``join`` the condition t ⋈ u, ``exprs``
    the new value of each column (SQL over ``t`` and ``u``)."""
    table = model.TABLES[kind]
    unions = []
    for name, expr in exprs.items():
        col = table.col(name)
        unions.append(f"""SELECT {key_sql(kind, 't')} AS rid, {model_literal(name)} AS field,
            {flat_sql(col, f't."{name}"')} AS b, {flat_sql(col, f'({expr})')} AS a
            FROM {target} t JOIN {new} u ON {join} WHERE t."{name}" IS DISTINCT FROM ({expr})""")
    if not unions:
        return
    base = next_seq(con)
    con.execute(f"""INSERT INTO change_log SELECT {base} + row_number() OVER (ORDER BY rid, field),
        {_COMMON}, rid, 'update', field, b, a, {_TAIL}
        FROM ({' UNION ALL '.join(unions)})""", _common(ctx, inv_id, kind) + _tail(ctx, origin))


def model_literal(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# ------------------------------------------------------------------ PostgreSQL sync
def _copy_out(con, sql: str) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="eco-log-")) / "t.csv"
    con.execute(f"COPY ({sql}) TO '{tmp}' (FORMAT csv, HEADER true, NULLSTR '{NULL}')")
    return tmp


def _copy_to(pg, table: str, columns: tuple, path: Path) -> None:
    names = ", ".join(c[0] for c in columns)
    with pg.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN "
                                      f"(FORMAT csv, HEADER true, NULL '{NULL}')") as copy, \
            open(path, "rb") as f:
        while block := f.read(1 << 20):
            copy.write(block)
    path.unlink()
    path.parent.rmdir()


def _copy_from(pg, con, sql: str, table: str, columns: tuple) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="eco-log-")) / "t.csv"
    with open(tmp, "wb") as f, pg.cursor() as cur, cur.copy(
            f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER true, NULL '{NULL}')") as copy:
        for block in copy:
            f.write(block)
    types = ", ".join(f"'{n}': '{t}'" for n, t, _ in columns)
    con.execute(f"INSERT INTO {table} SELECT * FROM read_csv('{tmp}', header = true, "
                f"nullstr = '{NULL}', columns = {{{types}}}, quote = '\"', escape = '\"')")
    tmp.unlink()
    tmp.parent.rmdir()


def _proposals_rev(con) -> str | None:
    rows = con.execute("SELECT value FROM meta WHERE key = 'proposals_rev'").fetchall()
    row = rows[0] if rows else None
    return row[0] if row else None


def touch_proposals(con) -> None:
    """Mark the proposals as changed (replicas copy them again)."""
    con.execute("INSERT OR REPLACE INTO meta VALUES ('proposals_rev', ?)", [uuid.uuid4().hex])


def pg_push(pg, con, proposals_before: str | None) -> None:
    """After a write: append the new log rows to PostgreSQL; copy the proposals if
    they changed in this write."""
    remote = pg.execute("SELECT coalesce(max(seq), 0) FROM eco_change_log").fetchall()[0][0]
    if con.execute("SELECT count(*) FROM change_log WHERE seq > ?", [remote]).fetchall()[0][0]:
        path = _copy_out(con, f"SELECT {', '.join(NAMES)} FROM change_log WHERE seq > {int(remote)}")
        _copy_to(pg, "eco_change_log", LOG_COLUMNS, path)
    pg.execute("DELETE FROM eco_change_log WHERE inv_id NOT IN (SELECT id FROM eco_inventories)")
    rev = _proposals_rev(con)
    if rev != proposals_before:
        pg.execute("DELETE FROM eco_proposals")
        names = ", ".join(c[0] for c in PROPOSAL_COLUMNS)
        path = _copy_out(con, f"SELECT {names} FROM proposals")
        _copy_to(pg, "eco_proposals", PROPOSAL_COLUMNS, path)
        pg.execute("INSERT INTO eco_meta VALUES ('proposals_rev', %s) ON CONFLICT (key) "
                   "DO UPDATE SET value = excluded.value", [rev])


def pg_stale(pg, con) -> tuple[int, str | None] | None:
    """What PostgreSQL has that the mirror lacks: (remote max seq, remote proposals
    revision), or None when the mirror is up to date."""
    remote_seq, remote_rev = pg.execute(
        "SELECT (SELECT coalesce(max(seq), 0) FROM eco_change_log), "
        "(SELECT value FROM eco_meta WHERE key = 'proposals_rev')").fetchall()[0]
    local_seq = con.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchall()[0][0]
    if remote_seq == local_seq and remote_rev == _proposals_rev(con):
        return None
    return remote_seq, remote_rev


def pg_pull(pg, con, remote_rev: str | None) -> None:
    """Inside a mirror transaction: copy the log rows and proposals PostgreSQL has."""
    local_seq = con.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchall()[0][0]
    names = ", ".join(NAMES)
    _copy_from(pg, con, f"SELECT {names} FROM eco_change_log WHERE seq > {int(local_seq)}",
               "change_log", LOG_COLUMNS)
    if remote_rev != _proposals_rev(con):
        con.execute("DELETE FROM proposals")
        _copy_from(pg, con, "SELECT " + ", ".join(c[0] for c in PROPOSAL_COLUMNS)
                   + " FROM eco_proposals", "proposals", PROPOSAL_COLUMNS)
        if remote_rev is None:
            con.execute("DELETE FROM meta WHERE key = 'proposals_rev'")
        else:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('proposals_rev', ?)", [remote_rev])
