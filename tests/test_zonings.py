"""Loading, validating and placing points in user zonings (ecosystem.zonings).

Expected values are worked out by hand from tests/zoning_fixtures.py: zone
membership of hand-placed points, INSEE populations of named communes, and
areas of latitude/longitude rectangles on the authalic sphere
(R = 6,371,007 m: area = R² · Δλ · (sin φ2 − sin φ1))."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import box

from ecosystem import zonings
from tests import zoning_fixtures as zf

R = 6_371_007.2


def rect_km2(lon0, lat0, lon1, lat1) -> float:
    return R ** 2 * math.radians(lon1 - lon0) * (
        math.sin(math.radians(lat1)) - math.sin(math.radians(lat0))) / 1e6


def points_of(z: zonings.Zoning):
    return z.zones.set_index("code").geometry


def check_points(z: zonings.Zoning):
    lon = [p[0] for p in zf.POINTS]
    lat = [p[1] for p in zf.POINTS]
    assert list(zonings.assign_points(points_of(z), lon, lat)) == [p[2] for p in zf.POINTS]


def test_geojson_zones_names_populations_and_points():
    frame = zonings.read(zf.geojson(), "zones.geojson")
    assert zonings.attribute_columns(frame) == ["code_z", "lib_z", "pop_z"]
    z = zonings.from_polygons(frame, "code_z", "lib_z", "pop_z")
    assert z.kind == "polygons"
    assert z.zones.code.tolist() == ["NA", "NE", "MA"]
    assert z.zones.name.tolist() == ["Nantes ouest", "Nantes est", "Marseille"]
    pops = z.zones.population.tolist()
    assert pops[:2] == [1000.0, 2000.0] and math.isnan(pops[2])
    check_points(z)
    # NA: 0.15° × 0.15° at 47.15–47.30° N
    assert z.zones.area_km2.iat[0] == pytest.approx(rect_km2(-1.70, 47.15, -1.55, 47.30), rel=0.01)
    assert not [i for i in z.issues if i.key in ("overlap", "gap")]


def test_geopackage_reads_the_same(tmp_path):
    z = zonings.from_polygons(zonings.read(zf.gpkg(tmp_path), "z.gpkg"), "code_z", "lib_z")
    assert z.zones.code.tolist() == ["NA", "NE", "MA"]
    assert z.zones.population.isna().all()  # no population column picked
    check_points(z)


def test_lambert93_zipped_shapefile_is_reprojected(tmp_path):
    gdf = zf.frame(zf.ZONES[:2], crs="EPSG:2154")
    assert gdf.total_bounds[0] > 100_000  # metres: really Lambert-93
    z = zonings.from_polygons(zonings.read(zf.shapefile_zip(tmp_path, gdf), "ze.zip"),
                              "code_z", "lib_z", "pop_z")
    assert [i.key for i in z.issues if i.key == "reprojected"] == ["reprojected"]
    assert "2154" in z.source_crs
    x0, y0, x1, y1 = z.zones.geometry.iat[0].bounds
    assert (x0, y0, x1, y1) == pytest.approx((-1.70, 47.15, -1.55, 47.30), abs=1e-6)
    assert list(zonings.assign_points(points_of(z), [-1.60, -1.45], [47.20, 47.25])) == ["NA", "NE"]


def test_utm_overseas_is_reprojected():
    # Martinique (UTM 20N, EPSG:5490): a box around Fort-de-France
    zones = [("FDF", "Fort-de-France", 80000, box(-61.10, 14.58, -61.00, 14.68))]
    z = zonings.from_polygons(zf.frame(zones, crs="EPSG:5490"), "code_z", "lib_z", "pop_z")
    assert list(zonings.assign_points(points_of(z), [-61.06], [14.61])) == ["FDF"]


def test_self_intersecting_ring_is_repaired_and_named():
    zones = [("BT", "Nœud papillon", 10, zf.bowtie()), zf.ZONES[2]]
    z = zonings.from_polygons(zf.frame(zones), "code_z", "lib_z")
    repaired = [i for i in z.issues if i.key == "repaired"]
    assert [(i.row, i.value) for i in repaired] == [(1, "BT")]
    # the two triangles: left one contains (-1.65, 47.225), the top gap between them does not
    got = zonings.assign_points(points_of(z), [-1.65, -1.55, -1.45], [47.225, 47.29, 47.225])
    assert list(got) == ["BT", None, "BT"]


def test_unrepairable_feature_is_refused_with_its_row():
    zones = [zf.ZONES[0], ("FL", "Plat", 1, zf.flat())]
    with pytest.raises(zonings.ZoningError) as err:
        zonings.from_polygons(zf.frame(zones), "code_z", "lib_z")
    assert [(i.key, i.row, i.value) for i in err.value.issues] == [("invalid_geometry", 2, "FL")]
    assert "2" in err.value.issues[0].message("en")


def test_missing_code_is_refused_with_its_row():
    zones = [zf.ZONES[0], (None, "Sans code", 1, zf.ZONES[1][3])]
    with pytest.raises(zonings.ZoningError) as err:
        zonings.from_polygons(zf.frame(zones), "code_z", "lib_z")
    assert [(i.key, i.row, i.column) for i in err.value.issues] == [("no_code", 2, "code_z")]


def test_overlap_reported_with_area_and_features():
    # B overlaps A on [1.0, 1.5] × [45, 46]
    zones = [("A", "A", 1, box(0.0, 45.0, 1.5, 46.0)), ("B", "B", 2, box(1.0, 45.0, 2.0, 46.0))]
    z = zonings.from_polygons(zf.frame(zones), "code_z", "lib_z")
    overlaps = [i for i in z.issues if i.key == "overlap"]
    assert len(overlaps) == 1
    params = dict(overlaps[0].params)
    assert overlaps[0].value == "A / B" and params["rows"] == "1, 2"
    assert params["area"] == pytest.approx(rect_km2(1.0, 45.0, 1.5, 46.0), rel=0.01)
    # a point in the overlap goes to the first zone, whatever the method
    for assign in (zonings.assign_points, zonings.assign_sjoin, zonings.assign_baseline):
        assert list(assign(points_of(z), [1.2, 0.5, 1.8], [45.5, 45.5, 45.5])) == ["A", "A", "B"]


def test_enclosed_gap_reported_with_area_and_neighbours():
    # a ring of four zones around the empty cell [1, 2] × [46, 47]
    zones = [("S", "S", 1, box(0, 45, 3, 46)), ("W", "W", 1, box(0, 46, 1, 47)),
             ("E", "E", 1, box(2, 46, 3, 47)), ("N", "N", 1, box(0, 47, 3, 48))]
    z = zonings.from_polygons(zf.frame(zones), "code_z", "lib_z")
    gaps = [i for i in z.issues if i.key == "gap"]
    assert len(gaps) == 1
    assert gaps[0].value == "E, N, S, W"
    assert dict(gaps[0].params)["area"] == pytest.approx(rect_km2(1, 46, 2, 47), rel=0.01)


def test_features_sharing_a_code_are_one_zone():
    zones = [("A", "A", 10, box(0, 45, 1, 46)), ("A", "A", 5, box(3, 45, 4, 46))]
    z = zonings.from_polygons(zf.frame(zones), "code_z", "lib_z", "pop_z")
    assert z.zones.code.tolist() == ["A"]
    assert z.zones.population.tolist() == [15.0]
    assert [(i.key, dict(i.params)["rows"]) for i in z.issues if i.key == "dissolved"] == \
        [("dissolved", "1, 2")]


def test_display_geometry_is_simplified_and_valid():
    import shapely
    # a wiggly zone: 400 vertices along a saw-tooth bottom edge 1 m high
    pts = [(0 + i * 0.0025, 45 + (0.00001 if i % 2 else 0)) for i in range(401)]
    poly = shapely.Polygon(pts + [(1, 46), (0, 46)])
    z = zonings.from_polygons(zf.frame([("W", "W", 1, poly)]), "code_z", "lib_z")
    display = z.zones.display.iat[0]
    assert shapely.is_valid(display)
    assert shapely.get_num_coordinates(display) < 20 < shapely.get_num_coordinates(poly)


def test_commune_table_with_title_rows_and_old_codes(geo):
    frame = zonings.read(zf.commune_table_csv(), "zonage.csv")
    assert list(frame.columns) == ["CODGEO", "LIBGEO", "ZT", "LIBZT"]
    guess = zonings.guess_columns(frame)
    assert (guess["commune"], guess["code"]) == ("CODGEO", "ZT")
    z = zonings.from_communes(frame, geo, "CODGEO", "ZT", "LIBZT")
    assert z.kind == "communes"
    assert z.zones.code.tolist() == ["Z1", "Z2", "Z3"]
    assert z.zones.name.tolist() == ["Zone nantaise", "Zone marseillaise", "Zone de l'Ain"]
    # INSEE populations: Nantes 327,734 + Saint-Herblain 50,973; Marseille 886,040 +
    # Aix-en-Provence 149,695; Francheleins (01165, old code 01003) 1,597
    assert z.zones.population.tolist() == [378_707.0, 1_035_735.0, 1_597.0]
    assert dict(zip(z.communes.commune_code, z.communes.zone)) == {
        "44109": "Z1", "44162": "Z1", "13055": "Z2", "01165": "Z3", "13001": "Z2"}
    found = {(i.key, i.row, i.column, i.value) for i in z.issues if i.row is not None}
    assert found == {("old_commune", 9, "CODGEO", "1003"), ("unknown_commune", 10, "CODGEO", "99999"),
                     ("two_zones", 12, "ZT", "44109")}
    # the zone's shape is its communes': a point in Nantes is in Z1
    assert list(zonings.assign_points(points_of(z), [-1.5536], [47.2173])) == ["Z1"]


def test_commune_table_xlsx(geo, tmp_path):
    import pandas as pd
    df = pd.DataFrame({"code_commune": ["44109", "13055"], "zone": ["A", "B"]})
    path = tmp_path / "t.xlsx"
    df.to_excel(path, index=False)
    frame = zonings.read(path)
    z = zonings.from_communes(frame, geo, "code_commune", "zone")
    assert z.zones.population.tolist() == [327_734.0, 886_040.0]
    assert z.zones.name.tolist() == ["A", "B"]  # no name column: the code


def test_unreadable_and_unknown_formats():
    with pytest.raises(zonings.ZoningError) as err:
        zonings.read(b"not a zip", "zones.zip")
    assert err.value.issues[0].key == "unreadable"
    with pytest.raises(zonings.ZoningError) as err:
        zonings.read(b"x", "zones.docx")
    assert err.value.issues[0].key == "format"


def test_baseline_agrees_with_sjoin():
    import numpy as np
    z = zonings.from_polygons(zf.frame(), "code_z", "lib_z")
    rng = np.random.default_rng(1)
    # 45 % of this box is in NA or NE: 0.30° × 0.15° of 0.40° × 0.25°
    lon = rng.uniform(-1.75, -1.35, 2000)
    lat = rng.uniform(47.10, 47.35, 2000)
    a = zonings.assign_points(points_of(z), lon, lat)
    b = zonings.assign_baseline(points_of(z), lon, lat)
    c = zonings.assign_sjoin(points_of(z), lon, lat)
    assert (a == b).all() and (a == c).all()
    assert 800 < (a != None).sum() < 1000  # noqa: E711
    # by hand: west of -1.55 in NA, east in NE, outside the two boxes in none
    inside = (lat > 47.15) & (lat < 47.30)
    expect = np.where(inside & (lon > -1.70) & (lon < -1.55), "NA",
                      np.where(inside & (lon > -1.55) & (lon < -1.40), "NE", None))
    assert (a == expect).all()
