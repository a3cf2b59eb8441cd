"""An empty actor type is not silently ``association``: each row that got the
mapping's default is reported (row, column, action "default") in the import report
(known ingest finding b)."""

from tests.ingest.conftest import checked


def test_an_empty_actor_type_is_reported_as_defaulted(write, analyse):
    # row 1 says its type, rows 2 (empty) and 3 (blanks) do not
    path = write("structures.csv", "nom;type\nEntraide;Entreprise\nJardins;\nRessourcerie;   \n")
    imp = analyse(path)
    assert imp.parts[0].mapping.defaults == {"actor_type": "association"}
    assert checked(imp)["actor_type"].tolist() == ["company", "association", "association"]
    report = imp.issues(lang="fr")
    defaulted = report[report["check"] == "defaulted"]
    assert defaulted["row"].tolist() == [3, 4]  # lines of the file (1: the header)
    assert defaulted["column"].tolist() == ["actor_type"] * 2
    assert defaulted["action"].tolist() == ["valeur par défaut"] * 2
    assert defaulted["reason"].tolist() == ["vide : « Association » par défaut."] * 2
    en = imp.issues(lang="en")
    assert en[en["check"] == "defaulted"]["reason"].tolist() == ["empty: “Association” by default."] * 2
    part = imp.summary()["parts"][0]
    assert part["issues"] == {"default": 2}
    # nothing is lost: the defaulted rows are saved
    assert part["balance"] == {"read": 3, "saved": 3, "merged": 0, "excluded": 0}


def test_a_file_without_a_type_column_reports_nothing(write, analyse):
    """No type column at all: the default is the mapping's choice, shown in the mapping
    summary, not a problem of each row."""
    imp = analyse(write("structures.csv", "nom;commune\nEntraide;Nantes\n"))
    assert "actor_type" not in imp.parts[0].mapping.rules
    assert imp.issues(lang="fr").empty
