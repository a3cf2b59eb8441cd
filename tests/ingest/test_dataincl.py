"""data·inclusion structures (``structures-insertion``): recognised, typologies mapped to
actor types and domains by the table of docs/import.md (codes.DATAINCL_TYPOLOGIES).
Expected values worked out by hand from tests/data/shaped/dataincl_structures_loire_atlantique.csv."""

from pathlib import Path

from ecosystem.ingest.pipeline import run_import
from ecosystem.ingest.recognise import recognise

FILE = Path(__file__).resolve().parent.parent / "data" / "shaped" / "dataincl_structures_loire_atlantique.csv"


def test_dataincl_columns_are_recognised():
    v0 = ["id", "siret", "rna", "nom", "commune", "code_postal", "code_insee", "adresse",
          "longitude", "latitude", "typologie", "telephone", "courriel", "site_web",
          "presentation_resume", "source", "date_maj"]
    rec = recognise(v0, "structures.csv")
    assert (rec.format, rec.mapping.table, rec.mapping.source) == ("dataincl", "actors", "data-inclusion")
    assert rec.mapping.rules["actor_type"].values["CHRS"] == "association"
    # a JSON export of the same fields is not taken for a map export (it has nom + coordinates)
    assert recognise(v0, "structures.json").format == "dataincl"
    v1 = ["id", "siret", "nom", "commune", "code_insee", "reseaux_porteurs", "source", "date_maj",
          "latitude", "longitude", "description"]
    assert recognise(v1, "structures.csv").format == "dataincl"


def _codes(value) -> list[str]:
    """Domains as stored (a list, or missing) as a sorted list."""
    return sorted(value) if hasattr(value, "__len__") and not isinstance(value, str) else \
        sorted(x for x in str(value).split(";") if x and x != "nan")


def test_dataincl_import(store, geo):
    imp, ref = run_import(FILE, store, "Inclusion 44", geo=geo)
    try:
        entry = imp.summary()["parts"][0]
        # 28 rows: row 12 repeats dora-002 and row 27 has the SIRET of row 20 (written with
        # spaces there): both merged; row 13 has no name (excluded)
        assert entry["balance"] == {"read": 28, "saved": 25, "merged": 2, "excluded": 1}
        assert entry["format"] == "dataincl"
    finally:
        imp.close()
    df = store.query(f"SELECT actor_id, actor_type, domains, siret, rna_id, commune_code, source "
                     f"FROM {ref.table('actors')}").set_index("actor_id")
    want = {  # typologie -> (type, domains)
        "dora-001": ("social_enterprise", []),                       # ESS
        "dora-002": ("association", ["employment", "poverty"]),      # ACI
        "dora-003": ("local_authority", ["poverty", "social_cohesion"]),  # CCAS
        "dora-004": ("association", ["housing", "poverty"]),         # CHRS
        "emplois-005": ("social_enterprise", ["employment"]),        # EI
        "dora-006": ("funder", ["employment"]),                      # FT
        "dora-007": ("association", ["education_youth", "culture"]),  # MJC
        "dora-008": ("association", []),                             # Autre: default type
        "dora-009": ("association", []),                             # none: default type
        "mednum-010": ("association", ["digital_inclusion"]),        # EPN
        "soliguide-013": ("association", ["migration", "housing"]),  # CADA
        "dora-014": ("association", ["ecological_transition", "employment"]),  # RESSOURCERIE
        "dora-015": ("funder", ["early_childhood", "poverty"]),      # CAF
        "dora-016": ("association", ["citizen_participation"]),      # CIDFF
        "dora-017": ("association", ["social_cohesion"]),            # CS
        "dora-018": ("association", ["employment", "education_youth"]),  # E2C
        "dora-019": ("social_enterprise", ["employment", "disability"]),  # EA (+ row 27)
        "dora-020": ("association", ["food", "poverty"]),            # ES
        "dora-021": ("social_enterprise", ["employment"]),           # GEIQ
        "dora-022": ("local_authority", ["disability"]),             # MDPH
        "dora-023": ("association", ["employment", "education_youth"]),  # ML
        "dora-024": ("association", ["digital_inclusion", "social_cohesion"]),  # PIMMS
        "dora-025": ("network", ["early_childhood"]),                # UDAF
        "dora-027": ("local_authority", []),                         # REG
        "dora-028": ("association", []),                             # XYZ: unknown, default
    }
    got = {i.removeprefix("data-inclusion:"): (r.actor_type, _codes(r.domains))
           for i, r in df.iterrows()}
    assert got == {k: (t, sorted(d)) for k, (t, d) in want.items()}
    assert df.loc["data-inclusion:dora-001", "siret"] == "45345678200011"  # written with spaces
    assert df.loc["data-inclusion:soliguide-013", "rna_id"] == "W442001234"
    assert df.loc["data-inclusion:mednum-010", "commune_code"] == "44143"  # Rezé, by coordinates
    assert set(df.source) == {"data-inclusion"}
    assert df.loc["data-inclusion:dora-019", "siret"] == "45789012700014"


def test_dataincl_unknown_typology_is_reported(store, geo):
    imp, _ = run_import(FILE, store, "Inclusion 44", geo=geo, dry_run=True)
    try:
        issues = imp.issues(imp.parts[0].index, lang="en")
        row29 = issues[issues.row == 29]
        assert row29[["column", "value", "check"]].values.tolist() == [
            ["actor_type", "XYZ", "vocabulary"], ["domains", "XYZ", "vocabulary"]]
    finally:
        imp.close()


def test_dataincl_on_the_command_line(tmp_path):
    """Recognised with no mapping on the command line too (the page: tests/app/
    test_importer_opendata.py); the same balance as test_dataincl_import."""
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    got = CliRunner().invoke(app, ["import", str(FILE), "-i", "Inclusion", "--db",
                                   str(tmp_path / "cli.duckdb"), "--lang", "en"])
    out = " ".join(got.output.split())
    assert got.exit_code == 0, out
    assert "recognised format (data·inclusion structures (structures-insertion))" in out
    assert "Rows read 28 = saved 25 + merged 2 + left out 1" in out
