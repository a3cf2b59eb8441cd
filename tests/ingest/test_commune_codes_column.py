"""A ``commune`` column holding INSEE codes (5 characters: ``44109``, ``2A004``,
``97411``) is the commune code, not a commune name (known ingest finding a)."""

from tests.ingest.conftest import checked


def test_a_commune_column_of_insee_codes_is_read_as_the_commune_code(write, analyse):
    path = write("structures.csv", "nom;commune\nEntraide;44109\nU Pinu;2A004\nKaz;97411\n")
    imp = analyse(path)
    rules = imp.parts[0].mapping.rules
    assert rules["commune_code"].columns == ["commune"]
    assert "city" not in rules
    chk = checked(imp)
    # Nantes, Ajaccio, Saint-Denis (La Réunion): placed by their code, rows 1-3
    assert chk["commune_code"].tolist() == ["44109", "2A004", "97411"]
    assert chk["geo_method"].tolist() == ["commune_code"] * 3
    assert imp.summary()["parts"][0]["balance"] == {"read": 3, "saved": 3, "merged": 0, "excluded": 0}


def test_a_commune_column_of_codes_that_lost_their_zero_is_the_commune_code(write, analyse):
    # Bourg-en-Bresse 01053 written 1053 by a spreadsheet, and a blank cell
    path = write("structures.csv", "nom;commune\nA;1053\nB;\nC;44109\n")
    imp = analyse(path)
    assert imp.parts[0].mapping.rules["commune_code"].columns == ["commune"]
    assert checked(imp)["commune_code"].fillna("-").tolist() == ["01053", "-", "44109"]


def test_a_commune_column_of_names_stays_the_city(write, analyse):
    path = write("structures.csv", "nom;commune\nEntraide;Nantes\nU Pinu;Ajaccio\n")
    imp = analyse(path)
    rules = imp.parts[0].mapping.rules
    assert rules["city"].columns == ["commune"]
    assert "commune_code" not in rules


def test_a_commune_column_of_postal_codes_is_not_taken_for_commune_codes(write, analyse):
    # 44000 (Nantes), 13001 is also Aix's commune code, 75011, 69003: postal codes
    path = write("structures.csv", "nom;commune\nA;44000\nB;13001\nC;75011\nD;69003\n")
    imp = analyse(path)
    rules = imp.parts[0].mapping.rules
    assert "commune_code" not in rules
    assert rules["city"].columns == ["commune"]


def test_a_file_with_both_a_code_and_a_commune_column_keeps_both(write, analyse):
    path = write("structures.csv", "nom;code insee;commune\nA;44109;44109\n")
    imp = analyse(path)
    rules = imp.parts[0].mapping.rules
    assert rules["commune_code"].columns == ["code insee"]
    assert rules["city"].columns == ["commune"]
