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
    assert box.label == FR["imp.geometry.accept.other"].format(n=3)
    box.check()
    at = ok(at.run())
    assert not at.error
    assert FR["imp.geometry.converted.other"].format(n=3) in texts(at)
    assert any(FR["imp.recognised"].split("{")[0] in str(s.value) for s in at.success)


def test_file_without_location_shows_likely_pairs_in_the_duplicate_review():
    """Issue 12 item 8 on the page: pairs found without location, with their rule and score."""
    at = ok(page_test("pages/importer.py").run())
    content = (SHAPED / "structures_sans_localisation.csv").read_bytes()
    at.file_uploader[0].set_value(("structures_sans_localisation.csv", content, "text/csv"))
    at = ok(at.run())
    at.text_input(key="imp_target_name").set_value("Test sans localisation")
    next(b for b in at.button if b.key == "imp_analyse").click()
    at = ok(at.run())
    pairs = next(d.value for d in at.data_editor if "basis" in d.value.columns)
    assert sorted(zip(pairs["basis"], pairs["a_row"], pairs["b_ref"])) == [
        ("same_name", 2, "3"), ("same_name", 4, "14"), ("same_name", 6, "10"), ("same_name", 6, "11"),
        ("website", 4, "5")]
    assert set(pairs["kind"]) == {FR["imp.dedup.kind.fuzzy"]} and not pairs["merge"].any()
    assert {m.label: m.value for m in at.metric}[FR["imp.sum.insert"]] == "19"
    next(b for b in at.button if b.key == "imp.dedup.merge_fuzzy_0").click()
    at = ok(at.run())
    assert {m.label: m.value for m in at.metric}[FR["imp.sum.insert"]] == "14"
