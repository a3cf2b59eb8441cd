"""Nothing lost: for every import, rows read = saved + merged + excluded.

``summary()["parts"][i]["balance"]`` holds the four counts, ``Import.ledger()``
lists every row that is not saved as-is (merged: with the record it went into;
excluded: with its reason) and ``Import.balanced()`` checks the equation.
The counts of the three small fixtures of ``tests/data/shaped/`` are worked out
by hand; every sample file (real and shaped, present and future) is checked.
"""

from pathlib import Path

import pytest

from ecosystem.ingest.pipeline import ImportError_, run_import

DATA = Path(__file__).resolve().parent.parent / "data"
SHAPED = DATA / "shaped"
KINDS = {".csv", ".txt", ".tsv", ".xlsx", ".json", ".geojson", ".js", ".parquet"}
SAMPLES = sorted(p for folder in ("real", "shaped") for p in (DATA / folder).glob("*")
                 if p.suffix.lower() in KINDS)


def dry(path, store, geo, inventory="Test balance", **kw):
    return run_import(path, store, inventory, geo=geo, dry_run=True, **kw)[0]


def test_balance_in_file_exact_duplicates(store, geo):
    # rows 2..6: row 3 has row 2's RNA id, row 5 row 4's actor_id -> 2 merged in the file
    imp = dry(SHAPED / "actors_in_file_exact_duplicates.csv", store, geo)
    try:
        part = imp.summary()["parts"][0]
        assert part["balance"] == {"read": 5, "saved": 3, "merged": 2, "excluded": 0}
        assert imp.balanced()
        ledger = imp.ledger(imp.parts[0].index)
        assert ledger[["row", "outcome", "into_row", "into_id"]].values.tolist() == [
            [3, "merged", 2, "A1"], [5, "merged", 4, "A3"]]
    finally:
        imp.close()


def test_balance_excluded_row(store, geo):
    # row 3 (B2) has no name: excluded; the 3 others saved
    imp = dry(SHAPED / "actors_one_row_excluded.csv", store, geo)
    try:
        assert imp.summary()["parts"][0]["balance"] == {"read": 4, "saved": 3, "merged": 0,
                                                        "excluded": 1}
        ledger = imp.ledger(imp.parts[0].index, lang="en")
        assert ledger[["row", "outcome", "check"]].values.tolist() == [[3, "excluded", "required"]]
        assert ledger.reason.iloc[0] == "name: required value missing."
        assert imp.balanced()
    finally:
        imp.close()


def test_balance_merge_into_inventory(store, geo):
    base, _ = run_import(SHAPED / "actors_inventory_base.csv", store, "Test base", geo=geo)
    base.close()
    # C1: same id as the inventory's C1; C9: the RNA id of the inventory's C2; C3 is new
    imp = dry(SHAPED / "actors_merging_into_inventory.csv", store, geo, inventory="Test base")
    try:
        assert imp.summary()["parts"][0]["balance"] == {"read": 3, "saved": 1, "merged": 2,
                                                        "excluded": 0}
        ledger = imp.ledger(imp.parts[0].index)
        assert ledger[["row", "outcome", "into_id"]].values.tolist() == [
            [2, "merged", "C1"], [3, "merged", "C2"]]
        assert ledger.into_row.isna().all()  # into the inventory, not a row of the file
        assert imp.balanced()
    finally:
        imp.close()


def test_balance_counts_inactive_rows_left_out(store, geo, tmp_path):
    # RNA positions: A active, D dissolved; --only-active leaves row 3 out, with its reason
    src = tmp_path / "rna_import_balance.csv"
    src.write_text("id;titre;objet_social1;adrs_codeinsee;libcom;position\n"
                   "W1;ENTRAIDE;019000;44109;NANTES;A\nW2;JARDINS;024000;44109;NANTES;D\n"
                   "W3;CHORALE;006000;44109;NANTES;A\n", encoding="latin-1")
    imp = dry(src, store, geo, only_active=True)
    try:
        assert imp.summary()["parts"][0]["balance"] == {"read": 3, "saved": 2, "merged": 0,
                                                        "excluded": 1}
        ledger = imp.ledger(imp.parts[0].index, lang="en")
        assert ledger[["row", "outcome", "check"]].values.tolist() == [[3, "excluded", "inactive"]]
    finally:
        imp.close()


#: sample files refused as a whole (nothing read into a part), with the refusal
REFUSED = {"carte_acteurs_points_lignes_polygones.geojson": "imp.err.geometry",
           "contours_secteurs_niort.geojson": "imp.err.geometry_zoning",
           # establishments without names: loaded as counts (``sirene-counts``), not actors
           "sirene_StockEtablissement_comptes.csv": "imp.err.unmapped"}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_equation_holds_on_every_sample_file(path, store, geo):
    if path.name in REFUSED:
        with pytest.raises(ImportError_) as refused:
            dry(path, store, geo)
        assert refused.value.key == REFUSED[path.name]
        return
    imp = dry(path, store, geo)
    try:
        for i, (part, entry) in enumerate(zip(imp.parts, imp.summary()["parts"])):
            b = entry["balance"]
            assert b["read"] == part.raw.n_rows
            assert b["read"] == b["saved"] + b["merged"] + b["excluded"], (i, b)
            ledger = imp.ledger(part.index)
            assert len(ledger) == b["merged"] + b["excluded"]
            assert ledger.row.is_unique
            assert (ledger.outcome == "merged").sum() == b["merged"]
        assert imp.balanced()
    finally:
        imp.close()


def test_balance_same_file_twice_merges_every_row(store, geo):
    # the second import of a file with in-file duplicates: rows 2, 4, 6 go into the
    # inventory's A1, A3, A5; rows 3 and 5 into rows 2 and 4 of the file
    path = SHAPED / "actors_in_file_exact_duplicates.csv"
    first, _ = run_import(path, store, "Test twice", geo=geo)
    first.close()
    imp = dry(path, store, geo, inventory="Test twice")
    try:
        part = imp.summary()["parts"][0]
        assert part["balance"] == {"read": 5, "saved": 0, "merged": 5, "excluded": 0}
        assert part["merged_into_inventory"] == 3 and part["merged_in_file"] == 2
        ledger = imp.ledger(imp.parts[0].index)
        assert ledger[["row", "into_id"]].values.tolist() == [
            [2, "A1"], [3, "A1"], [4, "A3"], [5, "A3"], [6, "A5"]]
        assert imp.balanced()
    finally:
        imp.close()
