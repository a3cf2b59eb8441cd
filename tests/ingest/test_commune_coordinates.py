"""Issue 12 item 10: a commune code and coordinates that disagree are reported.

Rule (docs/import.md): the point wins when it lies in France more than
``geocode.MISMATCH_KM`` (1 km) from the declared commune — a mistyped code (a postal code
in the INSEE column) lands far away, a point rarely does; within that distance the code
wins and the point is kept (an address on the border); a point outside France loses to
the code and is replaced by the commune's point. Every disagreement is a report line:
row, both communes, distance from the point to the declared commune, and the decision."""

import math

import pytest

from ecosystem.ingest import geocode
from tests.ingest.conftest import checked


def haversine(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    return 2 * r * math.asin(math.sqrt(math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2))


@pytest.fixture
def niort_east(geo):
    """A point 0.004° of longitude east of Niort's easternmost boundary vertex (≈ 0.31 km at
    46.3° N: 0.004 × 111.32 × cos 46.3°); that vertex is the nearest point of Niort."""
    tree, codes = geo._locator
    import shapely

    ring = shapely.get_coordinates(tree.geometries[list(codes).index("79191")])
    x, y = ring[ring[:, 0].argmax()]
    return y, x + 0.004


def test_code_and_coordinates_that_disagree_are_reported_and_decided(write, analyse, geo, niort_east):
    lat3, lon3 = niort_east
    text = "actor_id;name;actor_type;commune_code;lat;lon;source\n" + "".join([
        "A1;Dans Niort;association;79191;46.3237;-0.4594;t\n",          # 2 agree
        "A2;Code Niort point Brest;association;79191;48.3904;-4.4861;t\n",  # 3 the point wins
        f"A3;Au bord de Niort;association;79191;{lat3};{lon3};t\n",      # 4 the code wins (0.3 km)
        "A4;Code Brest point en mer;association;29019;47.0;-8.0;t\n",     # 5 outside France
        "A5;Sans coordonnées;association;29019;;;t\n",                   # 6 nothing to compare
    ])
    imp = analyse(write("acteurs.csv", text))
    chk = checked(imp)
    assert chk.commune_code.tolist() == ["79191", "29019", "79191", "29019", "29019"]
    assert chk.geo_method.tolist() == ["commune_code", "coordinates", "commune_code", "commune_code",
                                       "commune_code"]
    assert (chk.at[3, "lat"], chk.at[3, "lon"]) == (48.3904, -4.4861)
    assert (chk.at[4, "lat"], chk.at[4, "lon"]) == (pytest.approx(lat3), pytest.approx(lon3))
    brest = geo.communes.set_index("code").loc["29019"]
    assert (chk.at[5, "lat"], chk.at[5, "lon"]) == (brest.lat, brest.lon)  # the sea point dropped
    report = imp.issues(lang="fr", limit=None)
    lines = report[report.check.isin(["coords_elsewhere", "coords_abroad"])].set_index("row")
    assert sorted(lines.index) == [3, 4, 5]
    assert lines.at[3, "action"] == "placé par les coordonnées"
    assert lines.at[4, "action"] == "placé par le code commune"
    assert lines.at[5, "action"] == "placé par le code commune"
    assert lines.at[3, "column"] == "commune_code" and lines.at[3, "value"] == "79191"
    # Brest–Niort centre to centre by hand, less at most Niort's 10 km half-width
    far = haversine(48.3904, -4.4861, 46.3237, -0.4594)
    km3 = float(lines.at[3, "reason"].split(" à ")[1].split(" km")[0])
    assert far - 10 < km3 < far
    assert lines.at[3, "reason"].startswith("les coordonnées sont dans une autre commune, 29019 Brest, à ")
    assert lines.at[3, "reason"].endswith(" km de celle du code, 79191 Niort.")
    neighbour = geo.locate([lon3], [lat3])[0]
    name = geo.communes.set_index("code").at[neighbour, "name"]
    assert lines.at[4, "reason"] == (f"les coordonnées sont dans une autre commune, {neighbour} {name}, "
                                     "à 0.3 km de celle du code, 79191 Niort.")
    assert lines.at[5, "reason"].startswith("les coordonnées sont hors de France, à ")
    assert lines.at[5, "reason"].endswith(" km de la commune du code, 29019 Brest : le point de la commune est pris.")
    part = imp.summary()["parts"][0]
    assert part["geo"]["by_method"] == {"commune_code": 4, "coordinates": 1}
    assert part["insert"] == 5 and part["excluded"] == 0


def test_the_threshold_is_one_kilometre():
    assert geocode.MISMATCH_KM == 1.0
