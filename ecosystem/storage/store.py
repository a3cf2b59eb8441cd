"""Named inventories in a DuckDB file.

One file (``$ECOSYSTEM_DB``, default ``data/ecosystem.duckdb``) holds:

* ``meta``: key/value pairs, among them ``application`` (:data:`APP_ID`, what
  makes the file ours) and ``schema_version``;
* ``inventories``: one row per named inventory (id, name, description,
  synthetic flag, version, timestamps, row counts);
* per inventory, one table per kind of record, named ``inv_<id>__<table>``
  (ids never change, so renaming an inventory touches one row);
* ``geo_communes`` / ``geo_territories``: the shipped geography, loaded from
  ``data/geo`` so analytics can join on it in SQL.

Every write (create, save, append, import, copy, rename, delete) runs in one
transaction: if anything fails, the previous version stays as it was.
Imports (``apply_import``) check unique keys and references in SQL inside
that transaction, so an inventory is never loaded whole to add records.
Reads use a cursor per call, so Streamlit threads can query concurrently.

A file is written only when it is ours: a missing path, an empty file, a DuckDB
database without any table, or one whose ``meta`` says :data:`APP_ID` (or, written
before that key existed, holds ``schema_version`` and ``inventories``). Any other
file is refused before anything is written (``store.hint.not_ours``). A file or
folder we may not write gets ``store.hint.cannot_write``; ``read_only=True``
opens an existing store without writing (listing, exports).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from ecosystem.storage import changelog, derived
from ecosystem import model
from ecosystem.geo import LEVELS, Geography

from ecosystem import ROOT
DB_ENV = "ECOSYSTEM_DB"
DEFAULT_DB = ROOT / "data" / "ecosystem.duckdb"
SCHEMA_VERSION = 1
#: ``meta.application`` of our stores (DuckDB) and of ``eco_meta`` (PostgreSQL)
APP_ID = "ecosystem-dashboard"
NAME_RE = re.compile(r"^[^\x00-\x1f]{1,80}$")


#: SQL rank of a member's role (``ecosystem.access.ROLES``, least to most)
_ROLE_RANK = "CASE m.role WHEN 'admin' THEN 3 WHEN 'editor' THEN 2 WHEN 'viewer' THEN 1 ELSE 0 END"

#: the audit of members and visibility (``access_log``): who changed whose role, when
ACCESS_LOG_COLUMNS = ("seq", "changed_at", "inv_id", "actor_id", "actor_label", "action", "user_id",
                      "old_value", "new_value")
ACCESS_LOG_DDL = ("seq BIGINT, changed_at TIMESTAMP, inv_id INTEGER, actor_id VARCHAR, actor_label VARCHAR, "
                  "action VARCHAR, user_id VARCHAR, old_value VARCHAR, new_value VARCHAR")


def _log_access(con, inv_id: int | None, by_id: str, by_label: str, action: str, user_id, old, new) -> None:
    """One row of ``access_log`` (inside the write's transaction)."""
    seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM access_log").fetchall()[0][0]
    con.execute("INSERT INTO access_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, _now(), inv_id, by_id or "", by_label or "", action, user_id, old, new])


class StoreError(RuntimeError):
    """A store problem the user can fix; ``hint`` says how (an i18n key)."""

    def __init__(self, message: str, hint: str = "store.hint.generic", **params):
        super().__init__(message)
        self.hint = hint
        self.params = params


def not_ours(where: str) -> StoreError:
    return StoreError(f"not an inventory database of this app (no meta table with application "
                      f"{APP_ID!r}), left untouched: {where}", "store.hint.not_ours", path=where)


def cannot_write(path, detail: str = "") -> StoreError:
    return StoreError(f"cannot write to {path}" + (f": {detail}" if detail else ""),
                      "store.hint.cannot_write", path=str(path))


def _writable_dir(folder: Path) -> bool:
    """Whether files can be created in ``folder`` (or in its first existing parent)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def _can_write(path: Path) -> bool:
    """Whether we may write the database file ``path`` (and its WAL beside it)."""
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return False
    return _writable_dir(path.parent)


class InventoryNotFound(StoreError):
    def __init__(self, name: str):
        super().__init__(f"inventory not found: {name!r}", "store.hint.not_found", name=name)


class InventoryExists(StoreError):
    def __init__(self, name: str):
        super().__init__(f"an inventory named {name!r} already exists", "store.hint.exists",
                         name=name)


def default_path() -> Path:
    return Path(os.environ.get(DB_ENV, DEFAULT_DB))


@dataclass(frozen=True)
class InventoryRef:
    """Where an inventory's tables are, for SQL analytics."""

    id: int
    name: str
    version: int
    synthetic: bool
    #: what the acting user may see (:func:`ecosystem.access.ref_for`): actor-level
    #: records (cards, points, lists) and personal fields; analyses check these
    records: bool = True
    personal: bool = True

    def table(self, kind: str) -> str:
        if kind not in model.TABLES:
            raise KeyError(kind)
        return f"inv_{self.id}__{kind}"

    def derived(self, kind: str) -> str:
        """Analysis table of this inventory (see :mod:`ecosystem.storage.derived`)."""
        if kind not in derived.DERIVED:
            raise KeyError(kind)
        return derived.name(self.id, kind)

    @property
    def actors(self) -> str:
        return self.table("actors")

    @property
    def projects(self) -> str:
        return self.table("projects")

    @property
    def cache_key(self) -> tuple:
        return (self.id, self.version)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _parts(data):
    """A table to insert, or an iterable of them (chunks of a large import)."""
    if isinstance(data, (pd.DataFrame, pa.Table, pa.RecordBatchReader)):
        return [data]
    return data


def _types(con, relation: str) -> dict[str, str]:
    """Column types of a registered relation."""
    return {r[0]: str(r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()}


def select_list(table: model.Table, types: dict[str, str] | None = None) -> str:
    """SELECT expressions turning a flat DataFrame into typed columns (columns that
    already have the store's type, lists included, are taken as they are)."""
    exprs = []
    types = types or {}
    for col in table.columns:
        name = f'"{col.name}"'
        if types and col.name not in types:  # an optional column the data does not have
            exprs.append(f"CAST(NULL AS {col.sql_type}) AS {name}")
        elif types.get(col.name) == col.sql_type:
            exprs.append(name)
        elif col.kind == "list":
            exprs.append(
                f"CASE WHEN {name} IS NULL OR trim(CAST({name} AS VARCHAR)) = '' THEN NULL "
                f"ELSE list_filter(list_transform(string_split(CAST({name} AS VARCHAR), "
                f"'{model.voc.LIST_SEP}'), lambda x: trim(x)), lambda x: x <> '') END AS {name}")
        else:
            exprs.append(f"CAST({name} AS {col.sql_type}) AS {name}")
    return ", ".join(exprs)


class Store:
    """DuckDB-backed inventories. Thread-safe: one writer at a time, readers in parallel."""

    backend = "duckdb"
    #: imports write their change set to the change log (benchmarks turn it off to compare)
    change_log = True

    def __init__(self, path: str | Path | None = None, geo: Geography | None = None,
                 read_only: bool = False):
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        self._lock = threading.RLock()
        self._geo = geo
        self._prepare_path()
        self.con = self._connect()
        try:
            self._check_ours()
        except BaseException:
            self.con.close()
            raise
        self._views: dict[tuple, tuple[dict[str, str], float]] = {}  # see view_sets
        self._view_seq = 0
        if not read_only:
            self._check_schema(missing_ok=True)
            self._init_schema()
        self._check_schema()
        if not read_only:
            self._sync_geography()
            self._add_new_columns()

    # ------------------------------------------------------------- connection
    def _prepare_path(self) -> None:
        """Refuse what we may not write, before DuckDB touches the path; an empty
        file is removed (DuckDB refuses it; there is nothing to lose)."""
        path = self.path
        if str(path) == ":memory:":
            return
        if path.is_dir():
            raise not_ours(str(path))
        if self.read_only:
            if not path.exists():
                raise StoreError(f"no database at {path}", "store.hint.missing", path=str(path))
            return
        if not _can_write(path):
            raise cannot_write(path)
        if path.exists():
            if path.stat().st_size == 0:
                path.unlink()
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise cannot_write(path, exc.strerror or str(exc)) from exc

    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            con = duckdb.connect(str(self.path), read_only=self.read_only)
            con.execute("SET enable_progress_bar = false")
            return con
        except duckdb.IOException as exc:
            text = str(exc)
            if "permission denied" in text.lower() or "read-only file system" in text.lower():
                raise cannot_write(self.path, text) from exc
            if "lock" in text.lower():
                raise StoreError(f"database locked: {self.path}: {text}", "store.hint.locked",
                                 path=str(self.path)) from exc
            raise StoreError(f"database unreadable: {self.path}: {text}", "store.hint.corrupt",
                             path=str(self.path)) from exc
        except duckdb.Error as exc:
            raise StoreError(f"database unreadable: {self.path}: {exc}", "store.hint.corrupt",
                             path=str(self.path)) from exc

    def close(self) -> None:
        self.con.close()

    # ------------------------------------------------------------- view cache
    #: views kept materialised; one unused for VIEW_IDLE_S seconds can be dropped
    VIEW_CACHE = 16
    VIEW_IDLE_S = 60.0

    def view_sets(self, ref: InventoryRef, filters) -> dict[str, str] | None:
        """Tables holding the filtered sets (``fp``, ``fm``, ``fa``) of ``filters`` (an
        :class:`ecosystem.analysis.view.Filters`, whose ``statements()`` build them)
        over inventory ``ref`` at its revision, materialised on first use in an
        in-memory database attached to the store's connection (seen by every
        cursor, so by every session). At most :attr:`VIEW_CACHE` views are kept:
        beyond that the least recently used ones idle for :attr:`VIEW_IDLE_S`
        seconds are dropped (a view in use is never dropped under a running
        query). ``None`` on a read-only store: the caller computes the sets in
        its query."""
        if self.read_only:
            return None
        import time

        key = (ref.cache_key, filters.cache_key())
        with self._lock:
            now = time.monotonic()
            hit = self._views.get(key)
            if hit is not None:
                self._views[key] = (hit[0], now)
                return hit[0]
            # a territory's sets are made from the derived tables (stored by
            # territory); all France is predicates (see View.sql); as of a year with a
            # project-side filter, from all France's participations (Filters.base_filters)
            wider = filters.base_filters() if hasattr(filters, "base_filters") else None
            base = self.view_sets(ref, wider) if wider is not None else None
            if not self._views:
                self.con.execute("ATTACH IF NOT EXISTS ':memory:' AS eco_view")
            self._view_seq += 1
            prefix = f"eco_view.v{self._view_seq}_"
            names = {}
            with self._cursor() as cur:
                try:
                    for name, statement, params in filters.statements(ref, prefix, base):
                        cur.execute(statement, params)
                        names[name] = prefix + name
                except BaseException:
                    for table in names.values():
                        cur.execute(f"DROP TABLE IF EXISTS {table}")
                    raise
            self._views[key] = (names, now)
            self._evict(now)
            return names

    def _evict(self, now: float) -> None:
        over = len(self._views) - self.VIEW_CACHE
        if over <= 0:
            return
        idle = sorted((key for key, (_, used) in self._views.items()
                       if now - used >= self.VIEW_IDLE_S), key=lambda k: self._views[k][1])
        for key in idle[:over]:
            names, _ = self._views.pop(key)
            for table in names.values():
                self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def _cursor(self):
        cur = self.con.cursor()
        cur.execute("SET enable_progress_bar = false")
        try:
            yield cur
        finally:
            cur.close()

    def query(self, sql: str, params=None) -> pd.DataFrame:
        """Run a read query on a fresh cursor (safe from any thread)."""
        with self._cursor() as cur:
            return cur.execute(sql, params or []).df()

    def arrow(self, sql: str, params=None):
        with self._cursor() as cur:
            return cur.sql(sql, params=params or None).to_arrow_table()

    def scalar(self, sql: str, params=None):
        with self._cursor() as cur:
            row = cur.execute(sql, params or []).fetchone()
            return row[0] if row else None

    @contextmanager
    def transaction(self):
        """One write transaction on the main connection; rolled back on any error."""
        if self.read_only:
            raise cannot_write(self.path, "opened read-only")
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise

    # ----------------------------------------------------------------- schema
    def _has_table(self, name: str) -> bool:
        try:
            return bool(self.scalar("SELECT count(*) FROM information_schema.tables "
                                    "WHERE table_name = ?", [name]))
        except duckdb.Error as exc:
            raise StoreError(f"database unreadable: {self.path}: {exc}", "store.hint.corrupt",
                             path=str(self.path)) from exc

    def _check_ours(self) -> None:
        """Refuse (before any write) a database that is not one of our stores."""
        try:
            tables = {r[0] for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables").fetchall()}
            if not tables and not self.read_only:
                return  # a new database: ours to create
            if "meta" in tables:
                meta = dict(self.con.execute(
                    "SELECT CAST(key AS VARCHAR), CAST(value AS VARCHAR) FROM meta "
                    "WHERE key IN ('application', 'schema_version')").fetchall())
                if meta.get("application") == APP_ID:
                    return
                if "application" not in meta and "schema_version" in meta and \
                        "inventories" in tables:
                    return  # written before the application id: adopted on first write
        except duckdb.Error as exc:
            raise not_ours(str(self.path)) from exc
        raise not_ours(str(self.path))

    def _init_schema(self) -> None:
        try:
            with self.transaction() as con:
                con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
                con.execute("""CREATE TABLE IF NOT EXISTS inventories (
                    id INTEGER PRIMARY KEY, name VARCHAR UNIQUE NOT NULL, description VARCHAR,
                    synthetic BOOLEAN NOT NULL DEFAULT FALSE, source VARCHAR,
                    version INTEGER NOT NULL DEFAULT 1, created_at TIMESTAMP, updated_at TIMESTAMP,
                    n_actors BIGINT DEFAULT 0, n_projects BIGINT DEFAULT 0)""")
                con.execute("INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                            [str(SCHEMA_VERSION)])
                con.execute("INSERT INTO meta VALUES ('application', ?) ON CONFLICT DO NOTHING",
                            [APP_ID])
                self._init_access(con)
                changelog.ddl(con)
        except duckdb.Error as exc:
            raise StoreError(f"database unreadable: {self.path}: {exc}", "store.hint.corrupt",
                             path=str(self.path)) from exc

    def _check_schema(self, missing_ok: bool = False) -> None:
        if missing_ok and not self._has_table("meta"):
            return
        try:
            version = self.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        except duckdb.Error as exc:
            raise StoreError(f"not an inventory store: {self.path}: {exc}", "store.hint.corrupt",
                             path=str(self.path)) from exc
        if version is None or int(version) > SCHEMA_VERSION:
            raise StoreError(f"schema version {version} not supported (expected {SCHEMA_VERSION})",
                             "store.hint.version", path=str(self.path))

    def _add_new_columns(self) -> None:
        """Model columns declared after an inventory was written (e.g. ``closing_year``
        and the stage years of issue 14, the personal fields of issue 13, ``ess_family``)
        are added to its tables, empty; its derived tables are rebuilt so the analyses
        see them. One transaction; nothing to do on an up-to-date store."""
        have: dict[str, set[str]] = {}
        for tbl, col in self.con.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_name LIKE 'inv\\_%\\_\\_%' ESCAPE '\\'").fetchall():
            have.setdefault(tbl, set()).add(col)
        ids = [r[0] for r in self.con.execute("SELECT id FROM inventories").fetchall()]
        todo = [(inv_id, f"inv_{inv_id}__{kind}", c) for inv_id in ids
                for kind, table in model.TABLES.items() if f"inv_{inv_id}__{kind}" in have
                for c in table.columns if c.name not in have[f"inv_{inv_id}__{kind}"]]
        if not todo:
            return
        with self.transaction() as con:
            for _, name, c in todo:
                con.execute(f'ALTER TABLE {name} ADD COLUMN IF NOT EXISTS "{c.name}" {c.sql_type}')
            for inv_id in sorted({i for i, _, _ in todo}):
                derived.build(con, inv_id)

    @property
    def schema_version(self) -> int:
        return int(self.scalar("SELECT value FROM meta WHERE key = 'schema_version'"))

    @property
    def geo(self) -> Geography:
        if self._geo is None:
            self._geo = Geography()
        return self._geo

    def _sync_geography(self) -> None:
        """Load data/geo into geo_* tables when missing or when the files changed."""
        geo_dir = self.geo.root
        digest = hashlib.sha256((geo_dir / "meta.json").read_bytes()).hexdigest()
        if self.scalar("SELECT value FROM meta WHERE key = 'geo_digest'") == digest:
            return
        communes = self.geo.communes.reset_index(drop=True)[
            ["code", "name", "dep", "reg", "epci", "population", "lat", "lon", "area_km2"]]
        frames = []
        for level in LEVELS:
            tb = self.geo.table(level).reset_index(drop=True)
            frames.append(pd.DataFrame({
                "level": level, "code": tb.code, "name": tb.name,
                "population": tb.population.astype("Int64"),
                "reg": tb["reg"] if "reg" in tb else (tb.code if level == "region" else None),
                "dep": tb["dep"] if "dep" in tb else (tb.code if level == "departement" else None),
                "lat": tb.lat, "lon": tb.lon, "area_km2": tb.area_km2}))
        territories = pd.concat(frames, ignore_index=True)
        with self.transaction() as con:
            con.register("_communes", communes)
            con.register("_territories", territories)
            con.execute("CREATE OR REPLACE TABLE geo_communes AS SELECT * FROM _communes")
            con.execute("CREATE OR REPLACE TABLE geo_territories AS SELECT * FROM _territories")
            con.unregister("_communes")
            con.unregister("_territories")
            con.execute("INSERT OR REPLACE INTO meta VALUES ('geo_digest', ?)", [digest])
            # analysis tables carry geography codes: rebuild them
            for (inv_id,) in con.execute("SELECT id FROM inventories").fetchall():
                derived.build(con, inv_id)

    # ------------------------------------------------------------ inventories
    def list(self) -> pd.DataFrame:
        return self.query("SELECT name, description, synthetic, source, version, n_actors, "
                          "n_projects, created_at, updated_at FROM inventories ORDER BY name")

    def names(self) -> list[str]:
        return self.list().name.tolist()

    def exists(self, name: str) -> bool:
        return bool(self.scalar("SELECT count(*) FROM inventories WHERE name = ?", [name]))

    def ref(self, name: str) -> InventoryRef:
        with self._cursor() as cur:
            row = cur.execute("SELECT id, name, version, synthetic FROM inventories WHERE name = ?",
                              [name]).fetchone()
        if row is None:
            raise InventoryNotFound(name)
        ref = InventoryRef(*row)
        self.ensure_derived(ref)
        return ref

    def ensure_derived(self, ref: InventoryRef) -> None:
        """Build the derived statistics of an inventory if a store written by an
        older version of the code lacks them (they are normally built on save)."""
        if not derived.exists(self, ref.id) and not self.read_only:
            with self.transaction() as con:
                derived.build(con, ref.id)

    def info(self, name: str) -> dict:
        df = self.query("SELECT * FROM inventories WHERE name = ?", [name])
        if df.empty:
            raise InventoryNotFound(name)
        return df.iloc[0].to_dict()

    @staticmethod
    def _check_name(name: str) -> str:
        name = (name or "").strip()
        if not NAME_RE.match(name):
            raise StoreError(f"invalid inventory name {name!r}", "store.hint.bad_name")
        return name

    def create(self, name: str, data: model.InventoryData | None = None, *, description: str = "",
               synthetic: bool = False, source: str = "", validate: bool = True,
               log: dict | None = None) -> InventoryRef:
        """Create a named inventory (empty, or holding ``data``) in one transaction.
        ``log`` (:func:`changelog.context`): the records are logged as that change
        set's inserts (``ecosystem.writes.create`` passes the acting user's)."""
        name = self._check_name(name)
        data = data if data is not None else model.InventoryData()
        if validate:
            data = self._validated(data)
        with self.transaction() as con:
            new_id, now = self._new_id(con, name), _now()
            con.execute("INSERT INTO inventories (id, name, description, synthetic, source, version, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
                        [new_id, name, description, synthetic, source, now, now])
            self._write_tables(con, new_id, data)
            if log is not None:
                for kind, df in data.tables().items():
                    if not df.empty:
                        changelog.log_inserted(con, log, new_id, kind, f"inv_{new_id}__{kind}", -1)
        return self.ref(name)

    def save(self, name: str, data: model.InventoryData, *, validate: bool = True,
             description: str | None = None) -> InventoryRef:
        """Replace the whole content of an inventory; the old version survives any failure."""
        ref = self.ref(name)
        if validate:
            data = self._validated(data)
        with self.transaction() as con:
            self._write_tables(con, ref.id, data)
            con.execute("UPDATE inventories SET version = version + 1, updated_at = ?, "
                        "description = coalesce(?, description) WHERE id = ?",
                        [_now(), description, ref.id])
        return self.ref(name)

    def append(self, name: str, data: model.InventoryData, *, validate: bool = True,
               log: dict | None = None) -> InventoryRef:
        """Add records to an inventory in one transaction.

        The new records are validated on their own (types, vocabularies,
        formats); ids already present and references to missing records are
        then checked in SQL against the whole inventory, inside the write
        transaction, so the inventory is never loaded. Deduplication happens
        before, in the ingest pipeline, where the user reviews merges.
        """
        if validate:
            issues = []
            checked = {}
            for kind, df in data.tables().items():
                if not df.empty:
                    checked[kind], found = model.validate_table(kind, df)
                    issues += found
            if issues:
                raise model.ValidationError(issues)
        else:
            checked = {k: v for k, v in data.tables().items() if not v.empty}
        frames = {k: model.conform(k, v).reset_index(drop=True) for k, v in checked.items()}
        return self.apply_import(name, frames, log=log)

    def apply_import(self, name: str, inserts: dict, updates: dict | None = None, *,
                     create: bool = False, overwrite: bool = False, description: str = "",
                     source: str = "", log: dict | None = None) -> InventoryRef:
        """Write an import in one transaction: create the inventory (``create``), update
        existing records from ``updates`` (merges: empty fields filled, or every field
        overwritten with ``overwrite``), insert ``inserts``; then check in SQL that keys
        are unique and references exist. Tables are DataFrames, Arrow tables or record
        batch readers with the model's columns (flat values, or the store's types), or
        iterables of them (chunks). Any failure rolls back.

        The change log gets one change set (``log``: :func:`changelog.context`, an
        anonymous import by default): one ``insert`` row per new record, one
        ``update`` row (origin ``merge``) per field a merge changes, in bulk SQL."""
        updates = updates or {}
        if self.change_log and log is None:
            log = changelog.context("import")
        with self.transaction() as con:
            if create:
                name = self._check_name(name)
                inv_id, now = self._new_id(con, name), _now()
                con.execute("INSERT INTO inventories (id, name, description, synthetic, source, version, "
                            "created_at, updated_at) VALUES (?, ?, ?, FALSE, ?, 1, ?, ?)",
                            [inv_id, name, description, source, now, now])
                for kind, table in model.TABLES.items():
                    # plain DDL: in DuckDB 2.0 a table made by an empty CREATE TABLE AS in this
                    # transaction does not show the rows bulk-inserted after it (tests cover it)
                    cols = ", ".join(f'"{c.name}" {c.sql_type}' for c in table.columns)
                    con.execute(f"CREATE TABLE inv_{inv_id}__{kind} ({cols})")
            else:
                rows = con.execute("SELECT id FROM inventories WHERE name = ?", [name]).fetchall()
                if not rows:
                    raise InventoryNotFound(name)
                inv_id = rows[0][0]
            for kind, table in model.TABLES.items():
                target = f"inv_{inv_id}__{kind}"
                if kind in updates:
                    con.register("_upd", updates[kind])
                    key = " AND ".join(f't."{k}" = u."{k}"' for k in table.key)
                    exprs = {c: (f'coalesce(u."{c}", t."{c}")' if overwrite else f'coalesce(t."{c}", u."{c}")')
                             for c in table.column_names if c not in table.key}
                    sets = ", ".join(f'"{c}" = {e}' for c, e in exprs.items())
                    new = f"(SELECT {select_list(table, _types(con, '_upd'))} FROM _upd)"
                    if log is not None:
                        changelog.log_updates(con, log, inv_id, kind, target, new, key, exprs)
                    con.execute(f"UPDATE {target} t SET {sets} FROM {new} u WHERE {key}")
                    con.unregister("_upd")
                if kind in inserts and log is not None:
                    last = changelog.max_rowid(con, target)
                if kind in inserts:
                    for part in _parts(inserts[kind]):
                        con.register("_ins", part)
                        con.execute(f"INSERT INTO {target} SELECT {select_list(table, _types(con, '_ins'))} "
                                    "FROM _ins")
                        con.unregister("_ins")
                    if log is not None:
                        changelog.log_inserted(con, log, inv_id, kind, target, last)
                if kind in inserts or kind in updates:
                    self._after_table_written(kind)
            issues = self._integrity(con, inv_id, set(inserts) | set(updates))
            if issues:
                raise model.ValidationError(issues)
            derived.build(con, inv_id)
            self._update_counts(con, inv_id)
            con.execute("UPDATE inventories SET version = version + 1, updated_at = ? WHERE id = ?",
                        [_now(), inv_id])
        return self.ref(name)

    @staticmethod
    def _integrity(con, inv_id: int, kinds: set[str], limit: int = 20) -> list[model.Issue]:
        """Keys repeated and references to nothing, in SQL over the written tables."""
        issues = []
        for kind in kinds:
            table = model.TABLES[kind]
            key = ", ".join(f'"{k}"' for k in table.key)
            check = "unique" if len(table.key) == 1 else "duplicate_key"
            params = () if len(table.key) == 1 else (("key", ", ".join(table.key)),)
            for (value,) in con.execute(f'SELECT CAST("{table.key[-1]}" AS VARCHAR) FROM inv_{inv_id}__{kind} '
                                        f"GROUP BY {key} HAVING count(*) > 1 LIMIT {limit}").fetchall():
                issues.append(model.Issue(kind, None, table.key[-1], value, check, params))
        for kind, column, target, tcol in model.REFERENCES:
            if kind not in kinds and target not in kinds:
                continue
            if not con.execute(f"SELECT count(*) FROM inv_{inv_id}__{kind}").fetchall()[0][0]:
                continue
            for (value,) in con.execute(
                    f'SELECT DISTINCT "{column}" FROM inv_{inv_id}__{kind} WHERE "{column}" IS NOT NULL '
                    f'AND "{column}" NOT IN (SELECT "{tcol}" FROM inv_{inv_id}__{target}) LIMIT {limit}'
            ).fetchall():
                issues.append(model.Issue(kind, None, column, value, "unknown_ref", (("target", target),)))
        return issues

    @staticmethod
    def _new_id(con, name: str) -> int:
        """The id of a new inventory called ``name`` (refused if the name is taken)."""
        if con.execute("SELECT count(*) FROM inventories WHERE name = ?", [name]).fetchone()[0]:
            raise InventoryExists(name)
        return con.execute("SELECT coalesce(max(id), 0) + 1 FROM inventories").fetchone()[0]

    def copy(self, src: str, dst: str) -> InventoryRef:
        ref = self.ref(src)
        dst = self._check_name(dst)
        with self.transaction() as con:
            new_id, now = self._new_id(con, dst), _now()
            con.execute("INSERT INTO inventories SELECT ?, ?, description, synthetic, source, 1, ?, ?, "
                        "n_actors, n_projects FROM inventories WHERE id = ?",
                        [new_id, dst, now, now, ref.id])
            for kind in model.TABLES:
                con.execute(f"CREATE TABLE inv_{new_id}__{kind} AS SELECT * FROM {ref.table(kind)}")
            derived.build(con, new_id)
        return self.ref(dst)

    def rename(self, old: str, new: str, *, by_id: str = "", by_label: str = "") -> InventoryRef:
        """Rename an inventory; the change is written to its ``access_log`` (``rename``,
        old and new names; ``by_id``, ``by_label``: who)."""
        ref = self.ref(old)
        new = self._check_name(new)
        with self.transaction() as con:
            if con.execute("SELECT count(*) FROM inventories WHERE name = ? AND id <> ?",
                           [new, ref.id]).fetchone()[0]:
                raise InventoryExists(new)
            con.execute("UPDATE inventories SET name = ?, updated_at = ? WHERE id = ?",
                        [new, _now(), ref.id])
            if new != ref.name:
                _log_access(con, ref.id, by_id, by_label, "rename", None, ref.name, new)
        return self.ref(new)

    def delete(self, name: str, *, by_id: str = "", by_label: str = "") -> None:
        """Delete an inventory with its members, change log and proposals; one row of
        ``access_log`` without inventory (``inv_id`` NULL: ids are reused) keeps who
        deleted it and its name (:meth:`deletions`)."""
        ref = self.ref(name)
        with self.transaction() as con:
            _log_access(con, None, by_id, by_label, "delete", None, ref.name, None)
            for kind in model.TABLES:
                con.execute(f"DROP TABLE IF EXISTS {ref.table(kind)}")
            derived.drop(con, ref.id)
            con.execute("DELETE FROM inventories WHERE id = ?", [ref.id])
            self._drop_access(con, ref.id)  # ids are reused: no member may survive
            con.execute("DELETE FROM change_log WHERE inv_id = ?", [ref.id])
            con.execute("DELETE FROM proposals WHERE inv_id = ?", [ref.id])
            changelog.touch_proposals(con)

    def load(self, name: str) -> model.InventoryData:
        """Whole inventory as flat DataFrames (lists joined with ``;``)."""
        ref = self.ref(name)
        out = {}
        for kind, table in model.TABLES.items():
            cols = ", ".join(
                f"array_to_string(\"{c.name}\", '{model.voc.LIST_SEP}') AS \"{c.name}\""
                if c.kind == "list" else f'"{c.name}"' for c in table.columns)
            df = self.query(f"SELECT {cols} FROM {ref.table(kind)}")
            out[kind] = df.astype({c.name: c.pandas_dtype for c in table.columns})
        return model.InventoryData(**out)

    # ----------------------------------------------------------------- access
    # Members and visibility of each inventory (decided in ecosystem.access, guarded
    # in ecosystem.members); tables added to older files when opened for writing.
    ACCESS_TABLES = ("members", "inventory_access")

    @staticmethod
    def _init_access(con) -> None:
        """Create the access tables (the model's newer columns, personal fields
        among them, are added by :meth:`_add_new_columns`, which rebuilds the
        derived tables too)."""
        con.execute("""CREATE TABLE IF NOT EXISTS members (
            inv_id INTEGER NOT NULL, user_id VARCHAR NOT NULL, email VARCHAR, role VARCHAR NOT NULL,
            granted_by VARCHAR, granted_at TIMESTAMP, PRIMARY KEY (inv_id, user_id))""")
        con.execute("CREATE TABLE IF NOT EXISTS inventory_access (inv_id INTEGER PRIMARY KEY, "
                    "visibility VARCHAR NOT NULL)")
        con.execute(f"CREATE TABLE IF NOT EXISTS access_log ({ACCESS_LOG_DDL})")

    @staticmethod
    def _drop_access(con, inv_id: int) -> None:
        con.execute("DELETE FROM members WHERE inv_id = ?", [inv_id])
        con.execute("DELETE FROM inventory_access WHERE inv_id = ?", [inv_id])
        con.execute("DELETE FROM access_log WHERE inv_id = ?", [inv_id])

    def _access_ready(self) -> bool:
        """False on a read-only file written before the access tables."""
        return self._has_table("members")

    def member_role(self, inventory: str, user_id: str, email: str = "") -> str | None:
        """The role of ``user_id`` on ``inventory`` (a grant made to the user's verified
        ``email`` counts too); None when not a member."""
        if not user_id or not self._access_ready():
            return None
        return self.scalar(  # the highest of the user's grants (by id and by e-mail)
            f"SELECT m.role FROM members m JOIN inventories i ON i.id = m.inv_id "
            f"WHERE i.name = ? AND (m.user_id = ? OR (? <> '' AND m.user_id = lower(?))) "
            f"ORDER BY {_ROLE_RANK} DESC LIMIT 1", [inventory, user_id, email or "", email or ""])

    def visibility(self, inventory: str) -> str:
        """``private`` (default), ``public_aggregates`` or ``public``."""
        if not self._access_ready():
            return "private"
        value = self.scalar("SELECT a.visibility FROM inventory_access a JOIN inventories i "
                            "ON i.id = a.inv_id WHERE i.name = ?", [inventory])
        return value or "private"

    def visibilities(self) -> dict[str, str]:
        """Every inventory's visibility, by name."""
        names = self.names()
        if not self._access_ready():
            return dict.fromkeys(names, "private")
        rows = dict(self.query("SELECT i.name, a.visibility FROM inventories i JOIN "
                               "inventory_access a ON a.inv_id = i.id").itertuples(index=False))
        return {n: rows.get(n, "private") for n in names}

    def member_roles(self, user_id: str, email: str = "") -> dict[str, str]:
        """The inventories ``user_id`` (or a grant to ``email``) is a member of, with the role."""
        if not user_id or not self._access_ready():
            return {}
        rows = self.query(
            f"SELECT i.name, arg_max(m.role, {_ROLE_RANK}) AS role FROM members m "
            f"JOIN inventories i ON i.id = m.inv_id "
            f"WHERE m.user_id = ? OR (? <> '' AND m.user_id = lower(?)) GROUP BY i.name",
            [user_id, email or "", email or ""])
        return dict(zip(rows.name, rows.role))

    def members(self, inventory: str) -> pd.DataFrame:
        """Members of ``inventory``: user_id, email, role, granted_by, granted_at."""
        ref = self.ref(inventory)
        if not self._access_ready():
            return pd.DataFrame(columns=["user_id", "email", "role", "granted_by", "granted_at"])
        return self.query("SELECT user_id, email, role, granted_by, granted_at FROM members "
                          "WHERE inv_id = ? ORDER BY user_id", [ref.id])

    def put_member(self, inventory: str, user_id: str, role: str, *, email: str = "",
                   granted_by: str = "", by_id: str = "") -> None:
        """Grant (or change) a role; unguarded: call :func:`ecosystem.members.grant`.
        A change is written to ``access_log`` (``by_id``, ``granted_by``: who)."""
        ref = self.ref(inventory)
        with self.transaction() as con:
            old = con.execute("SELECT role FROM members WHERE inv_id = ? AND user_id = ?",
                              [ref.id, user_id]).fetchall()
            con.execute("INSERT OR REPLACE INTO members VALUES (?, ?, ?, ?, ?, ?)",
                        [ref.id, user_id, email or None, role, granted_by, _now()])
            if not old or old[0][0] != role:
                _log_access(con, ref.id, by_id, granted_by, "grant", user_id,
                            old[0][0] if old else None, role)

    def drop_member(self, inventory: str, user_id: str, *, by_id: str = "", by_label: str = "") -> int:
        """Remove a member; unguarded: call :func:`ecosystem.members.revoke`. Returns
        the number of grants removed (0 or 1); a removal is written to ``access_log``."""
        ref = self.ref(inventory)
        with self.transaction() as con:
            old = con.execute("SELECT role FROM members WHERE inv_id = ? AND user_id = ?",
                              [ref.id, user_id]).fetchall()
            con.execute("DELETE FROM members WHERE inv_id = ? AND user_id = ?", [ref.id, user_id])
            if old:
                _log_access(con, ref.id, by_id, by_label, "revoke", user_id, old[0][0], None)
        return len(old)

    def put_visibility(self, inventory: str, visibility: str, *, by_id: str = "",
                       by_label: str = "") -> None:
        """Set the visibility; unguarded: call :func:`ecosystem.members.set_visibility`.
        A change is written to ``access_log``."""
        ref = self.ref(inventory)
        with self.transaction() as con:
            old = con.execute("SELECT visibility FROM inventory_access WHERE inv_id = ?",
                              [ref.id]).fetchall()
            old = old[0][0] if old else "private"
            con.execute("INSERT OR REPLACE INTO inventory_access VALUES (?, ?)",
                        [ref.id, visibility])
            if old != visibility:
                _log_access(con, ref.id, by_id, by_label, "visibility", None, old, visibility)

    def access_history(self, inventory: str) -> pd.DataFrame:
        """Role and visibility changes of ``inventory``, newest first: ``changed_at``, who
        (``actor_id``, ``actor_label``), ``action`` (grant, revoke, visibility), the
        member (``user_id``), the role or visibility before and after. Unguarded:
        call :func:`ecosystem.members.history`."""
        ref = self.ref(inventory)
        if not self._has_table("access_log"):
            return pd.DataFrame(columns=list(ACCESS_LOG_COLUMNS))
        df = self.query(f"SELECT {', '.join(ACCESS_LOG_COLUMNS)} FROM access_log "
                        "WHERE inv_id = ? ORDER BY seq DESC", [ref.id])
        for col in ("user_id", "old_value", "new_value"):  # empty: None, not NaN
            df[col] = df[col].astype(object).where(df[col].notna(), None)
        return df

    def deletions(self) -> pd.DataFrame:
        """Inventories deleted, newest first (``access_log`` rows without inventory):
        ``changed_at``, who, the name (``old_value``). Unguarded: call
        :func:`ecosystem.members.deletions`."""
        if not self._has_table("access_log"):
            return pd.DataFrame(columns=list(ACCESS_LOG_COLUMNS))
        return self.query(f"SELECT {', '.join(ACCESS_LOG_COLUMNS)} FROM access_log "
                          "WHERE inv_id IS NULL AND action = 'delete' ORDER BY seq DESC")

    def erase_personal(self, inventory: str, match: str) -> pd.DataFrame:
        """Blank every personal field (``model.Col.personal``) of the records where one of
        them equals ``match`` (case and surrounding blanks ignored), in one transaction.
        Unguarded: call :func:`ecosystem.privacy.erase`. Returns what was erased: table,
        record key, column (never the erased value)."""
        ref = self.ref(inventory)
        needle = (match or "").strip().lower()
        found = []
        if not needle:
            return pd.DataFrame(columns=["table", "key", "column"])
        with self.transaction() as con:
            for kind, table in model.TABLES.items():
                cols = [c.name for c in table.columns if c.personal]
                if not cols:
                    continue
                name = f"inv_{ref.id}__{kind}"
                hit = " OR ".join(f'lower(trim("{c}")) = ?' for c in cols)
                key = " || '|' || ".join(f'CAST("{k}" AS VARCHAR)' for k in table.key)
                rows = con.execute(
                    f"SELECT {key}, " + ", ".join(f'"{c}" IS NOT NULL' for c in cols) +
                    f" FROM {name} WHERE {hit} ORDER BY 1", [needle] * len(cols)).fetchall()
                for r in rows:
                    found += [(kind, r[0], c) for c, filled in zip(cols, r[1:]) if filled]
                if rows:
                    con.execute(f"UPDATE {name} SET " + ", ".join(f'"{c}" = NULL' for c in cols) +
                                f" WHERE {hit}", [needle] * len(cols))
            if found:
                derived.build(con, ref.id)
                con.execute("UPDATE inventories SET version = version + 1, updated_at = ? "
                            "WHERE id = ?", [_now(), ref.id])
        return pd.DataFrame(found, columns=["table", "key", "column"])

    # ---------------------------------------------------------------- writing
    @staticmethod
    def _validated(data: model.InventoryData) -> model.InventoryData:
        coerced, issues = model.validate(data)
        if issues:
            raise model.ValidationError(issues)
        return coerced

    def _write_tables(self, con, inv_id: int, data: model.InventoryData) -> None:
        for kind, df in data.tables().items():
            table = model.TABLES[kind]
            frame = model.conform(kind, df).reset_index(drop=True)
            name = f"inv_{inv_id}__{kind}"
            con.execute(f"DROP TABLE IF EXISTS {name}")
            con.register("_df", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT {select_list(table)} FROM _df")
            con.unregister("_df")
            self._after_table_written(kind)
        derived.build(con, inv_id)
        self._update_counts(con, inv_id)

    def _after_table_written(self, kind: str) -> None:
        """Hook called inside the write transaction after each table (tests inject failures)."""

    @staticmethod
    def _update_counts(con, inv_id: int) -> None:
        con.execute(f"UPDATE inventories SET n_actors = (SELECT count(*) FROM inv_{inv_id}__actors), "
                    f"n_projects = (SELECT count(*) FROM inv_{inv_id}__projects) WHERE id = ?",
                    [inv_id])


__all__ = ["Store", "StoreError", "APP_ID", "InventoryNotFound", "InventoryExists", "InventoryRef",
           "default_path", "select_list", "SCHEMA_VERSION"]
