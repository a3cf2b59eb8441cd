"""Geo downloads of the current map view for GIS tools (QGIS…): GeoPackage
(territories with every indicator, actor points, indicator definitions) and
GeoJSON (territories, actors). Files are built only when a button is clicked
(:mod:`ecosystem.render.geo_exports`)."""

from __future__ import annotations

import streamlit as st

from ecosystem import numbers
from ecosystem.analysis.view import View
from ecosystem.render import geo_exports
from pages import _shell as shell
from pages._shell import tr


def buttons(ctx: shell.Context, key: str = "geo", filters=None) -> None:
    """``filters``: the view the page shows when not the sidebar's (the Carte as of a
    year), so the files are what the user sees."""
    view, geo, lang = View(ctx.store, ctx.ref, filters or ctx.filters), ctx.geo, ctx.lang
    stem = geo_exports.file_stem(view, geo)
    st.markdown(f"**{tr('geo_export.title')}**")
    st.caption(tr("geo_export.caption"))
    n = geo_exports.located_actors(view)
    records, personal = getattr(ctx.ref, "records", True), getattr(ctx.ref, "personal", False)
    with_actors = records and n <= geo_exports.APP_ACTOR_CAP
    if records and not with_actors:
        st.caption(tr("geo_export.too_many", n=numbers.number(n, lang),
                      cap=numbers.number(geo_exports.APP_ACTOR_CAP, lang)))
    # side by side at their own width (fixed columns cut "GeoJSON territoires" at 1280 px)
    row = st.container(horizontal=True)
    row.download_button(tr("geo_export.gpkg"),
                        data=lambda: geo_exports.to_gpkg(view, geo, lang=lang, with_actors=with_actors,
                                                             personal=personal),
                        file_name=f"{stem}.gpkg", mime=geo_exports.MIME["gpkg"],
                        key=f"dl_{key}_gpkg", on_click="ignore", icon=":material/map:")
    row.download_button(tr("geo_export.geojson_territories"),
                        data=lambda: geo_exports.to_geojson(view, geo, "territories", lang=lang),
                        file_name=f"{stem}-territoires.geojson", mime=geo_exports.MIME["geojson"],
                        key=f"dl_{key}_geojson_t", on_click="ignore", icon=":material/download:")
    row.download_button(tr("geo_export.geojson_actors"),
                        data=lambda: geo_exports.to_geojson(view, geo, "actors", lang=lang,
                                                                personal=personal),
                        file_name=f"{stem}-acteurs.geojson", mime=geo_exports.MIME["geojson"],
                        key=f"dl_{key}_geojson_a", on_click="ignore", icon=":material/download:",
                        disabled=not with_actors)
