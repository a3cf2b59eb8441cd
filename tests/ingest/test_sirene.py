"""SIRENE stock files: ESS and territory filters streamed by DuckDB, then imported.

Fixture (``tests/data/shaped/sirene_*``, written by hand): 8 legal units, 14 establishments.

====  =========  ====  ======  ====  ==========================================
unit  siren      cat.  NAF     flag  establishments (commune, staff band, state)
====  =========  ====  ======  ====  ==========================================
U1    100000017  9220  88.99B  O     E1 Brest 03, E2 Nantes 11, E3 Quimper NN
U2    100000025  5458  16.23Z  O     E4 Morlaix 02, E5 Rennes 00
U3    100000033  8210  65.12Z  N     E6 Saint-Nazaire 11, E7 Brest 01
U4    100000041  9300  88.10A  O     E8 Quimper 01, E14 Brest NN closed (F)
U5    100000058  5710  38.32Z  O     E9 Rennes 03, E10 Brest (no band)
U6    100000066  5499  45.20A  N     E11 Brest 01
U7    100000074  9220  94.92Z  N     E12 Morlaix NN (a political association)
U8    100000082  7210  84.11Z  N     E13 Morlaix 21
====  =========  ====  ======  ====  ==========================================

ESS units: flag U1 U2 U4 U5; categories U1 U2 U3 U4 (U7 left out by its activity);
either U1–U5; both U1 U2 U4. Bretagne (53) = départements 22, 29, 35, 56; Nantes and
Saint-Nazaire are in 44 (Pays de la Loire).
"""

from pathlib import Path

import duckdb
import pytest

from ecosystem.ingest import sirene
from ecosystem.ingest.pipeline import run_import

SHAPED = Path(__file__).resolve().parent.parent / "data" / "shaped"
UNITS = SHAPED / "sirene_StockUniteLegale.csv"
ETABS = SHAPED / "sirene_StockEtablissement.csv"
WGS84 = SHAPED / "sirene_StockEtablissement_wgs84.csv"

E = {1: "10000001700010", 2: "10000001700028", 3: "10000001700036", 4: "10000002500013",
     5: "10000002500021", 6: "10000003300017", 7: "10000003300025", 8: "10000004100010",
     9: "10000005800014", 10: "10000005800022", 11: "10000006600017", 12: "10000007400011",
     13: "10000008200014", 14: "10000004100028"}


def sirets(path) -> set[str]:
    return {r[0] for r in duckdb.sql(f"SELECT siret FROM read_parquet('{path}')").fetchall()}


@pytest.mark.parametrize("ess, expected", [
    ("either", {1, 3, 4, 5, 7, 8, 9, 10, 14}),
    ("flag", {1, 3, 4, 5, 8, 9, 10, 14}),
    ("categories", {1, 3, 4, 5, 7, 8, 14}),
    ("both", {1, 3, 4, 5, 8, 14}),
    ("all", {1, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14}),
])
def test_ess_modes_in_bretagne(tmp_path, geo, ess, expected):
    out = tmp_path / "x.parquet"
    result = sirene.extract(out, units=UNITS, establishments=ETABS, ess=ess,
                            where=sirene.parse_where("reg=53", geo), geo=geo)
    assert sirets(out) == {E[i] for i in expected}
    assert result.rows == len(expected)


def test_one_departement_and_a_commune(tmp_path, geo):
    out = tmp_path / "x.parquet"
    sirene.extract(out, units=UNITS, establishments=ETABS, ess="both",
                   where=sirene.parse_where("dep=29", geo), geo=geo)
    assert sirets(out) == {E[1], E[3], E[4], E[8], E[14]}
    # Nantes (commune) or Rennes' département: E2; E5, E9
    sirene.extract(out, units=UNITS, establishments=ETABS, ess="either",
                   where=sirene.parse_where("commune=44109; dep=35", geo), geo=geo)
    assert sirets(out) == {E[2], E[5], E[9]}


def test_families_of_the_kept_establishments(tmp_path, geo):
    result = sirene.extract(tmp_path / "x.parquet", units=UNITS, establishments=ETABS,
                            ess="either", where=sirene.parse_where("reg=53", geo), geo=geo)
    assert result.families == {"association": 2, "cooperative": 2, "mutual": 1,
                               "foundation": 2, "commercial": 2}
    assert result.units == 5


def test_all_mode_political_association_and_company_have_no_family(tmp_path, geo):
    out = tmp_path / "x.parquet"
    sirene.extract(out, units=UNITS, establishments=ETABS, ess="all",
                   where=sirene.parse_where("dep=29", geo), geo=geo)
    fam = dict(duckdb.sql(f"SELECT siret, familleEss FROM read_parquet('{out}')").fetchall())
    assert fam[E[12]] is None and fam[E[11]] is None and fam[E[13]] is None
    assert fam[E[7]] == "mutual"


def test_legal_units_alone(tmp_path):
    out = tmp_path / "u.parquet"
    result = sirene.extract(out, units=UNITS, ess="categories")
    sirens = {r[0] for r in duckdb.sql(f"SELECT siren FROM read_parquet('{out}')").fetchall()}
    assert sirens == {"100000017", "100000025", "100000033", "100000041"}
    assert result.rows == 4


@pytest.mark.parametrize("text, key", [("dep=2", "sirene.err.where_code"),
                                       ("zone=29", "sirene.err.where"),
                                       ("29", "sirene.err.where")])
def test_bad_where_says_what(geo, text, key):
    with pytest.raises(sirene.SireneError) as info:
        sirene.parse_where(text, geo)
    assert info.value.key == key


def test_ess_filter_needs_the_legal_units(tmp_path, geo):
    with pytest.raises(sirene.SireneError) as info:
        sirene.extract(tmp_path / "x.parquet", establishments=ETABS, ess="flag")
    assert info.value.key == "sirene.err.needs_units"
    with pytest.raises(sirene.SireneError) as info:
        sirene.extract(tmp_path / "x.parquet", units=UNITS, ess="either",
                       where=[("departement", "29")], geo=geo)
    assert info.value.key == "sirene.err.needs_establishments"


def test_missing_flag_column_is_named(tmp_path, write):
    path = write("StockUniteLegale.csv", "siren,categorieJuridiqueUniteLegale\n100000017,9220\n")
    with pytest.raises(sirene.SireneError) as info:
        sirene.extract(tmp_path / "x.parquet", units=path, ess="flag")
    assert info.value.params == {"file": "StockUniteLegale.csv",
                                 "column": "economieSocialeSolidaireUniteLegale"}


def test_parquet_input(tmp_path, geo):
    units = tmp_path / "StockUniteLegale.parquet"
    etabs = tmp_path / "StockEtablissement.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{UNITS}', all_varchar=true)) TO '{units}'")
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{ETABS}')) TO '{etabs}'")   # typed columns
    out = tmp_path / "x.parquet"
    sirene.extract(out, units=units, establishments=etabs, ess="both",
                   where=sirene.parse_where("dep=29", geo), geo=geo)
    assert sirets(out) == {E[1], E[3], E[4], E[8], E[14]}


def test_extract_then_import(tmp_path, geo, store):
    out = tmp_path / "sirene_bretagne.parquet"
    sirene.extract(out, units=UNITS, establishments=ETABS, ess="either",
                   where=sirene.parse_where("reg=53", geo), geo=geo)
    imp, ref = run_import(out, store, "SIRENE Bretagne", geo=geo)
    try:
        assert imp.summary()["parts"][0]["balance"] == {"read": 9, "saved": 9, "merged": 0,
                                                        "excluded": 0}
    finally:
        imp.close()
    df = store.query(f"SELECT siret, actor_type, employees, commune_code, siren, rna_id "
                     f"FROM {store.ref('SIRENE Bretagne').table('actors')}").set_index("siret")
    assert df.actor_type.to_dict() == {
        E[1]: "association", E[3]: "association", E[4]: "social_enterprise",
        E[5]: "social_enterprise", E[7]: "social_enterprise", E[8]: "foundation",
        E[14]: "foundation", E[9]: "social_enterprise", E[10]: "social_enterprise"}
    # establishment staff bands, middle of the band: 03 → 7.5, 02 → 4, 00 → 0, 01 → 1.5
    assert df.at[E[1], "employees"] == 7.5 and df.at[E[4], "employees"] == 4
    assert df.at[E[5], "employees"] == 0 and df.at[E[7], "employees"] == 1.5
    assert df.at[E[1], "rna_id"] == "W291000001" and df.at[E[7], "siren"] == "100000033"
    assert df.at[E[9], "commune_code"] == "35238"


def test_wgs84_vintage_placed_by_coordinates(geo, store):
    imp, _ = run_import(WGS84, store, "SIRENE WGS84", geo=geo)
    imp.close()
    df = store.query(f"SELECT siret, commune_code, geo_method, lat, lon "
                     f"FROM {store.ref('SIRENE WGS84').table('actors')}").set_index("siret")
    assert df.commune_code.to_dict() == {E[1]: "29019", E[4]: "29151", E[6]: "44184"}
    assert df.at[E[1], "geo_method"] == "coordinates"
    assert df.at[E[4], "lat"] == pytest.approx(48.5975)


def test_command_line_filters_then_imports(tmp_path, geo):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app
    from ecosystem.storage import open_store

    db = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, [
        "sirene", "--units", str(UNITS), "--establishments", str(ETABS), "--ess", "both",
        "--where", "dep=29", "-i", "Finistère ESS", "--db", str(db), "--lang", "en"])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, out
    assert "5 rows kept from 3 legal units" in out
    assert "associations: 2" in out and "cooperatives: 1" in out and "foundations: 2" in out
    store = open_store(db)
    try:
        assert store.info("Finistère ESS")["n_actors"] == 5
    finally:
        store.close()


def test_command_line_bad_where(tmp_path):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    result = CliRunner().invoke(app, [
        "sirene", "--units", str(UNITS), "--establishments", str(ETABS), "--where", "dep=2",
        "-i", "X", "--db", str(tmp_path / "x.duckdb"), "--lang", "en"])
    assert result.exit_code == 2
    assert "dep=2 is not a territory" in " ".join(result.output.split())


def test_one_file_with_both_kinds_of_columns(tmp_path, geo):
    # an extract already joined (establishment + legal-unit columns on each row), filtered
    # again: the ESS "both" of the Finistère out of the ESS "either" of Bretagne
    first = tmp_path / "bretagne.parquet"
    sirene.extract(first, units=UNITS, establishments=ETABS, ess="either",
                   where=sirene.parse_where("reg=53", geo), geo=geo)
    out = tmp_path / "x.parquet"
    result = sirene.extract(out, units=first, establishments=first, ess="both",
                            where=sirene.parse_where("dep=29", geo), geo=geo)
    assert sirets(out) == {E[1], E[3], E[4], E[8], E[14]}
    assert result.units == 3 and result.rows == 5


def test_unreadable_file_is_said(tmp_path, write):
    path = write("StockUniteLegale.csv", "siren;categorieJuridiqueUniteLegale\n100000017;9220\n"
                 "100000025;\xe9\xe9\n".encode("latin-1"))
    with pytest.raises(sirene.SireneError) as info:
        sirene.extract(tmp_path / "x.parquet", units=path, ess="categories")
    assert info.value.key == "sirene.err.read"
    assert info.value.params["file"] == "StockUniteLegale.csv"
