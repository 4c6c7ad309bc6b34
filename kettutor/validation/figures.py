"""Altair charts of the model against published values, built from evaluated targets.

Each builder returns an ``alt.Chart`` (or layer) whose data are inline and rounded to four significant
digits, so the SVG written from it (:func:`to_svg`) is the same on every run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt

from kettutor.teach.charts import PALETTE

from .target import TargetResult

WIDTH, HEIGHT = 480, 260
RATIO_LIMITS = (0.1, 10.0)  # x-axis of the qualification chart (model / published)


def _round(value: float) -> float:
    return float(f"{value:.4g}")


def _weight_label(weight: float | None) -> str:
    return "cohort / own patients" if weight is None else f"{weight:g} kg"


def _model_rows(results: Sequence[TargetResult], scale: float = 1.0) -> list[dict]:
    return [
        {"target": r.target.id, "patient": _weight_label(w), "model": _round(v * scale), "verdict": r.status}
        for r in results
        for w, v in r.values
        if math.isfinite(v)
    ]


WEIGHT_COLOURS = {"50 kg": PALETTE[0], "110 kg": PALETTE[1], "70 kg": PALETTE[2], "cohort / own patients": PALETTE[3]}


def _weight_colour(results: Sequence[TargetResult]) -> alt.Color:
    """One colour per patient weight, the same in every chart."""
    labels = [label for label in WEIGHT_COLOURS if any(_weight_label(w) == label for r in results for w, _ in r.values)]
    return alt.Color("patient:N", title="patient", scale=alt.Scale(domain=labels, range=[WEIGHT_COLOURS[k] for k in labels]))


def range_chart(results: Sequence[TargetResult], *, y_title: str, title: str) -> alt.LayerChart:
    """Accepted range (grey bar), central published value (black tick) and model values (points) per target."""
    order = [r.target.id for r in results]
    ranges = [
        {"target": r.target.id, "low": _round(r.target.low), "high": _round(r.target.high),
         **({"published": _round(r.target.published_value)} if r.target.published_value is not None else {})}
        for r in results
    ]
    x = alt.X("target:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30))
    band = alt.Chart(alt.Data(values=ranges)).mark_bar(color="#BBBBBB", size=14).encode(
        x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q", tooltip=["target:N", "low:Q", "high:Q"]
    )
    published = alt.Chart(alt.Data(values=[row for row in ranges if "published" in row])).mark_tick(
        color="black", thickness=2, size=18
    ).encode(x=x, y="published:Q")
    model = alt.Chart(alt.Data(values=_model_rows(results))).mark_point(filled=True, size=70).encode(
        x=x, xOffset="patient:N", y="model:Q", color=_weight_colour(results), tooltip=["target:N", "patient:N", "model:Q", "verdict:N"]
    )
    return alt.layer(band, published, model).properties(width=WIDTH, height=HEIGHT, title=title)


def concentration_chart(results: Sequence[TargetResult]) -> alt.LayerChart:
    """Predicted against observed concentrations (ng/mL, log-log) with the line of identity and twofold lines."""
    rows = [
        {**row, "published": _round(r.target.published_value)}
        for r in results
        for row in _model_rows([r])
    ]
    values = [row["published"] for row in rows] + [row["model"] for row in rows if row["model"] > 0]
    low, high = 10 ** math.floor(math.log10(min(values) / 2)), 10 ** math.ceil(math.log10(max(values) * 2))
    scale = alt.Scale(type="log", domain=[low, high])
    lines = [
        {"line": name, "x": x, "y": x * factor}
        for name, factor in (("identity", 1.0), ("twofold", 2.0), ("twofold", 0.5))
        for x in (low, high)
    ]
    guide = alt.Chart(alt.Data(values=lines)).mark_line(color="#888888").encode(
        x=alt.X("x:Q", scale=scale, title="published (ng/mL)"),
        y=alt.Y("y:Q", scale=scale, title="model (ng/mL)"),
        strokeDash=alt.StrokeDash("line:N", title=None, sort=["identity", "twofold"]),
        detail="factor:N",
    ).transform_calculate(factor="datum.y / datum.x")
    points = alt.Chart(alt.Data(values=rows)).mark_point(filled=True, size=70).encode(
        x=alt.X("published:Q", scale=scale), y=alt.Y("model:Q", scale=scale), color=_weight_colour(results),
        shape=alt.Shape("target:N", title="target", legend=alt.Legend(labelLimit=320)), tooltip=["target:N", "patient:N", "published:Q", "model:Q"],
    )
    return alt.layer(guide, points).properties(width=WIDTH, height=HEIGHT, title="Concentrations: model against published")


def qualification_chart(results: Sequence[TargetResult]) -> alt.LayerChart:
    """Model / published value for every target with a central published value, with its accepted range."""
    lo, hi = RATIO_LIMITS
    clip = lambda value: min(max(value, lo), hi)  # noqa: E731
    order = [r.target.id for r in results]
    ranges = [
        {"target": r.target.id, "low": _round(clip(r.target.low / r.target.published_value)),
         "high": _round(clip(r.target.high / r.target.published_value))}
        for r in results
    ]
    rows = [
        {**row, "ratio": _round(clip(row["model"] / r.target.published_value))}
        for r in results
        for row in _model_rows([r])
    ]
    y = alt.Y("target:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    scale = alt.Scale(type="log", domain=[lo, hi])
    band = alt.Chart(alt.Data(values=ranges)).mark_bar(color="#BBBBBB", size=10).encode(
        y=y, x=alt.X("low:Q", scale=scale, title="model / published (accepted range in grey)"), x2="high:Q"
    )
    one = alt.Chart(alt.Data(values=[{"ratio": 1.0}])).mark_rule(color="black").encode(x=alt.X("ratio:Q", scale=scale))
    points = alt.Chart(alt.Data(values=rows)).mark_point(filled=True, size=60).encode(
        y=y, yOffset="patient:N", x=alt.X("ratio:Q", scale=scale), color=_weight_colour(results),
        shape=alt.Shape("verdict:N", scale=alt.Scale(domain=["pass", "known limitation", "FAIL"],
                                                     range=["circle", "diamond", "cross"])),
        tooltip=["target:N", "patient:N", "model:Q", "ratio:Q", "verdict:N"],
    )
    height = 16 * len(results)
    return alt.layer(band, one, points).properties(width=WIDTH, height=height, title="Model against published values")


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text (vl-convert, offline)."""
    import vl_convert

    version = alt.SCHEMA_VERSION.lstrip("v").split(".")
    return vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=f"v{version[0]}_{version[1]}")
