"""Issue 12 item 8: duplicates found in files without any location.

The fuzzy rule needs the same commune, so a file with no location was never checked:
154 actors were created for 56 structures. Rules that need no location: the same
website or e-mail domain (webmail and shared platforms left out), the same normalised
name (when the records do not sit in two different communes)."""

from pathlib import Path

import pandas as pd
import pytest

from ecosystem import model
from ecosystem.ingest import codes, dedup
from ecosystem.ingest.pipeline import run_import

SHAPED = Path(__file__).resolve().parent.parent / "data" / "shaped"
NO_LOCATION = SHAPED / "structures_sans_localisation.csv"


def pairs(imp):
    return {(p.kind, p.basis, p.a_row, p.b_ref) for p in imp.pairs(limit=None).itertuples()}


@pytest.mark.parametrize("value, domain", [
    ("https://www.amisdelaterre-niort.fr/agenda", "amisdelaterre-niort.fr"),
    ("http://amisdelaterre-niort.fr", "amisdelaterre-niort.fr"),
    ("contact@repaircafe-niort.org", "repaircafe-niort.org"),
    ("mailto:Contact@RepairCafe-Niort.org", "repaircafe-niort.org"),
    ("www.ville-niort.fr", "ville-niort.fr"),
    ("https://jardins.ville-niort.fr:8080/x?y=1", "ville-niort.fr"),
    ("https://www.monasso.asso.fr/", "monasso.asso.fr"),
    ("epicerie.solidaire@gmail.com", None), ("x@hotmail.fr", None), ("x@yahoo.co.uk", None),
    ("y@outlook.com", None), ("mjc@orange.fr", None), ("a@wanadoo.fr", None), ("a@free.fr", None),
    ("a@laposte.net", None), ("https://www.facebook.com/page", None),
    ("https://zerodechet79.wixsite.com/accueil", None),
    ("https://www.helloasso.com/associations/la-tasse", None), ("pas de site", None), ("", None),
])
def test_website_domain_key_leaves_out_webmail_and_platforms(con, value, domain):
    got = con.execute(f"SELECT {dedup.domain_sql('$1')}", [value]).fetchall()[0][0]
    assert got == domain
    assert codes.website_domain(value) == domain  # the Python twin says the same


def test_file_without_location_gets_likely_pairs_by_website_and_name(analyse):
    imp = analyse(NO_LOCATION)
    part = imp.summary()["parts"][0]
    assert part["rows"] == 19
    # rows are file lines (header = 1): 2~3 same name, 4~5 same site (e-mail and web address),
    # 4~14 same name, 6~10 and 6~11 same name ("Association" is a generic word);
    # gmail, facebook, wixsite, helloasso, orange and hotmail addresses link nothing
    assert pairs(imp) == {("fuzzy", "same_name", 2, "3"), ("fuzzy", "website", 4, "5"),
                          ("fuzzy", "same_name", 4, "14"), ("fuzzy", "same_name", 6, "10"),
                          ("fuzzy", "same_name", 6, "11")}
    review = imp.pairs(limit=None).set_index(["a_row", "b_ref"])
    assert review.at[(2, "3"), "score"] == 100.0
    assert review.at[(4, "5"), "score"] < 100  # the names' similarity, for the reviewer
    # kept by default (like fuzzy pairs); read = saved + merged + excluded
    assert part["insert"] == 19 and part["merged_in_file"] == 0 and part["excluded"] == 0
    imp.decide(all_fuzzy=True)
    imp.prepare()
    part = imp.summary()["parts"][0]
    assert part["insert"] == 14 and part["merged_in_file"] == 5 and part["excluded"] == 0


HEADER = "actor_id;name;actor_type;commune_code;website;source\n"


def test_same_name_in_different_communes_is_not_a_pair(write, analyse):
    text = HEADER + "".join([
        "A1;Comité des fêtes;association;79191;;t\n",     # 2
        "A2;Comite des Fetes;association;29019;;t\n",     # 3 another commune
        "A3;Comité des Fêtes;association;44109;;t\n",     # 4 another
        "A4;COMITE DES FETES;association;;;t\n",          # 5 which one? not proposed
        "A5;Entraide Niortaise;association;79191;;t\n",   # 6
        "A6;Entraide niortaise;association;;;t\n",        # 7 = 6 (one commune in the group)
        "A7;Atelier Vélo;association;79191;http://atelier-velo.org;t\n",  # 8
        "A8;Atelier Velo Solidaire;association;29019;http://atelier-velo.org;t\n",  # 9 elsewhere
    ])
    imp = analyse(write("acteurs.csv", text))
    assert pairs(imp) == {("fuzzy", "same_name", 6, "7")}


@pytest.fixture
def inventory(store):
    actors = pd.DataFrame([
        dict(actor_id="X1", name="Les Amis de la Terre Niort", actor_type="association",
             commune_code="79191", source="t"),
        dict(actor_id="X2", name="Repair Café du Niortais", actor_type="association",
             website="https://repaircafe-niort.org", commune_code="79191", source="t"),
        dict(actor_id="X3", name="Club de Foot", actor_type="association", commune_code="29019",
             website="http://club.fr", source="t"),
        dict(actor_id="X4", name="Club de Foot", actor_type="association", commune_code="44109",
             source="t")], index=[1, 2, 3, 4])
    store.create("Existant", model.InventoryData(actors=actors))
    return store


def test_file_without_location_against_the_inventory(inventory, write, geo):
    text = "Nom;Site web\nAmis de la Terre - Niort;\nRepair Café Niort;http://repaircafe-niort.org/contact\n" \
           "Club de Foot;\n"
    imp, _ = run_import(write("liste.csv", text), inventory, "Existant", geo=geo, dry_run=True)
    got = pairs(imp)
    imp.close()
    # the club's name is in two communes of the inventory: not proposed
    assert got == {("fuzzy", "same_name", 2, "X1"), ("fuzzy", "website", 3, "X2")}


def test_cli_report_writes_the_pairs_with_rule_and_score(tmp_path):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    report = tmp_path / "rapport.csv"
    result = CliRunner().invoke(app, ["import", str(NO_LOCATION), "--inventory", "Liste", "--db",
                                      str(tmp_path / "cli.duckdb"), "--lang", "en", "--dry-run",
                                      "--report", str(report)])
    assert result.exit_code == 0, result.output
    written = tmp_path / "rapport_pairs.csv"
    assert "rapport_pairs.csv" in result.output.replace("\n", "")
    got = pd.read_csv(written, sep=";", encoding="utf-8-sig", dtype=str)
    assert got.columns.tolist() == ["table", "kind", "rule", "score", "merged", "row", "name",
                                    "commune", "other_in", "other_ref", "other_name", "other_commune"]
    assert sorted(zip(got.rule, got.row, got.other_ref)) == [
        ("same_name", "2", "3"), ("same_name", "4", "14"), ("same_name", "6", "10"),
        ("same_name", "6", "11"), ("website", "4", "5")]
    assert set(got.merged) == {"no"} and set(got.other_in) == {"file"}
    assert got.set_index(["row", "other_ref"]).at[("2", "3"), "score"] == "100"
