"""PostgreSQL backend for shared deployments (several app replicas, one database).

PostgreSQL holds the inventories; every replica computes on a local DuckDB
mirror, so analytics (indicators, maps, network) run the same SQL whatever the
backend. :class:`PostgresStore` is a :class:`~ecosystem.storage.store.Store` whose
write transactions are also PostgreSQL transactions:

1. take a cluster-wide advisory lock (one writer at a time across replicas);
2. bring the mirror up to date from PostgreSQL (``_pull``);
3. run the write on the mirror exactly as the DuckDB store does (validation,
   integrity checks, derived tables);
4. copy what changed to PostgreSQL (``_push``) and commit both.

Any failure rolls both back. Readers compare each inventory's ``revision``
(a UUID set by every write) with the mirror's and pull what changed, so a
replica sees another replica's import on its next page run.

PostgreSQL keeps flat tables (``eco_<kind>``, one row per record plus
``inv_id``; lists as ``;``-separated text), the catalogue ``eco_inventories``,
saved import mappings and the schema version. Choose it with
``ECOSYSTEM_DATABASE_URL=postgresql://…``; the mirror lives in
``$ECOSYSTEM_MIRROR`` (default ``data/pg-mirror-<hash>.duckdb``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg

from ecosystem.storage import changelog, derived, establishment_counts, zonings
from ecosystem import model
from ecosystem.geo import Geography
from ecosystem.storage.store import (ACCESS_LOG_COLUMNS, APP_ID, ROOT, SCHEMA_VERSION, Store, StoreError,
                                     select_list, not_ours)

URL_ENV = "ECOSYSTEM_DATABASE_URL"
MIRROR_ENV = "ECOSYSTEM_MIRROR"
LOCK_KEY = 4_242_001  # advisory lock id of the writers
CATALOG = ("id", "name", "description", "synthetic", "source", "version", "created_at",
           "updated_at", "n_actors", "n_projects")
NULL = "\\N"
PG_TYPES = {"str": "text", "int": "bigint", "float": "double precision", "bool": "boolean",
            "list": "text"}


def _pg_error(url: str, exc: Exception) -> StoreError:
    safe = url.split("@")[-1]  # never echo a password
    return StoreError(f"PostgreSQL unreachable ({safe}): {exc}", "store.hint.postgres", url=safe)


def default_mirror(url: str) -> Path:
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return Path(os.environ.get(MIRROR_ENV, ROOT / "data" / f"pg-mirror-{digest}.duckdb"))


class PostgresStore(Store):
    backend = "postgresql"

    def __init__(self, url: str, mirror: str | Path | None = None, geo: Geography | None = None):
        self.url = url
        self._ready = False  # DuckDB-only transactions while the mirror is set up
        self._check_server()
        super().__init__(mirror if mirror is not None else default_mirror(url), geo=geo)
        with self._duck_transaction() as con:
            con.execute("CREATE TABLE IF NOT EXISTS pg_sync (inv_id INTEGER PRIMARY KEY, "
                        "revision VARCHAR)")
        self._ready = True
        self._pull()

    # ------------------------------------------------------------ PostgreSQL
    def _pg(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as exc:
            raise _pg_error(self.url, exc) from exc

    def _check_pg_ours(self, pg) -> None:
        """The database's current schema is ours: empty, or holding ``eco_meta``
        with our application id (or, written before that key, ``schema_version``
        and ``eco_inventories``). Anything else is refused before any write."""
        tables = {r[0] for r in pg.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema()").fetchall()}
        if not tables:
            return
        if "eco_meta" in tables:
            try:
                with pg.transaction():  # a savepoint: a foreign eco_meta may not fit
                    meta = dict(pg.execute(
                        "SELECT key::text, value::text FROM eco_meta "
                        "WHERE key::text IN ('application', 'schema_version')").fetchall())
            except psycopg.Error:
                meta = {}
            if meta.get("application") == APP_ID:
                return
            if "application" not in meta and "schema_version" in meta and \
                    "eco_inventories" in tables:
                return
        raise not_ours(self.url.split("@")[-1])

    def _check_server(self) -> None:
        with self._pg() as pg, pg.transaction():
            pg.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            self._check_pg_ours(pg)
            pg.execute("CREATE TABLE IF NOT EXISTS eco_meta (key text PRIMARY KEY, value text)")
            pg.execute("INSERT INTO eco_meta VALUES ('schema_version', %s) ON CONFLICT DO NOTHING",
                       [str(SCHEMA_VERSION)])
            pg.execute("INSERT INTO eco_meta VALUES ('application', %s) ON CONFLICT DO NOTHING",
                       [APP_ID])
            version = pg.execute("SELECT value FROM eco_meta WHERE key = 'schema_version'"
                                 ).fetchone()[0]
            if int(version) > SCHEMA_VERSION:
                raise StoreError(f"PostgreSQL schema version {version} not supported",
                                 "store.hint.version", path=self.url.split("@")[-1])
            pg.execute("""CREATE TABLE IF NOT EXISTS eco_inventories (
                id integer PRIMARY KEY, name text UNIQUE NOT NULL, description text,
                synthetic boolean NOT NULL DEFAULT false, source text, version integer NOT NULL,
                created_at timestamp, updated_at timestamp, n_actors bigint, n_projects bigint,
                revision text NOT NULL)""")
            pg.execute("CREATE TABLE IF NOT EXISTS eco_import_mappings (name text PRIMARY KEY, "
                       "target text, signature text, body text, created_at timestamp, "
                       "updated_at timestamp)")
            zonings.ensure_pg_schema(pg)
            establishment_counts.ensure_pg_schema(pg)
            changelog.pg_ddl(pg)
            for kind, table in model.TABLES.items():
                cols = ", ".join(f'"{c.name}" {PG_TYPES[c.kind]}' for c in table.columns)
                pg.execute(f"CREATE TABLE IF NOT EXISTS eco_{kind} (inv_id integer NOT NULL, {cols})")
                have = {r[0] for r in pg.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                    [f"eco_{kind}"]).fetchall()}
                for c in table.columns:  # columns declared after the table was made
                    if c.name not in have:
                        pg.execute(f'ALTER TABLE eco_{kind} ADD COLUMN IF NOT EXISTS "{c.name}" '
                                   f'{PG_TYPES[c.kind]}')
                pg.execute(f"CREATE INDEX IF NOT EXISTS eco_{kind}_inv ON eco_{kind} (inv_id)")
            pg.execute("CREATE TABLE IF NOT EXISTS eco_members (inv_id integer NOT NULL, "
                       "user_id text NOT NULL, email text, role text NOT NULL, granted_by text, "
                       "granted_at timestamp, PRIMARY KEY (inv_id, user_id))")
            pg.execute("CREATE TABLE IF NOT EXISTS eco_inventory_access (inv_id integer PRIMARY KEY, "
                       "visibility text NOT NULL)")
            pg.execute("CREATE TABLE IF NOT EXISTS eco_access_log (seq bigint, changed_at timestamp, "
                       "inv_id integer, actor_id text, actor_label text, action text, user_id text, "
                       "old_value text, new_value text)")

    # ----------------------------------------------------------- transactions
    @contextmanager
    def _duck_transaction(self):
        with Store.transaction(self) as con:
            yield con

    @contextmanager
    def transaction(self):
        """A write: PostgreSQL lock, mirror refreshed, DuckDB write, changes pushed."""
        if not self._ready:
            with self._duck_transaction() as con:
                yield con
            return
        with self._lock, self._pg() as pg:
            try:
                with pg.transaction():
                    pg.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
                    self._pull(pg)
                    with self._duck_transaction() as con:
                        before = self._catalog(con)
                        proposals = changelog._proposals_rev(con)
                        yield con
                        self._push(pg, con, before)
                        changelog.pg_push(pg, con, proposals)
            except psycopg.OperationalError as exc:
                raise _pg_error(self.url, exc) from exc

    @staticmethod
    def _catalog(con) -> dict[int, tuple]:
        rows = con.execute(f"SELECT {', '.join(CATALOG)} FROM inventories").fetchall()
        return {r[0]: r for r in rows}

    # ------------------------------------------------------------------ sync
    def _push(self, pg, con, before: dict[int, tuple]) -> None:
        after = self._catalog(con)
        for inv_id in set(before) - set(after):
            for kind in model.TABLES:
                pg.execute(f"DELETE FROM eco_{kind} WHERE inv_id = %s", [inv_id])
            pg.execute("DELETE FROM eco_inventories WHERE id = %s", [inv_id])
            con.execute("DELETE FROM pg_sync WHERE inv_id = ?", [inv_id])
        for inv_id, row in after.items():
            old = before.get(inv_id)
            if old == row:
                continue
            content_changed = old is None or old[CATALOG.index("version")] != \
                row[CATALOG.index("version")]
            if content_changed:
                for kind in model.TABLES:
                    self._copy_to_pg(pg, con, inv_id, kind)
            revision = uuid.uuid4().hex
            placeholders = ", ".join(["%s"] * (len(CATALOG) + 1))
            updates = ", ".join(f"{c} = excluded.{c}" for c in CATALOG[1:])
            pg.execute(f"INSERT INTO eco_inventories ({', '.join(CATALOG)}, revision) "
                       f"VALUES ({placeholders}) ON CONFLICT (id) DO UPDATE SET {updates}, "
                       f"revision = excluded.revision", [*row, revision])
            con.execute("INSERT OR REPLACE INTO pg_sync VALUES (?, ?)", [inv_id, revision])
        self._push_access(pg, con)
        zonings.push_pg(pg, con)
        establishment_counts.push_pg(pg, con)
        if self._has_table_in(con, "import_mappings"):
            pg.execute("DELETE FROM eco_import_mappings")
            rows = con.execute("SELECT name, target, signature, body, created_at, updated_at "
                               "FROM import_mappings").fetchall()
            if rows:
                with pg.cursor() as cur:
                    cur.executemany("INSERT INTO eco_import_mappings VALUES (%s, %s, %s, %s, %s, %s)",
                                    rows)

    def _copy_to_pg(self, pg, con, inv_id: int, kind: str) -> None:
        table = model.TABLES[kind]
        cols = ", ".join(f"array_to_string(\"{c.name}\", '{model.voc.LIST_SEP}')" if c.kind == "list"
                         else f'"{c.name}"' for c in table.columns)
        names = ", ".join(f'"{c}"' for c in table.column_names)
        pg.execute(f"DELETE FROM eco_{kind} WHERE inv_id = %s", [inv_id])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.csv"
            con.execute(f"COPY (SELECT {int(inv_id)} AS inv_id, {cols} FROM inv_{inv_id}__{kind}) "
                        f"TO '{path}' (FORMAT csv, HEADER true, NULLSTR '{NULL}')")
            with pg.cursor() as cur, cur.copy(
                    f"COPY eco_{kind} (inv_id, {names}) FROM STDIN "
                    f"(FORMAT csv, HEADER true, NULL '{NULL}')") as copy, open(path, "rb") as f:
                while block := f.read(1 << 20):
                    copy.write(block)

    def _pull(self, pg=None) -> None:
        """Bring the mirror to PostgreSQL's state: inventories whose revision changed
        are copied, those deleted elsewhere are dropped."""
        own = pg is None
        pg = pg or self._pg()
        try:
            remote = {r[0]: r for r in pg.execute(
                f"SELECT {', '.join(CATALOG)}, revision FROM eco_inventories").fetchall()}
            local = dict(self.con.cursor().execute("SELECT inv_id, revision FROM pg_sync")
                         .fetchall())
            local_ids = {r[0] for r in self.con.cursor().execute(
                "SELECT id FROM inventories").fetchall()}
            stale = [i for i, r in remote.items() if local.get(i) != r[-1]]
            gone = (local_ids | set(local)) - set(remote)
            mappings = pg.execute("SELECT name, target, signature, body, created_at, updated_at "
                                  "FROM eco_import_mappings").fetchall()
            zonings.pull_pg(self, pg)
            establishment_counts.pull_pg(self, pg)
            access = self._remote_access(pg)
            with self._cursor() as cur:
                log = changelog.pg_stale(pg, cur)
            if not stale and not gone and not self._mappings_differ(mappings) and log is None and \
                    access == self._local_access(self.con.cursor()):
                return
            with self._duck_transaction() as con:
                for inv_id in gone:
                    for kind in model.TABLES:
                        con.execute(f"DROP TABLE IF EXISTS inv_{inv_id}__{kind}")
                    derived.drop(con, inv_id)
                    con.execute("DELETE FROM inventories WHERE id = ?", [inv_id])
                    con.execute("DELETE FROM pg_sync WHERE inv_id = ?", [inv_id])
                for inv_id in stale:
                    row = remote[inv_id]
                    for kind in model.TABLES:
                        self._copy_from_pg(pg, con, inv_id, kind)
                    con.execute("DELETE FROM inventories WHERE id = ? OR name = ?", [inv_id, row[1]])
                    con.execute(f"INSERT INTO inventories ({', '.join(CATALOG)}) VALUES "
                                f"({', '.join('?' * len(CATALOG))})", list(row[:-1]))
                    derived.build(con, inv_id)
                    con.execute("INSERT OR REPLACE INTO pg_sync VALUES (?, ?)", [inv_id, row[-1]])
                self._pull_access(con, access)
                if self._has_table_in(con, "import_mappings"):
                    con.execute("DELETE FROM import_mappings")
                    if mappings:
                        con.executemany("INSERT INTO import_mappings VALUES (?, ?, ?, ?, ?, ?)",
                                        [list(m) for m in mappings])
                if gone:
                    con.execute("DELETE FROM change_log WHERE inv_id NOT IN (SELECT id FROM inventories)")
                if log is not None:
                    changelog.pg_pull(pg, con, log[1])
        except psycopg.OperationalError as exc:
            raise _pg_error(self.url, exc) from exc
        finally:
            if own:
                pg.close()

    def _mappings_differ(self, remote_rows) -> bool:
        if not self._has_table("import_mappings"):
            return False
        local = self.con.cursor().execute("SELECT name, updated_at FROM import_mappings "
                                          "ORDER BY name").fetchall()
        return local != sorted((r[0], r[5]) for r in remote_rows)

    def _copy_from_pg(self, pg, con, inv_id: int, kind: str) -> None:
        table = model.TABLES[kind]
        names = ", ".join(f'"{c}"' for c in table.column_names)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.csv"
            with open(path, "wb") as f, pg.cursor() as cur, cur.copy(
                    f"COPY (SELECT {names} FROM eco_{kind} WHERE inv_id = {int(inv_id)}) TO STDOUT "
                    f"(FORMAT csv, HEADER true, NULL '{NULL}')") as copy:
                for block in copy:
                    f.write(block)
            con.execute(f"DROP TABLE IF EXISTS inv_{inv_id}__{kind}")
            columns = ", ".join(f"'{c}': 'VARCHAR'" for c in table.column_names)
            con.execute(f"CREATE TABLE inv_{inv_id}__{kind} AS SELECT {select_list(table)} "
                        f"FROM read_csv('{path}', header = true, nullstr = '{NULL}', "
                        f"columns = {{{columns}}}, quote = '\"', escape = '\"')")

    @staticmethod
    def _has_table_in(con, name: str) -> bool:
        return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                                "WHERE table_name = ?", [name]).fetchone()[0])

    # ---------------------------------------------------------------- access
    # members and visibilities: small tables, copied whole (like saved mappings)
    _ACCESS = {"members": "inv_id, user_id, email, role, granted_by, granted_at",
               "inventory_access": "inv_id, visibility",
               "access_log": ", ".join(ACCESS_LOG_COLUMNS)}  # the audit of the two above

    def _remote_access(self, pg) -> dict[str, list]:
        return {t: sorted(pg.execute(f"SELECT {cols} FROM eco_{t}").fetchall(), key=repr)
                for t, cols in self._ACCESS.items()}

    def _local_access(self, con) -> dict[str, list]:
        if not self._has_table_in(con, "members"):
            return {t: [] for t in self._ACCESS}
        return {t: sorted((tuple(r) for r in con.execute(f"SELECT {cols} FROM {t}").fetchall()),
                          key=repr) for t, cols in self._ACCESS.items()}

    def _pull_access(self, con, remote: dict[str, list]) -> None:
        for t, cols in self._ACCESS.items():
            con.execute(f"DELETE FROM {t}")
            if remote[t]:
                marks = ", ".join("?" * len(cols.split(",")))
                con.executemany(f"INSERT INTO {t} ({cols}) VALUES ({marks})",
                                [list(r) for r in remote[t]])

    def _push_access(self, pg, con) -> None:
        local = self._local_access(con)
        if local == self._remote_access(pg):
            return
        for t, cols in self._ACCESS.items():
            pg.execute(f"DELETE FROM eco_{t}")
            if local[t]:
                marks = ", ".join(["%s"] * len(cols.split(",")))
                with pg.cursor() as cur:
                    cur.executemany(f"INSERT INTO eco_{t} ({cols}) VALUES ({marks})", local[t])

    def member_role(self, inventory: str, user_id: str, email: str = ""):
        self._pull()
        return super().member_role(inventory, user_id, email)

    def member_roles(self, user_id: str, email: str = "") -> dict[str, str]:
        self._pull()
        return super().member_roles(user_id, email)

    def visibility(self, inventory: str) -> str:
        self._pull()
        return super().visibility(inventory)

    def members(self, inventory: str):
        self._pull()
        return super().members(inventory)

    def access_history(self, inventory: str):
        self._pull()
        return super().access_history(inventory)

    def deletions(self):
        self._pull()
        return super().deletions()

    # ---------------------------------------------------------------- reads
    def list(self):
        self._pull()
        return super().list()

    def exists(self, name: str) -> bool:
        self._pull()
        return super().exists(name)

    def ref(self, name: str):
        self._pull()
        return super().ref(name)

    def info(self, name: str) -> dict:
        self._pull()
        return super().info(name)
