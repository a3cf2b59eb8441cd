"""python -m ecosystem zonings add|list|rename|delete (a Lambert-93 Shapefile, a
commune table with old codes, a refused file)."""

from __future__ import annotations

from typer.testing import CliRunner

from ecosystem.__main__ import app
from ecosystem.storage import zonings as zstore
from ecosystem.storage.store import Store
from tests import zoning_fixtures as zf


def cli(*args, db, lang="en"):
    result = CliRunner().invoke(app, ["zonings", *map(str, args), "--db", str(db), "--lang", lang])
    return result, " ".join(result.output.split())


def test_add_list_rename_delete(tmp_path, geo):
    db = tmp_path / "z.duckdb"
    shp = tmp_path / "ze.zip"
    shp.write_bytes(zf.shapefile_zip(tmp_path, zf.frame(zf.ZONES[:2], crs="EPSG:2154")))
    r, out = cli("add", shp, "--name", "Zones L93", "--code-col", "code_z", "--name-col", "lib_z",
                 "--population-col", "pop_z", db=db)
    assert r.exit_code == 0, out
    assert "reprojected from EPSG:2154" in out
    assert "Zoning “Zones L93” saved (2 zones): level z1" in out
    table = tmp_path / "zonage.csv"
    table.write_bytes(zf.commune_table_csv())
    r, out = cli("add", table, "--name", "Zonage communes", db=db, lang="fr")  # columns guessed
    assert r.exit_code == 0, out
    assert "Code de zone : ZT" in out and "commune : CODGEO" in out
    assert "Ligne 10, colonne « CODGEO » : commune inconnue « 99999 »" in out
    assert "ancien code 1003, rattaché à la commune 01165" in out
    r, out = cli("list", db=db)
    assert "│ z1 │ Zones L93 │ polygons │ 2 │ yes │ ze.zip │" in out
    assert "│ z2 │ Zonage communes │ communes │ 3 │ yes │ zonage.csv │" in out
    r, out = cli("rename", "Zones L93", "ZE", db=db)
    assert r.exit_code == 0 and "renamed" in out
    r, out = cli("delete", "z2", db=db)
    assert r.exit_code == 0
    with Store(db, geo=geo) as s:
        assert zstore.listing(s).name.tolist() == ["ZE"]


def test_refused_file_names_the_feature_and_exits_2(tmp_path):
    db = tmp_path / "z.duckdb"
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(zf.geojson(zf.frame([zf.ZONES[0], ("FL", "Plat", 1, zf.flat())])))
    r, out = cli("add", bad, "--name", "Bad", "--code-col", "code_z", db=db)
    assert r.exit_code == 2
    assert "Feature 2 (FL): invalid geometry that cannot be repaired" in out
    assert "Zoning refused: bad.geojson" in out
    r, out = cli("delete", "Nope", db=db)
    assert r.exit_code == 2 and "No zoning named “Nope”" in out


def test_export_of_a_map_view_at_a_user_zoning_level(tmp_path, geo):
    """``export --format geojson --view level=z1``: the zones of the user zoning with
    their indicators (the sweep found a SQL error: the command opened the store read
    only, whose geography has no zoning level). The tiny inventory (tests/fixtures.py)
    with coordinates (a polygon zoning places points only): 4 actors in Nantes at
    lon -1.5376 (zone NE: lon > -1.55), 1 in Saint-Herblain at -1.6373 (NA), 2 in
    Marseille at (5.448, 43.294) (MA); Aix-en-Provence (lat 43.536) is north of MA."""
    import json

    from ecosystem import zonings
    from tests import fixtures

    data = fixtures.tiny()
    points = {"44109": (47.238335, -1.537557), "44162": (47.224628, -1.637314),
              "13055": (43.293832, 5.448061), "13001": (43.536111, 5.41962)}
    data.actors["lat"] = data.actors.commune_code.map(lambda c: points.get(c, (None, None))[0])
    data.actors["lon"] = data.actors.commune_code.map(lambda c: points.get(c, (None, None))[1])
    db = tmp_path / "z.duckdb"
    with Store(db, geo=geo) as s:
        s.create("tiny", data)
        z = zonings.from_polygons(zonings.read(zf.geojson(), "z.geojson"), "code_z", "lib_z", "pop_z")
        level = f"z{zstore.add(s, 'Zones de test', z)}"
    out = tmp_path / "zones.geojson"
    result = CliRunner().invoke(app, ["export", str(out), "-i", "tiny", "-f", "geojson", "--db", str(db),
                                      "--view", f"level={level}"])
    assert result.exit_code == 0, result.output
    features = json.loads(out.read_text())["features"]
    actors = {f["properties"]["code"]: f["properties"]["actors"] for f in features}
    assert sorted(actors) == ["MA", "NA", "NE"]
    assert actors == {"NA": 1, "NE": 4, "MA": 2}
    # one zone as the territory: the GeoPackage holds its actors
    gpkg = tmp_path / "ma.gpkg"
    result = CliRunner().invoke(app, ["export", str(gpkg), "-i", "tiny", "-f", "gpkg", "--db", str(db),
                                      "--view", f"level={level}&terr={level}:MA"])
    assert result.exit_code == 0, result.output
    import geopandas as gpd
    assert sorted(gpd.read_file(gpkg, layer="actors").actor_id) == ["A5", "A8"]


def test_spatial_file_with_columns_guessed_like_the_page(tmp_path, geo):
    """Without --code-col/--name-col/--population-col, a spatial file gets the columns
    the Zonages page suggests: code_z, lib_z and the population pop_z (NA 1,000, NE
    2,000), so its per-capita indicators are defined, as on the page."""
    db = tmp_path / "z.duckdb"
    shp = tmp_path / "ze.zip"
    shp.write_bytes(zf.shapefile_zip(tmp_path, zf.frame(zf.ZONES[:2], crs="EPSG:2154")))
    r, out = cli("add", shp, "--name", "Zones devinées", db=db)
    assert r.exit_code == 0, out
    assert "Zone code: code_z; name: lib_z; population: pop_z" in " ".join(out.split())
    with Store(db, geo=geo) as s:
        zones = zstore.zones(s, 1).set_index("code")
        assert zones.population.to_dict() == {"NA": 1000, "NE": 2000}
