"""Store: named inventories, one transaction per write, readable errors."""

import hashlib

import duckdb
import pandas as pd
import pytest

from ecosystem import model
from ecosystem.storage.store import (SCHEMA_VERSION, InventoryExists, InventoryNotFound, Store,
                             StoreError)
from tests.fixtures import tiny


def test_create_list_load_round_trip(any_store):
    store = any_store
    ref = store.create("Inventaire A", tiny(), description="test")
    assert ref.version == 1
    listing = store.list()
    assert listing.name.tolist() == ["Inventaire A"]
    assert listing.n_actors.iloc[0] == 10 and listing.n_projects.iloc[0] == 5
    data = store.load("Inventaire A")
    src = tiny()
    for kind, df in src.tables().items():
        assert len(data.tables()[kind]) == len(df), kind
    actors = data.actors.set_index("actor_id")
    assert actors.at["A1", "domains"] == "poverty;social_cohesion"
    assert actors.at["A3", "siren"] == "732829320"
    scores = data.scores.set_index(["project_id", "criterion_id"]).score
    assert pd.isna(scores[("P1", "participation")])  # "not assessed" survives the trip
    # lists are real lists in SQL
    n = store.scalar(f"SELECT count(*) FROM {ref.actors} WHERE list_contains(domains, 'poverty')")
    assert n == 2


def test_schema_version_is_recorded(any_store):
    store = any_store
    assert store.schema_version == SCHEMA_VERSION


def test_copy_rename_delete(any_store):
    store = any_store
    store.create("A", tiny())
    store.copy("A", "B")
    assert store.names() == ["A", "B"]
    store.rename("B", "C")
    assert store.names() == ["A", "C"]
    assert len(store.load("C").actors) == 10
    store.delete("A")
    assert store.names() == ["C"]
    with pytest.raises(InventoryNotFound):
        store.load("A")
    with pytest.raises(InventoryExists):
        store.copy("C", "C")
    # the copy is independent of its source
    data = store.load("C")
    data.actors = data.actors.iloc[:3]
    data.projects = data.projects[data.projects.lead_actor_id.isin(["A1", "A2", "A3"])]
    data.partners = data.partners.iloc[0:0]
    data.fundings = data.fundings.iloc[0:0]
    data.memberships = data.memberships.iloc[0:0]
    data.partnerships = data.partnerships[data.partnerships.actor_id_b == "A3"]
    data.scores = data.scores[data.scores.project_id.isin(data.projects.project_id)]
    store.create("D", data)
    assert store.info("C")["n_actors"] == 10 and store.info("D")["n_actors"] == 3


def test_create_rejects_invalid_data_and_writes_nothing(any_store):
    store = any_store
    bad = tiny()
    bad.actors.loc[2, "actor_type"] = "asso"
    with pytest.raises(model.ValidationError) as err:
        store.create("bad", bad)
    assert err.value.issues[0].row == 2
    assert store.names() == []


def test_failed_save_keeps_the_previous_version(any_store, monkeypatch):
    store = any_store
    store.create("inv", tiny())
    before = store.load("inv")
    new = tiny()
    new.actors.loc[1, "name"] = "Nom changé"

    calls = []

    def boom(kind):
        calls.append(kind)
        if kind == "fundings":  # actors, projects, partners already rewritten
            raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_after_table_written", boom)
    with pytest.raises(RuntimeError):
        store.save("inv", new)
    assert calls == ["actors", "projects", "partners", "fundings"]
    after = store.load("inv")
    assert store.info("inv")["version"] == 1
    pd.testing.assert_frame_equal(after.actors, before.actors)
    assert after.actors.set_index("actor_id").at["A1", "name"] == "Entraide Nantes"
    # and the store still works
    monkeypatch.undo()
    store.save("inv", new)
    assert store.load("inv").actors.set_index("actor_id").at["A1", "name"] == "Nom changé"
    assert store.info("inv")["version"] == 2


def test_failed_sql_cast_mid_save_rolls_back(any_store):
    store = any_store
    store.create("inv", tiny())
    broken = tiny()
    # skip validation: the projects table fails in SQL, after actors were rewritten
    broken.actors.loc[1, "name"] = "changed"
    broken.projects["start_year"] = broken.projects.start_year.astype(object)
    broken.projects.loc[1, "start_year"] = "deux mille"
    with pytest.raises(duckdb.Error):
        store.save("inv", broken, validate=False)
    assert store.load("inv").actors.set_index("actor_id").at["A1", "name"] == "Entraide Nantes"


def test_append_adds_records_atomically(any_store):
    store = any_store
    data = tiny()
    store.create("inv", model.InventoryData(actors=data.actors.iloc[:5]))
    more = model.InventoryData(actors=data.actors.iloc[5:])
    store.append("inv", more)
    assert store.info("inv")["n_actors"] == 10
    dup = model.InventoryData(actors=data.actors.iloc[:1])
    with pytest.raises(model.ValidationError):
        store.append("inv", dup)
    assert store.info("inv")["n_actors"] == 10


def test_bad_names_are_refused(any_store):
    store = any_store
    with pytest.raises(StoreError):
        store.create("", tiny())
    with pytest.raises(StoreError):
        store.create("x" * 81, tiny())


def test_corrupt_database_file_gives_a_readable_error(tmp_path, geo):
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as err:
        Store(path, geo=geo)
    assert err.value.hint == "store.hint.corrupt"


def _fingerprint(path):
    """(sha-256 of the bytes, table names) of a DuckDB file, read without changing it."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    con = duckdb.connect(str(path), read_only=True)
    tables = sorted(r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                    .fetchall())
    con.close()
    return digest, tables


def foreign_file(path, meta=None):
    """Another application's DuckDB file: a ``clients`` table, and a ``meta`` table
    when ``meta`` (key, value rows) is given."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE clients (id INTEGER, nom VARCHAR)")
    con.execute("INSERT INTO clients VALUES (1, 'Dupont')")
    if meta is not None:
        con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
        con.executemany("INSERT INTO meta VALUES (?, ?)", meta)
    con.close()
    return path


@pytest.mark.parametrize("meta", [None, [("schema_version", "1")], [("schema_version", "99")],
                                  [("application", "other-app"), ("schema_version", "1")]])
def test_another_applications_duckdb_file_is_refused_untouched(tmp_path, geo, meta):
    # issue 12 #17: the store wrote its schema, the geography and the demo into it
    path = foreign_file(tmp_path / "other.duckdb", meta)
    before = _fingerprint(path)
    with pytest.raises(StoreError) as err:
        Store(path, geo=geo)
    assert err.value.hint == "store.hint.not_ours" and err.value.params == {"path": str(path)}
    assert _fingerprint(path) == before
    assert before[1] == (["clients"] if meta is None else ["clients", "meta"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.duckdb"]   # no WAL left


def test_a_newer_store_of_ours_is_refused_for_its_version(tmp_path, geo):
    path = tmp_path / "newer.duckdb"
    Store(path, geo=geo).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError) as err:
        Store(path, geo=geo)
    assert err.value.hint == "store.hint.version"


def test_an_empty_file_or_a_missing_path_is_ours_to_create(tmp_path, geo):
    empty = tmp_path / "empty.duckdb"
    empty.write_bytes(b"")
    with Store(empty, geo=geo) as s:
        assert s.names() == [] and s.scalar(
            "SELECT value FROM meta WHERE key = 'application'") == "ecosystem-dashboard"
    with Store(tmp_path / "new" / "sub" / "x.duckdb", geo=geo) as s:
        assert s.schema_version == SCHEMA_VERSION
    # reopened: ours (written with the application id)
    with Store(empty, geo=geo) as s:
        assert s.names() == []


def test_a_store_written_before_the_application_id_is_adopted(tmp_path, geo):
    path = tmp_path / "old.duckdb"
    with Store(path, geo=geo) as s:
        s.create("ancien", tiny())
        s.con.execute("DELETE FROM meta WHERE key = 'application'")
    with Store(path, geo=geo) as s:
        assert s.names() == ["ancien"]
        assert s.scalar("SELECT value FROM meta WHERE key = 'application'") == \
            "ecosystem-dashboard"


def test_geography_tables_are_loaded(any_store, geo):
    store = any_store
    n = store.scalar("SELECT count(*) FROM geo_communes")
    assert n == len(geo.communes)
    levels = store.query("SELECT level, count(*) AS n FROM geo_territories GROUP BY 1")
    assert dict(zip(levels.level, levels.n))["departement"] == 101


# ------------------------------------------------------------ PostgreSQL only
def test_two_replicas_share_one_postgresql(pg_url, tmp_path, geo):
    from ecosystem.storage.postgres import PostgresStore
    a = PostgresStore(pg_url, mirror=tmp_path / "a.duckdb", geo=geo)
    b = PostgresStore(pg_url, mirror=tmp_path / "b.duckdb", geo=geo)
    a.create("partagé", tiny(), description="créé par A")
    assert b.names() == ["partagé"]                       # B pulls A's inventory
    assert len(b.load("partagé").actors) == 10
    ref_b = b.ref("partagé")
    n = b.scalar(f"SELECT count(*) FROM {ref_b.derived('d_projects')}")
    assert n == 5                                          # analytics tables rebuilt on B
    data = b.load("partagé")
    data.actors.loc[data.actors.actor_id == "A1", "name"] = "Renommé par B"
    b.save("partagé", data)
    assert a.load("partagé").actors.set_index("actor_id").at["A1", "name"] == "Renommé par B"
    b.rename("partagé", "commun")
    assert a.names() == ["commun"]
    a.delete("commun")
    assert b.names() == []
    a.close()
    b.close()


def test_a_lost_mirror_is_rebuilt_from_postgresql(pg_url, tmp_path, geo):
    from ecosystem.storage.postgres import PostgresStore
    a = PostgresStore(pg_url, mirror=tmp_path / "a.duckdb", geo=geo)
    a.create("inv", tiny())
    a.close()
    fresh = PostgresStore(pg_url, mirror=tmp_path / "new.duckdb", geo=geo)
    again = fresh.load("inv")
    src = tiny()
    assert sorted(again.actors.actor_id) == sorted(src.actors.actor_id)
    assert again.actors.set_index("actor_id").at["A1", "domains"] == "poverty;social_cohesion"
    scores = again.scores.set_index(["project_id", "criterion_id"]).score
    assert pd.isna(scores[("P1", "participation")])
    fresh.close()


def test_failed_write_leaves_postgresql_unchanged(pg_url, tmp_path, geo, monkeypatch):
    from ecosystem.storage.postgres import PostgresStore
    a = PostgresStore(pg_url, mirror=tmp_path / "a.duckdb", geo=geo)
    a.create("inv", tiny())

    def boom(kind):
        if kind == "partners":
            raise RuntimeError("crash mid-write")

    monkeypatch.setattr(a, "_after_table_written", boom)
    new = tiny()
    new.actors.loc[1, "name"] = "jamais enregistré"
    with pytest.raises(RuntimeError):
        a.save("inv", new)
    other = PostgresStore(pg_url, mirror=tmp_path / "b.duckdb", geo=geo)
    assert other.load("inv").actors.set_index("actor_id").at["A1", "name"] == "Entraide Nantes"
    assert other.info("inv")["version"] == 1


def test_unreachable_postgresql_gives_a_readable_error(geo, tmp_path):
    from ecosystem.storage.postgres import PostgresStore
    with pytest.raises(StoreError) as err:
        PostgresStore("postgresql://nobody:secret@127.0.0.1:1/none", mirror=tmp_path / "m.duckdb",
                      geo=geo)
    assert err.value.hint == "store.hint.postgres"
    assert "secret" not in str(err.value)


def test_postgresql_database_of_another_application_is_refused_untouched(pg_url, tmp_path, geo):
    import psycopg

    from ecosystem.storage.postgres import PostgresStore
    with psycopg.connect(pg_url) as pg:
        pg.execute("CREATE TABLE clients (id integer, nom text)")
        pg.execute("INSERT INTO clients VALUES (1, 'Dupont')")

    def tables():
        with psycopg.connect(pg_url) as pg:
            return sorted(r[0] for r in pg.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()").fetchall())

    with pytest.raises(StoreError) as err:
        PostgresStore(pg_url, mirror=tmp_path / "m.duckdb", geo=geo)
    assert err.value.hint == "store.hint.not_ours"
    assert tables() == ["clients"] and not (tmp_path / "m.duckdb").exists()
    assert err.value.params == {"path": pg_url.split("@")[-1]}   # no credentials shown


def test_postgresql_schema_written_before_the_application_id_is_adopted(pg_url, tmp_path, geo):
    import psycopg

    from ecosystem.storage.postgres import PostgresStore
    a = PostgresStore(pg_url, mirror=tmp_path / "a.duckdb", geo=geo)
    a.create("ancien", tiny())
    a.close()
    with psycopg.connect(pg_url) as pg:
        pg.execute("DELETE FROM eco_meta WHERE key = 'application'")
    b = PostgresStore(pg_url, mirror=tmp_path / "b.duckdb", geo=geo)
    assert b.names() == ["ancien"]
    b.close()
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT value FROM eco_meta WHERE key = 'application'").fetchone() == \
            ("ecosystem-dashboard",)
