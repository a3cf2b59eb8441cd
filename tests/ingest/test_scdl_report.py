"""SCDL grants outside the inventory's territory in the territorial report, and the
money placed where the beneficiary is (issue 16 item 1). Values worked out by hand from
``scdl_hors_territoire_finistere.csv`` imported into the five-actor Finistère inventory
of ``test_scdl._finistere``:

* rows 2 and 8 (B1 Brest, 29019): 5,000 + 5,500 €, inside;
* row 5 (B3 Quimper, by its SIREN, 29232): 1,200.50 €, inside;
* rows 3 and 6 (B2 Rennes, 35238): 2,500 + 1,000 € = 3,500 €, **outside**;
* row 4 (a new SIRET) and row 7 (no SIRET): 800 + 300 €, not placed (no commune).
"""

import html
import io

import pytest
from pypdf import PdfReader

from ecosystem.analysis import indicators as I
from ecosystem.analysis.view import Filters, View
from ecosystem.ingest.pipeline import run_import
from ecosystem.render import report
from tests.ingest.test_scdl import OUTSIDE, _finistere


@pytest.fixture
def finistere(store, geo, tmp_path):
    _finistere(store, geo, tmp_path)
    imp, ref = run_import(OUTSIDE, store, "Finistère", geo=geo)
    imp.close()
    return store, store.ref("Finistère")


def test_grants_placed_where_the_beneficiary_is(finistere):
    store, ref = finistere
    df = I.compute(View(store, ref, Filters()), "departement", ["funding_total"]).set_index("code")
    assert df.at["29", "funding_total"] == pytest.approx(5000 + 5500 + 1200.50)
    assert df.at["35", "funding_total"] == pytest.approx(3500)


def test_report_counts_the_grants_outside(finistere):
    store, ref = finistere
    whole = report.build(View(store, ref, Filters()), "en")
    assert whole.outside_grants == (
        "2 grants (€3,500) went to beneficiaries outside the inventory's territory "
        "(flagged when the SCDL file was imported); each counts where its beneficiary is.")
    assert whole.outside_grants in html.unescape(report.to_html(whole))
    rennes = report.build(View(store, ref, Filters(territory="departement:35")), "fr")
    assert rennes.outside_grants.startswith("2 subventions (3\u202f500\u00a0€) sont allées à des "
                                            "bénéficiaires hors du territoire de l'inventaire")
    finistere_only = report.build(View(store, ref, Filters(territory="departement:29")), "en")
    assert finistere_only.outside_grants == ""
    assert "outside the inventory's territory" not in report.to_html(finistere_only)


def test_pdf_report_says_it(finistere):
    store, ref = finistere
    r = report.build(View(store, ref, Filters()), "en")
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(report.to_pdf(r))).pages).split())
    assert "2 grants (€3,500) went to beneficiaries outside the inventory's territory" in text


def test_exports_carry_the_flag(finistere, tmp_path):
    import pandas as pd

    from ecosystem.render import exports

    store, _ = finistere
    path, = exports.export_inventory(store, "Finistère", "csv", tmp_path / "fundings.csv",
                                     tables=["fundings"])
    df = pd.read_csv(path, sep=None, engine="python", encoding="utf-8-sig")
    flagged = df[df.outside_territory.astype(str).str.lower() == "true"]
    assert sorted(flagged.amount_eur.tolist()) == [1000.0, 2500.0]     # rows 6 and 3
    assert (df.outside_territory.astype(str).str.lower() == "false").sum() == 3  # rows 2, 5, 8
