"""Full SIRENE establishment counts per commune: the denominator of the share of ESS
establishments, stored store-wide (never as actors).

The hand-written ``sirene_StockEtablissement_comptes.csv`` (18 establishments):

* Brest 29019: four active (bands 03, NN, 00, empty: one employing) and one closed;
* Quimper 29232: two active under its code (01, NN) and one under the former code of a
  commune merged into it (29050, band 02): 3 active, 2 employing;
* Morlaix 29151: one active (01) and one closed (NN);
* Rennes 35238: three active (03, NN, 01): 2 employing;
* Paris 75056: two in municipal arrondissements (75101 band 12, 75102 NN): 2 active, 1
  employing;
* 99999, not a commune: two active establishments, left out and listed;
* one active establishment abroad (no commune code), left out.

Counted: 4 + 3 + 1 + 3 + 2 = 13 active in 5 communes, 1 + 2 + 1 + 2 + 1 = 7 employing;
left out: 2 closed, 2 unknown, 1 without commune; 13 + 2 + 2 + 1 = 18 rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ecosystem import access, writes
from ecosystem.ingest import sirene_counts
from ecosystem.ingest.sirene import SireneError
from ecosystem.storage import establishment_counts as ec

SHAPED = Path(__file__).resolve().parent.parent / "data" / "shaped"
COUNTS = SHAPED / "sirene_StockEtablissement_comptes.csv"
EXPECTED = [["29019", 4, 1], ["29151", 1, 1], ["29232", 3, 2], ["35238", 3, 2], ["75056", 2, 1]]


def test_counts_per_commune(geo):
    c = sirene_counts.count(COUNTS, geo)
    assert c.communes.values.tolist() == EXPECTED
    assert (c.rows, c.active, c.employing, c.closed, c.no_commune) == (18, 13, 7, 2, 1)
    assert c.unknown == [("99999", 2)]
    assert c.balanced()


def test_parquet_counts_the_same(tmp_path, geo):
    import duckdb

    out = tmp_path / "StockEtablissement.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{COUNTS}', all_varchar = true)) TO '{out}' "
               "(FORMAT parquet)")
    c = sirene_counts.count(out, geo)
    assert c.communes.values.tolist() == EXPECTED
    assert c.unknown == [("99999", 2)] and c.rows == 18


def test_missing_column_is_named(tmp_path, geo):
    bad = tmp_path / "etab.csv"
    bad.write_text("siren,codeCommuneEtablissement,trancheEffectifsEtablissement\n1,29019,01\n")
    with pytest.raises(SireneError) as e:
        sirene_counts.count(bad, geo)
    assert (e.value.key, e.value.params) == (
        "sirene.err.column", {"file": "etab.csv", "column": "etatAdministratifEtablissement"})


def test_stored_store_wide_and_replaced(any_store, geo, tmp_path):
    assert ec.info(any_store) is None
    first = writes.load_establishment_counts(any_store, access.LOCAL_ADMIN,
                                             sirene_counts.count(COUNTS, geo))
    assert (first["file"], first["loaded_by"], first["active"], first["employing"],
            first["communes"], first["rows"], first["closed"], first["no_commune"]) == \
        ("sirene_StockEtablissement_comptes.csv", "local", 13, 7, 5, 18, 2, 1)
    assert first["unknown"] == [("99999", 2)]
    assert first["loaded_at"] is not None
    # a second file replaces the first: only Rennes' three left
    small = tmp_path / "rennes.csv"
    small.write_text("codeCommuneEtablissement,etatAdministratifEtablissement,"
                     "trancheEffectifsEtablissement\n35238,A,01\n35238,A,NN\n35238,A,02\n")
    second = writes.load_establishment_counts(any_store, access.LOCAL_ADMIN,
                                              sirene_counts.count(small, geo))
    assert (second["file"], second["active"], second["communes"], second["unknown"]) == \
        ("rennes.csv", 3, 1, [])
    assert ec.per_commune(any_store).values.tolist() == [["35238", 3, 2]]


def test_other_replica_sees_the_counts(pg_replicas, geo):
    one, two = pg_replicas
    writes.load_establishment_counts(one, access.LOCAL_ADMIN, sirene_counts.count(COUNTS, geo))
    seen = ec.info(two)
    assert (seen["active"], seen["communes"], seen["file"]) == \
        (13, 5, "sirene_StockEtablissement_comptes.csv")
    assert ec.per_commune(two).values.tolist() == EXPECTED


def test_only_an_administrator_loads_them(store, geo):
    viewer = access.User("someone@example.org", email="someone@example.org")
    with pytest.raises(access.PermissionDenied):
        writes.load_establishment_counts(store, viewer, sirene_counts.count(COUNTS, geo))
    assert ec.info(store) is None


def test_command_line_counts_then_says_it(tmp_path):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    db = tmp_path / "cli.duckdb"
    r = CliRunner().invoke(app, ["sirene-counts", str(COUNTS), "--db", str(db), "--lang", "en"])
    assert r.exit_code == 0, r.output
    out = " ".join(r.output.split())
    assert "18 establishments read; 13 active establishments counted in 5 communes (7 employing)" in out
    assert "Left out: closed 2; without a commune code (abroad) 1; code that is no commune 2 (distinct codes: 1)" in out
    assert "code 99999 (establishments: 2)" in out
    bad = tmp_path / "etab.csv"
    bad.write_text("siren,etatAdministratifEtablissement\n1,A\n")
    r = CliRunner().invoke(app, ["sirene-counts", str(bad), "--db", str(db)])
    assert r.exit_code == 2
    assert "etab.csv : la colonne « codeCommuneEtablissement » manque" in " ".join(r.output.split())
