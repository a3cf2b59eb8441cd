"""What the save writes, value by value, on a real-shaped RNA file.

``tests/data/shaped/rna_import_finistere_extract.csv`` is seven lines of the published
RNA extract of Finistère (``tests/data/real/rna_import_20200901_dpt_29.csv``, ISO-8859-1,
``;``, every field quoted), kept byte for byte: names in capitals (one with a lower-case
``è`` left by the source), ``0001-01-01`` dates, an objet social pair, a SIRET, a former
commune code. The expected values below are worked out by hand from the file and the
rules of ``docs/import.md`` (title case: all-capital names of two words or more are
title-cased with French small words in lower case; a name with lower-case letters only
changes its capital words of 5 letters or more; one-word names are kept), so a change of
the save path (where names are title-cased, how rows are inserted) that changes a value
fails here.
"""

import re
from pathlib import Path

import pytest

from ecosystem.ingest.pipeline import run_import
from ecosystem.storage import derived

FILE = Path(__file__).resolve().parent.parent / "data" / "shaped" / "rna_import_finistere_extract.csv"

#: source_id -> (name, commune_code, city, postal_code, creation_year, active, domains)
EXPECTED = {
    "291S0291  8645": ("La Claire Fontaine", "29078", "HANVEC", "29224", None, True, []),
    "291S0291009697": ("Skol Marheg - Ecole du Cavalier", "29080", "HOPITAL-CAMFROUT", "29224",
                       2000, False, ["sport"]),
    "291S0291007816": ("STARTIJENN", "29019", "BREST", "29200", None, False, []),
    "292S0292003114": ("Comite Artistique du Canton de Pleyben", "29162", "PLEYBEN", "29190",
                       None, True, ["culture", "social_cohesion"]),
    "291S0291000137": ("Femmes Solidaires en FINISTèRE", "29019", "BREST", "29200", None, False, []),
    # 29203 (Plounéour-Trez) merged into Plounéour-Brignogan-Plages (29021) in 2017
    "291S0291002939": ("Amicale pour le Trajet Plouneour Trez - Plouzane", "29021", "PLOUNEOUR-TREZ",
                       "29238", None, False, []),
    "291S02910 6291": ("COLLèGE National d'Occlusodontologie-Section Bretagne Occidentale", "29019",
                       "BREST", "29200", None, True, []),
}


def _actors(store, inventory):
    ref = store.ref(inventory)
    return {r[0]: r[1:] for r in store.con.execute(
        f'SELECT source_id, name, commune_code, city, postal_code, creation_year, active, '
        f'coalesce(list_sort(domains), []), actor_id, actor_type, rna_id, siret, address, website, '
        f'description, source, geo_method FROM {ref.table("actors")}').fetchall()}


@pytest.fixture
def imported(store, geo):
    imp, _ = run_import(FILE, store, "RNA extrait", geo=geo)
    try:
        yield imp, _actors(store, "RNA extrait")
    finally:
        imp.close()


def test_rows_saved_with_their_values(imported):
    imp, actors = imported
    assert imp.summary()["parts"][0]["balance"] == {"read": 7, "saved": 7, "merged": 0, "excluded": 0}
    assert sorted(actors) == sorted(EXPECTED)
    for source_id, expected in EXPECTED.items():
        assert actors[source_id][:7] == expected, source_id


def test_identifiers_addresses_and_text(imported):
    _, actors = imported
    skol = actors["291S0291009697"]
    assert skol[7:12] == ("rna:291S0291009697", "association", "291S0291009697", None,
                          "Chez mme gaspari sylvie Keroulle")
    startijenn = actors["291S0291007816"]
    assert startijenn[10:13] == ("39235903000021", "Sked 135 rue Hoche",
                                 "http://www.startijenn-chantierinsertion.com")
    assert actors["292S0292003114"][11] == "9, rue des cyprès"           # ISO-8859-1 è decoded
    assert actors["291S0291  8645"][13] == (
        "Toutes recherches relatives aux traditions et aux coutumes des anciennes sociEtès "
        "forestières traditionnelles d'europe")                          # descriptions as written
    assert {a[14] for a in actors.values()} == {"rna"}
    assert actors["291S0291002939"][15] == "old_code"
    assert actors["291S0291  8645"][15] == "commune_code"


def test_derived_rows_and_change_log(imported, store):
    ref = store.ref("RNA extrait")
    # the derived copy holds no source id (derived.DROPPED): joined from the actors
    rows = store.con.execute(f"SELECT a.source_id, d.name, d.reg, d.dep, d.has_siret "
                             f"FROM {derived.name(ref.id, 'd_actors')} d "
                             f"JOIN {ref.actors} a USING (actor_id) ORDER BY a.source_id").fetchall()
    assert rows == sorted((sid, e[0], "53", "29", sid == "291S0291007816") for sid, e in EXPECTED.items())
    log = store.con.execute("SELECT record_id, op, origin, file_name FROM change_log WHERE inv_id = ? "
                            "ORDER BY record_id", [ref.id]).fetchall()
    # ids: "rna:" + the RNA number, its runs of spaces made one "_"
    assert log == sorted(("rna:" + re.sub(" +", "_", sid), "insert", "import", FILE.name)
                         for sid in EXPECTED)


def test_reimport_overwriting_keeps_title_cased_names(imported, store, geo):
    # every row again, overwriting: the merged values are the file's, title-cased the same way
    imp, _ = run_import(FILE, store, "RNA extrait", geo=geo, overwrite=True)
    try:
        assert imp.summary()["parts"][0]["balance"] == {"read": 7, "saved": 0, "merged": 7, "excluded": 0}
    finally:
        imp.close()
    actors = _actors(store, "RNA extrait")
    for source_id, expected in EXPECTED.items():
        assert actors[source_id][:7] == expected, source_id


def test_a_failure_while_rows_stream_in_is_raised_as_itself_and_saves_nothing(store, geo, monkeypatch):
    # the rows reach the store as one Arrow stream read by DuckDB: an error raised while a
    # batch is prepared (here the title casing) comes back as that error, and the
    # transaction leaves no inventory behind
    from ecosystem.ingest import normalise

    def fail(values):
        raise RuntimeError("title case failed")

    monkeypatch.setattr(normalise, "title_case", fail)
    with pytest.raises(RuntimeError, match="title case failed"):
        run_import(FILE, store, "RNA extrait", geo=geo)
    assert not store.exists("RNA extrait")
