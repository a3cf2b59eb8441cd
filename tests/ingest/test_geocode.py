"""Offline geocoding: each method, each failure reason, the report."""

import numpy as np
import pytest

from ecosystem.ingest import geocode
from tests.ingest.conftest import checked

# code;postal;city -> expected (commune, method, reason)
CASES = [
    ("44109", "", "", "44109", "commune_code", None),            # current code
    ("1001", "", "", "01001", "commune_code", None),             # lost leading zero
    ("44017", "", "", "44180", "old_code", None),                # commune déléguée (Bonnœuvre)
    ("13201", "", "", "13055", "old_code", None),                # Marseille 1er arrondissement
    ("", "44800", "ST HERBLAIN", "44162", "postal_city", None),  # postal code + fuzzy city
    ("", "79000", "Niort", "79191", "postal_city", None),        # a postal code of 3 communes
    ("", "44000", "", "44109", "postal_code", None),             # a postal code of one commune
    ("", "", "Plouigneau", "29199", "city_name", None),          # a name unique in France
    ("", "29228", "BREST CEDEX 2", "29019", "city_name", None),  # CEDEX: the city in the dep
    ("99999", "", "", None, "none", "code_unknown"),
    ("", "79000", "", None, "none", "postal_ambiguous"),
    ("", "79000", "Paris", None, "none", "city_unmatched"),
    ("", "", "", None, "none", "no_location"),
]


def test_each_method_and_each_reason(write, analyse):
    lines = ["nom;code;cp;ville"] + [f"Acteur {i};{c};{p};{v}" for i, (c, p, v, *_) in enumerate(CASES)]
    imp = analyse(write("lieux.csv", "\n".join(lines) + "\n"))
    chk = checked(imp)
    place = imp.con.execute(f'SELECT _row, geo_reason FROM "{imp.parts[0].tbl("place")}"').fetchall()
    reasons = dict(place)
    for i, (code, postal, city, commune, method, reason) in enumerate(CASES):
        row = i + 2
        got = chk.at[row, "commune_code"]
        assert (None if got is None or got != got else got, chk.at[row, "geo_method"]) == \
            (commune, method), (code, postal, city)
        if reason:
            assert reasons[row] == reason, (code, postal, city)
    # placed records get their commune's point
    assert chk.at[2, "lat"] == pytest.approx(47.238335, abs=1e-5)
    report = imp.parts[0].geo
    assert report.total == 13 and report.placed == 9
    assert report.by_method == {"commune_code": 2, "old_code": 2, "postal_city": 2, "postal_code": 1,
                                "city_name": 2, "none": 4}
    assert report.by_reason == {"code_unknown": 1, "postal_ambiguous": 1, "city_unmatched": 1,
                                "no_location": 1}
    assert report.fallbacks == {"postal_unknown": 1}  # CEDEX: placed by the city afterwards
    failures = imp.geo_failures()
    assert failures.row.tolist() == [10, 11, 12, 13, 14]
    assert failures.set_index("row").at[11, "commune_code"] == "99999"


def test_wgs84_coordinates_point_in_polygon(write, analyse):
    text = ("name;latitude;longitude\nNotre-Dame;48.8534;2.3488\nRéunion;-20.8823;55.4504\n"
            "Virgule;47,2184;-1,5536\nAtlantique;46.0;-10.0\nNord;95;2\n")
    imp = analyse(write("points.csv", text))
    chk = checked(imp)
    assert chk.commune_code.tolist()[:3] == ["75056", "97411", "44109"]
    assert chk.geo_method.tolist() == ["coordinates"] * 3 + ["none", "none"]
    assert chk.at[4, "lat"] == pytest.approx(47.2184)  # decimal comma read, point kept
    reasons = dict(imp.con.execute(f'SELECT _row, geo_reason FROM "{imp.parts[0].tbl("place")}"').fetchall())
    assert reasons[5] == "coords_outside" and reasons[6] == "coords_invalid"


@pytest.mark.parametrize("x, y, dep, commune", [
    (652216.6, 6861681.5, "75", "75056"),     # Lambert-93, Paris
    (338811.2, 7690101.4, "974", "97411"),    # UTM 40S, Saint-Denis (La Réunion)
    (709096.3, 1616759.7, "972", "97209"),    # UTM 20N, Fort-de-France
    (352880.4, 545869.1, "973", "97302"),     # UTM 22N, Cayenne
    (524735.4, 8587115.8, "976", "97611"),    # UTM 38S, Mamoudzou
])
def test_projected_coordinates_by_departement_and_by_range(geo, x, y, dep, commune):
    for hint in (np.array([dep], dtype=object), None):  # SIRENE's rule, then the ranges
        lon, lat = geocode.project([x], [y], hint)
        assert geo.locate(lon, lat)[0] == commune


def test_sirene_lambert_coordinates_are_converted(write, analyse):
    text = ("siren,siret,codeCommuneEtablissement,coordonneeLambertAbscisseEtablissement,"
            "coordonneeLambertOrdonneeEtablissement,enseigne1Etablissement,etatAdministratifEtablissement\n"
            "732829320,73282932000074,75056,652216.6,6861681.5,CAFE,A\n"
            "732829320,73282932000082,,338811.2,7690101.4,REUNION,F\n")
    imp = analyse(write("StockEtablissement_extrait.csv", text))
    chk = checked(imp)
    assert chk.commune_code.tolist() == ["75056", "97411"]
    assert chk.geo_method.tolist() == ["commune_code", "coordinates"]
    assert chk.at[2, "lat"] == pytest.approx(48.8534, abs=1e-3)  # the converted point, not Paris's centre
    assert chk.active.tolist() == [True, False]
