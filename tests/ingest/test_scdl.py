"""SCDL subventions: each row a funding from the granting body to a project of the
beneficiary, parties created or matched by SIRET / SIREN. Expected values worked out by
hand from the three fixtures of tests/data/shaped/ (see the comments)."""

from pathlib import Path

from ecosystem.ingest import scdl
from ecosystem.ingest.pipeline import run_import

SHAPED = Path(__file__).resolve().parent.parent / "data" / "shaped"
V20 = SHAPED / "scdl_subventions_nantes_2023.csv"
V21 = SHAPED / "scdl_multifinanceurs_2_1.csv"

NANTES, REGION = "scdl:21440109300015", "scdl:23440003400026"
DEPT, ETAT = "scdl:22440002800011", "scdl:13000123300019"


def _inventory(store, geo, tmp_path):
    """Two actors already known: Entraide (SIRET of row 6's beneficiary) and Accueil
    (only the SIREN of row 7's beneficiary)."""
    src = tmp_path / "base.csv"
    src.write_text("actor_id;name;actor_type;siret;siren;commune_code;source\n"
                   "E1;Entraide Nantaise;association;45456789200012;;44109;cress\n"
                   "E2;Accueil Solidaire Bellevue;association;;455678904;44109;cress\n",
                   encoding="utf-8")
    imp, _ = run_import(src, store, "Nantes", geo=geo)
    imp.close()


def _parts(imp):
    return {p.table: (p, e) for p, e in zip(imp.parts, imp.summary()["parts"])}


def test_scdl_is_recognised_as_three_parts(store, geo):
    imp, _ = run_import(V20, store, "Nantes", geo=geo, dry_run=True)
    try:
        assert [(p.table, p.format, p.origin) for p in imp.parts] == [
            ("actors", "scdl", "recognised"), ("projects", "scdl", "recognised"),
            ("fundings", "scdl", "recognised")]
        # 12 grant rows: 24 parties, 12 projects, 12 fundings
        assert [p.raw.n_rows for p in imp.parts] == [24, 12, 12]
    finally:
        imp.close()


def test_scdl_balance_and_matching_into_an_inventory(store, geo, tmp_path):
    _inventory(store, geo, tmp_path)
    imp, _ = run_import(V20, store, "Nantes", geo=geo, dry_run=True)
    try:
        parts = _parts(imp)
        # parties: Nantes 8 rows (1 saved, 7 merged), Région 4 (1 + 3); Jardins rows 2, 4, 11
        # (1 + 2), Régie rows 3, 13 (1 + 1), Collectif rows 8, 9 (same name: 1 + 1),
        # Entraide and Accueil merged into the inventory, SCIC, Atelier, Café saved
        assert parts["actors"][1]["balance"] == {"read": 24, "saved": 8, "merged": 16, "excluded": 0}
        # projects: row 11 repeats row 2
        assert parts["projects"][1]["balance"] == {"read": 12, "saved": 11, "merged": 1, "excluded": 0}
        # fundings: row 11 repeats row 2; row 10 (amount "montant à confirmer") left out;
        # row 13 (nature "prêt", outside the schema) read by the vocabulary: a loan
        assert parts["fundings"][1]["balance"] == {"read": 12, "saved": 10, "merged": 1, "excluded": 1}
        assert imp.balanced()
        ledger = imp.ledger(parts["fundings"][0].index, lang="en")
        assert ledger[["row", "outcome"]].values.tolist() == [[10, "excluded"], [11, "merged"]]
        assert int(ledger.into_row.iloc[1]) == 2
        assert ledger[["column", "value"]].iloc[0].tolist() == ["amount_eur", "montant à confirmer"]
        report = scdl.report(imp)
        # beneficiaries of the 12 rows: Entraide, Accueil matched; the Collectif twice and
        # the Café (id "123") without a usable SIRET; the 7 others new
        assert report["grants"] == {"matched": 2, "new": 7, "unmatched": 3}
        # Nantes: 12,500.50 + 8,000 x 0.5 + 3,000 + 1,200 + 800 + 10,000 (rows 2, 3, 4, 8, 9, 13)
        # Région: 47,800.20 x 0.45 + 5,000 + 2,500 + 1,000 (rows 5, 6, 7, 12)
        assert [(f["funder_actor_id"], f["grants"], f["amount_eur"]) for f in report["funders"]] == [
            (NANTES, 6, 31500.5), (REGION, 4, 30010.09)]
    finally:
        imp.close()


def test_scdl_saved_records(store, geo, tmp_path):
    _inventory(store, geo, tmp_path)
    imp, ref = run_import(V20, store, "Nantes", geo=geo)
    imp.close()
    actors = store.query(f"SELECT actor_id, actor_type, siret, siren FROM {ref.table('actors')} "
                         "ORDER BY actor_id").set_index("actor_id")
    assert actors.loc[NANTES].tolist() == ["local_authority", "21440109300015", "214401093"]
    assert actors.loc["scdl:45123456100012", "siret"] == "45123456100012"  # written with spaces
    assert actors.loc["scdl:45345678200011", "actor_type"] == "social_enterprise"  # "SCIC …"
    assert "scdl:nom:collectif-des-habitants-de-bellevue" in actors.index
    assert len(actors) == 2 + 8
    f = store.query(f"""SELECT f.funder_actor_id, p.lead_actor_id, f.amount_eur, f.year, f.kind, f.origin
        FROM {ref.table('fundings')} f JOIN {ref.table('projects')} p USING (project_id)
        ORDER BY f.amount_eur""")
    assert f.values.tolist() == [
        [NANTES, "scdl:nom:collectif-des-habitants-de-bellevue", 800.0, 2023, "subvention", "public"],
        [REGION, "scdl:nom:cafe-associatif-la-traverse", 1000.0, 2023, "subvention", "public"],
        [NANTES, "scdl:nom:collectif-des-habitants-de-bellevue", 1200.0, 2023, "subvention", "public"],
        [REGION, "E2", 2500.0, 2023, "subvention", "public"],
        [NANTES, "scdl:45123456100012", 3000.0, 2022, "subvention", "public"],
        [NANTES, "scdl:45234567100013", 4000.0, 2023, "subvention", "public"],
        [REGION, "E1", 5000.0, 2023, "subvention", "public"],
        [NANTES, "scdl:45234567100013", 10000.0, 2023, "pret", "public"],
        [NANTES, "scdl:45123456100012", 12500.5, 2023, "subvention", "public"],
        [REGION, "scdl:45345678200011", 21510.09, 2024, "subvention", "public"]]


def test_scdl_2_1_multi_funder_grant_is_one_project(store, geo):
    imp, ref = run_import(V21, store, "Multi", geo=geo)
    try:
        parts = _parts(imp)
        assert imp.parts[0].recognition.variant == "2.1"
        # Région 2 rows, Département 3, État 1; SCIC 3, Épicerie 2, Nantes Numérique 1
        assert parts["actors"][1]["balance"] == {"read": 12, "saved": 6, "merged": 6, "excluded": 0}
        # SUB-1 on rows 2, 3, 4: one project
        assert parts["projects"][1]["balance"] == {"read": 6, "saved": 4, "merged": 2, "excluded": 0}
        assert parts["fundings"][1]["balance"] == {"read": 6, "saved": 6, "merged": 0, "excluded": 0}
        report = scdl.report(imp)
        assert [(f["funder_actor_id"], f["grants"], f["amount_eur"]) for f in report["funders"]] == [
            (REGION, 2, 32500.75), (DEPT, 3, 23000.0), (ETAT, 1, 5000.0)]
        assert report["grants"] == {"matched": 0, "new": 6, "unmatched": 0}
    finally:
        imp.close()
    per_project = store.query(f"""SELECT project_id, count(*) AS n, sum(amount_eur) AS total
        FROM {ref.table('fundings')} GROUP BY 1 ORDER BY 1""")
    assert per_project.values.tolist()[0] == ["scdl:SUB-1:scdl:45345678200011", 3, 50000.0]
    types = store.query(f"SELECT actor_id, actor_type FROM {ref.table('actors')}")
    types = dict(types.values.tolist())
    assert (types[REGION], types[DEPT], types[ETAT]) == ("local_authority", "local_authority", "funder")


def test_scdl_re_import_merges_everything(store, geo):
    first, _ = run_import(V21, store, "Multi", geo=geo)
    first.close()
    imp, _ = run_import(V21, store, "Multi", geo=geo, dry_run=True)
    try:
        parts = _parts(imp)
        assert parts["fundings"][1]["balance"] == {"read": 6, "saved": 0, "merged": 6, "excluded": 0}
        assert parts["actors"][1]["balance"]["saved"] == 0
        assert imp.balanced()
    finally:
        imp.close()


def test_scdl_on_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    result = CliRunner().invoke(app, ["import", str(V21), "--inventory", "Multi", "--db",
                                      str(tmp_path / "cli.duckdb"), "--lang", "en"])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, out
    assert "SCDL grants (essential data of grant agreements) → Fundings" in out
    assert ("Grants: 0 to actors already in the inventory, 6 to new actors, 0 to beneficiaries "
            "with no usable SIRET or SIREN") in out
    # Région 30,000 + 2,500.75; Département 15,000 + 1,000 + 7,000; État 5,000
    assert "Région Pays de la Loire │ scdl:23440003400026 │ 2 │ 32,500.75" in out
    assert "Département de Loire-Atlantique │ scdl:22440002800011 │ 3 │ 23,000.00" in out
    assert "Rows read 6 = saved 6 + merged 0 + left out 0" in out


def test_scdl_unknown_nature_left_out_and_share_as_percentage(store, geo, tmp_path):
    src = tmp_path / "subventions.csv"
    src.write_text("nomAttribuant;idAttribuant;dateConvention;nomBeneficiaire;idBeneficiaire;objet;"
                   "montant;nature;pourcentageSubvention\n"
                   "Ville de Nantes;21440109300015;2023-03-15;Association A;45123456100012;Objet A;"
                   "100;bourse d'études;1\n"
                   "Ville de Nantes;21440109300015;2023-03-15;Association B;45234567100013;Objet B;"
                   "200;;45\n", encoding="utf-8")
    imp, _ = run_import(src, store, "Petit", geo=geo, dry_run=True)
    try:
        fundings = _parts(imp)["fundings"]
        assert fundings[1]["balance"] == {"read": 2, "saved": 1, "merged": 0, "excluded": 1}
        ledger = imp.ledger(fundings[0].index, lang="en")
        assert ledger[["row", "column", "value", "check"]].values.tolist() == [
            [2, "kind", "bourse d'études", "vocabulary"]]
        # 200 x 45 % (a share above 1 is a percentage); no nature: a grant
        assert [(f["grants"], f["amount_eur"]) for f in scdl.report(imp)["funders"]] == [(1, 90.0)]
    finally:
        imp.close()


def test_scdl_three_years_of_ten_beneficiaries(store, geo):
    # 30 rows: beneficiary i (1..10) gets 1,000 x i from the Département in 2022 (SIRET
    # written with spaces), 1,000 x i + 500,50 in 2023 (French decimal comma, narrow
    # no-break space for thousands) and 1,000 x i x 0.5 from the Région in 2024
    imp, ref = run_import(SHAPED / "scdl_subventions_departement_2022_2024.csv", store, "Trois ans",
                          geo=geo)
    try:
        parts = _parts(imp)
        # 60 parties: Département 20 rows (1 + 19), Région 10 (1 + 9), each beneficiary 3 (1 + 2)
        assert parts["actors"][1]["balance"] == {"read": 60, "saved": 12, "merged": 48, "excluded": 0}
        assert parts["projects"][1]["balance"] == {"read": 30, "saved": 30, "merged": 0, "excluded": 0}
        assert parts["fundings"][1]["balance"] == {"read": 30, "saved": 30, "merged": 0, "excluded": 0}
        report = scdl.report(imp)
        assert report["grants"] == {"matched": 0, "new": 30, "unmatched": 0}
        # Département: 2 x 1,000 x 55 + 10 x 500.50 = 115,005; Région: 500 x 55 = 27,500
        assert [(f["funder_actor_id"], f["grants"], f["amount_eur"]) for f in report["funders"]] == [
            (DEPT, 20, 115005.0), (REGION, 10, 27500.0)]
    finally:
        imp.close()
    years = store.query(f"SELECT year, sum(amount_eur) FROM {ref.table('fundings')} GROUP BY 1 ORDER BY 1")
    assert years.values.tolist() == [[2022, 55000.0], [2023, 60005.0], [2024, 27500.0]]


# ---------------------------------------------------------------- outside the territory
OUTSIDE = SHAPED / "scdl_hors_territoire_finistere.csv"


def _finistere(store, geo, tmp_path):
    """Five actors: four in the Finistère (B1, B5 Brest; B3 Quimper, known by its SIREN
    only; B4 Morlaix), one in Rennes (B2). The Finistère holds 4 / 5 = 80 %: it is the
    inventory's territory (Brest Métropole, 2 / 5, is not)."""
    src = tmp_path / "finistere.csv"
    src.write_text("actor_id;name;actor_type;siret;siren;commune_code;source\n"
                   "B1;Entraide Brest;association;46100001000011;;29019;cress\n"
                   "B2;Solidarité Rennes;association;46200002700013;;35238;cress\n"
                   "B3;Accueil Quimper;association;;464000041;29232;cress\n"
                   "B4;Jardins de Morlaix;association;;;29151;cress\n"
                   "B5;Vélo Brest;association;;;29019;cress\n", encoding="utf-8")
    imp, _ = run_import(src, store, "Finistère", geo=geo)
    imp.close()


def test_grants_outside_the_territory_are_kept_and_flagged(store, geo, tmp_path):
    _finistere(store, geo, tmp_path)
    imp, ref = run_import(OUTSIDE, store, "Finistère", geo=geo)
    try:
        parts = _parts(imp)
        # rows 2 and 8: Entraide Brest, same funder, same objet ("Aide alimentaire", "!"
        # aside): one project, two fundings
        assert parts["projects"][1]["balance"] == {"read": 7, "saved": 6, "merged": 1, "excluded": 0}
        assert parts["fundings"][1]["balance"] == {"read": 7, "saved": 7, "merged": 0, "excluded": 0}
        found = scdl.report(imp)
        assert found["territory"] == ("departement", "29")
        # inside: rows 2, 8 (B1 Brest), 5 (B3 Quimper, by its SIREN); outside: rows 3, 6
        # (B2 Rennes); unknown: rows 4 (a new actor: SCDL has no address), 7 (no SIRET)
        assert found["places"] == {"inside": 3, "outside": 2, "unknown": 2}
        listed = scdl.outside(imp, "en")
        assert listed.values.tolist() == [[3, "Solidarité Rennes", "Rennes (35238)",
                                           "Département du Finistère", 2500.0, 2023],
                                          [6, "Solidarité Rennes", "Rennes (35238)",
                                           "Département du Finistère", 1000.0, 2024]]
    finally:
        imp.close()
    saved = store.query(f"""SELECT p.lead_actor_id, f.amount_eur, f.outside_territory
        FROM {ref.table('fundings')} f JOIN {ref.table('projects')} p USING (project_id)
        ORDER BY f.amount_eur""").astype(object)
    assert saved.where(saved.notna(), None).values.tolist() == [
        ["scdl:nom:collectif-de-douarnenez", 300.0, None], ["scdl:46300003400017", 800.0, None],
        ["B2", 1000.0, True], ["B3", 1200.5, False], ["B2", 2500.0, True],
        ["B1", 5000.0, False], ["B1", 5500.0, False]]
    stage = store.query(f"SELECT DISTINCT stage FROM {ref.table('projects')} WHERE source = 'scdl'")
    assert stage.stage.tolist() == ["experimentation"]


def test_no_territory_for_a_new_inventory_nothing_flagged(store, geo):
    imp, _ = run_import(OUTSIDE, store, "Nouveau", geo=geo, dry_run=True)
    try:
        found = scdl.report(imp)
        assert found["territory"] is None
        assert found["places"] == {"inside": 0, "outside": 0, "unknown": 7}
    finally:
        imp.close()


def test_command_line_lists_the_grants_outside(tmp_path, geo):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app
    from ecosystem.storage.store import Store

    db = tmp_path / "cli.duckdb"
    store = Store(db, geo=geo)
    _finistere(store, geo, tmp_path)
    store.close()
    result = CliRunner().invoke(app, ["import", str(OUTSIDE), "--inventory", "Finistère", "--db",
                                      str(db), "--lang", "en", "--dry-run"])
    out = " ".join(result.output.split())
    assert result.exit_code == 0, out
    assert ("The inventory's territory: Département Finistère (29). Grants: 3 to beneficiaries in "
            "the territory, 2 to beneficiaries outside it") in out
    assert "Grants to beneficiaries outside the territory" in out
    assert out.count("Rennes (35238)") == 2 and "2,500.00" in out and "1,000.00" in out
