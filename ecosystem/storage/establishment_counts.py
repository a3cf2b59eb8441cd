"""Full SIRENE establishment counts per commune, stored store-wide (both backends).

Shared by every inventory, like zonings: the denominator of the share of ESS
establishments (:mod:`ecosystem.ingest.sirene_counts` counts a ``StockEtablissement``
file). Tables of the store's DuckDB file (PostgreSQL keeps ``eco_establishment_counts``
and ``eco_establishment_counts_meta``, copied to and from each replica's mirror):

* ``establishment_counts``: commune_code, active, employing;
* ``establishment_counts_meta``: one row — the file name, when and by whom it was
  loaded, the figures of the load (rows read, closed, without commune, unknown codes as
  JSON) and a revision.

Loading again replaces the previous counts in one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pandas as pd

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS establishment_counts (commune_code VARCHAR PRIMARY KEY,
        active BIGINT NOT NULL, employing BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS establishment_counts_meta (file VARCHAR, loaded_at TIMESTAMP,
        loaded_by VARCHAR, rows BIGINT, closed BIGINT, no_commune BIGINT, unknown VARCHAR,
        revision VARCHAR)""",
)
META = ("file", "loaded_at", "loaded_by", "rows", "closed", "no_commune", "unknown", "revision")
PG_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS eco_establishment_counts (commune_code text PRIMARY KEY,
        active bigint NOT NULL, employing bigint NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS eco_establishment_counts_meta (file text, loaded_at timestamp,
        loaded_by text, rows bigint, closed bigint, no_commune bigint, unknown text,
        revision text)""",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def loaded(store) -> bool:
    """Whether counts are loaded in the store's DuckDB file (the mirror, for PostgreSQL:
    brought up to date by :meth:`ref`, as the inventories)."""
    found = store.query("SELECT count(*) AS n FROM information_schema.tables "
                        "WHERE table_name = 'establishment_counts_meta'").n.iat[0]
    return bool(found) and bool(store.query("SELECT count(*) AS n FROM "
                                            "establishment_counts_meta").n.iat[0])


def save(store, counts, loaded_by: str) -> dict:
    """Replace the store's counts with ``counts`` (a :class:`~ecosystem.ingest.sirene_counts.
    Counts`) in one transaction; the new :func:`info`. Permissions: :func:`ecosystem.writes.
    load_establishment_counts`."""
    frame = counts.communes[["commune_code", "active", "employing"]].astype(
        {"commune_code": str, "active": "int64", "employing": "int64"})
    with store.transaction() as con:
        for statement in SCHEMA:
            con.execute(statement)
        con.execute("DELETE FROM establishment_counts")
        con.execute("DELETE FROM establishment_counts_meta")
        con.register("_ec", frame)
        con.execute("INSERT INTO establishment_counts SELECT commune_code, active, employing FROM _ec")
        con.unregister("_ec")
        con.execute(f"INSERT INTO establishment_counts_meta ({', '.join(META)}) VALUES "
                    f"({', '.join('?' * len(META))})",
                    [counts.file, _now(), loaded_by, counts.rows, counts.closed, counts.no_commune,
                     json.dumps([list(u) for u in counts.unknown], ensure_ascii=False),
                     uuid.uuid4().hex])
    return info(store)


def info(store) -> dict | None:
    """The loaded counts: file, loaded_at, loaded_by, rows, closed, no_commune, unknown
    (list of [code, establishments]), active, employing, communes; None when none."""
    if hasattr(store, "_pull"):
        store._pull()
    if not loaded(store):
        return None
    row = store.query(f"SELECT {', '.join(META)} FROM establishment_counts_meta").iloc[0].to_dict()
    row["unknown"] = [tuple(u) for u in json.loads(row["unknown"] or "[]")]
    totals = store.query("SELECT coalesce(sum(active), 0) AS active, coalesce(sum(employing), 0) "
                         "AS employing, count(*) AS communes FROM establishment_counts").iloc[0]
    row.update({k: int(totals[k]) for k in ("active", "employing", "communes")})
    for k in ("rows", "closed", "no_commune"):
        row[k] = int(row[k])
    return row


def per_commune(store) -> pd.DataFrame:
    return store.query("SELECT commune_code, active, employing FROM establishment_counts "
                       "ORDER BY commune_code")


def counts_sql(level_key: str, zoning: tuple[int, str] | None = None) -> str:
    """SQL of the active establishments per territory: columns ``code``,
    ``n_all_establishments``. ``level_key``: the level column of ``geo_communes``
    (``reg``, ``dep``, ``epci``, ``code``) or a constant (``'FR'``); ``zoning``: (id,
    kind) of a user zoning — communes summed per zone, nothing for a polygon zoning
    (its zones cut communes: the share is undefined there)."""
    if zoning is not None:
        zid, kind = zoning
        if kind != "communes":
            return "SELECT NULL::VARCHAR AS code, 0::BIGINT AS n_all_establishments WHERE false"
        return (f"SELECT zc.zone AS code, sum(c.active) AS n_all_establishments "
                f"FROM establishment_counts c JOIN zoning_communes zc "
                f"ON zc.commune_code = c.commune_code AND zc.zoning_id = {int(zid)} GROUP BY 1")
    if level_key.startswith("'"):
        return f"SELECT {level_key} AS code, sum(active) AS n_all_establishments FROM establishment_counts"
    if level_key == "code":
        return "SELECT commune_code AS code, active AS n_all_establishments FROM establishment_counts"
    return (f"SELECT g.{level_key} AS code, sum(c.active) AS n_all_establishments "
            f"FROM establishment_counts c JOIN geo_communes g ON g.code = c.commune_code GROUP BY 1")


# ----------------------------------------------------------------- PostgreSQL
def ensure_pg_schema(pg) -> None:
    for statement in PG_SCHEMA:
        pg.execute(statement)


def _revision_local(con) -> str | None:
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = "
                       "'establishment_counts_meta'").fetchone()[0]:
        return None
    row = con.execute("SELECT revision FROM establishment_counts_meta").fetchone()
    return row[0] if row else None


def _revision_pg(pg) -> str | None:
    row = pg.execute("SELECT revision FROM eco_establishment_counts_meta").fetchone()
    return row[0] if row else None


def push_pg(pg, con) -> None:
    """Copy the mirror's counts (changed inside the write transaction) to PostgreSQL."""
    local = _revision_local(con)
    if local is None or local == _revision_pg(pg):
        return
    pg.execute("DELETE FROM eco_establishment_counts")
    pg.execute("DELETE FROM eco_establishment_counts_meta")
    with pg.cursor() as cur:
        with cur.copy("COPY eco_establishment_counts (commune_code, active, employing) "
                      "FROM STDIN") as copy:
            for r in con.execute("SELECT commune_code, active, employing "
                                 "FROM establishment_counts").fetchall():
                copy.write_row(r)
    pg.execute(f"INSERT INTO eco_establishment_counts_meta ({', '.join(META)}) VALUES "
               f"({', '.join(['%s'] * len(META))})",
               list(con.execute(f"SELECT {', '.join(META)} FROM establishment_counts_meta")
                    .fetchone()))


def pull_pg(store, pg) -> None:
    """Bring the mirror's counts to PostgreSQL's state."""
    remote = _revision_pg(pg)
    if remote is None or remote == _revision_local(store.con.cursor()):
        return
    rows = pg.execute("SELECT commune_code, active, employing FROM eco_establishment_counts"
                      ).fetchall()
    meta = pg.execute(f"SELECT {', '.join(META)} FROM eco_establishment_counts_meta").fetchone()
    with store._duck_transaction() as con:
        for statement in SCHEMA:
            con.execute(statement)
        con.execute("DELETE FROM establishment_counts")
        con.execute("DELETE FROM establishment_counts_meta")
        if rows:
            con.register("_ec", pd.DataFrame(rows, columns=["commune_code", "active", "employing"]))
            con.execute("INSERT INTO establishment_counts SELECT * FROM _ec")
            con.unregister("_ec")
        con.execute(f"INSERT INTO establishment_counts_meta ({', '.join(META)}) VALUES "
                    f"({', '.join('?' * len(META))})", list(meta))
