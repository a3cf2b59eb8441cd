"""History of a record, revert of a change set, an inventory as it was on a date.

All three read the append-only change log (:mod:`ecosystem.storage.changelog`).
A revert is itself a change set (origin ``revert``, ``file_name`` = the change
set reverted): updated fields get their old values back, records the change set
created are removed (kept whole in the log, so reverting the revert brings them
back). It is refused when later changes touched the same fields or records,
naming them.

:func:`as_of` replays the log backwards from the current state: records created
after the date are left out, records removed after it come back from the log,
and every field changed after it takes the value it had before its first later
change.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd

from ecosystem import access, audit, i18n, model, numbers
from ecosystem.editing.records import _bump, _inv_id
from ecosystem.storage import changelog, derived
from ecosystem.storage.store import StoreError

HISTORY_COLUMNS = ["seq", "change_set", "saved_at", "effective", "user_label", "op", "field",
                   "old_value", "new_value", "origin", "file_name", "checksum"]


class RevertConflict(StoreError):
    """Later changes touched what the revert would undo (``changes``: table, record,
    field, who, when)."""

    def __init__(self, changes: pd.DataFrame):
        what = "; ".join(f"{r.tbl} {r.record_id.replace(changelog.SEP, ' / ')}: "
                         f"{r.field or r.op} ({r.user_label or '?'}, {r.saved_at:%Y-%m-%d %H:%M})"
                         for r in changes.head(10).itertuples())
        super().__init__(f"later changes touched the same fields: {what}", "edit.revert_conflict",
                         fields=what)
        self.changes = changes


class ChangeSetNotFound(StoreError):
    def __init__(self, change_set: str):
        super().__init__(f"no change set {change_set!r}", "edit.no_change_set", change_set=change_set)


class AlreadyReverted(StoreError):
    def __init__(self, change_set: str):
        super().__init__(f"change set {change_set!r} was already reverted", "edit.already_reverted",
                         change_set=change_set)


def _has_log(store) -> bool:
    """Whether the store has a change log (a read-only store of an older version may not)."""
    if not store.read_only:
        return True  # created when the store opens for writing
    return bool(store.scalar("SELECT count(*) FROM information_schema.tables "
                             "WHERE table_name = 'change_log'"))


def _inventory_id(store, inventory: str) -> int:
    pull = getattr(store, "_pull", None)
    if pull is not None:  # PostgreSQL: the mirror brought up to date first
        pull()
    with store._cursor() as cur:
        return _inv_id(cur, inventory)


def history(store, inventory: str, kind: str, key, user: access.User | None = None) -> pd.DataFrame:
    """Every logged change of one record, newest first: one row per field changed
    (who, when, origin, before, after), per creation and per removal. With ``user``:
    refused unless the user may read records, and the values of personal fields
    (``model.personal_columns``) blanked unless the user may read them."""
    if user is not None:
        access.require(store, user, inventory, "read_records")
    rid = changelog.record_id(kind, key)
    if not _has_log(store):
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    inv_id = _inventory_id(store, inventory)
    out = _nulls(store.query(f"SELECT {', '.join(HISTORY_COLUMNS)} FROM change_log WHERE inv_id = ? "
                             "AND tbl = ? AND record_id = ? ORDER BY seq DESC", [inv_id, kind, rid]))
    if user is not None and not access.allowed(store, user, inventory, "read_personal"):
        out = without_personal(kind, out)
    return out


def without_personal(kind: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Log rows with the values of personal fields blanked: an update's before and
    after, and those fields of a removed record kept as JSON."""
    personal = set(model.personal_columns(kind))
    if not personal or rows.empty:
        return rows
    rows = rows.copy()
    hide = rows.field.isin(personal)
    rows.loc[hide, ["old_value", "new_value"]] = None

    def strip(text):
        if not isinstance(text, str) or not text.startswith("{"):
            return text
        return json.dumps({k: v for k, v in json.loads(text).items() if k not in personal},
                          ensure_ascii=False)

    gone = rows.op == "delete"
    rows.loc[gone, "old_value"] = rows.loc[gone, "old_value"].map(strip)
    return rows


#: logged numbers that read as amounts in euros, and as coordinates (all their decimals)
MONEY = frozenset({"amount_eur"})
COORDINATES = frozenset({"lat", "lon"})


def field_label(name: str | None, lang: str) -> str:
    """A field as the forms name it (``edit.field.*``), else as the inventory's fields
    vocabulary does (``vocabulary.FIELDS``); an unknown name as it is."""
    if not name:
        return ""
    key = f"edit.field.{name}"
    if key in i18n.catalogue(lang if lang in i18n.LANGS else i18n.DEFAULT_LANG):
        return i18n.t(key, lang)
    return model.voc.FIELDS.label(name, lang)


def value_text(col: model.Col, value, lang: str):
    """One logged value (flat text) as a reader reads it in ``lang``: a vocabulary's
    labels (a list's joined by ", "), yes / no, a count or a measure with the locale's
    separators, an amount in euros, a year as it is; anything it cannot read as it is
    (None stays None)."""
    if not isinstance(value, str):
        return value
    if col.vocabulary is not None:
        codes = [c.strip() for c in value.split(model.voc.LIST_SEP) if c.strip()] \
            if col.kind == "list" else [value]
        return ", ".join(col.vocabulary.label(c, lang) for c in codes)
    if col.kind == "bool":
        word = value.strip().lower()
        if word in ("true", "false"):
            return i18n.t(f"hist.value.{'yes' if word == 'true' else 'no'}", lang)
        return value
    if col.kind not in ("int", "float"):
        return value
    try:
        x = float(value)
    except ValueError:
        return value
    if not math.isfinite(x):
        return value
    if col.kind == "int" and (col.min, col.max) == (model.YEAR["min"], model.YEAR["max"]):
        return str(int(x)) if x.is_integer() else value  # a year: no thousands separator
    if col.name in MONEY:
        return numbers.currency(x, lang, places=0 if x.is_integer() else 2)
    if col.name in COORDINATES:
        return numbers.measure(x, lang, places=6)
    return numbers.number(x, lang) if col.kind == "int" else numbers.measure(x, lang, places=2)


def _flat(value) -> str | None:
    """A value of a removed record's JSON as the log's flat text."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return model.voc.LIST_SEP.join(str(v) for v in value)
    return str(value)


def record_text(table: model.Table, text, lang: str):
    """A removed record (the log keeps it whole as JSON) as its non-empty fields,
    labelled and read as :func:`value_text` does, in the table's order."""
    if not isinstance(text, str) or not text.startswith("{"):
        return text
    try:
        record = json.loads(text)
    except ValueError:
        return text
    parts = []
    for col in table.columns:
        flat = _flat(record.get(col.name))
        if flat is not None:
            parts.append(i18n.t("hist.value.pair", lang, field=field_label(col.name, lang),
                                value=value_text(col, flat, lang)))
    return i18n.t("hist.value.sep", lang).join(parts)


def labelled(rows: pd.DataFrame, lang: str, kind: str | None = None) -> pd.DataFrame:
    """Log rows as a reader sees them in ``lang``: the before and after of each field
    read by :func:`value_text` (vocabulary labels from ``vocabulary.py``, yes / no,
    numbers, amounts and years through :mod:`ecosystem.numbers`), a removed record
    as its labelled fields. The table of each row is its ``tbl`` column, else
    ``kind``. A copy: the log and the command line keep the stored text."""
    out = rows.copy()
    if out.empty:
        return out
    tables = out["tbl"] if "tbl" in out else pd.Series(kind, index=out.index)
    ops = out["op"] if "op" in out else pd.Series("update", index=out.index)
    for i, tbl, op, field in zip(out.index, tables, ops, out["field"]):
        table = model.TABLES.get(tbl)
        if table is None:
            continue
        if op == "delete":
            out.at[i, "old_value"] = record_text(table, out.at[i, "old_value"], lang)
            continue
        if field not in table.column_names:
            continue
        col = table.col(field)
        for side in ("old_value", "new_value"):
            out.at[i, side] = value_text(col, out.at[i, side], lang)
    return out


def _nulls(df: pd.DataFrame) -> pd.DataFrame:
    """Empty text cells as None (not NaN)."""
    for col in ("field", "old_value", "new_value", "file_name", "checksum", "user_label"):
        if col in df:
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def change_set(store, change_set_id: str) -> pd.DataFrame:
    """The rows of one change set (first 1,000), in order."""
    return _nulls(store.query(f"SELECT tbl, record_id, {', '.join(HISTORY_COLUMNS)} FROM change_log "
                              "WHERE change_set = ? ORDER BY seq LIMIT 1000", [change_set_id]))


def records_touched(store, change_set_id: str) -> tuple[int, int]:
    """(records removed, records created or changed) by one change set: what a revert
    says it did (every row counted, where :func:`change_set` shows the first 1,000)."""
    df = store.query("SELECT count(DISTINCT record_id) FILTER (WHERE op = 'delete') AS removed, "
                     "count(DISTINCT record_id) FILTER (WHERE op <> 'delete') AS other "
                     "FROM change_log WHERE change_set = ?", [change_set_id])
    return int(df.removed[0]), int(df.other[0])


def change_sets(store, inventory: str, limit: int = 50, *, who: str | None = None,
                since: dt.date | None = None, until: dt.date | None = None,
                origins=None, kind: str | None = None, key=None,
                details: bool = False) -> pd.DataFrame:
    """The latest change sets of an inventory, newest first: when, who (``user_id``,
    ``user_label``), origin, file, rows; with ``details`` (the Journal) also the tables
    and the number of records they touched and the first record (``tbl``,
    ``record_id``: a card to open) — a second pass over those sets' rows (after a
    national import, its 1.5 million rows: about 0.5 s of CPU). Filters:
    ``who`` (a user's id or label, any case), ``since`` / ``until`` (days, both
    included), ``origins`` (some of ``changelog.ORIGINS``), a record (``kind`` and
    its ``key``): change sets with a row of it."""
    inv_id = store.ref(inventory).id
    where, params = ["inv_id = ?"], [inv_id]
    if who:
        where.append("(lower(user_id) = lower(?) OR lower(user_label) = lower(?))")
        params += [who.strip(), who.strip()]
    if since is not None:
        where.append("saved_at >= ?")
        params.append(dt.datetime.combine(since, dt.time()) if not isinstance(since, dt.datetime) else since)
    if until is not None:
        where.append("saved_at < ?")
        params.append(_end_of(until))
    if origins:
        where.append(f"origin IN ({', '.join('?' * len(list(origins)))})")
        params += list(origins)
    if kind is not None:
        where.append("change_set IN (SELECT change_set FROM change_log WHERE inv_id = ? AND tbl = ? "
                     "AND record_id = ?)")
        params += [inv_id, kind, changelog.record_id(kind, key)]
    if not details:
        return store.query(
            "SELECT change_set, min(saved_at) AS saved_at, any_value(user_id) AS user_id, "
            "any_value(user_label) AS user_label, any_value(origin) AS origin, "
            "any_value(file_name) AS file_name, any_value(checksum) AS checksum, count(*) AS n_rows "
            f"FROM change_log WHERE {' AND '.join(where)} GROUP BY change_set "
            "ORDER BY min(seq) DESC LIMIT ?", params + [limit])
    # the sets first (one cheap pass), then what they touched for those sets only: an
    # inventory's log holds a row per record of every import (1.5 million nationally)
    return store.query(
        "WITH sets AS (SELECT change_set, min(seq) AS first, min(saved_at) AS saved_at, "
        "any_value(user_id) AS user_id, any_value(user_label) AS user_label, "
        "any_value(origin) AS origin, any_value(file_name) AS file_name, "
        "any_value(checksum) AS checksum, count(*) AS n_rows FROM change_log "
        f"WHERE {' AND '.join(where)} GROUP BY change_set ORDER BY first DESC LIMIT ?), "
        "touched AS (SELECT change_set, string_agg(DISTINCT tbl, ',' ORDER BY tbl) AS tables, "
        "count(DISTINCT (tbl, record_id)) AS n_records, arg_min(tbl, seq) AS tbl, "
        "arg_min(record_id, seq) AS record_id FROM change_log WHERE inv_id = ? AND change_set IN "
        "(SELECT change_set FROM sets) GROUP BY change_set) "
        "SELECT s.* EXCLUDE (first), t.* EXCLUDE (change_set) FROM sets s "
        "JOIN touched t USING (change_set) ORDER BY s.first DESC",
        params + [limit, inv_id])


def authors(store, inventory: str) -> list[str]:
    """The labels of everyone who changed ``inventory`` (a filter's choices), sorted."""
    inv_id = store.ref(inventory).id
    return store.query("SELECT DISTINCT user_label FROM change_log WHERE inv_id = ? AND "
                       "coalesce(user_label, '') <> '' ORDER BY 1", [inv_id]).user_label.tolist()


def typed_sql(col: model.Col, expr: str) -> str:
    """SQL: a flat text value of the log in the store's type."""
    if col.kind == "list":
        return (f"CASE WHEN {expr} IS NULL THEN NULL ELSE list_filter(list_transform(string_split("
                f"{expr}, '{model.voc.LIST_SEP}'), lambda x: trim(x)), lambda x: x <> '') END")
    return f"CAST({expr} AS {col.sql_type})"


def _struct(kind: str) -> str:
    """The JSON structure ``from_json`` reads a removed record of ``kind`` with."""
    return json.dumps({c.name: ["VARCHAR"] if c.kind == "list" else c.sql_type
                       for c in model.TABLES[kind].columns})


def revert(store, user: access.User, change_set_id: str) -> str:
    """Undo one change set (an edit, an import, a moderation, a revert); returns the
    revert's own change set. Refused when later changes touched the same fields."""
    first = store.query("SELECT inv_id FROM change_log WHERE change_set = ? LIMIT 1", [change_set_id])
    if first.empty:
        raise ChangeSetNotFound(change_set_id)
    inv_id = int(first.inv_id[0])
    names = store.query("SELECT name FROM inventories WHERE id = ?", [inv_id])
    if names.empty:
        raise ChangeSetNotFound(change_set_id)
    inventory = names.name[0]
    access.require(store, user, inventory, "edit")
    with store.transaction() as con:
        cs = _revert(con, user, inv_id, change_set_id)
    audit.event("record.revert", user, inventory, reverted=change_set_id, change_set=cs)
    return cs


def _revert(con, user, inv_id: int, cs: str) -> str:
    if con.execute("SELECT count(*) FROM change_log WHERE origin = 'revert' AND file_name = ?",
                   [cs]).fetchall()[0][0]:
        raise AlreadyReverted(cs)
    last = con.execute("SELECT max(seq) FROM change_log WHERE change_set = ?", [cs]).fetchall()[0][0]
    conflicts = con.execute("""
        SELECT DISTINCT l.seq, l.tbl, l.record_id, coalesce(l.field, l.op) AS field, l.user_label,
               l.saved_at FROM change_log l
        JOIN (SELECT DISTINCT tbl, record_id, op, field FROM change_log WHERE change_set = ?) s
          ON l.tbl = s.tbl AND l.record_id = s.record_id
        WHERE l.inv_id = ? AND l.seq > ?
          AND (s.op <> 'update' OR l.op <> 'update' OR l.field = s.field)
        ORDER BY l.seq""", [cs, inv_id, last]).df()
    if not conflicts.empty:
        raise RevertConflict(conflicts)
    ctx = changelog.context("revert", user, file_name=cs)
    common = [ctx["change_set"], ctx["saved_at"], ctx["saved_at"], ctx["user_id"],
              ctx["user_label"], inv_id]
    tail = ["revert", cs, None]
    kinds = [r[0] for r in con.execute("SELECT DISTINCT tbl FROM change_log WHERE change_set = ?",
                                       [cs]).fetchall()]
    for kind in kinds:
        table = model.TABLES[kind]
        target = f"inv_{inv_id}__{kind}"
        rid = changelog.key_sql(kind, "t")
        mine = "change_set = ? AND tbl = ?"
        created = f"SELECT record_id FROM change_log WHERE {mine} AND op = 'insert'"
        # records the change set removed come back, as they were
        base = changelog.next_seq(con)
        con.execute(f"""INSERT INTO change_log SELECT {base} + row_number() OVER (ORDER BY seq),
            ?, ?, ?, ?, ?, ?, ?, record_id, 'insert', NULL, NULL, NULL, ?, ?, ?
            FROM change_log WHERE {mine} AND op = 'delete'""", common + [kind] + tail + [cs, kind])
        con.execute(f"""INSERT INTO {target} SELECT unnest(from_json(old_value, ?))
            FROM change_log WHERE {mine} AND op = 'delete' ORDER BY seq""", [_struct(kind), cs, kind])
        # fields get their old values back (records created by the change set are removed below)
        fields = [r[0] for r in con.execute(
            f"SELECT DISTINCT field FROM change_log WHERE {mine} AND op = 'update'", [cs, kind]).fetchall()]
        for field in fields:
            col = table.col(field)
            base = changelog.next_seq(con)
            con.execute(f"""INSERT INTO change_log SELECT {base} + row_number() OVER (ORDER BY seq),
                ?, ?, ?, ?, ?, ?, ?, record_id, 'update', field, new_value, old_value, ?, ?, ?
                FROM change_log WHERE {mine} AND op = 'update' AND field = ?
                  AND record_id NOT IN ({created})""",
                        common + [kind] + tail + [cs, kind, field, cs, kind])
            con.execute(f"""UPDATE {target} t SET "{field}" = {typed_sql(col, 'l.old_value')}
                FROM change_log l WHERE l.change_set = ? AND l.tbl = ? AND l.op = 'update'
                  AND l.field = ? AND {rid} = l.record_id
                  AND l.record_id NOT IN ({created})""", [cs, kind, field, cs, kind])
        # records the change set created are removed (kept whole in the log)
        base = changelog.next_seq(con)
        con.execute(f"""INSERT INTO change_log SELECT {base} + row_number() OVER (),
            ?, ?, ?, ?, ?, ?, ?, {rid}, 'delete', NULL, to_json(t), NULL, ?, ?, ?
            FROM {target} t WHERE {rid} IN ({created})""", common + [kind] + tail + [cs, kind])
        con.execute(f"DELETE FROM {target} t WHERE {rid} IN ({created})", [cs, kind])
    from ecosystem.storage.store import Store

    issues = Store._integrity(con, inv_id, set(kinds))
    if issues:
        raise model.ValidationError(issues)
    derived.build(con, inv_id)
    _bump(con, inv_id)
    return ctx["change_set"]


def _end_of(when) -> dt.datetime:
    """The first instant after ``when`` (a datetime) or after the day ``when``."""
    if isinstance(when, dt.datetime):
        return when.replace(tzinfo=None) + dt.timedelta(microseconds=1)
    return dt.datetime.combine(when + dt.timedelta(days=1), dt.time())


def as_of(store, inventory: str, when, kinds=("actors", "projects")) -> dict[str, pd.DataFrame]:
    """Tables of ``inventory`` as they were at ``when`` (a datetime, or a date: the end
    of that day), flat values (lists ``;``-separated) as :meth:`Store.load` gives."""
    limit = _end_of(when)
    ref = store.ref(inventory)
    out = {}
    for kind in kinds:
        table = model.TABLES[kind]
        flat = ", ".join(f'{changelog.flat_sql(c, chr(34) + c.name + chr(34))} AS "{c.name}"'
                         for c in table.columns)
        later = (f"SELECT * FROM change_log WHERE inv_id = {int(ref.id)} AND tbl = '{kind}' "
                 f"AND effective >= ?") if _has_log(store) else None
        if later is None:
            frame = store.query(f"SELECT {flat} FROM {ref.table(kind)}")
        else:
            firsts = f"SELECT record_id, arg_min(op, seq) AS first_op FROM ({later}) GROUP BY 1"
            frame = store.query(f"""SELECT {changelog.key_sql(kind)} AS _rid, {flat} FROM {ref.table(kind)}
                WHERE {changelog.key_sql(kind)} NOT IN (SELECT record_id FROM ({firsts})
                                                          WHERE first_op = 'insert')""", [limit])
            # removed after the date: back from the log (the state they were removed in)
            gone = store.query(f"""SELECT _rid, {flat} FROM (
                SELECT record_id AS _rid, unnest(from_json(old_value, ?)) FROM (
                    SELECT record_id, arg_max(old_value, seq) AS old_value FROM ({later})
                    WHERE op = 'delete' GROUP BY 1)
                WHERE record_id IN (SELECT record_id FROM ({firsts}) WHERE first_op <> 'insert')
                  AND record_id NOT IN (SELECT {changelog.key_sql(kind)} FROM {ref.table(kind)}))""",
                               [_struct(kind), limit, limit])
            if not gone.empty:
                frame = pd.concat([frame, gone], ignore_index=True)
            patches = store.query(f"""SELECT record_id, field, arg_min(old_value, seq) AS old_value
                FROM ({later}) WHERE op = 'update' GROUP BY 1, 2""", [limit])
            if not patches.empty:
                frame = frame.set_index("_rid")
                for field, group in patches.groupby("field"):
                    present = group[group.record_id.isin(frame.index)]
                    frame.loc[present.record_id.tolist(), field] = present.old_value.tolist()
                frame = frame.reset_index()
            frame = frame.drop(columns="_rid")
        out[kind] = typed_frame(kind, frame)
    return out


def typed_frame(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Flat text values in the model's pandas types."""
    out = frame.copy()
    for col in model.TABLES[kind].columns:
        s = out[col.name]
        if col.kind == "bool":
            s = s.map({"true": True, "false": False, True: True, False: False})
        elif col.kind in ("int", "float"):
            s = pd.to_numeric(s, errors="coerce")
        out[col.name] = s.astype(col.pandas_dtype)
    return out
