"""The two SIRENE stock files imported one after the other (page or ``import``), as INSEE
publishes them: the legal units, then their establishments (issue 16 items 3 and 5).

Worked out by hand from ``sirene_StockUniteLegale.csv`` (8 units, families in
``test_ess_families``) and ``sirene_StockEtablissement.csv`` (14 establishments):
every establishment is its own actor, placed in its commune, with its own staff band,
and takes from its legal unit what the establishment file does not say (name when it
has none, actor type, ESS family, RNA number). Before, the 14 establishments merged into
their 8 units by the SIREN: Entraide's three establishments (Brest, Nantes, Quimper)
became one actor.
"""

import pytest

from ecosystem.analysis import indicators as I
from ecosystem.analysis.view import Filters, View
from ecosystem.ingest.pipeline import run_import

from tests.ingest.test_ess_families import ETABS, FAMILY_IDS, UNITS  # the same files


@pytest.fixture
def both(any_store, geo):  # DuckDB and PostgreSQL stores
    store = any_store
    imp, _ = run_import(UNITS, store, "SIRENE", geo=geo)
    imp.close()
    imp, ref = run_import(ETABS, store, "SIRENE", geo=geo)
    try:
        balance = imp.summary()["parts"][0]["balance"]
        assert imp.balanced()
    finally:
        imp.close()
    return store, store.ref("SIRENE"), balance


def test_each_establishment_is_an_actor(both):
    store, ref, balance = both
    assert balance == {"read": 14, "saved": 14, "merged": 0, "excluded": 0}
    got = store.query(f"""SELECT siret, name, actor_type, ess_family, rna_id, commune_code
        FROM {ref.table('actors')} WHERE siren = '100000017' AND siret IS NOT NULL ORDER BY siret""")
    assert got.values.tolist() == [
        # the head office has no name of its own: the unit's
        ["10000001700010", "Entraide Bretagne Loire", "association", "association", "W291000001", "29019"],
        ["10000001700028", "Entraide Nantes", "association", "association", "W291000001", "44109"],
        ["10000001700036", "Entraide Quimper", "association", "association", "W291000001", "29232"]]
    mutual = store.query(f"""SELECT actor_type, ess_family FROM {ref.table('actors')}
        WHERE siret = '10000003300025'""").values.tolist()
    assert mutual == [["social_enterprise", "mutual"]]       # not the default association


def test_indicators_count_every_establishment(both):
    store, ref, _ = both
    df = I.compute(View(store, ref, Filters()), "departement",
                   FAMILY_IDS + ["ess_establishments", "ess_jobs"]).set_index("code")
    # 29: Entraide Brest, Quimper; SCOP Morlaix; Mutuelle Brest; Fondation Quimper (its
    # Brest site closed); Réemploi Brest. 35: SCOP, Réemploi Rennes. 44: Entraide Nantes,
    # Mutuelle Saint-Nazaire.
    assert df.loc["29", FAMILY_IDS].tolist() == [2, 1, 1, 1, 1]
    assert df.loc["35", FAMILY_IDS].tolist() == [0, 1, 0, 0, 1]
    assert df.loc["44", FAMILY_IDS].tolist() == [1, 0, 1, 0, 0]
    # staff bands of the establishments, not of the units: 29: 03 7.5 + NN 0 + 02 4 +
    # 01 1.5 + 01 1.5 + none = 14.5; 35: 00 0 + 03 7.5; 44: 11 14.5 + 11 14.5
    assert df.loc[["29", "35", "44"], "ess_jobs"].tolist() == [14.5, 7.5, 29.0]


def test_command_line_says_it(tmp_path, geo):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    first = runner.invoke(app, ["import", str(UNITS), "-i", "S", "--db", db, "--lang", "en"])
    assert first.exit_code == 0, first.output
    result = runner.invoke(app, ["import", str(ETABS), "-i", "S", "--db", db, "--lang", "en"])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, out
    assert "Rows read 14 = saved 14 + merged 0 + left out 0" in out
    assert ("14 establishments completed from their legal unit already in the inventory "
            "(name when they have none, type, ESS family, RNA number); each stays an actor "
            "of its own.") in out


def test_establishments_without_their_unit_are_said(tmp_path):
    """Only U2–U5 imported first (rows 3–6 of the unit file): their 8 establishments are
    completed; Entraide's (U1) Nantes and Quimper establishments, named, have no unit in
    the inventory: default type, no family, counted as ESS by their type — said, so the
    user can import their units or filter the file. The head offices of U1, U6, U7, U8
    have no name of their own and no unit to take one from: left out (4)."""
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    lines = UNITS.read_text(encoding="utf-8").splitlines()
    some = tmp_path / "StockUniteLegale_some.csv"
    some.write_text("\n".join([lines[0]] + lines[2:6]) + "\n", encoding="utf-8")
    db = str(tmp_path / "cli.duckdb")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(some), "-i", "S", "--db", db]).exit_code == 0
    got = runner.invoke(app, ["import", str(ETABS), "-i", "S", "--db", db, "--lang", "en"])
    out = " ".join(got.output.split())
    assert got.exit_code == 0, out
    assert "Rows read 14 = saved 10 + merged 0 + left out 4" in out
    assert "8 establishments completed from their legal unit" in out
    assert ("2 establishments have no legal unit in the inventory: their type is the default "
            "and their ESS family unknown, so they count as ESS establishments by that type; "
            "import their legal units first, or filter the file.") in out
