"""User zonings in the store (both backends), and actors placed in their zones.

Tables of the store's DuckDB file (PostgreSQL keeps ``eco_zonings``,
``eco_zoning_zones`` and ``eco_zoning_communes``, copied to and from each
replica's mirror like the inventories):

* ``zonings``: one row per zoning (id, name, kind, source file, zone count,
  whether populations are known, the columns picked, the validation report as
  JSON, a revision). A deleted zoning keeps a tombstone row (``deleted_at``) so
  its id is never given again: a level ``z<id>`` in a URL, a cached view or an
  assignment table always means one zoning.
* ``zoning_zones``: its zones (code, name, population or NULL, label point,
  area, full geometry and display geometry as WKB);
* ``zoning_communes``: commune → zone, for zonings made of communes;
* ``zoning_assigned`` and, per (zoning, inventory), ``zon_<z>__inv_<i>__actors``
  / ``__projects`` (id → zone): where each actor and project of an inventory
  falls, computed on first use and again when the inventory's version changes
  (:func:`ensure_assigned`). They are derived data: each PostgreSQL replica
  computes its own in its mirror.

Zonings are shared between inventories: one zoning, any inventory.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import numpy as np
import pandas as pd
import shapely

from ecosystem.geo import Geography, ZoneLevel, zoning_level, zoning_id
from ecosystem.storage.store import NAME_RE, InventoryRef, StoreError

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS zonings (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL, source VARCHAR, n_zones INTEGER, has_population BOOLEAN,
        columns VARCHAR, issues VARCHAR, revision VARCHAR, created_at TIMESTAMP,
        updated_at TIMESTAMP, deleted_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS zoning_zones (zoning_id INTEGER NOT NULL, code VARCHAR NOT NULL,
        name VARCHAR, population DOUBLE, lat DOUBLE, lon DOUBLE, area_km2 DOUBLE,
        geometry BLOB, display BLOB, ord INTEGER)""",
    """CREATE TABLE IF NOT EXISTS zoning_communes (zoning_id INTEGER NOT NULL,
        commune_code VARCHAR NOT NULL, zone VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS zoning_assigned (zoning_id INTEGER, inv_id INTEGER,
        version INTEGER, n_actors BIGINT, n_actors_placed BIGINT, n_actors_by_point BIGINT,
        n_projects BIGINT, n_projects_placed BIGINT, seconds DOUBLE, inv_created TIMESTAMP,
        PRIMARY KEY (zoning_id, inv_id))""",
    # stores written before the column existed
    "ALTER TABLE zoning_assigned ADD COLUMN IF NOT EXISTS inv_created TIMESTAMP",
)
CATALOG = ("id", "name", "kind", "source", "n_zones", "has_population", "columns", "issues",
           "revision", "created_at", "updated_at", "deleted_at")
ZONE_COLUMNS = ("zoning_id", "code", "name", "population", "lat", "lon", "area_km2",
                "geometry", "display", "ord")


class ZoningNotFound(StoreError):
    def __init__(self, name):
        super().__init__(f"zoning not found: {name!r}", "zoning.hint.not_found", name=str(name))


class ZoningExists(StoreError):
    def __init__(self, name):
        super().__init__(f"a zoning named {name!r} already exists", "zoning.hint.exists",
                         name=str(name))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def ensure_schema(store) -> None:
    """Create the zoning tables when missing (nothing on a read-only store)."""
    if store.read_only or getattr(store, "_zonings_ready", False):
        return
    with _local(store) as con:
        for statement in SCHEMA:
            con.execute(statement)
    store._zonings_ready = True


def _local(store):
    """A write transaction on the DuckDB file only (derived data, schema): a
    PostgreSQL store's mirror without a round trip to the server."""
    duck = getattr(store, "_duck_transaction", None)
    return duck() if duck is not None else store.transaction()


def _has_zonings(store) -> bool:
    return getattr(store, "_zonings_ready", False) or store._has_table("zonings")


# ------------------------------------------------------------------- catalogue
def listing(store) -> pd.DataFrame:
    """Live zonings: id, level (``z<id>``), name, kind, source, n_zones,
    has_population, updated_at; by name."""
    if hasattr(store, "_pull"):
        store._pull()
    if not _has_zonings(store):
        return pd.DataFrame(columns=["id", "level", "name", "kind", "source", "n_zones",
                                     "has_population", "created_at", "updated_at"])
    df = store.query("SELECT id, name, kind, source, n_zones, has_population, created_at, "
                     "updated_at FROM zonings WHERE deleted_at IS NULL ORDER BY name, id")
    df.insert(1, "level", [zoning_level(i) for i in df.id])
    return df


def get(store, name_or_level) -> dict:
    """One live zoning's catalogue row (by name, ``z<id>`` or id), with its
    ``columns`` and ``issues`` decoded."""
    zid = zoning_id(str(name_or_level)) if isinstance(name_or_level, str) else int(name_or_level)
    if not _has_zonings(store):
        raise ZoningNotFound(name_or_level)
    if zid is not None:
        df = store.query("SELECT * FROM zonings WHERE id = ? AND deleted_at IS NULL", [zid])
    else:
        df = store.query("SELECT * FROM zonings WHERE name = ? AND deleted_at IS NULL",
                         [str(name_or_level)])
    if df.empty:
        raise ZoningNotFound(name_or_level)
    row = df.iloc[0].to_dict()
    row["columns"] = json.loads(row["columns"] or "{}")
    row["issues"] = json.loads(row["issues"] or "[]")
    row["level"] = zoning_level(int(row["id"]))
    return row


def _check_name(con, name: str, own_id: int | None = None) -> str:
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise StoreError(f"invalid zoning name {name!r}", "zoning.hint.bad_name")
    taken = con.execute("SELECT count(*) FROM zonings WHERE name = ? AND deleted_at IS NULL "
                        "AND id <> ?", [name, own_id if own_id is not None else -1]).fetchone()[0]
    if taken:
        raise ZoningExists(name)
    return name


def add(store, name: str, zoning, source: str = "") -> int:
    """Store a validated :class:`ecosystem.zonings.Zoning` under ``name``; its id."""
    ensure_schema(store)
    z = zoning.zones.reset_index(drop=True)
    zones = pd.DataFrame({
        "code": z.code.astype(str), "name": z.name.astype(str),
        "population": z.population.astype(float), "lat": z.lat.astype(float),
        "lon": z.lon.astype(float), "area_km2": z.area_km2.astype(float),
        "geometry": shapely.to_wkb(np.asarray(z.geometry, dtype=object)),
        "display": shapely.to_wkb(np.asarray(z.display, dtype=object)),
        "ord": np.arange(len(z), dtype="int32")})
    issues = [{"key": i.key, "row": i.row, "column": i.column, "value": i.value,
               "params": [list(p) for p in i.params]} for i in zoning.issues]
    with store.transaction() as con:
        name = _check_name(con, name)
        zid = con.execute("SELECT coalesce(max(id), 0) + 1 FROM zonings").fetchone()[0]
        now = _now()
        con.execute(f"INSERT INTO zonings ({', '.join(CATALOG)}) VALUES "
                    f"({', '.join('?' * len(CATALOG))})",
                    [zid, name, zoning.kind, source, len(zones), bool(zoning.has_population),
                     json.dumps(zoning.columns, ensure_ascii=False),
                     json.dumps(issues, ensure_ascii=False, default=str),
                     uuid.uuid4().hex, now, now, None])
        con.register("_zz", zones)
        con.execute(f"INSERT INTO zoning_zones SELECT {int(zid)}, code, name, population, lat, lon, "
                    "area_km2, geometry, display, ord FROM _zz")
        con.unregister("_zz")
        if zoning.communes is not None:
            con.register("_zc", zoning.communes[["commune_code", "zone"]])
            con.execute(f"INSERT INTO zoning_communes SELECT {int(zid)}, commune_code, zone "
                        "FROM _zc")
            con.unregister("_zc")
    return int(zid)


def rename(store, name_or_level, new: str) -> None:
    row = get(store, name_or_level)
    with store.transaction() as con:
        new = _check_name(con, new, int(row["id"]))
        con.execute("UPDATE zonings SET name = ?, updated_at = ?, revision = ? WHERE id = ?",
                    [new, _now(), uuid.uuid4().hex, int(row["id"])])


def delete(store, name_or_level) -> None:
    """Delete a zoning (its zones, communes and assignments); the id is not reused."""
    row = get(store, name_or_level)
    zid = int(row["id"])
    with store.transaction() as con:
        con.execute("UPDATE zonings SET deleted_at = ?, revision = ? WHERE id = ?",
                    [_now(), uuid.uuid4().hex, zid])
        con.execute("DELETE FROM zoning_zones WHERE zoning_id = ?", [zid])
        con.execute("DELETE FROM zoning_communes WHERE zoning_id = ?", [zid])
        _drop_assignments(con, zid)


def _drop_assignments(con, zid: int) -> None:
    for (inv_id,) in con.execute("SELECT inv_id FROM zoning_assigned WHERE zoning_id = ?",
                                 [zid]).fetchall():
        for kind in ("actors", "projects"):
            con.execute(f"DROP TABLE IF EXISTS {assignment_table(zid, inv_id, kind)}")
    con.execute("DELETE FROM zoning_assigned WHERE zoning_id = ?", [zid])


# ------------------------------------------------------------------ geography
def zones(store, zid: int, geometry: str = "display") -> pd.DataFrame:
    """Zones of a zoning in their order: code, name, population, lat, lon,
    area_km2 and shapely ``geometry`` (``display``: simplified, or ``geometry``)."""
    df = store.query(f"SELECT code, name, population, lat, lon, area_km2, {geometry} AS g "
                     "FROM zoning_zones WHERE zoning_id = ? ORDER BY ord", [int(zid)])
    blobs = [bytes(b) if b is not None else None for b in df.pop("g")]
    df["geometry"] = shapely.from_wkb(np.array(blobs, dtype=object)) if blobs else []
    return df


def levels(store) -> dict[str, ZoneLevel]:
    """Every live zoning as a :class:`ecosystem.geo.ZoneLevel` (for
    :meth:`Geography.with_levels`), cached per catalogue state."""
    if not _has_zonings(store):
        return {}
    state = tuple(store.query("SELECT id, revision FROM zonings WHERE deleted_at IS NULL "
                              "ORDER BY id").itertuples(index=False, name=None))
    cached = getattr(store, "_zoning_levels", None)
    if cached is not None and cached[0] == state:
        return cached[1]
    out = {}
    for zid, _ in state:
        row = get(store, int(zid))
        df = zones(store, int(zid))
        table = df.drop(columns="geometry").assign(level=row["level"])
        table = table.set_index("code", drop=False).rename_axis(None)
        members = None
        if row["kind"] == "communes":
            cz = store.query("SELECT commune_code, zone FROM zoning_communes WHERE zoning_id = ? "
                             "ORDER BY commune_code", [int(zid)])
            members = pd.Series(cz.zone.to_numpy(), index=cz.commune_code.to_numpy())
        out[row["level"]] = ZoneLevel(row["level"], row["name"], row["kind"], table,
                                      pd.Series(df.geometry.to_numpy(), index=df.code.to_numpy()),
                                      members)
    store._zoning_levels = (state, out)
    return out


def geography(store, geo: Geography | None = None) -> Geography:
    """The geography with the store's zonings as extra levels."""
    geo = geo if geo is not None else store.geo
    found = levels(store)
    return geo.with_levels(found) if found else geo


def territories_sql(level: str) -> str:
    """A relation with ``geo_territories``' columns for a zoning level."""
    zid = zoning_id(level)
    return (f"(SELECT '{zoning_level(zid)}' AS level, code, name, "
            f"CAST(round(population) AS BIGINT) AS population, NULL AS reg, NULL AS dep, lat, lon, "
            f"area_km2 FROM zoning_zones WHERE zoning_id = {int(zid)})")


# ------------------------------------------------------------------ assignment
def assignment_table(zid: int, inv_id: int, kind: str) -> str:
    return f"zon_{int(zid)}__inv_{int(inv_id)}__{kind}"


def ensure_assigned(store, ref: InventoryRef, level: str) -> tuple[str, str]:
    """The tables placing the actors and projects of ``ref`` (at its version) in
    the zones of zoning ``level``, computed now if missing or stale."""
    zid = zoning_id(level)
    actors, projects = (assignment_table(zid, ref.id, k) for k in ("actors", "projects"))
    created = store.scalar("SELECT created_at FROM inventories WHERE id = ?", [ref.id])
    key = (zid, ref.id, ref.version, created)
    done = getattr(store, "_zoning_assigned", None)
    if done is None:
        done = store._zoning_assigned = set()
    if key in done:
        return actors, projects
    ensure_schema(store)
    with store._lock:
        # the inventory's creation time tells a new inventory that got a deleted one's id
        current = store.query(
            "SELECT z.version = i.version AND z.inv_created IS NOT DISTINCT FROM i.created_at "
            "AS ok FROM zoning_assigned z JOIN inventories i ON i.id = z.inv_id "
            "WHERE z.zoning_id = ? AND z.inv_id = ?", [zid, ref.id])
        if current.empty or not bool(current.ok.iat[0]):
            if not store.scalar("SELECT count(*) FROM zonings WHERE id = ? AND deleted_at IS NULL",
                                [zid]):
                raise ZoningNotFound(level)
            assign(store, ref, zid)
        done.add(key)
    return actors, projects


def assign(store, ref: InventoryRef, zid: int) -> dict:
    """Place every actor and project of ``ref`` in zoning ``zid`` and store it.

    Actors with coordinates: point in polygon (a zoning made of communes: the
    commune containing the point, on the detailed boundaries, then its zone);
    without (or outside every commune), by their commune for zonings made of
    communes. Projects: by their commune for zonings made of communes;
    otherwise in their lead's zone when they take place in the lead's commune
    (the default), else not placed. Returns the counts written to
    ``zoning_assigned``."""
    from ecosystem import zonings

    ensure_schema(store)
    start = time.perf_counter()
    kind = store.scalar("SELECT kind FROM zonings WHERE id = ?", [zid])
    actors = store.query(f"SELECT actor_id, lon, lat, commune_code FROM {ref.actors}")
    projects = store.query(f"SELECT project_id, lead_actor_id, commune_code FROM {ref.projects}")
    if kind == "communes":
        table = store.query("SELECT commune_code, zone FROM zoning_communes WHERE zoning_id = ?",
                            [zid])
        to_zone = dict(zip(table.commune_code, table.zone))
        located = pd.Series(store.geo.locate(actors.lon.to_numpy(), actors.lat.to_numpy()))
        by_point = located.map(to_zone)
        # a point in a commune outside the zoning is outside it; without a point (or
        # off every commune: at sea, abroad) the actor's commune decides
        actor_zone = by_point.where(located.notna(), actors.commune_code.map(to_zone))
        n_by_point = int(by_point.notna().sum())
        project_zone = projects.commune_code.map(to_zone)
    else:
        df = zones(store, zid, "geometry")
        shapes = pd.Series(df.geometry.to_numpy(), index=df.code.to_numpy())
        actor_zone = pd.Series(zonings.assign_points(shapes, actors.lon.to_numpy(),
                                                     actors.lat.to_numpy()))
        n_by_point = int(actor_zone.notna().sum())
        lead = actors.set_index("actor_id")
        lead_zone = pd.Series(actor_zone.to_numpy(), index=actors.actor_id.to_numpy())
        same = projects.commune_code.isna() | (
            projects.commune_code.to_numpy() == lead.commune_code.reindex(
                projects.lead_actor_id).to_numpy())
        project_zone = pd.Series(lead_zone.reindex(projects.lead_actor_id).to_numpy()) \
            .where(same.to_numpy())
    a = pd.DataFrame({"actor_id": actors.actor_id, "zone": actor_zone.to_numpy()}).dropna()
    p = pd.DataFrame({"project_id": projects.project_id,
                      "zone": project_zone.to_numpy()}).dropna()
    counts = {"n_actors": len(actors), "n_actors_placed": len(a),
              "n_actors_by_point": n_by_point,
              "n_projects": len(projects), "n_projects_placed": len(p)}
    with _local(store) as con:
        for kind_, frame in (("actors", a), ("projects", p)):
            con.register("_za", frame.astype(str))
            con.execute(f"CREATE OR REPLACE TABLE {assignment_table(zid, ref.id, kind_)} AS "
                        "SELECT * FROM _za")
            con.unregister("_za")
        counts["seconds"] = time.perf_counter() - start
        created = con.execute("SELECT created_at FROM inventories WHERE id = ?",
                              [ref.id]).fetchone()[0]
        con.execute(f"INSERT OR REPLACE INTO zoning_assigned (zoning_id, inv_id, version, "
                    f"{', '.join(counts)}, inv_created) VALUES ({', '.join('?' * (len(counts) + 4))})",
                    [zid, ref.id, ref.version, *counts.values(), created])
    return counts


def assignment_counts(store, ref: InventoryRef, level: str) -> dict:
    """How many actors and projects of ``ref`` the zoning places (after
    :func:`ensure_assigned`)."""
    ensure_assigned(store, ref, level)
    df = store.query("SELECT n_actors, n_actors_placed, n_actors_by_point, n_projects, "
                     "n_projects_placed FROM zoning_assigned WHERE zoning_id = ? AND inv_id = ?",
                     [zoning_id(level), ref.id])
    return {k: int(v) for k, v in df.iloc[0].items()}


# ------------------------------------------------------------------ PostgreSQL
PG_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS eco_zonings (id integer PRIMARY KEY, name text NOT NULL,
        kind text NOT NULL, source text, n_zones integer, has_population boolean, columns text,
        issues text, revision text, created_at timestamp, updated_at timestamp,
        deleted_at timestamp)""",
    """CREATE TABLE IF NOT EXISTS eco_zoning_zones (zoning_id integer NOT NULL, code text NOT NULL,
        name text, population double precision, lat double precision, lon double precision,
        area_km2 double precision, geometry bytea, display bytea, ord integer)""",
    """CREATE TABLE IF NOT EXISTS eco_zoning_communes (zoning_id integer NOT NULL,
        commune_code text NOT NULL, zone text NOT NULL)""",
)


def ensure_pg_schema(pg) -> None:
    for statement in PG_SCHEMA:
        pg.execute(statement)


def _pg_state(pg) -> dict[int, str]:
    return dict(pg.execute("SELECT id, revision FROM eco_zonings").fetchall())


def _local_state(con) -> dict[int, str]:
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = "
                       "'zonings'").fetchone()[0]:
        return {}
    return dict(con.execute("SELECT id, revision FROM zonings").fetchall())


def push_pg(pg, con) -> None:
    """Copy the zonings changed in the mirror (inside the write transaction) to
    PostgreSQL."""
    local = _local_state(con)
    remote = _pg_state(pg)
    for zid, revision in local.items():
        if remote.get(zid) == revision:
            continue
        row = con.execute(f"SELECT {', '.join(CATALOG)} FROM zonings WHERE id = ?",
                          [zid]).fetchone()
        pg.execute("DELETE FROM eco_zonings WHERE id = %s", [zid])
        pg.execute(f"INSERT INTO eco_zonings ({', '.join(CATALOG)}) VALUES "
                   f"({', '.join(['%s'] * len(CATALOG))})", list(row))
        if remote.get(zid) is not None and row[CATALOG.index("deleted_at")] is None \
                and _zone_count(pg, zid):
            continue  # a rename: the zones did not change
        pg.execute("DELETE FROM eco_zoning_zones WHERE zoning_id = %s", [zid])
        pg.execute("DELETE FROM eco_zoning_communes WHERE zoning_id = %s", [zid])
        with pg.cursor() as cur:
            with cur.copy(f"COPY eco_zoning_zones ({', '.join(ZONE_COLUMNS)}) FROM STDIN") as copy:
                for r in con.execute(f"SELECT {', '.join(ZONE_COLUMNS)} FROM zoning_zones "
                                     "WHERE zoning_id = ?", [zid]).fetchall():
                    copy.write_row(r)
            with cur.copy("COPY eco_zoning_communes (zoning_id, commune_code, zone) "
                          "FROM STDIN") as copy:
                for r in con.execute("SELECT zoning_id, commune_code, zone FROM zoning_communes "
                                     "WHERE zoning_id = ?", [zid]).fetchall():
                    copy.write_row(r)


def _zone_count(pg, zid: int) -> int:
    return pg.execute("SELECT count(*) FROM eco_zoning_zones WHERE zoning_id = %s",
                      [zid]).fetchone()[0]


def pull_pg(store, pg) -> None:
    """Bring the mirror's zonings to PostgreSQL's state (changed ones copied,
    assignments of changed or deleted zonings dropped)."""
    remote = _pg_state(pg)
    local = _local_state(store.con.cursor())
    if remote == local:
        return
    ensure_schema(store)
    with store._duck_transaction() as con:
        for zid, revision in remote.items():
            if local.get(zid) == revision:
                continue
            row = pg.execute(f"SELECT {', '.join(CATALOG)} FROM eco_zonings WHERE id = %s",
                             [zid]).fetchone()
            con.execute("DELETE FROM zonings WHERE id = ?", [zid])
            con.execute(f"INSERT INTO zonings ({', '.join(CATALOG)}) VALUES "
                        f"({', '.join('?' * len(CATALOG))})", list(row))
            con.execute("DELETE FROM zoning_zones WHERE zoning_id = ?", [zid])
            con.execute("DELETE FROM zoning_communes WHERE zoning_id = ?", [zid])
            zrows = pg.execute(f"SELECT {', '.join(ZONE_COLUMNS)} FROM eco_zoning_zones "
                               "WHERE zoning_id = %s", [zid]).fetchall()
            if zrows:
                frame = pd.DataFrame(zrows, columns=list(ZONE_COLUMNS))
                frame["geometry"] = frame.geometry.map(bytes)
                frame["display"] = frame.display.map(bytes)
                con.register("_zz", frame)
                con.execute(f"INSERT INTO zoning_zones SELECT {', '.join(ZONE_COLUMNS)} FROM _zz")
                con.unregister("_zz")
            crows = pg.execute("SELECT zoning_id, commune_code, zone FROM eco_zoning_communes "
                               "WHERE zoning_id = %s", [zid]).fetchall()
            if crows:
                con.register("_zc", pd.DataFrame(crows, columns=["zoning_id", "commune_code",
                                                                "zone"]))
                con.execute("INSERT INTO zoning_communes SELECT * FROM _zc")
                con.unregister("_zc")
            _drop_assignments(con, zid)
    store._zoning_assigned = set()
