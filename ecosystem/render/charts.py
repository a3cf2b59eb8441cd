"""Plotly figures the pages share. Every label that reaches Plotly goes through
:func:`ecosystem.render.safe.plotly` (Plotly reads a subset of HTML in labels);
colours come from :mod:`ecosystem.render.palette`."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.express as px
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
        textangle=0,  # level: Plotly turned the value a quarter to fit a narrow bar
        marker_color=[palette.actor_type(c) for c, _ in rows],
        hovertemplate="%{y} : %{x:,d}<extra></extra>" if lang == "fr" else
        "%{y}: %{x:,d}<extra></extra>"))
    fig.update_layout(height=height or max(180, 26 * len(rows) + 60),
                      margin=dict(l=0, r=10, t=10, b=0), showlegend=False,
                      xaxis_title=safe.plotly(value_label))
    return numbers.style_figure(fig, lang)


def category_bars(counts: pd.DataFrame, vocab: voc.Vocabulary, lang: str,
                  value_label: str) -> go.Figure:
    """Horizontal bars of ``counts`` (``category``, ``n``) for the codes of ``vocab``:
    actor types in their own colours (:func:`actor_type_bars`), other vocabularies
    (domains, stages) in the accent colour; largest at the top; the language's
    separators."""
    d = counts[counts.category.isin(vocab.codes)]
    if vocab is voc.ACTOR_TYPES:  # one colour per type, as on the map and the network
        return actor_type_bars(d.category, d.n, lang, value_label)
    d = d.assign(label=labels(d.category.map(lambda c: vocab.label(c, lang))))
    fig = px.bar(d.sort_values("n"), x="n", y="label", orientation="h", text="n",
                 labels={"n": safe.plotly(value_label), "label": ""},
                 color_discrete_sequence=[palette.ACCENT])
    fig.update_traces(texttemplate="%{x:,d}", textangle=0)  # level, as actor_type_bars
    fig.update_layout(height=max(180, 26 * len(d) + 60), margin=dict(l=0, r=10, t=10, b=0))
    return numbers.style_figure(fig, lang)


def stage_funnel(counts: pd.DataFrame, lang: str, value_label: str) -> go.Figure:
    """Projects per stage (``category``, ``n``) as a funnel, every stage in its order
    (a stage without project shows 0); the language's separators."""
    stage = counts.set_index("category").reindex(voc.STAGES.codes).n.fillna(0)
    sd = pd.DataFrame({"label": labels(voc.STAGES.label(c, lang) for c in stage.index),
                       "n": stage.values})
    fig = px.funnel(sd, x="n", y="label", labels={"n": safe.plotly(value_label), "label": ""},
                    color_discrete_sequence=[palette.ACCENT])
    fig.update_traces(texttemplate="%{x:,d}")
    fig.update_layout(height=240, margin=dict(l=0, r=10, t=10, b=0))
    return numbers.style_figure(fig, lang)


HEATMAP_MIN_HEIGHT = 380


def score_heatmap(values: pd.DataFrame, names: Iterable, zmin: float, zmax: float,
                  color_label: str) -> go.Figure:
    """Mean scores (rows × criteria) as a heatmap; criteria and row names come from
    the user's grid file and inventory: text, never Plotly's HTML subset."""
    fig = px.imshow(values.values, x=labels(values.columns), y=labels(names),
                    color_continuous_scale="Blues", zmin=zmin, zmax=zmax,
                    aspect="auto", text_auto=".1f", labels={"color": safe.plotly(color_label)})
    # the criteria under the cells need ~200 px at their angle, the colour bar ~150:
    # a heatmap of one or two rows was squeezed (labels cut, colour bar a few pixels)
    fig.update_layout(height=max(HEATMAP_MIN_HEIGHT, 120 + 28 * len(values)),
                      margin=dict(l=0, r=0, t=10, b=0))
    fig.update_xaxes(tickangle=-35, automargin=True)
    return fig


def labels(values: Iterable) -> list[str]:
    """Plotly-safe text of each value (axis categories, legend entries, hover text)."""
    return [safe.plotly(v) for v in values]



def plotly_config(lang: str) -> dict:
    """``st.plotly_chart(config=...)``: no Plotly toolbar. Its tooltips ("Reset axes",
    "Download plot") are English whatever the page's language, and Streamlit passes
    no per-chart ``locales`` dictionary to Plotly (tried: the titles stayed English);
    the charts are static bars, and Streamlit's own fullscreen button remains."""
    return {"displaylogo": False, "displayModeBar": False}
