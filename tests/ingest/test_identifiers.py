"""Issue 12 item 3: placeholder identifiers (all zeros, one digit repeated) are empty.

A SIRET ``00000000000000`` passes the Luhn key; taken as real, exact-duplicate merging
fused every record carrying it into one actor. Placeholders are cleared and reported
once per column with their count; the SQL rule agrees with python-stdnum."""

from stdnum.fr import siren as std_siren
from stdnum.fr import siret as std_siret

from ecosystem.ingest import codes
from tests.ingest.conftest import checked, sql1

SIRETS = [  # value, valid (stdnum and not a placeholder)
    ("73282932000074", True), ("73282932000082", True), ("35600000000048", True),  # La Poste head office: Luhn
    ("35600000000015", True),  # another La Poste establishment: sum of digits 20, a multiple of 5
    ("00000000000000", False), ("11111111111111", False), ("99999999999999", False),
    ("73282932000075", False), ("7328293200007", False), ("7328293200007A", False),
    ("35600000000049", False), ("44444444444444", False), ("00000000000001", False),
]
SIRENS = [
    ("732829320", True), ("356000000", True), ("552100554", True),
    ("000000000", False), ("111111111", False), ("222222222", False), ("732829321", False),
    ("73282932", False), ("0000000000", False), ("000000001", False),
]
RNAS = [  # value, placeholder
    ("W000000000", True), ("W999999999", True), ("w111111111", True), ("0000000000", True),
    ("W291000001", False), ("W000000001", False), ("291S02910B7087", False), ("W00000000O", False),
]


def test_placeholder_rule_python_and_sql_agree_with_stdnum(con):
    for value, valid in SIRETS:
        sql = sql1(con, f"SELECT NOT {codes.placeholder_sql('$1')} AND imp_siret_ok($1)", value)
        assert sql is valid, value
        assert codes.identifier_ok("siret", value) is valid, value
        if not codes.is_placeholder(value):  # stdnum agrees; placeholders may pass its key
            assert std_siret.is_valid(value) is valid, value
    for value, valid in SIRENS:
        sql = sql1(con, f"SELECT NOT {codes.placeholder_sql('$1')} AND imp_siren_ok($1)", value)
        assert sql is valid, value
        assert codes.identifier_ok("siren", value) is valid, value
        if not codes.is_placeholder(value):  # stdnum agrees; placeholders may pass its key
            assert std_siren.is_valid(value) is valid, value
    for value, placeholder in RNAS:
        assert sql1(con, f"SELECT {codes.placeholder_sql('$1')}", value) is placeholder, value
        assert codes.is_placeholder(value) is placeholder, value
    # the all-zero SIRET is exactly the case stdnum lets through
    assert std_siret.is_valid("00000000000000") and not codes.identifier_ok("siret", "00000000000000")
    assert std_siren.is_valid("000000000") and not codes.identifier_ok("siren", "000000000")


HEADER = "actor_id;name;actor_type;siret;siren;rna_id;commune_code;source\n"


def _file():
    rows = [
        "A1;Entraide Brestoise;association;00000000000000;;W000000000;29019;t",
        "A2;Jardins du Moulin;association;00000000000000;000000000;W000000000;29019;t",
        "A3;Ressourcerie Quimper;association;00 000 000 000 000;;;29232;t",
        "A4;Scop Bois;social_enterprise;73282932000074;;;29232;t",
        "A5;Club Sportif;association;11111111111111;;W111111111;29232;t",
        "A6;Théâtre de Poche;association;;000000000;;29232;t",
        "A7;Ciné Club;association;;;W291000001;29019;t",
    ]
    return HEADER + "\n".join(rows) + "\n"


def test_placeholder_identifiers_are_empty_not_merged(write, analyse):
    imp = analyse(write("acteurs.csv", _file()))
    part = imp.summary()["parts"][0]
    # nothing fused: 7 records, 7 inserted, no exact pair
    assert part["rows"] == 7 and part["insert"] == 7 and part["merged_in_file"] == 0
    assert part["pairs"].get("exact", 0) == 0
    chk = checked(imp)
    assert chk.siret.isna().tolist() == [True, True, True, False, True, True, True]
    assert chk.siren.isna().all()  # the two SIREN given are placeholders
    assert chk.rna_id.isna().tolist() == [True, True, True, True, True, True, False]
    assert chk.at[5, "siret"] == "73282932000074" and chk.at[8, "rna_id"] == "W291000001"


def test_placeholders_reported_once_per_column_with_count(write, analyse):
    imp = analyse(write("acteurs.csv", _file()))
    report = imp.issues(lang="fr", limit=None)
    ph = report[report.check == "placeholder"].set_index("column")
    # one line per column: siret 4 (rows 2, 3, 4, 6), siren 2 (rows 3, 7), rna_id 3 (rows 2, 3, 6)
    assert sorted(ph.index) == ["rna_id", "siren", "siret"]
    assert ph.row.isna().all()
    assert ph.at["siret", "reason"] == ("identifiant de remplissage (zéros ou un seul chiffre "
                                        "répété) : 4 enregistrements, traités comme vides.")
    assert ph.at["siren", "reason"].startswith("identifiant de remplissage") and "2 enregistrements" in ph.at["siren", "reason"]
    assert "3 enregistrements" in ph.at["rna_id", "reason"]
    assert ph.at["siret", "value"] == "00 000 000 000 000, 00000000000000, 11111111111111"
    assert set(ph.action) == {"vidé"}
    # no per-row SIRET/SIREN/RNA issue for them
    assert report[report.column.isin(["siret", "siren", "rna_id"])].shape[0] == 3
    en = imp.issues(lang="en", limit=None)
    assert en[en.check == "placeholder"].set_index("column").at["siret", "reason"] == (
        "placeholder identifier (zeros or one digit repeated): 4 records, treated as empty.")


def test_siren_written_in_siret_column_placeholder_is_not_taken(write, analyse):
    text = HEADER + "A1;Asso Une;association;000000000;;;29019;t\nA2;Asso Deux;association;000000000;;;29019;t\n"
    imp = analyse(write("acteurs.csv", text))
    chk = checked(imp)
    assert chk.siren.isna().all() and chk.siret.isna().all()
    assert imp.summary()["parts"][0]["insert"] == 2
