"""French geography (COG): levels, names, populations, lookups and boundaries.

Reads the files built by ``scripts/build_geo.py`` in ``data/geo/``; nothing
here needs the Internet. Boundary files are GeoParquet (WKB, EPSG:4326); they are
read with pyarrow and ``shapely.from_wkb``, faster at start-up than GeoPandas
(docs/data.md). Levels are ``region``, ``departement``, ``epci`` and
``commune``; codes are INSEE/SIREN codes as strings (``"44"``, ``"2A"``,
``"244400404"``, ``"44109"``). A territory is named by ``"level:code"`` in URLs.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from ecosystem import ROOT
GEO_DIR = ROOT / "data" / "geo"


def geo_dir() -> Path:
    """The geography directory: ``$ECOSYSTEM_GEO_DIR`` or ``data/geo``."""
    return Path(os.environ.get("ECOSYSTEM_GEO_DIR", GEO_DIR))
LEVELS = ("region", "departement", "epci", "commune")
FILES = {"region": "regions.parquet", "departement": "departements.parquet",
         "epci": "epci.parquet", "commune": "communes.parquet"}
#: column of the commune table holding the code of each level
COMMUNE_KEY = {"region": "reg", "departement": "dep", "epci": "epci", "commune": "code"}


class GeographyError(RuntimeError):
    """The geography files are missing or unreadable; ``hint`` says how to fix it."""

    def __init__(self, message: str, hint: str = "python scripts/build_geo.py"):
        super().__init__(message)
        self.hint = hint


def normalize_name(name: str) -> str:
    """Upper-case ASCII form of a place name for matching (accents, hyphens, ST/STE)."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    text = re.sub(r"[^A-Z0-9]+", " ", text).strip()
    text = re.sub(r"^(ST|STE)\b", lambda m: "SAINT" if m.group(1) == "ST" else "SAINTE", text)
    text = re.sub(r"\b(ST|STE)\b", lambda m: "SAINT" if m.group(1) == "ST" else "SAINTE", text)
    text = re.sub(r"\bCEDEX\b.*$", "", text).strip()
    return re.sub(r"\s+", " ", text)


def territory_key(level: str, code: str) -> str:
    return f"{level}:{code}"


def parse_territory(key: str | None) -> tuple[str, str] | None:
    if not key or ":" not in key:
        return None
    level, code = key.split(":", 1)
    return (level, code) if (level in LEVELS or is_zoning_level(level)) and code else None


# ------------------------------------------------------------- user zonings
#: a user zoning's level: ``z`` and the zoning's id in the store (``z3``)
ZONING_LEVEL = re.compile(r"z([1-9][0-9]{0,8})")


def is_zoning_level(level) -> bool:
    return isinstance(level, str) and ZONING_LEVEL.fullmatch(level) is not None


def zoning_level(zoning_id: int) -> str:
    return f"z{int(zoning_id)}"


def zoning_id(level: str) -> int | None:
    m = ZONING_LEVEL.fullmatch(level) if isinstance(level, str) else None
    return int(m.group(1)) if m else None


class ZoneLevel:
    """A user zoning seen as a level of the geography (see
    :mod:`ecosystem.storage.zonings`): ``table`` has the columns of
    :meth:`Geography.table` (code, name, population — NaN when unknown —, lat,
    lon, area_km2), ``shapes`` the display geometries by code. Zones have no
    parent level: their reference is France. ``communes``: the zone of each
    commune (indexed by commune code) for a zoning made of communes, else None."""

    __slots__ = ("level", "name", "kind", "table", "shapes", "communes")

    def __init__(self, level: str, name: str, kind: str, table: pd.DataFrame,
                 shapes: pd.Series, communes: pd.Series | None = None):
        self.level, self.name, self.kind, self.table, self.shapes = level, name, kind, table, shapes
        self.communes = communes


class Geography:
    """Loaded once per process (the app caches it); all lookups are in memory."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root) if root is not None else geo_dir()
        try:
            self.meta = json.loads((self.root / "meta.json").read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise GeographyError(f"geography not found in {self.root}") from exc
        except (OSError, ValueError) as exc:
            raise GeographyError(f"geography metadata unreadable in {self.root}: {exc}") from exc

    # ------------------------------------------------------------------ tables
    def _read(self, name: str, columns=None) -> pd.DataFrame:
        path = self.root / name
        try:
            return pd.read_parquet(path, columns=columns)
        except FileNotFoundError as exc:
            raise GeographyError(f"geography file missing: {path}") from exc
        except Exception as exc:  # pyarrow raises various errors on corrupt files
            raise GeographyError(f"geography file unreadable: {path}: {exc}") from exc

    @cached_property
    def communes(self) -> pd.DataFrame:
        df = self._read(FILES["commune"], ["code", "name", "dep", "reg", "epci", "population",
                                           "lat", "lon", "area_km2", "boundary_from"])
        return df.set_index("code", drop=False).rename_axis(None)

    def table(self, level: str) -> pd.DataFrame:
        """Territories of a level: code, name, population, parents, lat, lon, area_km2."""
        extra = self.extra_levels.get(level)
        if extra is not None:
            return extra.table
        return self._tables[level]

    # a user zoning is one more level (pages get it from storage.zonings.geography)
    extra_levels: dict = {}

    def with_levels(self, levels: dict) -> "Geography":
        """This geography answering the extra levels too (``{level: ZoneLevel}``):
        a shallow copy sharing every table already loaded."""
        import copy

        out = copy.copy(self)
        out.extra_levels = dict(levels)
        return out

    def levels(self) -> list[str]:
        """The built-in levels, then the extra ones."""
        return [*LEVELS, *self.extra_levels]

    def level_label(self, level: str, lang: str = "fr") -> str:
        """A level's name: the vocabulary's, or the zoning's own name."""
        extra = self.extra_levels.get(level)
        if extra is not None:
            return extra.name
        from ecosystem.vocabulary import LEVELS as LEVEL_TERMS
        return LEVEL_TERMS.label(level, lang)

    @cached_property
    def _tables(self) -> dict[str, pd.DataFrame]:
        out = {"commune": self.communes.drop(columns="boundary_from")}
        cols = {"region": ["code", "name", "chef_lieu", "population", "n_communes", "lat", "lon", "area_km2"],
                "departement": ["code", "name", "chef_lieu", "reg", "population", "n_communes", "lat", "lon",
                                "area_km2"],
                "epci": ["code", "name", "short_name", "kind", "dep", "reg", "population",
                         "n_communes", "lat", "lon", "area_km2"]}
        for level, columns in cols.items():
            out[level] = self._read(FILES[level], columns).set_index("code", drop=False).rename_axis(None)
        return out

    @cached_property
    def aliases(self) -> pd.DataFrame:
        return self._read("aliases.parquet")

    @cached_property
    def _alias_map(self) -> dict[str, str]:
        a = self.aliases
        return dict(zip(a.alias, a.code))

    @cached_property
    def postal_codes(self) -> pd.DataFrame:
        return self._read("postal_codes.parquet")

    @cached_property
    def _postal_map(self) -> dict[str, list[str]]:
        return self.postal_codes.groupby("postal_code").code.agg(list).to_dict()

    # ----------------------------------------------------------------- lookups
    def name(self, level: str, code: str) -> str:
        try:
            return str(self.table(level).at[code, "name"])
        except KeyError:
            return code

    def label(self, level: str, code: str) -> str:
        """Name with its code, e.g. ``Loire-Atlantique (44)``."""
        return f"{self.name(level, code)} ({code})"

    def population(self, level: str, code: str | None = None) -> int:
        if level == "france" or code is None:
            return int(self.communes.population.sum())
        try:
            return int(self.table(level).at[code, "population"])
        except (KeyError, TypeError, ValueError):
            return 0

    def exists(self, level: str, code: str) -> bool:
        return (level in LEVELS or level in self.extra_levels) and code in self.table(level).index

    def commune_parents(self, code: str) -> dict[str, str | None]:
        row = self.communes.loc[code]
        return {"epci": row.epci if isinstance(row.epci, str) else None,
                "departement": row.dep, "region": row.reg}

    def parent(self, level: str, code: str, parent_level: str) -> str | None:
        """Code of the territory of ``parent_level`` containing this one (majority of
        its population for an EPCI spanning départements)."""
        if level in self.extra_levels or parent_level in self.extra_levels:
            return None  # zones of a user zoning have no parent level
        if LEVELS.index(parent_level) >= LEVELS.index(level):
            raise ValueError(f"{parent_level} is not above {level}")
        if level == "commune":
            value = self.communes.at[code, COMMUNE_KEY[parent_level]]
            return value if isinstance(value, str) else None
        row = self.table(level).loc[code]
        key = {"region": "reg", "departement": "dep"}[parent_level]
        value = row.get(key)
        return value if isinstance(value, str) else None

    def communes_in(self, level: str, code: str) -> pd.Index:
        """Codes of the communes of a territory."""
        if level == "commune":
            return pd.Index([code])
        c = self.communes
        return c.index[c[COMMUNE_KEY[level]] == code]

    def children(self, level: str, code: str, child_level: str) -> list[str]:
        """Territories of ``child_level`` that have at least one commune in this one."""
        codes = self.communes.loc[self.communes_in(level, code), COMMUNE_KEY[child_level]]
        return sorted(codes.dropna().unique().tolist())

    def resolve_commune(self, code) -> tuple[str | None, str]:
        """Current commune code for a raw code: ``(code, method)``.

        Handles codes that lost their leading zero (``1001`` for ``01001``),
        communes déléguées / associées and former codes merged into a commune
        nouvelle (``old_code``), and municipal arrondissements of Paris, Lyon,
        Marseille. Unknown codes give ``(None, "none")``.
        """
        if code is None or (isinstance(code, float) and np.isnan(code)):
            return None, "none"
        text = str(code).strip().upper()
        if text.endswith(".0"):
            text = text[:-2]
        if re.fullmatch(r"\d{4}", text):
            text = "0" + text
        if text in self.communes.index:
            return text, "commune_code"
        current = self._alias_map.get(text)
        if current is not None:
            return current, "old_code"
        return None, "none"

    def communes_for_postal_code(self, postal_code) -> list[str]:
        text = str(postal_code).strip()
        if re.fullmatch(r"\d{4}", text):
            text = "0" + text
        return list(self._postal_map.get(text, []))

    @cached_property
    def names_index(self) -> pd.DataFrame:
        """Normalised names of current communes and of their former/delegated names."""
        cur = pd.DataFrame({"key": self.communes.name.map(normalize_name),
                            "code": self.communes.code, "kind": "commune"})
        al = self.aliases.dropna(subset=["name"])
        old = pd.DataFrame({"key": al.name.map(normalize_name), "code": al.code, "kind": al.kind})
        return pd.concat([cur, old], ignore_index=True)

    def search(self, text: str, level: str | None = None, limit: int = 20) -> pd.DataFrame:
        """Territories for a picker, best match first: the exact name or code, then
        names starting with the text as a word ("Brest Métropole"), then names
        starting with it ("Brestot"), then names with a word starting with it ("Pays
        de Brest"), then codes starting with it; accents, case and punctuation
        ignored, never a looser match. An exact code is read as a département number
        first ("44": Loire-Atlantique before the région Grand Est). Ties: larger
        population first. Columns
        ``code``, ``name``, ``population``, ``level``."""
        key = normalize_name(text)
        code = text.strip()
        if not key and not code:
            return pd.DataFrame(columns=["code", "name", "population", "level"])
        frames = []
        for lv in ([level] if level else self.levels()):  # user zonings too
            tb = self.table(lv)
            names = tb.name.map(normalize_name)
            rank = pd.Series(np.nan, index=tb.index)
            # an exact code is a département number first ("44"), then any other code
            exact_code = 0 if lv == "departement" else 0.5
            for r, hit in ((0, names == key), (exact_code, tb.code == code),
                           (1, names.str.startswith(key + " ")), (2, names.str.startswith(key)),
                           (3, names.str.contains(" " + key, regex=False)),
                           (4, tb.code.str.startswith(code))):
                rank = rank.where(rank.notna() | ~hit, r)
            found = tb.loc[rank.notna(), ["code", "name", "population"]]
            frames.append(found.assign(level=lv, _rank=rank[rank.notna()]))
        out = pd.concat(frames)
        out = out.sort_values(["_rank", "population"], ascending=[True, False], kind="stable")
        return out.drop(columns="_rank").head(limit)

    # --------------------------------------------------------------- geometry
    @cached_property
    def _geometry(self) -> dict[str, pd.Series]:
        out = {}
        for level, file in FILES.items():
            df = self._read(file, ["code", "geometry"]).dropna(subset=["geometry"])
            out[level] = pd.Series(shapely.from_wkb(df.geometry.values), index=df.code.values)
        return out

    def shapes(self, level: str, codes=None) -> pd.Series:
        """Display boundaries (simplified per level) as shapely geometries by code."""
        extra = self.extra_levels.get(level)
        geoms = extra.shapes if extra is not None else self._geometry[level]
        if codes is None:
            return geoms
        return geoms[geoms.index.isin(list(codes))]

    def bounds(self, level: str, code: str) -> tuple[float, float, float, float] | None:
        geoms = self.shapes(level)
        if code not in geoms.index:
            return None
        return tuple(shapely.bounds(geoms[code]).tolist())

    @cached_property
    def _locator(self) -> tuple[shapely.STRtree, np.ndarray]:
        df = self._read("communes_detail.parquet")
        geoms = shapely.from_wkb(df.geometry.values)
        shapely.prepare(geoms)
        return shapely.STRtree(geoms), df.code.values

    def locate(self, lon, lat) -> np.ndarray:
        """Commune code of each WGS84 point (point in polygon); None outside France."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        out = np.full(lon.shape, None, dtype=object)
        ok = np.isfinite(lon) & np.isfinite(lat)
        if not ok.any():
            return out
        tree, codes = self._locator
        points = shapely.points(lon[ok], lat[ok])
        hits = tree.query(points, predicate="within")
        found = np.full(points.shape, None, dtype=object)
        # a point on a shared edge may hit two communes: keep the first
        first = np.unique(hits[0], return_index=True)[1]
        found[hits[0][first]] = codes[hits[1][first]]
        out[ok] = found
        return out

    # ----------------------------------------------------------------- checks
    def summary(self) -> dict:
        return {level: len(self.table(level)) for level in LEVELS} | {
            "population": self.population("france")}
