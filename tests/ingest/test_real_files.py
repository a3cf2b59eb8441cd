"""Acceptance on real published files (tests/data/real, see its README)."""

import pandas as pd
import pytest

from ecosystem.ingest.pipeline import run_import
from tests.ingest.conftest import REAL, checked

RNA = REAL / "rna_import_20200901_dpt_29.csv"
SIRENE = REAL / "ess_numerique_04_ess_flag_insee.csv"
TRANSISCOPE = REAL / "transiscope_niort_transiscopeDatas.js"


@pytest.fixture(scope="module")
def rna(geo, tmp_path_factory):
    from ecosystem.storage.store import Store
    store = Store(tmp_path_factory.mktemp("rna") / "rna.duckdb", geo=geo)
    imp, ref = run_import(RNA, store, "Test RNA 29", geo=geo)
    yield imp, store
    imp.close()
    store.close()


def test_rna_finistere_read_and_recognised(rna):
    imp, store = rna
    assert imp.info.encoding in ("cp1252", "latin_1") and imp.info.duckdb_encoding == "latin-1"
    part = imp.summary()["parts"][0]
    assert part["format"] == "rna_import" and part["rows"] == 10_553
    assert part["active"] == 3_794  # position A
    assert store.info("Test RNA 29")["n_actors"] == 10_553


def test_rna_finistere_placed_in_current_communes(rna):
    imp, _ = rna
    geo = imp.parts[0].geo
    assert geo.placed / geo.total >= 0.995
    assert geo.by_method["old_code"] > 0  # communes nouvelles since 2020
    failures = imp.geo_failures(limit=None)
    assert len(failures) == geo.total - geo.placed == 4  # every one listed, with its reason
    assert set(failures.reason) == {"code_unknown"}


def test_rna_values_normalised(rna):
    imp, store = rna
    actors = store.load("Test RNA 29").actors.set_index("source_id")
    first = actors.loc["291S0291  8645"]
    assert first["name"] == "La Claire Fontaine"           # was LA CLAIRE FONTAINE
    assert first["commune_code"] == "29078" and first["city"] == "HANVEC"
    assert pd.isna(first["creation_year"])                  # 0001-01-01 means no date
    assert actors.active.sum() == 3_794
    assert (actors.geo_method != "none").sum() == 10_549


def imported(path, store, geo, name):
    """Import a file into a new inventory: (summary of its table, checked records)."""
    imp, _ = run_import(path, store, name, geo=geo)
    try:
        return imp.summary()["parts"][0], checked(imp)
    finally:
        imp.close()


def test_sirene_ess_sample(geo, store):
    part, chk = imported(SIRENE, store, geo, "Test SIRENE")
    assert part["format"] == "sirene" and part["rows"] == 3_375
    # legal categories mapped (counts of the file: 9220 ×2318, 9260 ×40, 9230 ×6, 9221 ×1,
    # 9300 ×4; every other category is a company flagged ESS)
    counts = chk.actor_type.value_counts().to_dict()
    assert counts == {"association": 2_318 + 40 + 6 + 1, "foundation": 4,
                      "social_enterprise": 3_375 - 2_365 - 4}
    assert chk.at[3, "actor_type"] == "social_enterprise"    # 5710 with the ESS flag
    # no location column: every record counted and reported, none dropped
    assert part["geo"]["unplaced"] == {"no_location": 3_375}
    assert store.info("Test SIRENE")["n_actors"] == 3_375
    assert chk.employees.notna().all()                        # staff bands read (NN = 0)


def test_transiscope_niort(geo, store):
    part, chk = imported(TRANSISCOPE, store, geo, "Test Transiscope")
    assert part["format"] == "gogocarto" and part["rows"] == 100
    assert part["geo"]["by_method"] == {"coordinates": 100}
    # 84 actors have categories (16 have an empty list): all of them get domains
    with_domains = chk[chk.domains.notna()]
    assert len(with_domains) == 84
    assert with_domains.domains.explode().value_counts()["food"] >= 51  # "Agriculture et alimentation"
    assert store.info("Test Transiscope")["n_actors"] == 100
