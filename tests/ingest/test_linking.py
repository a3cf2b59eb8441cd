"""Linking RNA, SIRENE legal units, establishments and SCDL beneficiaries (issue 16 item 4).

Records written by hand; structures, rules and conflicts worked out by hand below."""

import pandas as pd
import pytest

from ecosystem.ingest import linking

COLS = ["actor_id", "source", "name", "siren", "siret", "rna_id"]
RECORDS = pd.DataFrame([
    # structure siren:100000017 — an association: RNA record (head office SIRET), the legal
    # unit, two establishments, and a grant to the second establishment
    ["rna:W291000001", "rna", "Entraide", None, "10000001700010", "W291000001"],
    ["sirene:100000017", "sirene", "Entraide", "100000017", None, "W291000001"],
    ["sirene:10000001700010", "sirene", "Entraide Brest", "100000017", "10000001700010", "W291000001"],
    ["sirene:10000001700028", "sirene", "Entraide Nantes", "100000017", "10000001700028", "w291000001"],
    ["scdl:g1", "scdl", "ENTRAIDE NANTES", None, "10000001700028", None],
    # an association known only to the RNA
    ["rna:W292000002", "rna", "Club", None, None, "W292000002"],
    # structure siren:100000025 — a SCOP, two establishments, a grant to the first
    ["sirene:100000025", "sirene", "Scop", "100000025", None, None],
    ["sirene:10000002500013", "sirene", "Scop Morlaix", "100000025", "10000002500013", None],
    ["sirene:10000002500021", "sirene", "Scop Rennes", "100000025", "10000002500021", None],
    ["scdl:g2", "scdl", "Scop", None, "10000002500013", None],
    # conflict: the RNA record carries a garage's SIRET, while the legal unit 100000074
    # declares that RNA number
    ["rna:W293000003", "rna", "Parti", None, "10000006600017", "W293000003"],
    ["sirene:100000074", "sirene", "Parti", "100000074", None, "W293000003"],
    ["sirene:10000006600017", "sirene", "Garage", "100000066", "10000006600017", None],
    # alone: an establishment, and a map record with no identifier
    ["sirene:10000008200014", "sirene", "Commune", "100000082", "10000008200014", None],
    ["gogocarto:1", "gogocarto", "Jardin", None, None, None],
], columns=COLS)


@pytest.fixture(scope="module")
def links():
    return linking.link_frame(RECORDS)


def test_structures(links):
    s = links.structures.set_index("structure")
    assert sorted(s.index) == ["actor:gogocarto:1", "actor:rna:W293000003", "rna:W292000002",
                               "siren:100000017", "siren:100000025", "siren:100000082"]
    assert s.at["siren:100000017", "n_records"] == 5
    assert s.at["siren:100000017", "sirets"] == "10000001700010;10000001700028"
    assert s.at["siren:100000017", "rna_ids"] == "W291000001"       # lower-case w read as W
    assert s.at["siren:100000017", "sources"] == "rna;scdl;sirene"
    assert s.at["siren:100000025", "actor_ids"] == (
        "scdl:g2;sirene:100000025;sirene:10000002500013;sirene:10000002500021")


def test_rule_per_record(links):
    rule = links.records.set_index("actor_id").rule.to_dict()
    assert rule == {
        "rna:W291000001": "siret+rna_id+siren", "sirene:100000017": "rna_id+siren",
        "sirene:10000001700010": "siret+rna_id+siren", "sirene:10000001700028": "siret+rna_id+siren",
        "scdl:g1": "siret+siren",
        "rna:W292000002": "",
        "sirene:100000025": "siren", "sirene:10000002500013": "siret+siren",
        "sirene:10000002500021": "siren", "scdl:g2": "siret+siren",
        "rna:W293000003": "siret+rna_id+siren", "sirene:100000074": "rna_id",
        "sirene:10000006600017": "siret+siren",
        "sirene:10000008200014": "", "gogocarto:1": ""}


def test_conflicts_listed(links):
    assert links.conflicts.values.tolist() == [[
        "actor:rna:W293000003", "siren", "100000066;100000074",
        "rna:W293000003;sirene:10000006600017;sirene:100000074"]]
    flagged = links.records[links.records.conflict].actor_id.tolist()
    assert sorted(flagged) == ["rna:W293000003", "sirene:10000006600017", "sirene:100000074"]


def test_summary(links):
    # siret: 4 "siret+rna_id+siren" + 4 "siret+siren"; rna_id: those 4 + two legal units;
    # siren: 8 + "rna_id+siren" + 2 "siren"
    assert links.summary() == {"records": 15, "structures": 6, "linked": 12,
                               "by_rule": {"siret": 8, "rna_id": 6, "siren": 11}, "conflicts": 1}


def test_chain_needs_several_passes(links):
    # scdl:g1 → (siret) E2 → (siren) unit → (rna) RNA record: one structure
    rec = links.records.set_index("actor_id")
    assert rec.at["scdl:g1", "structure"] == rec.at["rna:W291000001", "structure"] == "siren:100000017"
    assert links.passes >= 2


def test_inventory_actors(store):
    from ecosystem import model

    rows = RECORDS.assign(actor_type="association", rna_id=RECORDS.rna_id.str.upper())
    actors = pd.concat([model.empty_frame("actors"), rows], ignore_index=True)
    store.create("Linking", model.InventoryData(actors=actors))
    got = linking.link_inventory(store, store.ref("Linking"))
    assert got.summary()["conflicts"] == 1 and len(got.structures) == 6
    assert got.records.set_index("actor_id").at["scdl:g2", "structure"] == "siren:100000025"


def test_command_line_writes_three_files(tmp_path):
    from typer.testing import CliRunner

    from ecosystem import model
    from ecosystem.__main__ import app
    from ecosystem.storage import open_store

    db = tmp_path / "links.duckdb"
    store = open_store(db)
    rows = RECORDS.assign(actor_type="association", rna_id=RECORDS.rna_id.str.upper())
    store.create("Linking", model.InventoryData(
        actors=pd.concat([model.empty_frame("actors"), rows], ignore_index=True)))
    store.close()
    out = tmp_path / "structures.csv"
    result = CliRunner().invoke(app, ["links", "-i", "Linking", str(out), "--db", str(db),
                                      "--lang", "en"])
    text = " ".join(result.output.split())
    assert result.exit_code == 0, text
    assert "15 records in 6 structures (12 records linked to another); 1 structures in conflict" in text
    conflicts = pd.read_csv(tmp_path / "structures_conflicts.csv", sep=";", encoding="utf-8-sig")
    assert conflicts["values"].tolist() == ["100000066;100000074"]
    records = pd.read_csv(tmp_path / "structures_records.csv", sep=";", encoding="utf-8-sig",
                          dtype=str, keep_default_na=False)
    assert records.set_index("actor_id").at["scdl:g1", "rule"] == "siret+siren"


def test_long_chain_is_one_structure():
    # r0 –rna– r1 –siret– r2 –rna– r3 … r199: 200 records in one chain of 199 links
    rows = []
    for i in range(200):
        rows.append([f"x:{i:03d}", "x", f"n{i}", None, f"{(i + 1) // 2:09d}00010",
                     f"W{i // 2:09d}"])
    got = linking.link_frame(pd.DataFrame(rows, columns=COLS))
    assert len(got.structures) == 1
    assert got.structures.n_records.tolist() == [200]
    # siret values 0..100 (r0 alone holds 000000000 00010; r199 holds 100), rna W0..W99
    assert got.structures.sirets.iloc[0].count(";") == 100
    assert got.records.rule.iloc[0] == "rna_id"        # r0 shares only its RNA number
