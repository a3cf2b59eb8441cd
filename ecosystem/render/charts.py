"""Plotly figures the pages share. Every label that reaches Plotly goes through
:func:`ecosystem.render.safe.plotly` (Plotly reads a subset of HTML in labels);
colours come from :mod:`ecosystem.render.palette`."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

from ecosystem import vocabulary as voc
from ecosystem import numbers
from ecosystem.render import palette, safe


def actor_type_bars(codes: Iterable, counts: Iterable, lang: str, value_label: str,
                    height: int | None = None) -> go.Figure:
    """Horizontal bars of actors per type, each bar in its type's colour (the same
    as on the map and the network drawing), largest at the top; numbers with the
    language's separators (:func:`ecosystem.numbers.style_figure`)."""
    rows = sorted(zip(codes, counts), key=lambda r: r[1])
    labels = [safe.plotly(voc.ACTOR_TYPES.label(c, lang)) for c, _ in rows]
    values = [int(n) for _, n in rows]
    fig = go.Figure(go.Bar(
        x=values, y=labels, orientation="h", texttemplate="%{x:,d}", textposition="auto",
        marker_color=[palette.actor_type(c) for c, _ in rows],
        hovertemplate="%{y} : %{x:,d}<extra></extra>" if lang == "fr" else
        "%{y}: %{x:,d}<extra></extra>"))
    fig.update_layout(height=height or max(180, 26 * len(rows) + 60),
                      margin=dict(l=0, r=10, t=10, b=0), showlegend=False,
                      xaxis_title=safe.plotly(value_label))
    return numbers.style_figure(fig, lang)


def labels(values: Iterable) -> list[str]:
    """Plotly-safe text of each value (axis categories, legend entries, hover text)."""
    return [safe.plotly(v) for v in values]
