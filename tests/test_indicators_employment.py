"""ESS employment indicators from SIRENE establishments (issue 16 item 5).

Inventories built from the hand-written SIRENE fixture (see tests/ingest/test_sirene.py):

* "ESS Bretagne" = ESS (either) establishments of région 53: in the Finistère (29)
  E1 Brest 03, E3 Quimper NN, E4 Morlaix 02, E7 Brest 01, E8 Quimper 01, E10 Brest (no
  band), E14 Brest NN closed; in Ille-et-Vilaine (35) E5 Rennes 00, E9 Rennes 03.
* "Tout Finistère" = every establishment of the 29 (``--ess all``): the seven above
  plus E11 (a garage: company), E12 (a political association: type association by its
  legal category, family "none": its activity is outside the ESS's scope) and E13 (the
  commune of Morlaix: local authority).

Bands → jobs (middle, low–high): 01 → 1.5 (1–2), 02 → 4 (3–5), 03 → 7.5 (6–9), 00 and
NN → 0; closed establishments (E14) do not count.
"""

from pathlib import Path

import pytest

from ecosystem.analysis import indicators as I
from ecosystem.analysis.view import Filters, View
from ecosystem.ingest import sirene
from ecosystem.ingest.pipeline import run_import

SHAPED = Path(__file__).resolve().parent / "data" / "shaped"
UNITS = SHAPED / "sirene_StockUniteLegale.csv"
ETABS = SHAPED / "sirene_StockEtablissement.csv"
IDS = ["ess_establishments", "ess_establishments_per_10k", "ess_employer_establishments",
       "ess_jobs", "ess_jobs_low", "ess_jobs_high", "ess_establishment_share"]


def _load(tmp_path, store, geo, name, ess, where):
    out = tmp_path / f"{name}.parquet"
    sirene.extract(out, units=UNITS, establishments=ETABS, ess=ess,
                   where=sirene.parse_where(where, geo), geo=geo)
    imp, _ = run_import(out, store, name, geo=geo)
    imp.close()
    return View(store, store.ref(name), Filters())


@pytest.fixture
def bretagne(tmp_path, store, geo):
    return _load(tmp_path, store, geo, "ESS Bretagne", "either", "reg=53")


def test_per_departement(bretagne):
    df = I.compute(bretagne, "departement", IDS, within=("region", "53")).set_index("code")
    assert df.loc["29", "ess_establishments"] == 6
    assert df.loc["29", "ess_employer_establishments"] == 4          # E1 E4 E7 E8
    assert df.loc["29", "ess_jobs"] == pytest.approx(7.5 + 4 + 1.5 + 1.5)
    assert df.loc["29", "ess_jobs_low"] == 6 + 3 + 1 + 1
    assert df.loc["29", "ess_jobs_high"] == 9 + 5 + 2 + 2
    assert df.loc["35", "ess_establishments"] == 2
    assert df.loc["35", "ess_employer_establishments"] == 1
    assert (df.loc["35", "ess_jobs"], df.loc["35", "ess_jobs_low"], df.loc["35", "ess_jobs_high"]) \
        == (7.5, 6, 9)
    assert df.loc["22", "ess_establishments"] == 0 and df.loc["22", "ess_jobs"] == 0
    pop29 = df.loc["29", "population"]
    assert df.loc["29", "ess_establishments_per_10k"] == pytest.approx(6 * 10_000 / pop29)


def test_region_commune_and_france(bretagne):
    reg = I.for_territory(bretagne, "region", "53", IDS)
    assert (reg.ess_establishments, reg.ess_employer_establishments, reg.ess_jobs,
            reg.ess_jobs_low, reg.ess_jobs_high) == (8, 5, 22, 17, 27)
    brest = I.for_territory(bretagne, "commune", "29019", IDS)
    # E1 (03), E7 (01), E10 (no band); E14 closed
    assert (brest.ess_establishments, brest.ess_employer_establishments, brest.ess_jobs) == (3, 2, 9)
    fr = I.national(bretagne, IDS)
    assert fr.ess_establishments == 8 and fr.ess_jobs_high == 27


def test_share_needs_every_establishment(tmp_path, store, geo):
    view = _load(tmp_path, store, geo, "Tout Finistère", "all", "dep=29")
    row = I.for_territory(view, "departement", "29", IDS)
    # 9 active establishments, of which 6 have an ESS family (E1 E3 E4 E7 E8 E10); E12, a
    # political association, is of type association but outside the ESS's scope
    assert row.ess_establishments == 6
    assert row.ess_establishment_share == pytest.approx(6 / 9)
    morlaix = I.for_territory(view, "commune", "29151", IDS)
    # E4 (cooperative), E12 (political association), E13 (commune): 1 of 3
    assert morlaix.ess_establishment_share == pytest.approx(1 / 3)
    assert morlaix.ess_jobs_low == 3 and morlaix.ess_jobs_high == 5   # E13's 50–99 not ESS


def test_actors_without_siret_are_not_establishments(tiny_store):
    n = I.national(View(tiny_store, tiny_store.ref("tiny"), Filters()), IDS)
    assert n.ess_establishments == 0
    assert n.ess_establishment_share != n.ess_establishment_share     # undefined (NaN)


def test_registry_entries_are_documented():
    for i in IDS:
        ind = I.get(i)
        assert ind.group == "employment" and ind.definition_fr and ind.definition_en
    assert "ess_jobs" in I.INDICATORS and "total" in I.get("ess_jobs").tags
    assert "ess_establishment_share" in I.COMPARABLE_IDS


def test_ranking_comparison_and_report(bretagne):
    from ecosystem.analysis import territories as terr
    from ecosystem.render import report

    rank = terr.ranking(bretagne, "ess_jobs", "departement")
    assert rank.code.iloc[:2].tolist() == ["29", "35"]             # 14.5 then 7.5
    assert rank.ess_jobs.iloc[:2].tolist() == [14.5, 7.5]
    table = terr.compare(bretagne, ["departement:29", "commune:35238"], ["ess_jobs_low", "ess_jobs_high"])
    assert table[["key", "ess_jobs_low", "ess_jobs_high"]].values.tolist() == [
        ["departement:29", 11, 18], ["commune:35238", 6, 9], ["france", 17, 27]]
    view = View(bretagne.store, bretagne.ref, Filters(territory="departement:29"))
    r = report.build(view, "en")
    fig = r.figures.set_index("id")
    assert fig.at["ess_jobs", "territory"] == "14.5"                # band middles: one decimal
    assert (fig.at["ess_jobs_low", "territory"], fig.at["ess_jobs_high", "territory"]) == ("11", "18")
    assert fig.at["ess_establishments", "label"] == "ESS establishments"
    assert "staff bands" in report.to_html(r)


# ------------------------------------------- the full establishment counts as denominator
# tests/data/shaped/sirene_StockEtablissement_comptes.csv, counted by hand in
# tests/ingest/test_sirene_counts.py: active establishments Brest 4, Quimper 3 (one under
# a former code), Morlaix 1, Rennes 3, Paris 2 (two arrondissements); 13 in all.
# "ESS Bretagne"'s ESS establishments: Brest 3 (E1 E7 E10), Quimper 2 (E3 E8), Morlaix 1
# (E4), Rennes 2 (E5 E9); associations among them: E1 (Brest), E3 (Quimper).
COUNTS = SHAPED / "sirene_StockEtablissement_comptes.csv"


def _with_counts(view, geo):
    from ecosystem import access, writes
    from ecosystem.ingest import sirene_counts

    writes.load_establishment_counts(view.store, access.LOCAL_ADMIN,
                                     sirene_counts.count(COUNTS, geo))
    return View(view.store, view.store.ref(view.ref.name), view.filters)


def test_share_over_the_loaded_counts_at_every_level(bretagne, geo):
    before = I.for_territory(bretagne, "departement", "29", IDS)
    assert before.ess_establishment_share != before.ess_establishment_share  # only the ESS: —
    view = _with_counts(bretagne, geo)
    com = I.compute(view, "commune", ["ess_establishment_share"], within=("departement", "29"))
    share = com.set_index("code").ess_establishment_share
    assert share["29019"] == pytest.approx(3 / 4)
    assert share["29232"] == pytest.approx(2 / 3)
    assert share["29151"] == pytest.approx(1 / 1)
    assert share["29039"] != share["29039"]                 # no establishment counted: —
    deps = I.compute(view, "departement", IDS).set_index("code")
    assert deps.loc["29", "ess_establishment_share"] == pytest.approx(6 / 8)
    assert deps.loc["35", "ess_establishment_share"] == pytest.approx(2 / 3)
    assert deps.loc["75", "ess_establishment_share"] == 0   # Paris counted, no ESS actor
    assert deps.loc["22"].isna()["ess_establishment_share"]
    assert I.for_territory(view, "region", "53", IDS).ess_establishment_share == pytest.approx(8 / 11)
    assert I.for_territory(view, "epci", "242900314", IDS).ess_establishment_share == \
        pytest.approx(3 / 4)                                 # Brest métropole: Brest only
    assert I.national(view, IDS).ess_establishment_share == pytest.approx(8 / 13)
    assert not I.denominator_missing(view)
    # the other indicators do not see the counted establishments
    assert deps.loc["29", "ess_establishments"] == 6


def test_filters_apply_to_the_numerator_only(bretagne, geo):
    view = _with_counts(bretagne, geo)
    assoc = View(view.store, view.ref, Filters(actor_types=("association",)))
    assert I.for_territory(assoc, "departement", "29", IDS).ess_establishment_share == \
        pytest.approx(2 / 8)


def test_share_in_user_zonings(bretagne, geo):
    import pandas as pd

    from ecosystem import zonings
    from ecosystem.storage import zonings as zstore
    from tests import zoning_fixtures as zf

    view = _with_counts(bretagne, geo)
    table = pd.DataFrame({"CODGEO": ["29019", "29151", "29232", "35238"],
                          "ZT": ["A", "A", "B", "B"], "LIBZT": ["Zone A", "Zone A", "Zone B", "Zone B"]})
    level = f"z{zstore.add(view.store, 'Bassins', zonings.from_communes(table, geo, 'CODGEO', 'ZT', 'LIBZT'))}"
    zones = I.compute(view, level, ["ess_establishments", "ess_establishment_share"]).set_index("code")
    assert zones.loc["A", "ess_establishment_share"] == pytest.approx(4 / 5)   # (3 + 1) / (4 + 1)
    assert zones.loc["B", "ess_establishment_share"] == pytest.approx(4 / 6)   # (2 + 2) / (3 + 3)
    poly = zonings.from_polygons(zonings.read(zf.geojson(), "z.geojson"), "code_z", "lib_z", "pop_z")
    plevel = f"z{zstore.add(view.store, 'Dessin', poly, source='z.geojson')}"
    drawn = I.compute(view, plevel, ["ess_establishment_share"])
    assert len(drawn) == 3 and drawn.ess_establishment_share.isna().all()      # undefined: —


def test_counts_reach_ranking_comparison_and_report(bretagne, geo):
    from ecosystem.analysis import territories as terr
    from ecosystem.render import report

    view = _with_counts(bretagne, geo)
    rank = terr.ranking(view, "ess_establishment_share", "departement")
    assert rank.code.iloc[:3].tolist() == ["29", "35", "75"]          # 0.75, 0.667, 0
    table = terr.compare(view, ["departement:29", "commune:29019"], ["ess_establishment_share"])
    assert table.ess_establishment_share.tolist() == pytest.approx([6 / 8, 3 / 4, 8 / 13])
    r = report.build(View(view.store, view.ref, Filters(territory="departement:29")), "en")
    fig = r.figures.set_index("id")
    assert fig.at["ess_establishment_share", "territory"] == "75.0%"


def test_counts_reach_the_map(bretagne, geo):
    from ecosystem.render import mapview

    view = _with_counts(bretagne, geo)
    scoped = View(view.store, view.ref, Filters(level="departement", territory="region:53"))
    built = mapview.build(scoped, geo, mapview.MapOptions(indicator="ess_establishment_share",
                                                          layers=(), lang="en"))
    shares = dict(zip(built.table.code, built.table.ess_establishment_share))
    assert shares["29"] == pytest.approx(6 / 8) and shares["35"] == pytest.approx(2 / 3)
    html = built.html()
    assert '"75.0%"' in html and '"66.7%"' in html            # the values the map shows
