"""The import's floor benchmark (benchmarks/import_floor.py) on a small file."""

from benchmarks import import_floor


def test_floor_parts_on_2000_rows():
    (row,) = import_floor.run(2000, rounds=1)
    parts = ("read_csv", "actors_copy", "derived_build", "change_log")
    assert all(row[p] > 0 for p in parts)
    assert row["floor"] == round(sum(row[p] for p in parts), 3)
    assert row["over_read_csv"] == round(row["floor"] / row["read_csv"], 2)
    # the derived actors: 13 of the actors' 28 columns (free text, identifiers and
    # personal fields left out) + reg, dep, epci, links_all, has_siret, domain_bits,
    # declared_ac and the three project summaries
    assert row["d_actors_columns"] == 13 + 10
