"""Altair chart builders for lessons and apps: one colour-blind-safe theme, units in every axis title.

Each chart comes in two parts: a *layout* (marks, axes, parameters) that reads named tables, and the
*tables* computed from simulation results. ``session_response_chart(results)`` and the other public
builders join the two; a slider app keeps the layout's spec and swaps in new tables on every slider move,
which costs a few milliseconds instead of rebuilding and re-validating the chart.

Long series are thinned by :func:`peak_preserving_indices` so that no chart carries more than
:data:`MAX_ROWS` rows; each bucket keeps its minimum and maximum, so session peaks survive. View-only
controls (a reference line, the time window) are Altair parameters, moved without re-simulating.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from .._validate import check_number, check_sequence, shown
from ..science.effects import EFFECT_UNITS, check_effect

# Okabe & Ito (2008) colour-blind-safe palette, black last.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MAX_ROWS = 2000  # rows per chart; a one-year series at 5 min resolution has over 60,000
WIDTH, HEIGHT = 520, 220
BAND_OPACITY = 0.25


def use_offline() -> None:
    """Render charts with no network: JupyterChart's JavaScript comes bundled from vl-convert-python.

    Bundling takes seconds in every new kernel, so the bundle is kept in the user's cache folder, keyed by
    the altair and vl-convert versions that made it.
    """
    if not alt.JupyterChart._is_offline:
        cached = _bundle_cache()
        if cached is not None and cached.exists():
            alt.JupyterChart._esm, alt.JupyterChart._is_offline = cached.read_text(encoding="utf-8"), True
        else:
            alt.JupyterChart.enable_offline()
            _store_bundle(cached, alt.JupyterChart._esm)
    alt.renderers.enable("jupyter", offline=True)


def _bundle_cache() -> Path | None:
    try:
        import vl_convert

        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except (ImportError, RuntimeError):  # no vl-convert or no home folder: bundle every time
        return None
    return root / "kettutor" / f"jupyterchart-altair{alt.__version__}-vlconvert{vl_convert.__version__}.js"


def _store_bundle(path: Path | None, bundle: str) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_suffix(f".{os.getpid()}.tmp")
        scratch.write_text(bundle, encoding="utf-8")
        scratch.replace(path)  # atomic: a kernel starting meanwhile reads the old file or the new one, never half
    except OSError:  # a read-only home: bundle again next time
        pass


@dataclass(frozen=True)
class Figure:
    """A chart as layout plus tables. ``key`` names the layout's shape: figures with equal keys share a
    layout and differ only in their tables."""

    key: tuple
    layout: Callable[[], alt.TopLevelMixin]  # builds the chart, reading the named tables
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    description: str = ""  # what the chart shows, in words: read aloud by screen readers (Vega-Lite ``description``)

    def chart(self) -> alt.TopLevelMixin:
        """The Altair chart with its tables and its text description attached."""
        return self.layout().properties(datasets=self.datasets(), description=self.description)

    def datasets(self) -> dict[str, str]:
        """The tables as inline CSV text, by name."""
        return {name: _csv(frame) for name, frame in self.tables.items()}


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, float_format="%.6g")


def _table(name: str) -> alt.NamedData:
    return alt.NamedData(name=name, format=alt.DataFormat(type="csv"))


def peak_preserving_indices(values: np.ndarray, max_points: int) -> np.ndarray:
    """Indices (sorted) of at most ``max_points`` samples of ``values`` (N,) or (series, N): the first and
    last sample and, in equal buckets, the minimum and maximum of every series."""
    values = np.atleast_2d(np.asarray(values, dtype=float))
    count = values.shape[1]
    if count <= max_points:
        return np.arange(count)
    buckets = max(1, (max_points - 2) // (2 * values.shape[0]))
    size = -(-count // buckets)
    padded = np.full((values.shape[0], buckets * size), np.nan)
    padded[:, :count] = values
    blocks = padded.reshape(values.shape[0], buckets, size)
    offsets = np.arange(buckets)[None, :] * size
    high = np.argmax(np.where(np.isnan(blocks), -np.inf, blocks), axis=2) + offsets
    low = np.argmin(np.where(np.isnan(blocks), np.inf, blocks), axis=2) + offsets
    keep = np.concatenate([[0, count - 1], high.ravel(), low.ravel()])
    return np.unique(keep[keep < count])


def _colour(title: str, domain: Sequence[str]) -> alt.Color:
    return alt.Color("series:N", title=title, scale=alt.Scale(domain=list(domain), range=list(PALETTE[: len(domain)])))


DASHES = ([1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [1, 4], [10, 4])  # solid first: colour is never the only cue


def _dash(title: str, domain: Sequence[str]) -> alt.StrokeDash:
    """Line style by series, with the colour legend: series stay apart in grey print and for colour-blind readers."""
    return alt.StrokeDash("series:N", title=title, scale=alt.Scale(domain=list(domain), range=[list(d) for d in DASHES[: len(domain)]]))


def _whole_numbers(title: str) -> alt.X:
    """A session axis: whole numbers only, labels that never overlap."""
    return alt.X("session:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1, labelOverlap="greedy"))


def _list(items: Sequence[str]) -> str:
    return "; ".join(items)


def _reference_rule(param: alt.Parameter) -> alt.Chart:
    """A dashed horizontal line at the value of ``param`` (moved without re-simulating)."""
    return alt.Chart(_table("one_row")).mark_rule(strokeDash=[6, 4], color=PALETTE[-1]).encode(y=alt.datum(param, type="quantitative"))


ONE_ROW = pd.DataFrame({"row": [0]})
SESSION_AXIS_SPAN = pd.DataFrame({"value": [80.0, 110.0]})  # % of the first session: the least a session axis shows


def _labelled(name: str, mapping: object, what: str, check, example: str) -> dict:
    """``mapping`` as a dict of str label -> value, each value checked by ``check`` (at least one entry)."""
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValueError(f"{name} must be a dict of label -> {what} with at least one entry, e.g. {example}; got {shown(mapping)}.")
    for label, value in mapping.items():
        if not isinstance(label, str):
            raise ValueError(f"{name} must be labelled by str keys (shown in the legend); got the key {shown(label)}.")
        check(label, value)
    return dict(mapping)


def _instance_of(kind_name: str, example: str):
    """A check that a dict value is a kettutor ``kind_name`` (SimulationResult, CohortResult, ...)."""

    def check(label: str, value: object) -> None:
        from .. import policies
        from ..solver import cohort, result

        kind = {"SimulationResult": result.SimulationResult, "CohortResult": cohort.CohortResult, "PolicyOutcome": policies.PolicyOutcome}[kind_name]
        if not isinstance(value, kind):
            raise ValueError(f"each value must be a kettutor.{kind_name} ({example}); got {shown(value)} of type {type(value).__name__} for {label!r}.")

    return check


def _check_one(name: str, value: object, kind_name: str, example: str) -> None:
    _instance_of(kind_name, example)(name, value)


# ----- concentration-time by route --------------------------------------------------------------------
def concentration_figure(results: Mapping[str, object], *, quantity: str = "plasma") -> Figure:
    """Concentration-time curves of several results (e.g. one per route), labelled by their keys.
    ``quantity``: 'plasma' or 'effect site' (ketamine, mg/L). Parameter ``window_h``: hours shown."""
    if not isinstance(quantity, str) or quantity not in ("plasma", "effect site"):
        raise ValueError(f"quantity must be 'plasma' or 'effect site'; got {shown(quantity)}.")
    results = _labelled("results", results, "SimulationResult", _instance_of("SimulationResult", "from kettutor.solver.simulate"), "{'IV': simulate(...)}")
    frames, hours = [], 0.0
    for label, result in results.items():
        series = result.plasma_mg_per_l if quantity == "plasma" else result.effect_site_mg_per_l
        keep = peak_preserving_indices(series, MAX_ROWS // max(len(results), 1))
        frames.append(pd.DataFrame({"time_h": result.time_h[keep], "series": label, "value": series[keep]}))
        hours = max(hours, float(result.time_h[-1]))
    labels = tuple(results)
    title = f"{'Plasma' if quantity == 'plasma' else 'Effect-site'} ketamine (mg/L)"

    def layout() -> alt.TopLevelMixin:
        window = alt.param(name="window_h", value=float(min(hours, 24.0)))
        return (
            alt.Chart(_table("concentration"))
            .mark_line()
            .encode(
                x=alt.X("time_h:Q", title="Time since the dose (h)"),
                y=alt.Y("value:Q", title=title),
                color=_colour("Route", labels),
                strokeDash=_dash("Route", labels),
                tooltip=[
                    alt.Tooltip("series:N", title="Route"),
                    alt.Tooltip("time_h:Q", title="Time (h)", format=".2f"),
                    alt.Tooltip("value:Q", title="mg/L", format=".3f"),
                ],
            )
            .add_params(window)
            .transform_filter(alt.datum.time_h <= window)
            .properties(width=WIDTH, height=HEIGHT)
        )

    peaks = []
    for label, result in results.items():
        series = result.plasma_mg_per_l if quantity == "plasma" else result.effect_site_mg_per_l
        at = int(np.argmax(series))
        peaks.append(f"{label} peaks at {series[at]:.3g} mg/L after {result.time_h[at]:.2g} h")
    description = f"Line chart of {quantity} ketamine concentration (mg/L) against time since the dose (hours), one line per route: " + _list(peaks) + "."
    return Figure(("concentration", labels, title), layout, {"concentration": pd.concat(frames, ignore_index=True)}, description)


# ----- effects over time ------------------------------------------------------------------------------
def effects_figure(
    result,
    effects: Sequence[str] = ("dissociation", "anesthesia"),
    *,
    threshold_percent: float = 50.0,
    band_percent: tuple[float, float] | None = None,
) -> Figure:
    """Acute effects (% of maximum) over time with a threshold line (parameter ``threshold``) and, if
    given, a shaded band (``band_percent``: low and high %, e.g. a target range)."""
    _check_one("result", result, "SimulationResult", "from kettutor.solver.simulate")
    if isinstance(effects, str):
        raise ValueError(f"effects must be a tuple of effect names, e.g. ({effects!r},); got the string {effects!r}.")
    effects = tuple(check_effect(e) for e in check_sequence("effects", effects, "effect names", example="('dissociation',)", low=1, high=len(EFFECT_UNITS)))
    if any(not EFFECT_UNITS[e].startswith("%") for e in effects):
        raise ValueError(
            f"effects must be effects in % of maximum (effects_chart draws effects in % of maximum); got {list(effects)}, which "
            "includes the antidepressant effect (Hedges g)."
        )
    threshold_percent = check_number("threshold_percent", threshold_percent, "%", low=0.0, high=100.0, low_inclusive=True)
    band = None
    if band_percent is not None:
        band_percent = check_sequence("band_percent", band_percent, "percentages (low, high)", example="(40, 60)", low=2, high=2)
        low = check_number("band_percent low", band_percent[0], "%", low=0.0, high=100.0, low_inclusive=True)
        high = check_number("band_percent high", band_percent[1], "%", low=low, high=100.0)
        band = pd.DataFrame({"low": [low], "high": [high]})
    values = np.stack([result.effect(e) for e in effects])
    keep = peak_preserving_indices(values, MAX_ROWS // len(effects))
    short = result.time_h[-1] <= 72.0
    field_name, axis_title, scale = ("time_h", "Time (h)", 1.0) if short else ("time_days", "Time (days)", 1.0 / 24.0)
    frame = pd.concat(
        [pd.DataFrame({field_name: result.time_h[keep] * scale, "series": e, "value": values[i, keep]}) for i, e in enumerate(effects)],
        ignore_index=True,
    )

    def layout() -> alt.TopLevelMixin:
        threshold = alt.param(name="threshold", value=float(threshold_percent))
        lines = (
            alt.Chart(_table("effects"))
            .mark_line()
            .encode(
                x=alt.X(f"{field_name}:Q", title=axis_title),
                y=alt.Y("value:Q", title="Effect (% of maximum)", scale=alt.Scale(domain=[0, 100])),
                color=_colour("Effect", effects),
                strokeDash=_dash("Effect", effects),
            )
        )
        layers = [lines, _reference_rule(threshold)]
        if band is not None:
            layers.insert(0, alt.Chart(_table("band")).mark_rect(opacity=0.15, color=PALETTE[2]).encode(y="low:Q", y2="high:Q"))
        return alt.layer(*layers).add_params(threshold).properties(width=WIDTH, height=HEIGHT)

    tables = {"effects": frame, "one_row": ONE_ROW} | ({"band": band} if band is not None else {})
    description = (
        f"Line chart of effects (% of maximum) over time ({axis_title.lower()}) with a dashed threshold at {threshold_percent:g} %: "
        + _list([f"{e} peaks at {values[i].max():.0f} %" for i, e in enumerate(effects)]) + "."
    )
    return Figure(("effects", effects, field_name, band is not None), layout, tables, description)


# ----- per-session response ---------------------------------------------------------------------------
def session_response_figure(results: Mapping[str, object], effect: str = "dissociation") -> Figure:
    """Each session's peak ``effect`` as % of that patient's first session (tolerance falls below 100 %,
    sensitization rises above), one line per result. Parameter ``reference`` moves a reference line."""
    effect = check_effect(effect)
    results = _labelled("results", results, "SimulationResult", _instance_of("SimulationResult", "from kettutor.solver.simulate"), "{'weekly': simulate(...)}")
    frames = []
    for label, result in results.items():
        relative = 100.0 * result.relative_session_peaks(effect)
        session = np.arange(1, relative.size + 1)
        frames.append(pd.DataFrame({"session": session, "day": result.session_start_h / 24.0, "series": label, "value": relative}))
    labels = tuple(results)

    def layout() -> alt.TopLevelMixin:
        reference = alt.param(name="reference", value=100.0)
        lines = (
            alt.Chart(_table("sessions"))
            .mark_line(point=True)
            .encode(
                x=_whole_numbers("Session (number)"),
                y=alt.Y("value:Q", title=f"Session peak {effect} (% of first session)", scale=alt.Scale(zero=False)),
                color=_colour("Regimen", labels),
                strokeDash=_dash("Regimen", labels),
                tooltip=[
                    alt.Tooltip("series:N", title="Regimen"),
                    alt.Tooltip("session:Q", title="Session"),
                    alt.Tooltip("day:Q", title="Day", format=".1f"),
                    alt.Tooltip("value:Q", title="% of first", format=".0f"),
                ],
            )
        )
        # the axis spans at least 80-110 % around the data, so a 10 % fall reads as a fall and noise stays flat
        span = alt.Chart(_table("span")).mark_point(opacity=0).encode(y="value:Q")
        return alt.layer(span, lines, _reference_rule(reference)).add_params(reference).properties(width=WIDTH, height=HEIGHT)

    parts = []
    for frame in frames:
        values = frame["value"].to_numpy()
        low = int(np.argmin(values))
        parts.append(
            f"{frame['series'].iloc[0]}: {values.size} sessions, the last at {values[-1]:.0f} % of the first, "
            f"the lowest at {values[low]:.0f} % (session {low + 1})"
        )
    description = f"Line chart of each session's peak {effect} as a percentage of the first session's, with a dashed reference line. " + _list(parts) + "."
    tables = {"sessions": pd.concat(frames, ignore_index=True), "one_row": ONE_ROW, "span": SESSION_AXIS_SPAN}
    return Figure(("sessions", effect, labels), layout, tables, description)


# ----- dose-response ----------------------------------------------------------------------------------
def dose_response_figure(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], effect: str = "dissociation") -> Figure:
    """Dose-response curves (probe dose in mg/kg, log axis, against peak effect), e.g. before and after a
    course: tolerance shifts the curve right, sensitization left."""
    effect = check_effect(effect)
    curves = _labelled("curves", curves, "(doses_mg_per_kg, responses) pair", _check_curve, "{'day 0': dose_response(...)}")
    frame = pd.concat(
        [pd.DataFrame({"dose": np.asarray(d, float), "series": label, "value": np.asarray(r, float)}) for label, (d, r) in curves.items()],
        ignore_index=True,
    )
    labels = tuple(curves)

    def layout() -> alt.TopLevelMixin:
        return (
            alt.Chart(_table("dose_response"))
            .mark_line(point=True)
            .encode(
                x=alt.X("dose:Q", title="Probe dose (mg/kg)", scale=alt.Scale(type="log")),
                y=alt.Y("value:Q", title=f"Peak {effect} ({EFFECT_UNITS[effect]})"),
                color=_colour("When", labels),
                strokeDash=_dash("When", labels),
            )
            .properties(width=WIDTH, height=HEIGHT)
        )

    description = f"Dose-response curves of peak {effect} against probe dose (mg/kg, log scale): " + _list(
        [f"{label}: from {np.min(r):.3g} to {np.max(r):.3g} {EFFECT_UNITS[effect]}" for label, (_, r) in curves.items()]
    ) + "."
    return Figure(("dose_response", effect, labels), layout, {"dose_response": frame}, description)


def _check_curve(label: str, curve: object) -> None:
    """A dose-response curve: (doses_mg_per_kg, responses), equally long, doses > 0 (log axis), all finite."""
    pair = check_sequence(f"curves[{label!r}]", curve, "arrays (doses_mg_per_kg, responses)", example="dose_response(...)", low=2, high=2)
    try:
        doses, values = (np.asarray(part, dtype=float) for part in pair)
    except (TypeError, ValueError):
        raise ValueError(f"curves[{label!r}] must hold two arrays of numbers (doses_mg_per_kg, responses); got {shown(curve)}.") from None
    if doses.ndim != 1 or values.shape != doses.shape or doses.size == 0:
        raise ValueError(
            f"curves[{label!r}] must hold two equally long 1-D arrays with at least one dose (doses_mg_per_kg, responses); "
            f"got shapes {doses.shape} and {values.shape}."
        )
    if not (np.all(np.isfinite(doses)) and np.all(doses > 0.0) and np.all(np.isfinite(values))):
        raise ValueError(f"curves[{label!r}] must hold finite numbers, with doses_mg_per_kg > 0 mg/kg (a log axis); got {shown(curve)}.")


def _check_response(label: str, value: object) -> None:
    check_number(f"responses[{label!r}]", value, "x the drug-naive response", low=0.0, high=1e6, low_inclusive=True)


# ----- cohorts ----------------------------------------------------------------------------------------
def cohort_figure(result, effect: str = "dissociation", *, threshold_g: float = 1.0) -> Figure:
    """Percentile bands (5-95 and 25-75 %) and median of each session's peak relative to the patient's first
    session, above the share of responders (antidepressant effect >= ``threshold_g``) per session."""
    _check_one("result", result, "CohortResult", "from kettutor.solver.simulate(cohort, regimen)")
    effect = check_effect(effect)
    threshold_g = check_number("threshold_g", threshold_g, "Hedges g", low=0.0, high=2.0)
    relative = 100.0 * result.relative_session_peaks(effect)
    p5, p25, p50, p75, p95 = result.percentiles(relative)
    session = np.arange(1, relative.shape[1] + 1)
    bands = pd.DataFrame({"session": session, "p5": p5, "p25": p25, "p50": p50, "p75": p75, "p95": p95})
    responders = pd.DataFrame({"session": session, "share": 100.0 * result.responder_fraction(threshold_g=threshold_g)})

    def layout() -> alt.TopLevelMixin:
        base = alt.Chart(_table("bands")).encode(x=_whole_numbers("Session (number)"))
        spread = alt.layer(
            base.mark_area(opacity=BAND_OPACITY, color=PALETTE[0]).encode(
                y=alt.Y("p5:Q", title=f"Session peak {effect} (% of own first session)"), y2="p95:Q"
            ),
            base.mark_area(opacity=2 * BAND_OPACITY, color=PALETTE[0]).encode(y="p25:Q", y2="p75:Q"),
            base.mark_line(color=PALETTE[0]).encode(y="p50:Q"),
        ).properties(width=WIDTH, height=HEIGHT, title="Median patient (line), middle half and 90 % of patients (bands)")
        share = (
            alt.Chart(_table("responders"))
            .mark_area(color=PALETTE[2], opacity=0.5, line={"color": PALETTE[2]})
            .encode(
                x=_whole_numbers("Session (number)"),
                y=alt.Y("share:Q", title=f"Responders, antidepressant g ≥ {threshold_g:g} (% of patients)", scale=alt.Scale(domain=[0, 100])),
                tooltip=[alt.Tooltip("session:Q", title="Session"), alt.Tooltip("share:Q", title="% responders", format=".0f")],
            )
            .properties(width=WIDTH, height=HEIGHT // 2)
        )
        return alt.vconcat(spread, share)

    description = (
        f"Band chart of {relative.shape[0]} patients over {session.size} sessions: at the last session the median patient's peak {effect} "
        f"is {p50[-1]:.0f} % of their first, and 90 % of patients lie between {p5[-1]:.0f} % and {p95[-1]:.0f} %. "
        f"Below it, the share of antidepressant responders (effect size g of at least {threshold_g:g}) per session, "
        f"{responders['share'].iloc[-1]:.0f} % at the last session."
    )
    return Figure(("cohort", effect, threshold_g), layout, {"bands": bands, "responders": responders}, description)


# ----- escalation -------------------------------------------------------------------------------------
def escalation_figure(outcome) -> Figure:
    """An escalating user's dose per session (mg/kg) above the response it bought (% of maximum)."""
    _check_one("outcome", outcome, "PolicyOutcome", "from kettutor.escalating_use")
    session = np.arange(1, outcome.doses_mg_per_kg.size + 1)
    effect = outcome.effect
    anaesthesia = outcome.result.session_peaks("anesthesia")
    names = (f"{effect} (what the user chases)", "anaesthesia (loss of consciousness)")
    dose_frame = pd.DataFrame({"session": session, "dose": outcome.doses_mg_per_kg})
    effect_frame = pd.concat(
        [
            pd.DataFrame({"session": session, "series": names[0], "value": outcome.responses}),
            pd.DataFrame({"session": session, "series": names[1], "value": anaesthesia[: session.size]}),
        ],
        ignore_index=True,
    )

    def layout() -> alt.TopLevelMixin:
        x = _whole_numbers("Session (number)")
        dose = (
            alt.Chart(_table("doses"))
            .mark_line(color=PALETTE[3], point=alt.OverlayMarkDef(color=PALETTE[3], filled=True))
            .encode(x=x, y=alt.Y("dose:Q", title="Dose taken (mg/kg)"), tooltip=["session:Q", alt.Tooltip("dose:Q", title="mg/kg", format=".2f")])
            .properties(width=WIDTH, height=HEIGHT // 2 + 30)
        )
        response = (
            alt.Chart(_table("effects"))
            .mark_line(point=True)
            .encode(
                x=x,
                y=alt.Y("value:Q", title="Session peak (% of maximum)", scale=alt.Scale(domain=[0, 100])),
                color=_colour("Effect", names),
                strokeDash=_dash("Effect", names),
                shape=alt.Shape("series:N", title="Effect", scale=alt.Scale(domain=list(names), range=["circle", "triangle-up"])),
            )
            .properties(width=WIDTH, height=HEIGHT // 2 + 30)
        )
        return alt.vconcat(dose, response).resolve_scale(color="independent", strokeDash="independent", shape="independent")

    description = (
        f"Two line charts over {session.size} sessions. Top: the dose taken rose from {outcome.doses_mg_per_kg[0]:.2g} "
        f"to {outcome.doses_mg_per_kg[-1]:.2g} mg/kg. Bottom: peak {effect} went from {outcome.responses[0]:.0f} % to "
        f"{outcome.responses[-1]:.0f} % of maximum, and peak anaesthesia reached {anaesthesia.max():.0f} %."
    )
    return Figure(("escalation", effect), layout, {"doses": dose_frame, "effects": effect_frame}, description)


# ----- recovery during holidays -----------------------------------------------------------------------
RECOVERY_EFFECTS = ("dissociation", "locomotor")  # tolerance only; tolerance and sensitization


def recovery_figure(result, *, holidays: Sequence[tuple[float, float]] = ()) -> Figure:
    """How far adaptation has moved the EC50 of dissociation (tolerance) and of the locomotor/reward
    effect (tolerance and sensitization) from the patient's baseline, over time, with drug holidays shaded:
    tolerance fades during a holiday, sensitization much more slowly. Parameter ``from_day`` trims the view."""
    _check_one("result", result, "SimulationResult", "from kettutor.solver.simulate")
    holidays = _check_holidays(holidays)
    days = result.time_h / 24.0
    series = np.stack([result.ec50_change_percent(e) for e in RECOVERY_EFFECTS])
    keep = peak_preserving_indices(series, MAX_ROWS // len(RECOVERY_EFFECTS))
    names = tuple(f"{e} EC50" for e in RECOVERY_EFFECTS)
    frame = pd.concat(
        [pd.DataFrame({"time_days": days[keep], "series": n, "value": series[i, keep]}) for i, n in enumerate(names)],
        ignore_index=True,
    )
    shaded = pd.DataFrame({"start": [float(h[0]) for h in holidays], "end": [float(h[1]) for h in holidays]})

    def layout() -> alt.TopLevelMixin:
        from_day = alt.param(name="from_day", value=0.0)
        lines = (
            alt.Chart(_table("adaptation"))
            .mark_line()
            .encode(
                x=alt.X("time_days:Q", title="Time (days)", axis=alt.Axis(labelOverlap="greedy", tickMinStep=1)),
                y=alt.Y("value:Q", title="EC50 change from baseline (%; up = tolerance)"),
                color=_colour("Adaptation", names),
                strokeDash=_dash("Adaptation", names),
            )
            .transform_filter(alt.datum.time_days >= from_day)
        )
        holiday = (
            alt.Chart(_table("holidays"))
            .mark_rect(opacity=0.15, color=PALETTE[2])
            .encode(x="start:Q", x2="end:Q")
            .transform_filter(alt.datum.end >= from_day)
        )
        return alt.layer(holiday, lines).add_params(from_day).properties(width=WIDTH, height=HEIGHT)

    description = (
        f"Line chart over {days[-1]:.0f} days of how far adaptation has moved each EC50 from baseline (up means tolerance, down means "
        f"sensitization), with {len(holidays)} drug holidays shaded: "
        + _list([f"{n} ends at {series[i, -1]:+.0f} % (range {series[i].min():+.0f} to {series[i].max():+.0f} %)" for i, n in enumerate(names)])
        + "."
    )
    return Figure(("recovery",), layout, {"adaptation": frame, "holidays": shaded}, description)


def _check_holidays(holidays: object) -> list[tuple[float, float]]:
    """Holidays as (start, end) day pairs, 0 <= start <= end."""
    pairs = check_sequence("holidays", holidays, "(start, end) day pairs", example="[(28, 42)]")
    checked = []
    for pair in pairs:
        pair = check_sequence("each of holidays", pair, "days (start, end)", example="(28, 42)", low=2, high=2)
        start = check_number("holiday start", pair[0], "days", low=0.0, high=36500.0, low_inclusive=True)
        checked.append((start, check_number("holiday end", pair[1], "days", low=start, high=36500.0, low_inclusive=True)))
    return checked


def holiday_windows(regimen, *, min_gap_days: float) -> list[tuple[float, float]]:
    """(start, end) days of every gap between sessions longer than ``min_gap_days``: the holidays."""
    from ..regimen import Regimen

    if not isinstance(regimen, Regimen):
        raise ValueError(f"regimen must be a kettutor.Regimen; got {shown(regimen)} of type {type(regimen).__name__}.")
    min_gap_days = check_number("min_gap_days", min_gap_days, "days", low=0.0, high=3650.0)
    starts = regimen.session_start_h / 24.0
    return [(float(starts[i]), float(starts[i + 1])) for i in np.flatnonzero(np.diff(starts) > min_gap_days)]


# ----- challenge after intermittent or continuous exposure ----------------------------------------------
def challenge_figure(responses: Mapping[str, float], effect: str = "locomotor") -> Figure:
    """Challenge response after each pretreatment as % of a drug-naive patient's (bars), with a reference
    line (parameter ``reference``, default 100 %: above it sensitized, below it tolerant)."""
    effect = check_effect(effect)
    responses = _labelled("responses", responses, "response (fraction of the drug-naive response)", _check_response, "{'intermittent': 1.3}")
    responses = {label: float(value) for label, value in responses.items()}
    frame = pd.DataFrame({"series": list(responses), "value": [100.0 * v for v in responses.values()]})
    labels = tuple(responses)

    def layout() -> alt.TopLevelMixin:
        reference = alt.param(name="reference", value=100.0)
        bars = (
            alt.Chart(_table("challenge"))
            .mark_bar()
            .encode(
                x=alt.X("series:N", title="Pretreatment (same total dose)", sort=list(labels), axis=alt.Axis(labelAngle=0, labelLimit=200)),
                y=alt.Y("value:Q", title=f"Challenge {effect} peak (% of drug-naive response)"),
                color=alt.Color("series:N", legend=None, scale=alt.Scale(domain=list(labels), range=list(PALETTE[: len(labels)]))),
            )
        )
        labels_on_bars = (
            alt.Chart(_table("challenge"))
            .mark_text(dy=-8)
            .encode(x=alt.X("series:N", sort=list(labels)), y="value:Q", text=alt.Text("value:Q", format=".0f"))
        )
        return alt.layer(bars, labels_on_bars, _reference_rule(reference)).add_params(reference).properties(width=WIDTH, height=HEIGHT)

    description = f"Bar chart of the challenge {effect} peak as a percentage of a drug-naive response (100 % = no change, above = sensitized, below = tolerant): " + _list(
        [f"{label} {100.0 * value:.0f} %" for label, value in responses.items()]
    ) + "."
    return Figure(("challenge", effect, labels), layout, {"challenge": frame, "one_row": ONE_ROW}, description)


def stacked(*figures: Figure) -> Figure:
    """Figures one above the other (their table names must differ)."""
    tables: dict[str, pd.DataFrame] = {}
    for figure in figures:
        tables.update(figure.tables)
    def layout() -> alt.TopLevelMixin:
        return alt.vconcat(*(f.layout() for f in figures)).resolve_scale(color="independent", strokeDash="independent")

    return Figure(("stacked",) + tuple(f.key for f in figures), layout, tables, " Below it: ".join(f.description for f in figures if f.description))


# ----- public builders: Altair charts from results ------------------------------------------------------
def concentration_chart(results: Mapping[str, object], *, quantity: str = "plasma") -> alt.TopLevelMixin:
    """Concentration-time by route (see :func:`concentration_figure`): concentration in mg/L against time in h.

    >>> from kettutor import Patient, Regimen, simulate
    >>> results = {route: simulate(Patient(), Regimen.single(dose_mg=35, route=route), days=1)   # 35 mg = 0.5 mg/kg
    ...            for route in ("iv_bolus", "oral")}
    >>> chart = concentration_chart(results)
    >>> chart.mark
    'line'
    >>> print(chart.description)
    Line chart of plasma ketamine ... one line per route: iv_bolus peaks at ... mg/L after ... h; oral peaks at ... mg/L after ... h.
    """
    return concentration_figure(results, quantity=quantity).chart()


def effects_chart(
    result,
    effects: Sequence[str] = ("dissociation", "anesthesia"),
    *,
    threshold_percent: float = 50.0,
    band_percent: tuple[float, float] | None = None,
) -> alt.TopLevelMixin:
    """Effects over time with a threshold line and an optional band (see :func:`effects_figure`): effects in %
    of maximum, time in h (days for series longer than 72 h).

    >>> from kettutor import Patient, Regimen, simulate
    >>> result = simulate(Patient(), Regimen.single(dose_mg_per_kg=0.5, infusion_min=40), days=1)
    >>> print(effects_chart(result, ("dissociation", "anesthesia"), threshold_percent=50).description)
    Line chart of effects (% of maximum) over time ... threshold at 50 %: dissociation peaks at ... %; anesthesia peaks at ... %.
    """
    return effects_figure(result, effects, threshold_percent=threshold_percent, band_percent=band_percent).chart()


def session_response_chart(results: Mapping[str, object], effect: str = "dissociation") -> alt.TopLevelMixin:
    """Per-session response relative to the first session (see :func:`session_response_figure`), in % of the
    first session's peak.

    >>> from kettutor import Patient, Regimen, simulate
    >>> def course(every_days):   # four sessions of 0.5 mg/kg over 40 min, every_days apart
    ...     return Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=every_days, doses=4)
    >>> results = {"weekly": simulate(Patient(), course(7)), "daily": simulate(Patient(), course(1))}
    >>> print(session_response_chart(results).description)
    Line chart of each session's peak dissociation as a percentage of the first session's, ... weekly: 4 sessions, the last at ... % of
    the first, ...; daily: 4 sessions, ...
    """
    return session_response_figure(results, effect).chart()


def dose_response_chart(curves: Mapping[str, tuple[np.ndarray, np.ndarray]], effect: str = "dissociation") -> alt.TopLevelMixin:
    """Dose-response curves (see :func:`dose_response_figure`): probe dose in mg/kg against the peak effect.

    >>> from kettutor import Patient, Regimen, dose_response
    >>> daily = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=7)   # a week, daily
    >>> curves = {f"day {day}": dose_response(Patient(), daily, day=day, doses_mg_per_kg=[0.25, 0.5, 1.0])
    ...           for day in (0, 8)}
    >>> print(dose_response_chart(curves).description)
    Dose-response curves of peak dissociation against probe dose (mg/kg, log scale): day 0: from ... % of maximal effect; day 8: from ...
    """
    return dose_response_figure(curves, effect).chart()


def cohort_chart(result, effect: str = "dissociation", *, threshold_g: float = 1.0) -> alt.TopLevelMixin:
    """Cohort percentile bands and responder fractions (see :func:`cohort_figure`): session peaks in % of each
    patient's first, responders in % of patients.

    >>> from kettutor import Cohort, Regimen, simulate
    >>> weekly = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=7, doses=4)
    >>> chart = cohort_chart(simulate(Cohort.sample(20, seed=1), weekly))
    >>> print(chart.description)
    Band chart of 20 patients over 4 sessions: at the last session the median patient's peak dissociation is ... % of their first, ...
    """
    return cohort_figure(result, effect, threshold_g=threshold_g).chart()


def escalation_chart(outcome) -> alt.TopLevelMixin:
    """An escalating user's dose trajectory (see :func:`escalation_figure`): dose in mg/kg, response in % of maximum.

    >>> from kettutor import escalating_use
    >>> print(escalation_chart(escalating_use(sessions=10)).description)   # ten days of daily nasal use
    Two line charts over 10 sessions. Top: the dose taken rose from 0.5 to ... mg/kg. Bottom: peak dissociation went from ...
    """
    return escalation_figure(outcome).chart()


def recovery_chart(result, *, holidays: Sequence[tuple[float, float]] = ()) -> alt.TopLevelMixin:
    """Tolerance and sensitization through drug holidays (see :func:`recovery_figure`): EC50 change in % against
    time in days; ``holidays`` are (start, end) days.

    >>> from kettutor import Patient, Regimen, simulate
    >>> course = Regimen.repeated(dose_mg_per_kg=0.5, infusion_min=40, every_days=1, doses=14)   # daily
    >>> course = course.with_holiday(start_day=7, length_days=7)   # a week off after day 6
    >>> holidays = holiday_windows(course, min_gap_days=1.5)   # (start, end) days
    >>> holidays
    [(6.0, 14.0)]
    >>> print(recovery_chart(simulate(Patient(), course, days=28), holidays=holidays).description)
    Line chart over 28 days of how far adaptation has moved each EC50 from baseline ... dissociation EC50 ends at ... %); locomotor
    EC50 ends at ... %).
    """
    return recovery_figure(result, holidays=holidays).chart()


def challenge_chart(responses: Mapping[str, float], effect: str = "locomotor") -> alt.TopLevelMixin:
    """Challenge responses after different pretreatments (see :func:`challenge_figure`): ``responses`` are
    fractions of the drug-naive response, drawn in %.

    >>> chart = challenge_chart({"every 2 days": 1.2, "continuous infusion": 0.9})   # x the drug-naive response
    >>> print(chart.description)
    Bar chart of the challenge locomotor peak as a percentage of a drug-naive response ...: every 2 days 120 %; continuous infusion 90 %.
    """
    return challenge_figure(responses, effect).chart()


def row_count(spec: dict) -> int:
    """Rows of data in a chart spec (``chart.to_dict()``), over all its tables, for checking the row cap."""

    def rows(table) -> int:
        if isinstance(table, str):  # inline CSV: a header line, then one line per row
            return max(len(table.strip().splitlines()) - 1, 0)
        return len(table)

    return sum(rows(table) for table in spec.get("datasets", {}).values())
