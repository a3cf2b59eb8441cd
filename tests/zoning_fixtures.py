"""Zoning files for tests, written by GeoPandas/pyogrio from shapes given by hand.

The zones are rectangles in longitude/latitude over the Loire-Atlantique and
Bouches-du-Rhône (so points of real communes fall in them):

=====  =========================  =======================  ==========
code   name                       lon × lat                population
=====  =========================  =======================  ==========
NA     Nantes ouest               [-1.70, -1.55] × [47.15, 47.30]  1000
NE     Nantes est                 [-1.55, -1.40] × [47.15, 47.30]  2000
MA     Marseille                  [5.20, 5.60] × [43.15, 43.45]    (none)
=====  =========================  =======================  ==========

NA and NE share the edge lon = -1.55. Points (see ``POINTS``) are placed by hand.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Polygon, box

ZONES = [("NA", "Nantes ouest", 1000, box(-1.70, 47.15, -1.55, 47.30)),
         ("NE", "Nantes est", 2000, box(-1.55, 47.15, -1.40, 47.30)),
         ("MA", "Marseille", None, box(5.20, 43.15, 5.60, 43.45))]

#: (lon, lat, expected zone)
POINTS = [(-1.60, 47.20, "NA"), (-1.45, 47.25, "NE"), (5.37, 43.30, "MA"),
          (2.35, 48.85, None),  # Paris: in no zone
          (-1.65, 47.29, "NA")]


def frame(zones=ZONES, crs="EPSG:4326") -> gpd.GeoDataFrame:
    gdf = gpd.GeoDataFrame({"code_z": [z[0] for z in zones], "lib_z": [z[1] for z in zones],
                            "pop_z": [z[2] for z in zones]},
                           geometry=[z[3] for z in zones], crs="EPSG:4326")
    return gdf.to_crs(crs)


def geojson(gdf: gpd.GeoDataFrame | None = None) -> bytes:
    buf = io.BytesIO()
    (gdf if gdf is not None else frame()).to_file(buf, driver="GeoJSON", engine="pyogrio")
    return buf.getvalue()


def gpkg(tmp: Path, gdf: gpd.GeoDataFrame | None = None) -> bytes:
    path = tmp / "zones.gpkg"
    (gdf if gdf is not None else frame()).to_file(path, driver="GPKG", layer="zones",
                                                  engine="pyogrio")
    return path.read_bytes()


def shapefile_zip(tmp: Path, gdf: gpd.GeoDataFrame) -> bytes:
    """A zipped Shapefile (.shp, .shx, .dbf, .prj, .cpg) of ``gdf``."""
    folder = tmp / "shp"
    folder.mkdir(exist_ok=True)
    gdf.to_file(folder / "zones.shp", engine="pyogrio")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"export/{f.name}")
    return buf.getvalue()


def bowtie() -> Polygon:
    """A self-intersecting ring (two triangles meeting at (-1.55, 47.225))."""
    return Polygon([(-1.70, 47.15), (-1.40, 47.30), (-1.40, 47.15), (-1.70, 47.30)])


def flat() -> Polygon:
    """A ring with no area (collinear points): nothing polygonal to repair."""
    return Polygon([(5.0, 43.0), (5.1, 43.1), (5.2, 43.2), (5.0, 43.0)])


def commune_table_csv() -> bytes:
    """An INSEE-like zonage table: a title line, a source line, a blank line, a
    header of labels and one of variable names, then communes. Line numbers:

    6 44109 Nantes → Z1; 7 44162 Saint-Herblain → Z1; 8 13055 Marseille → Z2;
    9 1003 (old code of Francheleins 01165, leading zero lost) → Z3;
    10 99999 unknown; 11 13001 Aix-en-Provence → Z2; 12 44109 again → Z2 (kept Z1)."""
    lines = ["Zonage de test;;;",
             "Source : tests;;;",
             ";;;",
             "Code géographique;Libellé;Zone;Libellé de la zone",
             "CODGEO;LIBGEO;ZT;LIBZT",
             "44109;Nantes;Z1;Zone nantaise",
             "44162;Saint-Herblain;Z1;Zone nantaise",
             "13055;Marseille;Z2;Zone marseillaise",
             "1003;Ancienne commune;Z3;Zone de l'Ain",
             "99999;Inconnue;Z3;Zone de l'Ain",
             "13001;Aix-en-Provence;Z2;Zone marseillaise",
             "44109;Nantes;Z2;Zone marseillaise"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def inventory():
    """Actors and projects placed by hand in the zones of :func:`frame` (polygons)
    and of :func:`commune_table_csv` (communes):

    ====  ================  =====  =================  ========  ========
    actor type              commune coordinates        polygons  communes
    ====  ================  =====  =================  ========  ========
    B1    association       44109  -1.5536, 47.2184   NA        Z1 (point in Nantes)
    B2    company           44109  -1.4439, 47.2675   NE        — (point in Thouaré 44204)
    B3    association       44109  none               —         Z1 (by commune)
    B4    association       13055  5.37, 43.30        MA        Z2 (point in Marseille)
    B5    funder            75056  2.35, 48.85        —         — (Paris)
    B6    social_enterprise 13001  none               —         Z2 (by commune)
    B7    association       44109  -1.60, 47.20       NA        Z1 (point in Nantes)
    ====  ================  =====  =================  ========  ========

    Projects (polygons: the lead's zone when in the lead's commune; communes: by
    commune): Q1 lead B1, 44109, partner B7 → NA / Z1; Q2 lead B2 in 13055 → — / Z2;
    Q3 lead B4, no commune → MA / —; Q4 lead B3, 44109 → — / Z1.
    """
    from ecosystem.model import InventoryData
    from tests.fixtures import frame as rows

    def actor(i, t, commune, lon=None, lat=None):
        return dict(actor_id=i, name=f"Acteur {i}", actor_type=t, commune_code=commune,
                    lon=lon, lat=lat, source="test")

    actors = rows([actor("B1", "association", "44109", -1.5536, 47.2184),
                   actor("B2", "company", "44109", -1.4439, 47.2675),
                   actor("B3", "association", "44109"),
                   actor("B4", "association", "13055", 5.37, 43.30),
                   actor("B5", "funder", "75056", 2.35, 48.85),
                   actor("B6", "social_enterprise", "13001"),
                   actor("B7", "association", "44109", -1.60, 47.20)])

    def project(i, lead, commune):
        return dict(project_id=i, title=f"Projet {i}", lead_actor_id=lead, stage="emergence",
                    commune_code=commune, domains="food", start_year=2023, active=True,
                    source="test")

    projects = rows([project("Q1", "B1", "44109"), project("Q2", "B2", "13055"),
                     project("Q3", "B4", None), project("Q4", "B3", "44109")])
    partners = rows([dict(project_id="Q1", actor_id="B7", role="operational")])
    return InventoryData(actors=actors, projects=projects, partners=partners)


# ------------------------------------------------------------------ peer zones
#: a small geography for peer zones (the one of tests/test_peers.py): each commune a
#: 0.1° square at y = 45.0 from x; (code, dep, reg, population, km², x)
PEER_COMMUNES = [("10000", "10", "84", 90_000, 100, 0.0), ("10001", "10", "84", 10_000, 900, 0.1),
                 ("11100", "11", "84", 99_000, 100, 0.3), ("11101", "11", "84", 11_000, 900, 0.4),
                 ("12200", "12", "53", 240_000, 100, 0.6), ("12201", "12", "53", 10_000, 900, 0.7),
                 ("97130", "971", "01", 90_000, 100, 0.9), ("97131", "971", "01", 10_000, 900, 1.0),
                 ("20400", "20", "11", 2_500_000, 250, 1.2), ("20401", "20", "11", 2_500_000, 250, 1.3),
                 ("21500", "21", "53", 500, 2_500, 1.5), ("21501", "21", "53", 500, 2_500, 1.6)]

#: commune → zone of the peer zoning. By hand (rural: density < 200 inh./km²):
#:
#: ====  ======================  ==========  =====  =========  =====  ========
#: zone  communes                population  km²    density    rural  overseas
#: ====  ======================  ==========  =====  =========  =====  ========
#: ZA    10000 10001             100,000     1,000  100        1/2    no
#: ZB    11100 11101             110,000     1,000  110        1/2    no
#: ZC    12200 20400             2,740,000   350    7,828.6    0/2    no
#: ZD    97130 97131             100,000     1,000  100        1/2    yes
#: ZE    21500 21501 12201       11,000      5,900  1.864      3/3    no
#: ====  ======================  ==========  =====  =========  =====  ========
#:
#: (20401 is in no zone.) Distances from ZA, worked out in tests/test_peers_zonings.py:
#: ZB 0.066, ZE 2.466, ZC 3.005, ZD 3.536.
PEER_ZONES = {"10000": "ZA", "10001": "ZA", "11100": "ZB", "11101": "ZB", "12200": "ZC",
              "20400": "ZC", "97130": "ZD", "97131": "ZD", "21500": "ZE", "21501": "ZE",
              "12201": "ZE"}


def peer_geography(root: Path) -> Path:
    """Write the geography of :data:`PEER_COMMUNES` in ``root`` (tests/minigeo.py)."""
    from tests.minigeo import write_geography

    rows = [{"code": c, "name": f"Commune {c}", "dep": d, "reg": r, "epci": None,
             "population": p, "area_km2": float(a), "x": x, "y": 45.0}
            for c, d, r, p, a, x in PEER_COMMUNES]
    return write_geography(root, rows)


def peer_table_csv() -> bytes:
    """The commune → zone table of :data:`PEER_ZONES`, INSEE-like (CODGEO;ZT;LIBZT)."""
    lines = ["CODGEO;ZT;LIBZT"] + [f"{c};{z};Zone {z}" for c, z in PEER_ZONES.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")
