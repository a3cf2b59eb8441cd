"""Issue 12 item 7: GeoJSON features that are not points.

Lines and polygons used to become "association" actors without a word. Points are
actors; other geometries are refused with the features listed, or imported at their
representative point (shapely ``representative_point``) when the user accepts it; a
collection of polygons only (territory outlines) is refused as a zoning."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecosystem.__main__ import app
from ecosystem.i18n import t
from ecosystem.ingest.pipeline import Import, ImportError_
from tests.ingest.conftest import checked

SHAPED = Path(__file__).resolve().parent.parent / "data" / "shaped"
MIXED = SHAPED / "carte_acteurs_points_lignes_polygones.geojson"
ZONES = SHAPED / "contours_secteurs_niort.geojson"


@pytest.fixture
def opened(geo, tmp_path):
    imports = []

    def _open(path):
        imports.append(Import(path, geo=geo, workdir=tmp_path))
        return imports[-1]

    yield _open
    for imp in imports:
        imp.close()


def test_lines_and_polygons_are_refused_with_the_features_listed(opened):
    imp = opened(MIXED)
    with pytest.raises(ImportError_) as err:
        imp.read()
    exc = err.value
    assert exc.key == "imp.err.geometry"
    assert exc.params == {"n": 3, "types": "LineString ×1, MultiPoint ×1, Polygon ×1"}
    assert exc.lines == [
        {"feature": 3, "name": "Parcours vélo solidaire", "geometry": "LineString"},
        {"feature": 4, "name": "Jardin partagé des Brizeaux", "geometry": "Polygon"},
        {"feature": 5, "name": "AMAP du Marais (2 lieux)", "geometry": "MultiPoint"}]
    assert t(exc.key, "fr", **exc.params) == (
        "3 entités n'ont pas une géométrie ponctuelle (LineString ×1, MultiPoint ×1, Polygon ×1) : "
        "un acteur est un point. Le fichier est refusé ; vous pouvez importer ces entités à leur "
        "point représentatif (un point à l'intérieur de la forme).")
    assert t(exc.key, "en", **exc.params).startswith("3 features do not have a point geometry")


def test_point_on_surface_imports_them_at_their_representative_point(opened):
    imp = opened(MIXED)
    imp.read(geometry="point-on-surface")
    assert imp.parts[0].raw.notes == {"point_on_surface": 3}
    assert imp.parts[0].format == "gogocarto"
    imp.analyse()
    imp.prepare()
    chk = checked(imp)
    # by hand: the square's centre; the line's middle vertex; a single-point MultiPoint is
    # its point; a MultiPoint of two places: one of them (shapely's representative point)
    assert chk.lat.round(4).tolist()[:5] == [46.3237, 46.3702, 46.33, 46.323, 46.33]
    assert chk.lon.round(4).tolist()[:5] == [-0.4594, -0.3521, -0.46, -0.46, -0.45]
    assert chk.at[4, "commune_code"] == "79191" and chk.at[5, "commune_code"] == "79191"
    assert chk.lat.isna().tolist()[5]  # no geometry: imported without a place
    part = imp.summary()["parts"][0]
    assert part["rows"] == 6 and part["insert"] == 6 and part["excluded"] == 0


def test_a_collection_of_polygons_is_refused_as_a_zoning(opened):
    for mode in (None, "point-on-surface"):
        imp = opened(ZONES)
        with pytest.raises(ImportError_) as err:
            imp.read(geometry=mode)
        assert err.value.key == "imp.err.geometry_zoning" and err.value.params == {"n": 3}
    assert t("imp.err.geometry_zoning", "fr", n=3) == (
        "Ce fichier ne contient que des polygones (3) : il ressemble à un zonage (contours de "
        "territoires), pas à une liste d'acteurs. Il n'est pas importé.")


def test_cli_geometry_option(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "cli.duckdb")
    refused = runner.invoke(app, ["import", str(MIXED), "--inventory", "Carte", "--db", db,
                                  "--lang", "en", "--dry-run"])
    assert refused.exit_code == 1
    out = " ".join(refused.output.split())
    assert "feature 3 (Parcours vélo solidaire): LineString" in out
    assert "--geometry point-on-surface" in out
    accepted = runner.invoke(app, ["import", str(MIXED), "--inventory", "Carte", "--db", db,
                                   "--lang", "en", "--dry-run", "--geometry", "point-on-surface"])
    assert accepted.exit_code == 0, accepted.output
    assert "3 features that are not points imported at their representative point." in " ".join(accepted.output.split())


def test_cli_shows_feature_names_as_text_not_markup(tmp_path):
    import json

    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.46, 46.32]},
         "properties": {"name": "Point"}},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 46], [1, 46]]},
         "properties": {"name": "[red]Piste[/red] \x1b[2J"}}]}
    src = tmp_path / "pistes.geojson"
    src.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(src), "--inventory", "X", "--db",
                                      str(tmp_path / "c.duckdb"), "--lang", "en"])
    assert result.exit_code == 1
    assert "feature 2 ([red]Piste[/red] [2J): LineString" in result.output
    assert "\x1b" not in result.output
