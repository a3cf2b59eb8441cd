"""Duplicates (in the file, against the inventory), decisions, atomic saves, round trips."""

import pandas as pd
import pytest

from ecosystem import model
from ecosystem.render.exports import export_inventory
from ecosystem.ingest.mapping import auto_mapping
from ecosystem.ingest.pipeline import ImportError_, run_import
from tests.fixtures import tiny

HEADER = "actor_id;name;actor_type;rna_id;siret;siren;commune_code;website;source\n"
FILE = HEADER + "".join([
    "A1;Les Amis de l'École;association;W441000001;;;44109;;t\n",           # 2
    "A2;LES AMIS DE L'ECOLE;association;;;;44109;http://amis.fr;t\n",        # 3 ~ 2 (name)
    "A3;Comité des fêtes;association;W441000002;;;44109;;t\n",               # 4
    "A4;Comite des Fetes;association;W441000002;;;44109;;t\n",               # 5 = 4 (RNA id)
    "A5;Club 1;association;;;;44109;;t\n",                                   # 6
    "A6;Club 2;association;;;;44109;;t\n",                                   # 7 not 6: numbers
    "A7;Scop Bois;social_enterprise;;73282932000074;732829320;44162;;t\n",   # 8
    "A8;Scop Bois;social_enterprise;;73282932000082;732829320;44162;;t\n",   # 9 not 8: 2 SIRET
])


def pairs(imp):
    return {(p.kind, p.basis, p.a_row, p.b_ref) for p in imp.pairs(limit=None).itertuples()}


def test_duplicates_inside_the_file(write, analyse):
    imp = analyse(write("acteurs.csv", FILE))
    assert pairs(imp) == {("exact", "rna_id", 4, "5"), ("fuzzy", "name", 2, "3"),
                          ("fuzzy", "name", 8, "9")}
    # the two establishments of one SIREN are a likely pair by name, not an exact one
    part = imp.summary()["parts"][0]
    assert part["merged_in_file"] == 1 and part["insert"] == 7  # exact merged, fuzzy kept
    imp.decide(all_fuzzy=True)
    imp.prepare()
    part = imp.summary()["parts"][0]
    assert part["merged_in_file"] == 3 and part["insert"] == 5
    kept = imp.con.execute(f'SELECT actor_id, website FROM "{imp.parts[0].tbl("ins")}" '
                           "ORDER BY actor_id").fetchall()
    assert ("A1", "http://amis.fr") in kept  # the first record, completed by the other
    assert {k for k, _ in kept} == {"A1", "A3", "A5", "A6", "A7"}


def test_one_pair_decided_by_hand(write, analyse):
    imp = analyse(write("acteurs.csv", FILE))
    review = imp.pairs(limit=None)
    exact = int(review[review.basis == "rna_id"].pair.iloc[0])
    imp.decide(merge={exact: False})   # keep both: the second has the same RNA id, not the same id
    imp.prepare()
    assert imp.summary()["parts"][0]["insert"] == 8


@pytest.fixture
def inventory(store):
    actors = pd.DataFrame([
        dict(actor_id="X1", name="Entraide Nantaise", actor_type="association", rna_id="W441000009",
             commune_code="44109", source="t"),
        dict(actor_id="X2", name="Jardins d'Herblain", actor_type="association", commune_code="44162",
             source="t")], index=[1, 2])
    store.create("Existant", model.InventoryData(actors=actors))
    return store


INCOMING = HEADER + "".join([
    "B1;ENTRAIDE NANTAISE;association;W441000009;;;44109;http://entraide.fr;t\n",   # = X1 (RNA id)
    "B2;Jardins d Herblain;association;;;;44162;;t\n",                              # ~ X2 (name)
    "B3;Nouveau Collectif;association;;;;44109;;t\n",
    "X2;Autre Nom;association;;;;44109;http://x2.fr;t\n",                           # = X2 (id)
])


def test_against_the_inventory_merge_fills_empty_fields(inventory, write, geo):
    imp, ref = run_import(write("maj.csv", INCOMING), inventory, "Existant", geo=geo)
    got = {(p.kind, p.basis, p.a_row, p.b_ref) for p in imp.pairs(limit=None).itertuples()}
    imp.close()
    assert got == {("exact", "rna_id", 2, "X1"), ("fuzzy", "name", 3, "X2"), ("exact", "actor_id", 5, "X2")}
    actors = inventory.load("Existant").actors.set_index("actor_id")
    assert sorted(actors.index) == ["B2", "B3", "X1", "X2"]
    assert actors.at["X1", "website"] == "http://entraide.fr"       # filled
    assert actors.at["X1", "name"] == "Entraide Nantaise"           # kept
    assert actors.at["X2", "name"] == "Jardins d'Herblain" and actors.at["X2", "website"] == "http://x2.fr"
    assert ref.version == 2


def test_overwrite_and_keep_decisions(inventory, write, geo):
    imp, _ = run_import(write("maj.csv", INCOMING), inventory, "Existant", geo=geo, overwrite=True,
                        merge="none", dry_run=True)
    # keeping a record whose id is taken is impossible: it is left out, with the reason
    issues = imp.issues(limit=None)
    assert issues[["row", "column", "check"]].values.tolist() == [[5, "actor_id", "id_exists"]]
    assert imp.summary()["parts"][0]["insert"] == 3
    imp.close()
    assert inventory.info("Existant")["version"] == 1  # dry run: nothing written
    imp, _ = run_import(write("maj.csv", INCOMING), inventory, "Existant", geo=geo, overwrite=True)
    imp.close()
    actors = inventory.load("Existant").actors.set_index("actor_id")
    assert actors.at["X2", "name"] == "Autre Nom" and actors.at["X2", "commune_code"] == "44109"


def test_a_failure_while_saving_leaves_the_inventory_as_it_was(inventory, write, geo, monkeypatch):
    before = inventory.load("Existant")
    calls = []

    def boom(kind):
        calls.append(kind)
        raise OSError("disk full")

    monkeypatch.setattr(inventory, "_after_table_written", boom)
    with pytest.raises(OSError):
        run_import(write("maj.csv", INCOMING), inventory, "Existant", geo=geo)
    assert calls == ["actors"]  # the actors were updated and inserted when it failed
    after = inventory.load("Existant")
    pd.testing.assert_frame_equal(after.actors, before.actors)
    assert inventory.info("Existant")["version"] == 1
    # a new inventory is not created either
    with pytest.raises(OSError):
        run_import(write("maj.csv", INCOMING), inventory, "Tout neuf", geo=geo)
    assert inventory.names() == ["Existant"]


def test_projects_partners_and_references(inventory, write, geo):
    projects = ("project_id;title;lead_actor_id;stage;start_year;end_year;source\n"
                "P1;Épicerie solidaire;X1;experimentation;2021;;t\n"
                "P2;Projet orphelin;Z9;emergence;2022;;t\n"
                "P3;Recyclerie;X2;diffusion;2020;2018;t\n")
    imp, _ = run_import(write("projets.csv", projects), inventory, "Existant", geo=geo)
    issues = imp.issues(limit=None)
    imp.close()
    assert issues[["row", "column", "value", "check"]].values.tolist() == [
        [3, "lead_actor_id", "Z9", "unknown_ref"], [4, "end_year", "2018", "end_before_start"]]
    saved = inventory.load("Existant").projects.set_index("project_id")
    assert sorted(saved.index) == ["P1", "P3"]
    assert saved.at["P1", "commune_code"] == "44109"  # the lead's commune
    partners = "project_id;actor_id;role\nP1;X2;operational\nP1;X2;research\nP9;X1;financial\n"
    imp, _ = run_import(write("partenaires.csv", partners), inventory, "Existant", geo=geo)
    got = imp.issues(limit=None)[["row", "check"]].values.tolist()
    review = imp.pairs(limit=None)[["kind", "basis", "a_row", "b_ref"]].values.tolist()
    imp.close()
    assert review == [["exact", "actor_id", 2, "3"]]  # same key: merged, the first role kept
    assert got == [[4, "unknown_ref"]]
    assert inventory.load("Existant").partners[["actor_id", "role"]].values.tolist() == [["X2", "operational"]]


def test_own_export_round_trip(store, tmp_path, geo):
    store.create("Source", tiny())
    [xlsx] = export_inventory(store, "Source", "xlsx", tmp_path / "export.xlsx")
    imp, _ = run_import(xlsx, store, "Copie", geo=geo)
    assert [p.table for p in imp.parts] == list(model.TABLES)  # every sheet, in reference order
    imp.close()
    a, b = store.load("Source"), store.load("Copie")
    placed = ["lat", "lon", "geo_method"]  # tiny() has none: the import places them
    for kind in model.TABLES:
        left = a.tables()[kind].sort_values(list(model.TABLES[kind].key)).reset_index(drop=True)
        right = b.tables()[kind].sort_values(list(model.TABLES[kind].key)).reset_index(drop=True)
        if kind == "actors":
            assert right.geo_method.eq("commune_code").all()
            assert right.set_index("actor_id").at["A1", "lat"] == pytest.approx(47.238335)  # Nantes
            left, right = left.drop(columns=placed), right.drop(columns=placed)
        pd.testing.assert_frame_equal(left, right, check_dtype=False, obj=kind)


def test_unmapped_required_columns_are_refused(write, geo, store):
    mapping = auto_mapping("projects", ["Titre", "Etape"])
    with pytest.raises(ImportError_) as err:
        run_import(write("p.csv", "Titre;Etape\nA;emergence\n"), store, "X", geo=geo, mapping=mapping)
    assert err.value.key == "imp.err.unmapped" and "lead_actor_id" in err.value.params["columns"]


def test_a_large_import_is_checked_and_counted_inside_its_transaction(store):
    """Several row groups inserted into a new inventory: the integrity checks and the
    counts of the same transaction see them (a DuckDB 2.0 pitfall with empty CTAS)."""
    import pyarrow as pa

    n = 3 * 122_880  # whole DuckDB row groups: written to disk before the commit
    ids = [f"A{i}" for i in range(n)]
    chunk = pa.table({"actor_id": ids, "name": ids, "actor_type": ["association"] * n,
                      "source": ["t"] * n})
    parts = [chunk.slice(i, 122_880) for i in range(0, n, 122_880)]
    store.apply_import("Grand", {"actors": parts}, create=True)
    assert store.info("Grand")["n_actors"] == n
    assert store.scalar(f"SELECT count(*) FROM {store.ref('Grand').derived('d_actors')}") == n
    duplicate = parts + [chunk.slice(n - 1, 1)]
    with pytest.raises(model.ValidationError) as err:
        store.apply_import("Doublon", {"actors": duplicate}, create=True)
    assert err.value.issues[0].check == "unique" and err.value.issues[0].value == f"A{n - 1}"
    assert store.names() == ["Grand"]
