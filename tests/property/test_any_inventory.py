"""Any inventory × every page and every output (issue 12, "the systemic fix").

Hypothesis generates small inventories from the model's declarations
(:mod:`tests.property.strategies`), saves each in a real store, and runs on it:

* every page of ``app.py`` (AppTest) in French and English, for France and for one
  territory, with the page's own views (ranking, network tables, map layers, an
  actor's card) and every download button's file built;
* the inventory exports (CSV, XLSX, Parquet) read back row for row, the HTML and PDF
  territorial reports, the network analysis, its tables and its GEXF / GraphML files,
  the map builders.

Zero exceptions allowed. Examples that Hypothesis found are kept as plain tests with
the inventory spelled out (``test_found_examples.py``).

Profiles: ``ci`` (default, bounded) and ``long`` (``HYPOTHESIS_PROFILE=long``), see
``tests/property/profiles.py``.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import networkx as nx
import pandas as pd
from hypothesis import given, settings

from ecosystem.render import exports, geo_exports, maps, mapview, report
from ecosystem import model
from ecosystem.analysis import overview
from ecosystem.analysis import indicators as ind
from ecosystem.analysis import network as net
from ecosystem.analysis import territories as terr
from ecosystem.analysis.view import Filters, View
from tests.conftest import app_pages
from tests.property.checks import (Failure, Failures, app_on, eager_downloads, new_store,
                                   territory_of, unique_version, zoned_geo, zoning_level)
from tests.property.profiles import PAGE_EXAMPLES, PROFILE
from tests.property.strategies import inventories


def unexpected(failures: Failures) -> list[str]:
    """Every failure (none is expected)."""
    return [str(f) for f in failures.items]


# ------------------------------------------------------------------ domain outputs
FRANCE = Filters()


def scoped(data: model.InventoryData) -> Filters:
    return Filters(level="commune", territory=territory_of(data))


#: as of a year before any record (the model's years start in 1800)
EARLY = Filters(as_of=1799)


def zoned(store) -> Filters:
    """The user zoning of the store as the level, its zone NA (Nantes ouest) as territory."""
    level = zoning_level(store)
    return Filters(level=level, territory=f"{level}:NA")


def check_exports(fails: Failures, store, name: str, data: model.InventoryData, out: Path) -> None:
    """Inventory exports in every format, read back: each table has its rows."""
    expected = data.counts()
    files = fails.run("export csv", exports.export_inventory, store, name, "csv", out / "csv")
    if files:
        for path in files:
            df = fails.run(f"read back {path.name}", pd.read_csv, path, sep=exports.CSV_SEP,
                           dtype=str, keep_default_na=False, encoding="utf-8-sig")
            if df is not None and len(df) != expected[path.stem]:
                fails.items.append(Failure(f"csv {path.stem}", "RowCount", [],
                                           f"{len(df)} rows read, {expected[path.stem]} saved"))
    files = fails.run("export parquet", exports.export_inventory, store, name, "parquet",
                      out / "parquet")
    for path in files or []:
        n = len(pd.read_parquet(path))
        if n != expected[path.stem]:
            fails.items.append(Failure(f"parquet {path.stem}", "RowCount", [],
                                       f"{n} rows read, {expected[path.stem]} saved"))
    files = fails.run("export xlsx", exports.export_inventory, store, name, "xlsx",
                      out / "inventory.xlsx")
    if files:
        sheets = fails.run("read back xlsx", pd.read_excel, files[0], sheet_name=None)
        for table, df in (sheets or {}).items():
            if len(df) != expected[table]:
                fails.items.append(Failure(f"xlsx {table}", "RowCount", [],
                                           f"{len(df)} rows read, {expected[table]} saved"))


def check_reports(fails: Failures, store, ref, f: Filters, lang: str, pdf: bool) -> None:
    where = f"report {lang} {f.territory or 'France'}"
    r = fails.run(f"{where} build", report.build, View(store, ref, f), lang)
    if r is None:
        return
    html = fails.run(f"{where} html", report.to_html, r)
    if html is not None and "</html>" not in html:
        fails.items.append(Failure(f"{where} html", "Truncated", [], html[-200:]))
    if not pdf:  # a PDF takes seconds: once per place, in one language
        return
    pdf = fails.run(f"{where} pdf", report.to_pdf, r)
    if pdf is not None and not pdf.startswith(b"%PDF"):
        fails.items.append(Failure(f"{where} pdf", "NotPdf", [], repr(pdf[:20])))


def check_network(fails: Failures, store, ref, f: Filters, lang: str) -> None:
    geo = zoned_geo(store)
    where = f"network {f.territory or 'France'}"
    graph = fails.run(f"{where} build", lambda: net.analyse(net.build(View(store, ref, f))))
    if graph is None:
        return
    fails.run(f"{where} summary", net.summary, graph)
    tables = {
        "brokers": lambda: net.brokers_table(graph, lang, geo),
        "isolated": lambda: net.isolated_table(graph, lang, geo),
        "communities": lambda: net.communities_table(graph, lang, geo, "departement"),
        "suggestions": lambda: net.suggestions_table(net.suggest_for_territory(graph, 30),
                                                     graph, lang, geo),
    }
    frames = {k: fails.run(f"{where} {k}", fn) for k, fn in tables.items()}
    for k, df in frames.items():
        if df is not None:
            fails.run(f"{where} {k} csv", exports.to_csv_bytes, df)
    ok = {k: v for k, v in frames.items() if v is not None}
    fails.run(f"{where} xlsx", exports.to_xlsx_bytes, ok)
    if graph.n:
        first = graph.nodes.actor_id.iloc[0]
        fails.run(f"{where} suggest for actor", net.suggest_for_actor, graph, first, 20)
    for color in ("type", "community"):
        for size in ("degree", "betweenness"):
            data = fails.run(f"{where} drawing {color}/{size}", net.drawing_data, graph, lang,
                             color, size)
            if data is not None:
                fails.run(f"{where} drawing html", net.drawing_html, data, 600, "t")
    for fmt, writer, reader in (("gexf", net.to_gexf, nx.read_gexf),
                                ("graphml", net.to_graphml, nx.read_graphml)):
        raw = fails.run(f"{where} {fmt}", writer, graph)
        if raw is None:
            continue
        back = fails.run(f"{where} {fmt} read back", reader, io.BytesIO(raw))
        if back is not None and back.number_of_nodes() != graph.n:
            fails.items.append(Failure(f"{where} {fmt}", "NodeCount", [],
                                       f"{back.number_of_nodes()} nodes read, {graph.n} in graph"))


def check_maps(fails: Failures, store, ref, f: Filters, lang: str, all_maps: bool) -> None:
    geo = zoned_geo(store)
    where = f"maps {lang} {f.territory or 'France'}"
    options = mapview.MapOptions(layers=("points", "lines", "funders"), lang=lang)
    view = fails.run(f"{where} explorer", mapview.build, View(store, ref, f), geo, options)
    if view is not None:
        fails.run(f"{where} explorer html", lambda: view.html)
    if not all_maps:  # the other builders once per place, in one language
        return
    check_geo_exports(fails, store, ref, f, lang)
    regions = fails.run(f"{where} by region", overview.by_region, View(store, ref, f))
    if regions is not None:
        fails.run(f"{where} home map", lambda: maps.render(
            maps.home_map(geo, regions, lang, selected=f.scope)))
    for indicator in ("actors_per_10k", "funding_per_inhabitant"):
        table = fails.run(f"{where} ranking", terr.ranking, View(store, ref, f), indicator, "departement")
        if table is None:
            continue
        i = ind.get(indicator)
        within = terr.ranking_within(f, "departement")
        fails.run(f"{where} ranking map {indicator}", lambda: maps.render(maps.ranking_map(
            geo, table, "departement", indicator, i.label(lang), i.unit(lang), lang,
            value_fmt=lambda v: ind.format_value(indicator, v, lang), within=within,
            selected=f.scope)))
        fails.run(f"{where} ranking csv", exports.to_csv_bytes, table)


def check_geo_exports(fails: Failures, store, ref, f: Filters, lang: str) -> None:
    """GeoPackage and GeoJSON of the map view, read back: one point per located actor."""
    import geopandas as gpd

    where = f"geo exports {lang} {f.territory or 'France'}"
    view = View(store, ref, f)
    raw = fails.run(f"{where} gpkg", geo_exports.to_gpkg, view, zoned_geo(store), lang)
    located = fails.run(f"{where} located", geo_exports.located_actors, view)
    if raw is not None and located is not None:
        with tempfile.TemporaryDirectory(prefix="props-gpkg-") as tmp:
            path = Path(tmp) / "view.gpkg"
            path.write_bytes(raw)
            back = fails.run(f"{where} gpkg read back", gpd.read_file, path, layer="actors")
            if back is not None and len(back) != located:
                fails.items.append(Failure(f"{where} gpkg", "PointCount", [],
                                           f"{len(back)} points read, {located} located actors"))
    for layer in ("territories", "actors"):
        fails.run(f"{where} geojson {layer}", geo_exports.to_geojson, view, zoned_geo(store), layer,
                  lang)


def domain_failures(name: str, data: model.InventoryData) -> Failures:
    fails = Failures()
    with tempfile.TemporaryDirectory(prefix="props-") as tmp:
        store = new_store(Path(tmp), name, data)
        try:
            ref = store.ref(name)
            check_exports(fails, store, name, data, Path(tmp) / "out")
            for f in (FRANCE, scoped(data)):
                main = "fr" if f is FRANCE else "en"
                for lang in ("fr", "en"):
                    check_reports(fails, store, ref, f, lang, pdf=lang == main)
                    check_maps(fails, store, ref, f, lang, all_maps=lang == main)
                check_network(fails, store, ref, f, main)
                fails.run("key figures", overview.key_figures, View(store, ref, f))
            # a user zoning's zone, and a year before any record: one language each, the
            # PDF once (the report's PDF takes seconds)
            for f, lang in ((zoned(store), "fr"), (EARLY, "en")):
                check_reports(fails, store, ref, f, lang, pdf=f is EARLY)
                check_maps(fails, store, ref, f, lang, all_maps=True)
                check_network(fails, store, ref, f, lang)
                fails.run(f"key figures {f.to_params()}", overview.key_figures, View(store, ref, f))
        finally:
            store.close()
    return fails


@settings(PROFILE)
@given(inventories())
def test_every_output_is_built_for_any_inventory(inv):
    name, data, _ = inv
    assert model.validate(data)[1] == [], "the strategy made an inventory the model refuses"
    problems = unexpected(domain_failures(name, data))
    assert problems == [], "\n".join(problems)


# ------------------------------------------------------------------ pages
PAGES = [f"pages/{p}.py" for p in app_pages()]
NETWORK_VIEWS = ("brokers", "isolated", "communities", "suggestions", "export")


def page_runs(data: model.InventoryData, zoning: str | None = None) -> list[tuple[str, dict, bool]]:
    """(page, URL parameters, build the downloads): every page in both languages for
    France and for a territory; the pages' own views and the download files (a PDF
    report takes seconds) once per place, French for France, English for the territory;
    with ``zoning`` (a user zoning's level), every page in French on its zone NA, its
    downloads built."""
    territory = {"terr": territory_of(data), "level": "commune"}
    main = (("fr", {}), ("en", territory))
    runs = []
    for lang in ("fr", "en"):
        for place in ({}, territory):
            runs += [(p, {"lang": lang, **place}, (lang, place) in main) for p in PAGES]
    if zoning:
        runs += [(p, {"lang": "fr", "level": zoning, "terr": f"{zoning}:NA"}, True) for p in PAGES]
    views = [("pages/territoires.py", {"view": "ranking"}),
             ("pages/carte.py", {"layers": "points,lines,funders"}),
             *[("pages/reseau.py", {"view": v}) for v in NETWORK_VIEWS]]
    ids = data.actors.actor_id.tolist()
    if ids:
        views.append(("pages/acteur.py", {"actor": ids[0]}))
    projects = data.projects.project_id.tolist()
    if projects:  # the project card (a page reached from links, not in the menu)
        views.append(("pages/projet.py", {"project": projects[0]}))
    for lang, place in main:
        runs += [(p, {"lang": lang, **place, **extra}, True) for p, extra in views]
    return runs


def page_failures(name: str, data: model.InventoryData) -> Failures:
    from tests.app.pagetest import page_test

    fails = Failures()
    where, eager = [""], [True]
    with tempfile.TemporaryDirectory(prefix="props-app-") as tmp:
        store = new_store(Path(tmp), name, data)
        unique_version(store, name)
        level = zoning_level(store)
        db = store.path
        store.close()
        with app_on(db), eager_downloads(fails, where, eager):
            for page, params, downloads in page_runs(data, level):
                where[0], eager[0] = f"{page} {params}", downloads
                at = fails.run(where[0], lambda: page_test(page, params).run())
                if at is not None:
                    fails.add_apptest(where[0], at)
    return fails


@settings(PROFILE, max_examples=PAGE_EXAMPLES)
@given(inventories())
def test_every_page_renders_for_any_inventory(inv):
    name, data, _ = inv
    problems = unexpected(page_failures(name, data))
    assert problems == [], "\n".join(problems)


def test_page_runs_cover_every_page_of_the_app_in_both_languages_and_places():
    data = model.InventoryData()
    runs = page_runs(data)
    plain = [(p, tuple(sorted(q.items()))) for p, q, _ in runs if set(q) <= {"lang", "terr", "level"}]
    assert len(PAGES) == 13  # app.py declares thirteen menu pages (Membres, Zonages, Modération, Journal among the last)
    assert len(plain) == 13 * 2 * 2 and len(set(plain)) == len(plain)
    # every page's downloads are built for France (in French) and for the territory (English)
    built = {(p, q["lang"], "terr" in q) for p, q, eager in runs if eager}
    assert {(p, "fr", False) for p in PAGES} | {(p, "en", True) for p in PAGES} <= built
    # with a user zoning: every page once more, in French, on its zone NA, downloads built
    zoned = [r for r in page_runs(data, "z7") if r[1].get("level") == "z7"]
    assert zoned == [(p, {"lang": "fr", "level": "z7", "terr": "z7:NA"}, True) for p in PAGES]
    assert len(page_runs(data, "z7")) == len(runs) + len(PAGES)
