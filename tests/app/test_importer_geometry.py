"""Issue 12 item 7 on the Importer page: GeoJSON lines and polygons are refused with the
features listed; a checkbox stating their count imports them at their representative point."""

from pathlib import Path

from ecosystem.i18n import catalogue
from tests.app.pagetest import ok, page_test, texts

SHAPED = Path(__file__).resolve().parents[1] / "data" / "shaped"
FR = catalogue("fr")


def test_geojson_lines_refused_then_accepted_at_their_representative_point():
    at = ok(page_test("pages/importer.py").run())
    content = (SHAPED / "carte_acteurs_points_lignes_polygones.geojson").read_bytes()
    at.file_uploader[0].set_value(("carte.geojson", content, "application/geo+json"))
    at = ok(at.run())
    errors = [str(e.value) for e in at.error]
    assert errors == [FR["imp.err.geometry"].format(n=3, types="LineString ×1, MultiPoint ×1, Polygon ×1")]
    listed = next(d.value for d in at.dataframe if FR["imp.col.geometry"] in d.value.columns)
    assert listed[FR["imp.col.feature"]].tolist() == [3, 4, 5]
    assert listed[FR["imp.col.geometry"]].tolist() == ["LineString", "Polygon", "MultiPoint"]
    box = at.checkbox(key="imp_geometry_accept")
    assert box.label == FR["imp.geometry.accept"].format(n=3)
    box.check()
    at = ok(at.run())
    assert not at.error
    assert FR["imp.geometry.converted"].format(n=3) in texts(at)
    assert any(FR["imp.recognised"].split("{")[0] in str(s.value) for s in at.success)
