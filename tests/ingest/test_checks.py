"""Validation report: every problem with its row, column, value and reason."""

import io

import pandas as pd

from ecosystem import model
from tests.ingest.conftest import checked

HEADER = "actor_id;name;actor_type;domains;siret;rna_id;postal_code;creation_year;employees;volunteers;source"


def test_messages_say_row_column_value_and_reason(write, analyse):
    text = "\n".join([
        HEADER,
        "A1;Entraide;club;;;;;;;;test",
        "A2;;association;;;;;;;;test",
        "A3;Jardins;association;;12345678901234;;;;;;test",
        "A4;Ressourcerie;association;;;;;;-3;;test",
        "A5;Théâtre;association;;;;;1700;;;test",
        "A6;Club;association;;;X123;;;;;test",
        "A7;Épicerie;association;food|xyz;;;;;;;test",
        "A8;Cantine;association;;;;ABCDE;;;;test",
        "A9;Chorale;association;;;;;;;beaucoup;test",
        "A10;Valide;association;health;;W291000001;29200;2001;2,5;12;test",
    ]) + "\n"
    imp = analyse(write("acteurs.csv", text))
    report = imp.issues(lang="fr", limit=None)
    got = {(r.row, r.column, None if pd.isna(r.value) else r.value, r.check, r.action)
           for r in report.itertuples()}
    assert got == {
        (2, "actor_type", "club", "vocabulary", "écarté"),
        (3, "name", None, "required", "écarté"),
        (4, "siret", "12345678901234", "siret", "vidé"),
        (5, "employees", "-3", "min", "vidé"),
        (6, "creation_year", "1700", "min", "vidé"),
        (7, "rna_id", "X123", "pattern", "vidé"),
        (8, "domains", "xyz", "vocabulary", "vidé"),
        (9, "postal_code", "ABCDE", "pattern", "vidé"),
        (10, "volunteers", "beaucoup", "type", "vidé"),
    }
    reasons = dict(((r.row, r.column), r.reason) for r in report.itertuples())
    assert reasons[(4, "siret")] == "numéro SIRET invalide (14 chiffres, clé de Luhn)."
    assert reasons[(5, "employees")] == "valeur inférieure au minimum (0)."
    assert reasons[(10, "volunteers")] == "n'est pas du type attendu (nombre entier)."
    en = imp.issues(lang="en", limit=None).set_index(["row", "column"])
    assert en.at[(4, "siret"), "reason"].startswith("invalid SIRET")
    # emptied values are empty, excluded records are not imported
    chk = checked(imp)
    assert pd.isna(chk.at[4, "siret"]) and chk.at[11, "employees"] == 2.5
    assert list(chk.at[8, "domains"]) == ["food"]
    assert imp.summary()["parts"][0]["insert"] == 8 and imp.summary()["parts"][0]["excluded"] == 2
    # the CSV report is downloadable with the same rows
    from ecosystem.render.exports import to_csv_bytes
    csv = pd.read_csv(io.BytesIO(to_csv_bytes(report, sep=";")), sep=";", encoding="utf-8-sig")
    assert len(csv) == 9 and csv.columns.tolist()[:3] == ["row", "column", "value"]


def test_sql_checks_agree_with_the_model(write, analyse):
    """The same cells are flagged by the pipeline's SQL and by model.validate."""
    frame = pd.DataFrame([
        dict(actor_id="A1", name="Entraide", actor_type="club", source="t"),
        dict(actor_id="A2", name="Jardins", actor_type="association", siret="12345678901234", source="t"),
        dict(actor_id="A3", name="Théâtre", actor_type="association", creation_year="1700", source="t"),
        dict(actor_id="A4", name="Club", actor_type="association", rna_id="X123", source="t"),
        dict(actor_id="A5", name="Épicerie", actor_type="association", domains="food;xyz", source="t"),
        dict(actor_id="A6", name="Cantine", actor_type="association", postal_code="ABCDE", source="t"),
        dict(actor_id="A7", name="Chorale", actor_type="association", employees="-1", source="t"),
        dict(actor_id="A8", name="Valide", actor_type="network", source="t"),
    ], index=range(2, 10))
    _, issues = model.validate(model.InventoryData(actors=frame))
    expected = {(i.row, i.column) for i in issues}
    path = write("acteurs.csv", frame.to_csv(sep=";", index=False))
    imp = analyse(path)
    got = {(r.row, r.column) for r in imp.issues(limit=None).itertuples()}
    assert got == expected and len(got) == 7
