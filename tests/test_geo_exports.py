"""Geo exports (GeoPackage, GeoJSON) of a map view, re-read with GeoPandas, on the
hand-made tiny inventory (tests/fixtures.py).

Actors per région, worked out from the fixture's communes: Pays de la Loire (52):
A1, A2, A3, A4, A9 (Nantes, Saint-Herblain) = 5; Provence-Alpes-Côte d'Azur (93):
A5, A6, A8 = 3; Guadeloupe (01): A7 = 1; Grand Est (44): A10 (Meuse) = 1.
Associations only: A1, A2 (52), A7 (01), A10 (44).
"""

from __future__ import annotations

import io
import json

import geopandas as gpd
import pyogrio
import pytest

from ecosystem.analysis import indicators as ind
from ecosystem.analysis.view import Filters, View
from ecosystem.render import geo_exports as gx
from tests import fixtures


@pytest.fixture
def tiny(store):
    data = fixtures.tiny()
    a = data.actors
    a.loc[a.actor_id == "A2", "name"] = "=HYPERLINK(\"http://x\";\"clic\")"
    a.loc[a.actor_id == "A3", "name"] = "Durand\u200b Logistique"
    store.create("tiny", data)
    return store, store.ref("tiny")


def _gpkg(store, ref, geo, filters, **kw) -> dict[str, gpd.GeoDataFrame]:
    """The export written to a .gpkg file and read back layer by layer."""
    raw = gx.to_gpkg(View(store, ref, filters), geo, **kw)
    path = store.path.parent / "export.gpkg"
    path.write_bytes(raw)
    layers = [name for name, _ in pyogrio.list_layers(path)]
    return {name: gpd.read_file(path, layer=name) for name in layers}


def test_gpkg_layers_crs_counts_and_values(tiny, geo):
    store, ref = tiny
    layers = _gpkg(store, ref, geo, Filters(level="region"), lang="en")
    assert list(layers) == ["territories", "actors", "definitions"]
    terr = layers["territories"].set_index("code")
    assert terr.crs.to_epsg() == 4326 and layers["actors"].crs.to_epsg() == 4326
    assert len(terr) == 18
    assert terr.loc[["52", "93", "01", "44", "11"], "actors"].tolist() == [5, 3, 1, 1, 0]
    assert terr.at["52", "name"] == "Pays de la Loire"
    assert (terr.level == "region").all()
    assert terr.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    # per-capita values travel with the population they were computed on
    assert terr.at["52", "actors_per_10k"] == pytest.approx(5 / terr.at["52", "population"] * 1e4)
    actors = layers["actors"].set_index("actor_id")
    assert sorted(actors.index) == sorted(f"A{i}" for i in range(1, 11))
    assert actors.at["A1", "domains"] == "poverty;social_cohesion"
    assert actors.at["A1", "position"] == "commune"  # no own coordinates in the fixture
    nantes = geo.communes.loc["44109"]
    assert actors.at["A1", "geometry"].x == pytest.approx(nantes.lon)
    assert actors.at["A1", "geometry"].y == pytest.approx(nantes.lat)
    assert actors.at["A1", "reg"] == "52" and actors.at["A7", "dep"] == "971"
    assert "description" not in actors.columns
    defs = layers["definitions"].set_index("id")
    assert "geometry" not in defs.columns or defs.geometry.isna().all()
    assert set(ind.SQL_IDS) == set(defs.index)
    assert defs.at["actors_per_10k", "label"] == ind.get("actors_per_10k").label("en")
    assert defs.at["actors_per_10k", "formula"] == ind.get("actors_per_10k").formula


def test_formula_looking_names_stay_text_and_controls_go(tiny, geo):
    store, ref = tiny
    actors = _gpkg(store, ref, geo, Filters())["actors"].set_index("actor_id")
    assert actors.at["A2", "name"] == "=HYPERLINK(\"http://x\";\"clic\")"
    assert actors.at["A3", "name"] == "Durand Logistique"
    info = pyogrio.read_info(store.path.parent / "export.gpkg", layer="actors")
    types = dict(zip(info["fields"], info["dtypes"]))
    assert types["name"] == "object"  # an OGR String field, not a number or a formula


def test_filters_apply_to_both_layers(tiny, geo):
    store, ref = tiny
    layers = _gpkg(store, ref, geo, Filters(level="region", actor_types=("association",)))
    assert sorted(layers["actors"].actor_id) == ["A1", "A10", "A2", "A7"]
    terr = layers["territories"].set_index("code")
    assert terr.loc[["52", "01", "44", "93"], "actors"].tolist() == [2, 1, 1, 0]


def test_territory_view_exports_its_communes(tiny, geo):
    store, ref = tiny
    f = Filters(level="commune", territory="epci:244400404")  # Nantes Métropole: 24 communes
    layers = _gpkg(store, ref, geo, f)
    terr = layers["territories"].set_index("code")
    assert len(terr) == 24
    assert terr.at["44109", "actors"] == 4 and terr.at["44162", "actors"] == 1
    assert sorted(layers["actors"].actor_id) == ["A1", "A2", "A3", "A4", "A9"]
    assert gx.file_stem(View(store, ref, f), geo) == "carte-commune-244400404"


def test_personal_fields_left_out_unless_asked_and_allowed(store, geo):
    """contact_email is declared personal in the model: left out by default, kept
    when asked by someone allowed to read it, never for a ref without ``personal``."""
    import dataclasses

    data = fixtures.tiny()
    data.actors["contact_email"] = None
    data.actors.loc[data.actors.actor_id == "A3", "contact_email"] = "jeanne@example.org"
    store.create("tiny", data)
    ref = store.ref("tiny")
    assert "contact_email" in gx.personal_columns()
    view = View(store, ref, Filters())
    assert "contact_email" not in gx.actors(view).columns
    with_personal = gx.actors(view, personal=True).set_index("actor_id")
    assert with_personal.at["A3", "contact_email"] == "jeanne@example.org"
    viewer = View(store, dataclasses.replace(ref, personal=False), Filters())
    assert "contact_email" not in gx.actors(viewer, personal=True).columns


def test_aggregates_only_view_exports_territories_without_actors(store, geo):
    from ecosystem import access, members, writes

    writes.create(store, access.LOCAL_ADMIN, "Obs", fixtures.tiny())
    members.set_visibility(store, access.LOCAL_ADMIN, "Obs", "public_aggregates")
    ref = access.ref_for(store, access.ANONYMOUS, "Obs")
    layers = _gpkg(store, ref, geo, Filters(level="region"))
    assert list(layers) == ["territories", "definitions"]
    assert layers["territories"].set_index("code").at["52", "actors"] == 5
    with pytest.raises(access.RecordsDenied):
        gx.to_geojson(View(store, ref, Filters()), geo, "actors")


def test_geojson_territories_carry_definitions(tiny, geo):
    store, ref = tiny
    view = View(store, ref, Filters(level="region"))
    raw = gx.to_geojson(view, geo, "territories", lang="fr")
    data = json.loads(raw)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 18
    by_code = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert by_code["93"]["actors"] == 3
    defs = {d["id"]: d for d in data["indicators"]}
    assert defs["actors"]["label"] == ind.get("actors").label("fr")
    again = gpd.read_file(io.BytesIO(raw))
    assert len(again) == 18 and again.crs.to_epsg() == 4326
    points = gpd.read_file(io.BytesIO(gx.to_geojson(view, geo, "actors")))
    assert len(points) == 10 and set(points.geom_type) == {"Point"}
    with pytest.raises(ValueError):
        gx.to_geojson(view, geo, "roads")


def test_command_line_exports_a_view(tiny, tmp_path):
    from typer.testing import CliRunner

    from ecosystem.__main__ import app

    store, _ = tiny
    db = store.path
    store.close()
    out = tmp_path / "view.gpkg"
    res = CliRunner().invoke(app, ["export", "-i", "tiny", "--format", "gpkg", "--db", str(db),
                                   "--view", "level=departement&types=association", str(out)])
    assert res.exit_code == 0, res.output
    terr = gpd.read_file(out, layer="territories").set_index("code")
    assert len(terr) == 101
    assert terr.loc[["44", "971", "55", "13"], "actors"].tolist() == [2, 1, 1, 0]
    gj = tmp_path / "actors.geojson"
    res = CliRunner().invoke(app, ["export", "-i", "tiny", "-f", "geojson", "--db", str(db),
                                   "--layer", "actors", "--view", "terr=departement:13", str(gj)])
    assert res.exit_code == 0, res.output
    assert sorted(gpd.read_file(gj).actor_id) == ["A5", "A6", "A8"]
    res = CliRunner().invoke(app, ["export", "-i", "nowhere", "-f", "gpkg", "--db", str(db),
                                   str(tmp_path / "x.gpkg")])
    assert res.exit_code == 1


def test_an_empty_view_still_gives_valid_files(tiny, geo, tmp_path):
    """No actor matches (a network in Guadeloupe): empty layers, not an error."""
    store, ref = tiny
    f = Filters(level="commune", territory="departement:971", actor_types=("network",))
    layers = _gpkg(store, ref, geo, f)
    assert len(layers["actors"]) == 0
    assert len(layers["territories"]) == 32  # the 32 communes of Guadeloupe, 0 actors each
    assert (layers["territories"].actors == 0).all()
    data = json.loads(gx.to_geojson(View(store, ref, f), geo, "actors"))
    assert data["type"] == "FeatureCollection" and data["features"] == []


def test_gpkg_without_actors_for_views_too_big_for_the_app(tiny, geo, tmp_path):
    store, ref = tiny
    view = View(store, ref, Filters())
    assert gx.located_actors(view) == 10
    path = tmp_path / "big.gpkg"
    path.write_bytes(gx.to_gpkg(view, geo, with_actors=False))
    assert [name for name, _ in pyogrio.list_layers(path)] == ["territories", "definitions"]
