"""The evolution chart: one registry indicator through the years for a few places
(a territory, its parent and France; or the 2–4 territories compared), with the
records each point leaves out because they carry no usable date.

Labels go through :func:`ecosystem.render.safe.plotly`, numbers through
:func:`ecosystem.analysis.indicators.format_value` (Babel, :mod:`ecosystem.numbers`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ecosystem import numbers
from ecosystem.analysis import indicators as ind
from ecosystem.analysis import timeline
from ecosystem.i18n import t
from ecosystem.render import safe

#: line colours: the first place in the accent colour, France in grey
COLOURS = ["#0570b0", "#e66101", "#5e3c99", "#1b9e77"]
FRANCE_COLOUR = "#737373"


def data(view, indicator_id: str, years, places, lang: str = "fr") -> pd.DataFrame:
    """The series of each place — ``(level, code)`` or None for France — in one frame
    with a ``place`` column (the place's name; France in the language), one query per
    place (:func:`ecosystem.analysis.timeline.series`)."""
    frames = []
    for place in places:
        if place is None:
            df = timeline.series(view, indicator_id, years)
            df["name"] = t("scope.france", lang)
        else:
            df = timeline.series(view, indicator_id, years, place[0], [place[1]])
        df["place"] = df["name"]
        df["is_france"] = place is None
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def chart(df: pd.DataFrame, indicator_id: str, lang: str = "fr", height: int = 360) -> go.Figure:
    """Lines of ``indicator_id`` per place over the years; the hover gives the value
    in the language's format and the records left out of the point."""
    i = ind.get(indicator_id)
    fig = go.Figure()
    n = 0
    for place, rows in df.groupby("place", sort=False):
        france = bool(rows.is_france.iloc[0])
        colour = FRANCE_COLOUR if france else COLOURS[n % len(COLOURS)]
        n += 0 if france else 1
        hover = [t("time.hover", lang, year=int(y), value=ind.format_value(indicator_id, v, lang,
                                                                           with_unit=True),
                   left_out=numbers.number(int(k), lang))
                 for y, v, k in zip(rows.year, rows.value, rows.left_out)]
        fig.add_trace(go.Scatter(
            x=rows.year.tolist(), y=rows.value.tolist(), mode="lines+markers",
            name=safe.plotly(place), line=dict(color=colour, dash="dot" if france else "solid"),
            text=[safe.plotly(h) for h in hover], hovertemplate="%{text}<extra>%{fullData.name}"
            "</extra>"))
    y_title = i.unit(lang)
    fig.update_layout(height=height, margin=dict(l=0, r=10, t=10, b=0),
                      xaxis=dict(title=safe.plotly(t("time.year", lang)), dtick=1 if
                                 df.year.nunique() <= 16 else None, tickformat="d"),
                      yaxis=dict(title=safe.plotly(y_title),
                                 tickformat=".0%" if ind.value_kind(indicator_id) == "percent"
                                 else None),
                      legend=dict(orientation="h", y=-0.2), hovermode="closest")
    return numbers.style_figure(fig, lang)


def left_out_lines(df: pd.DataFrame, indicator_id: str, lang: str = "fr",
                   escape=safe.text) -> list[str]:
    """One sentence per place saying how many records no year can hold; ``escape``
    makes the place's name safe for the output (``safe.markdown`` for a page)."""
    basis = ind.DATED[indicator_id]
    out = []
    for place, rows in df.groupby("place", sort=False):
        k = int(rows.left_out.max()) if len(rows) else 0
        out.append(numbers.plural(f"time.left_out.{basis}", k, lang, place=escape(place)))
    return out


def table(df: pd.DataFrame, indicator_id: str, lang: str = "fr") -> pd.DataFrame:
    """The series as a download: one row per (place, year), raw numbers."""
    return pd.DataFrame({
        t("time.col.place", lang): df.place, t("time.col.year", lang): df.year,
        safe.text(ind.get(indicator_id).titled(lang)): df.value,
        t("time.col.left_out", lang): df.left_out})

