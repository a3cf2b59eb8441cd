"""The geography build's coverage steps (scripts/build_geo.py) on shapes drawn by hand."""

import importlib.util

import geopandas as gpd
import pytest
import shapely

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("build_geo", ROOT / "scripts" / "build_geo.py")
build_geo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_geo)


def test_overlaps_go_to_the_smaller_commune_and_slivers_close():
    # A: 0–1 × 0–1. B: a small square drawn inside A's corner (like Hesdin-la-Forêt
    # inside Marconne). C: right of A, leaving a 0.0004°-wide sliver between them,
    # closed by D above and E below (a gap inside the coverage).
    a = shapely.box(0, 0, 1, 1)
    b = shapely.box(0.8, 0.8, 1.0, 1.0)
    c = shapely.box(1.0004, 0, 2, 1)
    d, e = shapely.box(0, 1, 2, 2), shapely.box(0, -1, 2, 0)
    cleaned = build_geo.clean_coverage(gpd.GeoSeries([a, b, c, d, e], index=list("ABCDE"),
                                                     crs=build_geo.CRS))
    assert shapely.coverage_is_valid(cleaned.values)
    assert cleaned["B"].area == pytest.approx(0.04, abs=1e-9)      # kept whole
    assert cleaned["A"].area == pytest.approx(1 - 0.04, abs=1e-3)  # the overlap left A
    union = shapely.union_all(cleaned.values)
    # the sliver (0.0004 × 1 deg²) was given to a neighbour: no hole is left
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert union.area == pytest.approx(6.0, abs=1e-9)


def test_simplified_neighbours_keep_one_shared_edge():
    # two neighbours whose shared edge zigzags: simplified, they still share it
    zig = [(1 + (0.01 if i % 2 else -0.01), i / 10) for i in range(11)]
    left = shapely.Polygon([(0, 0), *zig, (0, 1)])
    right = shapely.Polygon([*zig, (2, 1), (2, 0)][::-1])
    cover = build_geo.clean_coverage(gpd.GeoSeries([left, right], crs=build_geo.CRS))
    simple = build_geo.simplify(cover, 0.05)
    assert shapely.get_num_coordinates(simple.values).sum() < \
        shapely.get_num_coordinates(cover.values).sum()
    assert shapely.coverage_is_valid(simple.values)
    assert build_geo.coverage_defects(simple) == {"gaps": 0, "gap_km2": 0.0, "overlap_deg2": 0.0}
